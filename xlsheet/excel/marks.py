"""Marks of the 校验 button on a live workbook: fills and notes on offending cells, recorded so they can be undone.

Each marked cell's original fill is recorded on a hidden sheet ``xlsheet标记`` together with whether a note was
added; the next run (or 清除标记) restores exactly those fills, deletes exactly those notes and removes the sheet,
so marks never pile up and nothing of the clerk's is lost.  Notes are only added to cells without a note.

:func:`apply_marks` appends an undo step for everything it changes; :func:`rollback` runs them, so a run that
fails half-way (Excel refusing a fill, a COM error) leaves the workbook as it found it.
"""
from __future__ import annotations

from ..validation.findings import SEVERITY_LABEL, Result
from ..workbook import styles

MARKS_SHEET = "xlsheet标记"
NOTE_PREFIX = "【xlsheet校验】"
COLOURS = {"error": "#" + styles.MARK_ERROR, "warning": "#" + styles.MARK_WARNING}
TEMPLATE_INPUT = "#" + styles.INPUT_FILL.fgColor.rgb[-6:]
_HEADER = ["工作表", "单元格", "原填充色", "已加批注"]


def recorded_marks(book) -> list[tuple]:
    """(sheet, address, original colour, noted) of the marks the previous run left."""
    if MARKS_SHEET not in book.sheet_names():
        return []
    rows = [r for r in book.grid(MARKS_SHEET)[1:] if r and r[0] not in (None, "")]
    return [tuple(r[:4]) + (None,) * (4 - len(r[:4])) for r in rows]


def clear_marks(book) -> int:
    """Undo the previous run's marks (fills and notes) and remove the marks sheet; returns how many.
    The sheets concerned must be writable (see :func:`xlsheet.excel.live.unprotected`)."""
    rows = recorded_marks(book)
    sheets = set(book.sheet_names())
    for sheet, address, colour, noted in rows:
        if sheet not in sheets:
            continue
        book.set_color(sheet, address, colour or None)
        if noted in (1, 1.0, True, "1"):
            book.delete_note(sheet, address)
    if MARKS_SHEET in sheets:
        book.delete_sheet(MARKS_SHEET)
    return len(rows)


def _cells(result: Result) -> dict[tuple[str, str], list]:
    cells: dict[tuple[str, str], list] = {}
    for f in result.findings:
        for loc in f.cells:
            entry = cells.setdefault((loc.sheet, loc.cell), [None, []])
            if entry[0] != "error":
                entry[0] = f.severity
            entry[1].append(f"[{SEVERITY_LABEL[f.severity]}] {f.message}")
    return cells


def apply_marks(book, result: Result, undo: list) -> int:
    """Fill and annotate every cell of every finding; append an undo step per change to ``undo``."""
    sheets = set(book.sheet_names())
    cells = {k: v for k, v in _cells(result).items() if k[0] in sheets}
    if not cells:
        return 0
    book.ensure_sheet(MARKS_SHEET, hidden=True)
    undo.append(lambda: book.delete_sheet(MARKS_SHEET))
    record = [list(_HEADER)]
    for (sheet, address), (severity, messages) in cells.items():
        try:
            original = book.get_color(sheet, address)
        except NotImplementedError:
            original = TEMPLATE_INPUT  # engines that cannot read fills: the template's input colour
        book.set_color(sheet, address, COLOURS[severity])
        undo.append(lambda s=sheet, a=address, c=original: book.set_color(s, a, c))
        noted = 0
        if not book.has_note(sheet, address):
            try:
                book.add_note(sheet, address, (NOTE_PREFIX + "\n" + "\n".join(messages))[:2000])
                noted = 1
                undo.append(lambda s=sheet, a=address: book.delete_note(s, a))
            except NotImplementedError:
                pass
        record.append([sheet, address, original or "", noted])
    book.write_block(MARKS_SHEET, 1, 1, record)
    return len(record) - 1


def rollback(book, undo: list) -> None:
    """Run the undo steps in reverse; each is attempted even if an earlier one fails (best effort, so the
    original error is what the clerk sees)."""
    for step in reversed(undo):
        try:
            step()
        except Exception:
            pass
    undo.clear()
