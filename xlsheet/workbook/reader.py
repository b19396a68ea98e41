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
from ..values import BLANK, parse_cell
from . import names
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

    def locate(name: str, what: str, optional: bool = False) -> Location | None:
        text = defined.get(name)
        ref = parse_ref(text) if text else None
        if ref is None and optional and text is None:
            return None
        if ref is None:
            report.problems.append(f"找不到“{what}”所在的单元格（名称 {name} 缺失或已失效），按空白处理")
            return None
        if ref[0] not in sheets:
            report.problems.append(f"“{what}”所在的工作表“{ref[0]}”不存在（是否被删除？），按空白处理")
            return None
        return Location(*ref)

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

    for field in spec.meta:
        loc = locate(names.meta_name(field.key), f"基本信息·{field.label}")
        raw = raw_at(loc) if loc else None
        if loc:
            report.locations[f"meta.{field.key}"] = loc
        value = parse_meta(field.kind, raw)
        if field.kind == "year" and isinstance(value, int) and value not in YEARS:
            value = str(value)
        report.meta[field.key] = value
    for field in spec.narrative:
        loc = locate(names.text_name(field.key), f"正文·{field.label}", optional=field.optional)
        raw = raw_at(loc) if loc else None
        if loc:
            report.locations[f"text.{field.key}"] = loc
        report.narrative[field.key] = "" if raw is None else str(raw)
    for field in spec.fields_for(variants):
        loc = locate(names.input_name(field.key), field.describe(report.year))
        if loc is None:
            report.values[field.key] = BLANK
            continue
        report.locations[field.key] = loc
        report.values[field.key] = parse_cell(raw_at(loc))
    for table in spec.tables:
        anchor_text = defined.get(names.anchor_name(table.key))
        anchor = parse_ref(anchor_text) if anchor_text else None
        if anchor is None or anchor[0] not in sheets:
            continue
        table_grid = grid(anchor[0])
        report.locations[f"anchor.{table.key}"] = Location(*anchor)
        for row in table.rows_for(variants):
            for cell in row.cells:
                if not cell.is_input:
                    raw = _cell(table_grid, anchor[1] + cell.row, anchor[2] + cell.col)
                    report.labels[(table.key, cell.row, cell.col)] = "" if raw is None else str(raw)
    return report


def read(path) -> Report:
    """Read an annual-report workbook file.  Raises :class:`~xlsheet.errors.XlsheetError` subclasses with a
    Chinese message for anything that is not a readable xlsheet workbook."""
    source = FileSource(path)
    try:
        return read_source(source)
    finally:
        source.close()
