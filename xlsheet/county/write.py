"""Step 4 of a roll-up: the output workbook — a normal xlsheet workbook of the summed figures (validate and report
it like any other), marks on the summed stock cells, and the 汇总情况 sheet listing every unit.

The 汇总情况 rows are streamed straight into the saved package (one row at a time, never a cell object per row), so
writing 20,000 units costs little memory.  Every text is written as an inline string — never a formula, whatever
it starts with (``=``, ``+``, ``-``, ``@``) — with the characters XML cannot hold removed and counted (a vertical
tab pasted into an agency name arrives as ``\\x0b`` and would otherwise make the file unwritable).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import zipfile

from ..fileio import atomic_write
from ..spec import spec_for_year
from ..textsafe import ILLEGAL as _ILLEGAL, MAX_CELL_TEXT
from .aggregate import Rollup
from .check import ROLLUP_MARK, STATUS_SHEET
from .units import STATUS

NOTE_AUTHOR = "xlsheet汇总"
HEADERS = ["序号", "文件", "机关", "年度", "状态", "错误", "警告", "计入汇总", "原因 / 首要错误", "正文雷同"]
WIDTHS = [6, 36, 30, 7, 14, 6, 6, 9, 90, 50]
FIRST_ROW = 5  # rows 1–4: title, counts, problems, headers
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


def _column(i: int) -> str:
    return chr(64 + i) if i <= 26 else chr(64 + (i - 1) // 26) + chr(65 + (i - 1) % 26)


class _Rows:
    """Serialises status rows as sheet XML (styles: the prototype row's style index per column)."""

    def __init__(self, styles: list[str]):
        self.styles = styles

    def row(self, r: int, values) -> bytes:
        parts = [f'<row r="{r}">']
        for i, v in enumerate(values, start=1):
            ref, s = f"{_column(i)}{r}", self.styles[i - 1] if i <= len(self.styles) else ""
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


def _sheet_part(zin: zipfile.ZipFile, sheet: str) -> str:
    """The zip member holding worksheet ``sheet`` (via workbook.xml and its relationships)."""
    wb = zin.read("xl/workbook.xml").decode("utf-8")
    rels = zin.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(r'<sheet\b[^>]*\bname="%s"[^>]*\br:id="([^"]+)"' % re.escape(escape(sheet)), wb)[1]
    target = re.search(r'<Relationship\b[^>]*\bTarget="([^"]+)"[^>]*\bId="%s"' % re.escape(rid), rels)
    if target is None:
        target = re.search(r'<Relationship\b[^>]*\bId="%s"[^>]*\bTarget="([^"]+)"' % re.escape(rid), rels)
    path = target[1]
    return path.lstrip("/") if path.startswith("/") else "xl/" + path


def _stream_status(base: str, out: str, roll: Rollup, extra_rows: list[list]) -> None:
    """Copy package ``base`` to ``out``, replacing the 汇总情况 sheet's prototype row by the unit rows."""
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _sheet_part(zin, STATUS_SHEET)
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info, zin.read(info.filename))
                continue
            xml = zin.read(part).decode("utf-8")
            proto = re.search(r'<row r="%d"[^>]*>.*?</row>' % FIRST_ROW, xml, re.S)
            styles = re.findall(r'<c r="[A-Z]+%d"(?: s="(\d+)")?' % FIRST_ROW, proto[0])
            rows = _Rows(styles)
            last = FIRST_ROW + len(roll.units) + (len(extra_rows) + 1 if extra_rows else 0)
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{_column(len(HEADERS))}{last}"/>',
                          xml[:proto.start()], count=1)
            with zout.open(zipfile.ZipInfo(part, info.date_time), "w") as w:
                w.write(head.encode("utf-8"))
                r = FIRST_ROW
                for values in _unit_rows(roll):
                    w.write(rows.row(r, values))
                    r += 1
                rows.styles = [""] * len(HEADERS)
                for values in extra_rows:
                    r += 1
                    w.write(rows.row(r, values))
                w.write(xml[proto.end():].encode("utf-8"))


def write_rollup(roll: Rollup, output, *, overwrite: bool = False, meta=None, narrative=None):
    """Write ``roll`` to ``output`` atomically (never replaces a file without ``overwrite``); returns the path.
    ``meta`` / ``narrative`` (by spec key) fill the total's 基本信息 / 正文 (written as text, never formulas)."""
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    from ..workbook import names, styles
    from ..workbook.build import build_workbook

    agency, _ = clean_text(roll.agency)
    wb = build_workbook(roll.year, agency, variants=roll.variants, values=roll.values,
                        meta={"signoff_agency": agency, **(meta or {})}, narrative=narrative)
    wb.defined_names[ROLLUP_MARK] = DefinedName(ROLLUP_MARK, attr_text='"1"')
    for key in roll.stock_keys:
        sheet, ref = wb.defined_names[names.input_name(key)].attr_text.split("!")
        ws = wb[sheet.strip("'")]
        cell = ref.replace("$", "")
        ws.conditional_formatting.add(cell, FormulaRule(formula=['"xlsheet"="xlsheet"'],
                                                        fill=PatternFill("solid", fgColor=styles.MARK_WARNING)))
        ws[cell].comment = Comment("存量数字：由各单位直接相加得到，跨层级可能重复计算，请核对后再使用。", NOTE_AUTHOR)
    ws = styles.list_sheet(wb, STATUS_SHEET, clean_text(f"{roll.year}年度汇总情况（{agency}）")[0],
                           _summary_line(roll), HEADERS, WIDTHS)
    wb.active = 0
    for i in range(1, len(HEADERS) + 1):
        proto = ws.cell(row=FIRST_ROW, column=i)  # styled placeholder, replaced by the streamed rows
        proto.border, proto.font, proto.alignment = styles.BORDER, styles.LABEL, styles.LEFT
    ws.freeze_panes = f"A{FIRST_ROW}"
    extra = []
    if roll.stock_keys:
        spec_fields = spec_for_year(roll.year).fields
        extra.append(["", "以下存量数字为简单相加，已在表中以黄色标出，请核对："])
        extra += [["", spec_fields[key].describe(roll.year)] for key in roll.stock_keys]

    dirty = sum(1 for u in roll.units for t in (u.name, u.agency, u.reason) if _ILLEGAL.search(t))
    if dirty:
        roll.problems.append(f"有 {dirty} 处文件名、机关名称或原因含有不能保存的控制字符（如从别处粘贴来的特殊换行符），"
                             "已在汇总情况表中去除")
    if roll.problems:
        ws["A3"] = clean_text("注意：" + "；".join(roll.problems))[0]
        ws["A3"].font = styles.HEADER

    def write(tmp: str) -> None:
        base = tmp + ".base"
        try:
            wb.save(base)
            _stream_status(base, tmp, roll, extra)
        finally:
            if os.path.exists(base):
                os.unlink(base)

    return atomic_write(output, write, overwrite=overwrite)
