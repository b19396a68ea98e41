"""Read a workbook (any :class:`~xlsheet.workbook.source.Source`) into a :class:`~xlsheet.report.Report`.

Cells are found through defined names, never fixed addresses, so inserted rows and renamed sheets (which Excel
and WPS follow in the names) do not break reading.  A workbook without xlsheet's markers is refused with a
clear message; names that point nowhere are reported in ``Report.problems`` and their values read as BLANK.
"""
from __future__ import annotations

from ..errors import ForeignWorkbookError, FormatVersionError, InvalidWorkbookError
from ..metaparse import parse_meta
from ..report import Location, Report
from ..safety import MAX_TEXT
from ..spec import FORMATS, load_spec
from ..values import BLANK, parse_cell, uncalculated
from . import names
from .layout import GUIDE_SHEET, META_SHEET, RESULT_SHEET, TEXT_SHEET, data_sheets
from .source import FileSource, Source, parse_constant, parse_ref

#: A report year outside this range is kept as the text it is (META-YEAR says so) instead of reaching date
#: arithmetic (``date(20245, 1, 31)`` raises).
YEARS = range(1900, 2201)


def _cell(grid: list[list], row: int, col: int):
    if row - 1 < len(grid):
        line = grid[row - 1]
        if col - 1 < len(line):
            value = line[col - 1]
            return None if value == "" else value
    return None


#: Defined-name text → its cell as a Location (None: not a single-cell reference).  Almost every workbook of a
#: roll-up holds the same texts ('表三'!$D$8), so each is parsed once per process.  The value is a pure function
#: of the text (``parse_ref``), and a Location is immutable, so sharing it between reports is safe.  Bounded:
#: cleared when full, and long texts (never a real cell reference) are not kept.
_LOCATIONS: dict[str, Location | None] = {}
_MAX_LOCATIONS = 8192
_MAX_REF_TEXT = 300


def _location(text: str) -> Location | None:
    try:
        return _LOCATIONS[text]
    except KeyError:
        pass
    ref = parse_ref(text)
    loc = Location(*ref) if ref is not None else None
    if len(text) <= _MAX_REF_TEXT:
        if len(_LOCATIONS) >= _MAX_LOCATIONS:
            _LOCATIONS.clear()
        _LOCATIONS[text] = loc
    return loc


def _plan(spec, variants: frozenset[str]):
    """What :func:`read_source` walks for a spec and variants, with the defined names worked out once per spec:
    (meta, narrative, inputs, tables) — see :meth:`~xlsheet.spec.Spec.cached`."""
    def build():
        meta = tuple((f, names.meta_name(f.key), f"基本信息·{f.label}", f"meta.{f.key}") for f in spec.meta)
        narrative = tuple((f.key, names.text_name(f.key), f"正文·{f.label}", f"text.{f.key}", f.optional)
                          for f in spec.narrative)
        inputs = tuple((f, names.input_name(f.key), spec.table(f.table).sheet) for f in spec.fields_for(variants))
        label_cells = spec.label_cells(variants)
        tables = tuple((names.anchor_name(t.key), f"anchor.{t.key}",
                        tuple(((t.key, row, col), row, col) for row, col, _ in label_cells[t.key]))
                       for t in spec.tables)
        return meta, narrative, inputs, tables

    return spec.cached("read_plan", variants, build)


def read_source(source: Source) -> Report:
    defined = source.defined_names()
    marker = parse_constant(defined.get(names.FORMAT, ""))
    if marker is None:
        raise ForeignWorkbookError(
            f"“{source.label}”不是 xlsheet 年报工作簿（缺少格式标记）。请用“xlsheet new”新建工作簿后填报，"
            "或用“xlsheet import”把已发布的报告导入为工作簿。")
    if marker not in FORMATS:
        raise FormatVersionError(f"“{source.label}”的格式标记为“{marker}”，本程序只认识 {', '.join(FORMATS)}。"
                                 "请升级 xlsheet 后再试。")
    spec = load_spec(marker)
    revision = parse_constant(defined.get(names.REVISION, '"1"')) or "1"
    if not revision.isdigit() or int(revision) > spec.revision:
        raise FormatVersionError(f"“{source.label}”由更新版本的 xlsheet 创建（规格修订 {revision}，本程序为 "
                                 f"{spec.revision}）。请升级 xlsheet 后再试。")
    variants = frozenset(v for v in (parse_constant(defined.get(names.VARIANTS, '""')) or "").split(",") if v)
    report = Report(spec=spec, variants=variants, source=source.label,
                    origin=parse_constant(defined.get(names.ORIGIN, '""')) or None)
    sheets = set(source.sheet_names())
    meta_plan, narrative_plan, inputs_plan, tables_plan = _plan(spec, variants)
    problems, locations = report.problems, report.locations
    named = defined.get

    lost_sheets: dict[str, int] = {}  # a sheet the names point to that the workbook lacks → inputs it held
    broken: list[tuple[str, str]] = []  # (sheet of the field's section, problem) for names that point nowhere
    unread = report.unread

    def locate(name: str, what, key: str, section: str, optional: bool = False) -> Location | None:
        # ``what``: the description for a problem, or a function making it (only called when one is reported);
        # ``key`` is added to report.unread whenever a problem is (an absent optional name is no problem)
        text = named(name)
        loc = _location(text) if text else None
        if loc is None:
            if optional and text is None:
                return None
            broken.append((section, f"找不到“{what if isinstance(what, str) else what()}”所在的单元格"
                                    f"（名称 {name} 缺失或已失效），未能读取"))
            unread.add(key)
            return None
        if loc.sheet not in sheets:
            # one problem per missing sheet, said after the walk: a renamed 表三 is one cause, not 175 blanks
            lost_sheets[loc.sheet] = lost_sheets.get(loc.sheet, 0) + 1
            unread.add(key)
            return None
        return loc

    grids: dict[str, list[list]] = {}

    def grid(sheet: str) -> list[list]:
        # One bulk read per sheet, whatever the source (a live Excel book must not get a round trip per cell).
        if sheet not in grids:
            grids[sheet] = source.grid(sheet)
        return grids[sheet]

    def raw_at(loc: Location):
        value = _cell(grid(loc.sheet), loc.row, loc.col)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise InvalidWorkbookError(f"“{source.label}”的单元格 {loc.address} 中的文字有 {len(value):,} 个字符，"
                                       f"超过 Excel 单元格的上限（{MAX_TEXT:,}），不是正常保存的工作簿，已拒绝读取")
        return value

    meta = report.meta
    for field, name, what, where in meta_plan:
        loc = locate(name, what, where, META_SHEET)
        raw = raw_at(loc) if loc else None
        if loc:
            locations[where] = loc
        value = parse_meta(field.kind, raw)
        if field.kind == "year" and isinstance(value, int) and value not in YEARS:
            value = str(value)
        elif field.kind in ("date", "year") and isinstance(raw, str) and not isinstance(value, str):
            report.as_text[field.key] = raw  # parsed, but the spreadsheet sees text (META-AS-TEXT)
        meta[field.key] = value
    narrative = report.narrative
    for key, name, what, where, optional in narrative_plan:
        loc = locate(name, what, where, TEXT_SHEET, optional=optional)
        raw = raw_at(loc) if loc else None
        if loc:
            locations[where] = loc
        narrative[key] = "" if raw is None else str(raw)
    values = report.values
    year = report.year
    # asked only for a blank; a live Excel book has no such question (Excel calculates what it holds)
    formula_at = getattr(source, "uncalculated", None)
    for field, name, section in inputs_plan:
        loc = locate(name, lambda: field.describe(year), field.key, section)
        if loc is None:
            values[field.key] = BLANK  # not read (report.unread): CELL-BLANK leaves it to READ-MISSING
            continue
        locations[field.key] = loc
        raw = raw_at(loc)
        formula = formula_at(loc.sheet, loc.row, loc.col) if raw is None and formula_at else None
        values[field.key] = uncalculated(formula) if formula else parse_cell(raw)
    labels = report.labels
    for name, where, cells in tables_plan:
        anchor_text = named(name)
        anchor = _location(anchor_text) if anchor_text else None
        if anchor is None or anchor.sheet not in sheets:
            continue
        table_grid = grid(anchor.sheet)
        locations[where] = anchor
        top, left = anchor.row, anchor.col
        for label_key, row, col in cells:
            raw = _cell(table_grid, top + row, left + col)
            labels[label_key] = "" if raw is None else str(raw)
    if lost_sheets or broken:
        problems.extend(_unread_problems(lost_sheets, broken, spec, source.sheet_names()))
    return report


#: Problems about names that point nowhere, listed one by one up to this many in a section; more are summed up.
_LISTED = 3


def _unread_problems(lost_sheets: dict[str, int], broken: list[tuple[str, str]], spec, present: list[str]):
    """The Chinese problems for inputs that could not be located: one per missing sheet (naming the sheets the
    workbook has that the format does not, the likely renamed copy), and names that point nowhere one by one, or
    summed up per section when there are more than a few (a deleted sheet whose names now say #REF!)."""
    known = {*data_sheets(spec), RESULT_SHEET, GUIDE_SHEET}
    others = [s for s in present if s not in known]
    out = []
    for sheet, n in lost_sheets.items():
        if others:
            out.append(f"找不到工作表“{sheet}”，其中 {n} 个填报项未能读取。工作簿中另有工作表“{'”“'.join(others)}”，"
                       f"是否由“{sheet}”改名而来？请把工作表名改回“{sheet}”后再校验")
        else:
            out.append(f"找不到工作表“{sheet}”（是否被删除？），其中 {n} 个填报项未能读取。请从空白工作簿复制回该表，"
                       f"或把改过的工作表名改回“{sheet}”后再校验")
    by_section: dict[str, list[str]] = {}
    for section, problem in broken:
        by_section.setdefault(section, []).append(problem)
    for section, found in by_section.items():
        if len(found) <= _LISTED:
            out.extend(found)
        else:
            out.append(f"“{section}”中有 {len(found)} 个填报项找不到所在的单元格（名称缺失或已失效：是否删除了工作表、行或"
                       f"列？），未能读取。第一个是：{found[0]}")
    return out


def read(path) -> Report:
    """Read an annual-report workbook file.  Raises :class:`~xlsheet.errors.XlsheetError` subclasses with a
    Chinese message for anything that is not a readable xlsheet workbook."""
    source = FileSource(path)
    try:
        return read_source(source)
    finally:
        source.close()
