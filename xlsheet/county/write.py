"""Step 4 of a roll-up: the output workbook — a normal xlsheet workbook of the summed figures (validate and report
it like any other), marks on the summed stock cells, and the 汇总情况 sheet listing every unit.

The package is not built cell by cell on every run: :mod:`.template` gives the blank package of the roll-up's
year, variants and stock cells (cached), and the sums, the county's texts and the 汇总情况 heading are written into
its sheet XML exactly as openpyxl writes such cells (tests/test_rollup_template.py compares the two).  The 汇总情况
rows are streamed straight into the package (one row at a time, never a cell object per row), so writing 20,000
units costs little memory.  Every text is written as an inline string — never a formula, whatever
it starts with (``=``, ``+``, ``-``, ``@``) — with the characters XML cannot hold removed and counted (a vertical
tab pasted into an agency name arrives as ``\\x0b`` and would otherwise make the file unwritable).
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib

from ..fileio import atomic_write
from ..report import column_letter
from ..spec import spec_for_year
from ..textsafe import ILLEGAL as _ILLEGAL, MAX_CELL_TEXT, as_cell_text
from ..workbook.layout import document_title
from . import template
from .aggregate import Rollup
from .check import STATUS_SHEET
from .template import FIRST_ROW, HEADERS, PROBLEMS_CELL, SUMMARY_CELL, TITLE_CELL
from .units import STATUS

_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # Excel would decode a literal "_x000B_" on reading


def escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (what ``xml.sax.saxutils.escape`` does, without importing
    it: it pulls in ``urllib.request``, ≈ 20 ms of importing for one function)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean_text(value: str) -> tuple[str, int]:
    """``value`` with the characters an .xlsx cannot hold removed and cut to Excel's 32,767 characters per cell;
    returns (text, how many characters were removed).  A literal ``_xHHHH_`` is protected so Excel shows it as
    typed.  (The status rows are streamed as inline strings, not written through openpyxl, hence not
    :func:`xlsheet.textsafe.set_cell`; the set of illegal characters is the same.)"""
    text, n = _ILLEGAL.subn("", value[:MAX_CELL_TEXT])
    return _ESCAPE_LIKE.sub(r"_x005F_\1", text), n


class _Rows:
    """Serialises status rows as sheet XML (styles: the prototype row's style index per column)."""

    def __init__(self, styles: list[str]):
        self.styles = styles

    def row(self, r: int, values) -> bytes:
        parts = [f'<row r="{r}">']
        for i, v in enumerate(values, start=1):
            ref, s = f"{column_letter(i)}{r}", self.styles[i - 1] if i <= len(self.styles) else ""
            style = f' s="{s}"' if s else ""
            if v is None or v == "":
                parts.append(f'<c r="{ref}"{style}/>')
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                parts.append(f'<c r="{ref}"{style}><v>{v}</v></c>')
            else:
                text = clean_text(str(v))[0]
                parts.append(f'<c r="{ref}"{style} t="inlineStr">'
                             f'<is><t xml:space="preserve">{escape(text)}</t></is></c>')
        parts.append("</row>")
        return "".join(parts).encode("utf-8")


def _unit_rows(roll: Rollup):
    for n, u in enumerate(roll.units, start=1):
        yield [n, u.name, u.agency, u.year, STATUS.get(u.status, u.status), u.errors, u.warnings,
               "是" if u.summed else "否", u.reason[:500], "；".join(u.copies)[:500]]


def _summary_line(roll: Rollup) -> str:
    c = roll.counts()
    parts = "，".join(f"{STATUS[s]} {c[s]}" for s in STATUS if c[s] or s in ("passed", "errors", "unreadable"))
    return (f"共 {len(roll.units)} 个工作簿：{parts}；计入汇总 {len(roll.summed)} 个。"
            f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M}")


class _Mismatch(Exception):
    """The blank package is not the one expected (a damaged or foreign cached file)."""


def _text_xml(text: str) -> str:
    """Character data as openpyxl (lxml) writes it: ``&``, ``<``, ``>`` escaped, and ``\\r`` as ``&#13;`` (a
    literal one would read back as ``\\n``)."""
    return escape(text).replace("\r", "&#13;")


def _cell_xml(ref: str, style: str, value) -> str:
    """Cell ``ref`` holding ``value`` (None, str, finite int/float) as openpyxl writes it through
    :func:`xlsheet.textsafe.set_cell`: a str always as an inline string (never a formula), cleaned; a number with
    ``%.16g``."""
    s = f' s="{style}"' if style else ""
    if value is None:
        return f'<c r="{ref}"{s} t="n"></c>'
    if isinstance(value, str):
        text = as_cell_text(value)
        if not text:
            return f'<c r="{ref}"{s} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_text_xml(text)}</t></is></c>'
    return f'<c r="{ref}"{s} t="n"><v>{"%.16g" % value}</v></c>'


def _fillable(value) -> bool:
    """Whether :func:`_cell_xml` writes ``value`` as openpyxl would (else the package is built by openpyxl)."""
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < float("inf")


_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>.*?</c>)', re.S)
_STYLE = re.compile(r'\bs="(\d+)"')


def _fill_cells(xml: str, fills: dict) -> str:
    """Sheet XML ``xml`` with the cells of ``fills`` ({ref: value}) rewritten; every ref must be there."""
    if not fills:
        return xml
    done = 0

    def sub(m):
        nonlocal done
        if m[1] not in fills:
            return m[0]
        done += 1
        style = _STYLE.search(m[2])
        return _cell_xml(m[1], style[1] if style else "", fills[m[1]])

    out = _CELL.sub(sub, xml)
    if done != len(fills):
        raise _Mismatch(f"cells missing: {sorted(fills)}")
    return out


def _parts(zin: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """The package's {sheet name: zip member} and its workbook-scoped defined names that name one cell
    {name: (sheet, cell ref)}, read as any workbook is (:mod:`xlsheet.workbook.bookxml`, ``parse_ref``)."""
    from ..workbook.bookxml import parse_book, parse_rels, part_path
    from ..workbook.source import parse_ref

    book = parse_book(zin.read("xl/workbook.xml"))
    targets = {rid: part_path(target) for rid, _, target in parse_rels(zin.read("xl/_rels/workbook.xml.rels"))}
    sheets = {name: targets[rid] for rid, name in book.ids if name is not None and rid in targets}
    defined = {}
    for name, text in book.names.items():
        cell = parse_ref(text)
        if cell is not None:
            sheet, row, col = cell
            defined[name] = (sheet, f"{column_letter(col)}{row}")
    return sheets, defined


class _Texts:
    """What :func:`_write_package` writes into a package: ``cells`` {defined name: value} (the sums, the
    county's 基本信息 / 正文), ``title`` of the document properties, and the 汇总情况 ``head`` {ref: text}."""

    def __init__(self, cells: dict, title: str | None, head: dict):
        self.cells, self.title, self.head = cells, title, head


_NO_TEXTS = _Texts({}, None, {})


def _write_package(package: bytes, out: str, roll: Rollup, extra_rows: list[list], texts: _Texts) -> None:
    """Write ``package`` to ``out`` with ``texts`` filled in and the 汇总情况 sheet's prototype row replaced by
    the unit rows (streamed: one row at a time)."""
    import io

    now = dt.datetime.now()
    stamp = now.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(package)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        sheets, defined = _parts(zin)
        status = sheets.get(STATUS_SHEET)
        if status is None:
            raise _Mismatch("no status sheet")
        fills: dict[str, dict] = {}
        for name, value in texts.cells.items():
            if name not in defined:
                raise _Mismatch(f"no cell named {name}")
            sheet, ref = defined[name]
            fills.setdefault(sheets[sheet], {})[ref] = value
        for info in zin.infolist():
            data = zin.read(info.filename)
            member = zipfile.ZipInfo(info.filename, now.timetuple()[:6])
            member.external_attr = info.external_attr  # as openpyxl wrote it (file permissions)
            if info.filename == status:  # stored (not deflated), as this sheet always was
                with zout.open(member, "w") as w:
                    _stream_status(data.decode("utf-8"), w, roll, extra_rows, texts.head)
                continue
            if info.filename in fills:
                data = _fill_cells(data.decode("utf-8"), fills[info.filename]).encode("utf-8")
            elif info.filename == "docProps/core.xml":
                xml = re.sub(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{stamp}\3",
                             data.decode("utf-8"))
                if texts.title is not None:
                    space = ' xml:space="preserve"' if texts.title != texts.title.strip() else ""
                    xml, n = re.subn(r'(<dc:title\b[^>]*?)(?: xml:space="preserve")?>[^<]*(</dc:title>)',
                                     lambda m: f"{m[1]}{space}>{_text_xml(texts.title)}{m[2]}", xml)
                    if n != 1:
                        raise _Mismatch("no title")
                data = xml.encode("utf-8")
            member.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(member, data)


def _stream_status(xml: str, w, roll: Rollup, extra_rows: list[list], head: dict) -> None:
    """The 汇总情况 sheet ``xml`` to ``w`` with ``head`` filled and its prototype row replaced by the unit rows."""
    proto = re.search(r'<row r="%d"[^>]*>.*?</row>' % FIRST_ROW, xml, re.S)
    if proto is None:
        raise _Mismatch("no prototype row")
    styles = re.findall(r'<c r="[A-Z]+%d"(?: s="(\d+)")?' % FIRST_ROW, proto[0])
    rows = _Rows(styles)
    last = FIRST_ROW + len(roll.units) + (len(extra_rows) + 1 if extra_rows else 0)
    top = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{column_letter(len(HEADERS))}{last}"/>',
                 xml[:proto.start()], count=1)
    w.write(_fill_cells(top, head).encode("utf-8"))
    r = FIRST_ROW
    for values in _unit_rows(roll):
        w.write(rows.row(r, values))
        r += 1
    rows.styles = [""] * len(HEADERS)
    for values in extra_rows:
        r += 1
        w.write(rows.row(r, values))
    w.write(xml[proto.end():].encode("utf-8"))


def prepare() -> None:
    """What :func:`write_rollup` needs whatever the roll-up's outcome, done while the workers check the first
    files (the parent is idle then; measured for a 1-unit roll-up: importing this module ≈ 5 ms and hashing the
    template's ≈ 110 sources ≈ 3 ms leave the path from the last result to the written file)."""
    if template.cache_dir() is not None:
        template.source_digest()


def write_rollup(roll: Rollup, output, *, overwrite: bool = False, meta=None, narrative=None):
    """Write ``roll`` to ``output`` atomically (never replaces a file without ``overwrite``); returns the path.
    ``meta`` / ``narrative`` (by spec key) fill the total's 基本信息 / 正文 (written as text, never formulas).

    The package is the cached blank one of :mod:`.template` with the values written into its XML; when a value is
    of a kind that writing does not cover (a date in ``meta``), openpyxl builds it as before."""
    from ..workbook import names

    agency, _ = clean_text(roll.agency)
    extra = []
    if roll.stock_keys:
        spec_fields = spec_for_year(roll.year).fields
        extra.append(["", "以下存量数字为简单相加，已在表中以黄色标出，请核对："])
        extra += [["", spec_fields[key].describe(roll.year)] for key in roll.stock_keys]
    dirty = sum(1 for u in roll.units for t in (u.name, u.agency, u.reason) if _ILLEGAL.search(t))
    if dirty:
        roll.problems.append(f"有 {dirty} 处文件名、机关名称或原因含有不能保存的控制字符（如从别处粘贴来的特殊换行符），"
                             "已在汇总情况表中去除")
    heading = clean_text(f"{roll.year}年度汇总情况（{agency}）")[0]
    summary = _summary_line(roll)
    problems = clean_text("注意：" + "；".join(roll.problems))[0] if roll.problems else None
    meta, narrative = meta or {}, narrative or {}
    # the cells build_workbook fills: the summed inputs (all laid out: only the roll-up's variants have sums), and
    # the spec's 基本信息 (agency and signoff_agency are the agency unless ``meta`` says otherwise) and 正文 fields
    spec = spec_for_year(roll.year)
    merged = {"agency": agency, "signoff_agency": agency, **meta}
    cells = {names.input_name(k): v for k, v in roll.values.items()}
    cells.update({names.meta_name(f.key): merged[f.key] for f in spec.meta if f.key in merged})
    cells.update({names.text_name(f.key): narrative[f.key] for f in spec.narrative if f.key in narrative})
    head = {TITLE_CELL: heading, SUMMARY_CELL: summary, **({PROBLEMS_CELL: problems} if problems is not None else {})}
    texts = _Texts(cells, document_title(spec, agency, roll.year), head)

    def write(tmp: str) -> None:
        if not all(map(_fillable, cells.values())):
            package = template.build(roll.year, agency, variants=roll.variants, values=roll.values,
                                     stock_keys=roll.stock_keys, meta=meta, narrative=narrative, title=heading,
                                     summary=summary, problems=problems)
            _write_package(package, tmp, roll, extra, _NO_TEXTS)
            return
        package, cached = template.blank_package(roll.year, roll.variants, roll.stock_keys, problems is not None)
        try:
            _write_package(package, tmp, roll, extra, texts)
        except (zipfile.BadZipFile, _Mismatch, KeyError, ValueError, EOFError, zlib.error):
            if cached is None:
                raise
            # a damaged or foreign cached file: built afresh (and the file replaced)
            package, _ = template.blank_package(roll.year, roll.variants, roll.stock_keys, problems is not None,
                                                cached=False)
            _write_package(package, tmp, roll, extra, texts)

    return atomic_write(output, write, overwrite=overwrite)
