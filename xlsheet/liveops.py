"""校验 / 生成报告 / 清除标记 on a workbook that is open in Excel (or any :class:`LiveBook`), engine-independent.

The Excel entry points (``xlsheet.excel``) wrap an xlwings Book in a LiveBook; tests wrap a workbook file.
Everything else (reading, validating, rendering) is the same code as the command line, through the same Report.

Marks: each marked cell's original fill is recorded on a hidden sheet ``xlsheet标记`` together with whether a note
was added; the next run (or 清除标记) restores exactly those fills and deletes exactly those notes before marking
again, so marks never pile up and nothing of the clerk's is lost.  Notes are only added to cells without a note.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from .validation.findings import RESULT_HEADERS, SEVERITY_LABEL, Result, result_rows, verdict
from .workbook import styles
from .workbook.layout import RESULT_SHEET

MARKS_SHEET = "xlsheet标记"
NOTE_PREFIX = "【xlsheet校验】"
COLOURS = {"error": "#" + styles.MARK_ERROR, "warning": "#" + styles.MARK_WARNING}
TEMPLATE_INPUT = "#" + styles.INPUT_FILL.fgColor.rgb[-6:]


class LiveBook(Protocol):
    """The operations xlsheet needs on an open workbook.  Addresses are "D8"; colours "#RRGGBB" or None."""

    label: str
    fullname: str

    def sheet_names(self) -> list[str]: ...
    def defined_names(self) -> dict[str, str]: ...
    def grid(self, sheet: str) -> list[list]: ...
    def write_block(self, sheet: str, row: int, col: int, rows: list[list]) -> None: ...
    def ensure_sheet(self, name: str, *, first: bool = False, hidden: bool = False) -> None: ...
    def clear_sheet(self, name: str) -> None: ...
    def get_color(self, sheet: str, address: str) -> str | None: ...  # may raise NotImplementedError
    def set_color(self, sheet: str, address: str, color: str | None) -> None: ...
    def has_note(self, sheet: str, address: str) -> bool: ...
    def add_note(self, sheet: str, address: str, text: str) -> None: ...  # may raise NotImplementedError
    def delete_note(self, sheet: str, address: str) -> None: ...
    def alert(self, text: str, title: str) -> None: ...


def read_book(book: LiveBook):
    """The Report of an open workbook (one bulk read per sheet)."""
    from .workbook.reader import read_source

    return read_source(book)


def clear_marks(book: LiveBook) -> int:
    """Undo the previous run's marks (fills and notes) recorded on the marks sheet; returns how many."""
    if MARKS_SHEET not in book.sheet_names():
        return 0
    rows = [r for r in book.grid(MARKS_SHEET)[1:] if r and r[0] not in (None, "")]
    for sheet, address, colour, noted in (tuple(r) + (None,) * (4 - len(r)) for r in rows):
        if sheet not in book.sheet_names():
            continue
        book.set_color(sheet, address, colour or None)
        if noted in (1, 1.0, True, "1"):
            book.delete_note(sheet, address)
    book.clear_sheet(MARKS_SHEET)
    book.write_block(MARKS_SHEET, 1, 1, [["工作表", "单元格", "原填充色", "已加批注"]])
    return len(rows)


def apply_marks(book: LiveBook, result: Result) -> int:
    cells: dict[tuple[str, str], list] = {}
    for f in result.findings:
        for loc in f.cells:
            entry = cells.setdefault((loc.sheet, loc.cell), [None, []])
            if entry[0] != "error":
                entry[0] = f.severity
            entry[1].append(f"[{SEVERITY_LABEL[f.severity]}] {f.message}")
    record = [["工作表", "单元格", "原填充色", "已加批注"]]
    sheets = set(book.sheet_names())
    for (sheet, address), (severity, messages) in cells.items():
        if sheet not in sheets:
            continue
        try:
            original = book.get_color(sheet, address)
        except NotImplementedError:
            original = TEMPLATE_INPUT  # engines that cannot read fills: the template's input colour
        book.set_color(sheet, address, COLOURS[severity])
        noted = 0
        if not book.has_note(sheet, address):
            try:
                book.add_note(sheet, address, (NOTE_PREFIX + "\n" + "\n".join(messages))[:2000])
                noted = 1
            except NotImplementedError:
                pass
        record.append([sheet, address, original or "", noted])
    book.write_block(MARKS_SHEET, 1, 1, record)
    return len(record) - 1


def write_result_sheet(book: LiveBook, result: Result) -> None:
    book.ensure_sheet(RESULT_SHEET, first=True)
    book.clear_sheet(RESULT_SHEET)
    blank = [""] * len(RESULT_HEADERS)
    rows = [["校验结果"] + blank[1:], [verdict(result)] + blank[1:], blank, list(RESULT_HEADERS)]
    for f, row in zip(result.findings, result_rows(result)):
        if f.location is not None:  # a formula, so one bulk write carries the links too
            row[3] = f'=HYPERLINK("#\'{f.location.sheet}\'!{f.location.cell}","{f.address}")'
        rows.append(["" if v is None else v for v in row])
    book.write_block(RESULT_SHEET, 1, 1, rows)


def validate_book(book: LiveBook, *, alert: bool = True) -> Result:
    """校验: read, validate, replace the previous marks, list the findings on 校验结果."""
    from .validation.engine import validate

    report = read_book(book)
    result = validate(report)
    book.ensure_sheet(MARKS_SHEET, hidden=True)
    clear_marks(book)
    apply_marks(book, result)
    write_result_sheet(book, result)
    if alert:
        book.alert(f"{result.summary()}。" + ("可以生成报告。" if result.ok else "详见“校验结果”工作表，红色单元格为错误。"),
                   "校验")
    return result


def clear_book(book: LiveBook) -> int:
    """清除标记: restore fills, remove xlsheet's notes, empty the 校验结果 sheet."""
    n = clear_marks(book) if MARKS_SHEET in book.sheet_names() else 0
    if RESULT_SHEET in book.sheet_names():
        book.clear_sheet(RESULT_SHEET)
    return n


def generate_report_book(book: LiveBook, output=None, *, force: bool = False, alert: bool = True) -> Path | None:
    """生成报告: the DOCX next to the workbook (or at ``output``).  Refuses while errors remain (unless
    ``force``); an existing report is replaced with the old one kept as .bak.  Returns the path or None."""
    from .jobs import HINT_EXCEL, check, produce_report, refusal

    result = check(read_book(book))
    if result.errors and not force:
        if alert:
            book.alert(refusal(result, HINT_EXCEL), "生成报告")
        return None
    if output is None:
        here = Path(book.fullname)
        if not here.parent.name or not here.suffix:
            if alert:
                book.alert("请先保存工作簿，报告将生成在工作簿所在的文件夹。", "生成报告")
            return None
        output = here.with_name(here.stem + ".docx")
    path = produce_report(result, output, force=force, overwrite=True)
    if alert:
        book.alert(f"报告已生成：\n{path}", "生成报告")
    return path
