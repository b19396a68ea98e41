"""校验 / 生成报告 / 清除标记 on a workbook that is open in Excel (or any :class:`LiveBook`), engine-independent.

The Excel entry points (``xlsheet.excel``) wrap an xlwings Book in a LiveBook; tests wrap a workbook file that
enforces sheet protection the way Excel does.  Reading, validating and rendering are the same code as the command
line, through the same Report.

Protection: the table sheets are protected without "format cells", so Excel refuses fills on them.  A run
unprotects exactly the sheets it touches, marks, and re-protects each with exactly the options it had (in a
``finally``), rather than building the workbook with formatting allowed: a clerk must not be able to recolour or
re-format the official grid by accident, and the marks are xlsheet's, not the clerk's.

Marks (see :mod:`.marks`) are transactional: a run that fails half-way undoes what it did, so no half-applied
marks and no stray hidden marks sheet remain.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from ..errors import XlsheetError
from ..validation.findings import Result, verdict
from ..validation.result_table import LINK_COLUMN, RESULT_HEADERS, result_entries
from ..workbook.layout import RESULT_SHEET
from .marks import COLOURS, MARKS_SHEET, NOTE_PREFIX  # noqa: F401  (re-exported for callers and tests)
from .marks import apply_marks, clear_marks, recorded_marks, rollback


class LiveBook(Protocol):
    """The operations xlsheet needs on an open workbook.  Addresses are "D8"; colours "#RRGGBB" or None.
    Every operation may raise what the engine raises when Excel would refuse it (e.g. a fill on a protected
    sheet)."""

    label: str
    fullname: str

    def sheet_names(self) -> list[str]: ...
    def defined_names(self) -> dict[str, str]: ...
    def grid(self, sheet: str) -> list[list]: ...
    def write_block(self, sheet: str, row: int, col: int, rows: list[list]) -> None: ...
    def ensure_sheet(self, name: str, *, first: bool = False, hidden: bool = False) -> None: ...
    def delete_sheet(self, name: str) -> None: ...
    def clear_sheet(self, name: str) -> None: ...
    def get_color(self, sheet: str, address: str) -> str | None: ...  # may raise NotImplementedError
    def set_color(self, sheet: str, address: str, color: str | None) -> None: ...
    def has_note(self, sheet: str, address: str) -> bool: ...
    def add_note(self, sheet: str, address: str, text: str) -> None: ...  # may raise NotImplementedError
    def delete_note(self, sheet: str, address: str) -> None: ...
    def protection(self, sheet: str) -> dict | None: ...  # None: unprotected; may raise NotImplementedError
    def unprotect(self, sheet: str) -> None: ...
    def protect(self, sheet: str, options: dict) -> None: ...
    def alert(self, text: str, title: str) -> None: ...


def read_book(book: LiveBook):
    """The Report of an open workbook (one bulk read per sheet)."""
    from ..workbook.reader import read_source

    return read_source(book)


@contextmanager
def unprotected(book: LiveBook, sheets):
    """Unprotect ``sheets`` (those protected), run the block, then re-protect each with exactly its previous
    options — also when the block fails.  Engines that cannot tell protection are left alone."""
    saved: list[tuple[str, dict]] = []
    try:
        for sheet in dict.fromkeys(sheets):
            try:
                options = book.protection(sheet)
            except NotImplementedError:
                continue
            if options is None:
                continue
            try:
                book.unprotect(sheet)
            except Exception as exc:
                raise XlsheetError(f"工作表“{sheet}”设置了带密码的保护，xlsheet 无法在其中标记问题单元格。"
                                   "请在“审阅 > 撤销工作表保护”中输入密码撤销保护后再试。") from exc
            saved.append((sheet, options))
        yield
    finally:
        for sheet, options in reversed(saved):
            book.protect(sheet, options)


def write_result_sheet(book: LiveBook, result: Result) -> None:
    """The 校验结果 sheet (first tab): title, verdict, then one row per entry with a link to its cell."""
    book.ensure_sheet(RESULT_SHEET, first=True)
    book.clear_sheet(RESULT_SHEET)
    blank = [""] * len(RESULT_HEADERS)
    rows = [["校验结果"] + blank[1:], [verdict(result)] + blank[1:], blank, list(RESULT_HEADERS)]
    for entry in result_entries(result, book.sheet_names()):
        row = ["" if v is None else v for v in entry.row()]
        if entry.location is not None:  # a formula, so one bulk write carries the links too
            row[LINK_COLUMN - 1] = (f'=HYPERLINK("#\'{entry.location.sheet}\'!{entry.location.cell}",'
                                    f'"{entry.address}")')
        rows.append(row)
    book.write_block(RESULT_SHEET, 1, 1, rows)


def _sheets_touched(book: LiveBook, result: Result | None) -> list[str]:
    existing = set(book.sheet_names())
    sheets = [r[0] for r in recorded_marks(book)]
    if result is not None:
        sheets += [loc.sheet for f in result.findings for loc in f.cells]
    return [s for s in dict.fromkeys(sheets) if s in existing]


def validate_book(book: LiveBook, *, alert: bool = True) -> Result:
    """校验: read, validate, replace the previous marks, list the findings on 校验结果.  On failure the marks of
    this run are undone and every sheet keeps its protection."""
    from ..validation.engine import validate

    result = validate(read_book(book))
    with unprotected(book, _sheets_touched(book, result)):
        clear_marks(book)
        undo: list = []
        try:
            apply_marks(book, result, undo)
            undo.append(lambda: book.clear_sheet(RESULT_SHEET) if RESULT_SHEET in book.sheet_names() else None)
            write_result_sheet(book, result)
        except BaseException:
            rollback(book, undo)
            raise
    if alert:
        book.alert(f"{result.summary()}。" + ("可以生成报告。" if result.ok else "详见“校验结果”工作表，红色单元格为错误。"),
                   "校验")
    return result


def clear_book(book: LiveBook) -> int:
    """清除标记: restore fills, remove xlsheet's notes, empty the 校验结果 sheet."""
    with unprotected(book, _sheets_touched(book, None)):
        n = clear_marks(book)
    if RESULT_SHEET in book.sheet_names():
        book.clear_sheet(RESULT_SHEET)
    return n


def generate_report_book(book: LiveBook, output=None, *, force: bool = False, alert: bool = True) -> Path | None:
    """生成报告: the DOCX next to the workbook (or at ``output``).  Refuses while errors remain (unless
    ``force``); an existing report is replaced with the old one kept as .bak.  Returns the path or None.
    Reads only: the workbook (and its protection) is not touched."""
    from ..jobs import HINT_EXCEL, check, produce_report, refusal

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
