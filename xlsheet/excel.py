"""Excel entry points (xlwings).  xlwings is imported here only, lazily; the core never needs Excel.

Buttons and ribbon callbacks run, through xlwings' ``RunPython``::

    import xlsheet.excel as x; x.validate()          ' 校验
    import xlsheet.excel as x; x.generate_report()   ' 生成报告
    import xlsheet.excel as x; x.clear_marks()       ' 清除标记

Each takes an optional ``book`` (an ``xlwings.Book``); without one it uses ``xlwings.Book.caller()``, so the same
functions also serve scripts that already hold a Book (xlwings Server / Lite style).  All logic is shared with the
command line through :mod:`xlsheet.liveops` and the same Report model.
"""
from __future__ import annotations

from .errors import XlsheetError


def _xlwings():
    try:
        import xlwings
    except ImportError:
        raise XlsheetError("需要安装 xlwings：pip install xlwings") from None
    return xlwings


def _hex(colour) -> str | None:
    if colour is None:
        return None
    if isinstance(colour, str):
        return colour if colour.startswith("#") else "#" + colour
    r, g, b = colour[:3]
    return f"#{r:02X}{g:02X}{b:02X}"


class XlwingsBook:
    """:class:`xlsheet.liveops.LiveBook` over an ``xlwings.Book``: one bulk range read per sheet."""

    def __init__(self, book):
        self.book = book
        self.label = book.name
        self.fullname = book.fullname

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def defined_names(self) -> dict[str, str]:
        out = {}
        for n in self.book.names:
            name = n.name
            if "!" in name:  # sheet-scoped names are not xlsheet's
                continue
            refers = n.refers_to or ""
            out[name] = refers[1:] if refers.startswith("=") else refers
        return out

    def grid(self, sheet: str) -> list[list]:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        values = sh.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return [[("" if v is None else v) for v in row] for row in values]

    def write_block(self, sheet: str, row: int, col: int, rows: list[list]) -> None:
        if rows:
            self.book.sheets[sheet].range((row, col)).value = rows

    def ensure_sheet(self, name: str, *, first: bool = False, hidden: bool = False) -> None:
        if name in self.sheet_names():
            return
        sheets = self.book.sheets
        sheet = sheets.add(name, before=sheets[0]) if first else sheets.add(name, after=sheets[len(sheets) - 1])
        if hidden:
            sheet.visible = False

    def clear_sheet(self, name: str) -> None:
        self.book.sheets[name].clear_contents()

    def get_color(self, sheet: str, address: str) -> str | None:
        return _hex(self.book.sheets[sheet].range(address).color)

    def set_color(self, sheet: str, address: str, color: str | None) -> None:
        self.book.sheets[sheet].range(address).color = color

    def has_note(self, sheet: str, address: str) -> bool:
        return self.book.sheets[sheet].range(address).note is not None

    def add_note(self, sheet: str, address: str, text: str) -> None:
        self.book.sheets[sheet].range(address).add_note(text)

    def delete_note(self, sheet: str, address: str) -> None:
        note = self.book.sheets[sheet].range(address).note
        if note is not None:
            note.delete()

    def alert(self, text: str, title: str) -> None:
        try:
            self.book.app.alert(text, title=title)
        except Exception:  # engines without dialogs: the 校验结果 sheet still says everything
            pass


def _live(book):
    return XlwingsBook(book if book is not None else _xlwings().Book.caller())


def _guard(fn, book, **kwargs):
    """Run an entry point; an XlsheetError becomes a dialog with its Chinese message instead of a traceback."""
    live = _live(book)
    try:
        return fn(live, **kwargs)
    except XlsheetError as exc:
        live.alert(str(exc), "xlsheet")
        return None


def validate(book=None):
    """校验 the live workbook: mark offending cells, list findings on 校验结果, clear the previous marks."""
    from .liveops import validate_book

    return _guard(validate_book, book)


def generate_report(book=None, output=None, force: bool = False):
    """生成报告: write the DOCX next to the workbook and tell the clerk where."""
    from .liveops import generate_report_book

    return _guard(generate_report_book, book, output=output, force=force)


def clear_marks(book=None):
    """清除标记: restore the cells xlsheet marked and empty 校验结果."""
    from .liveops import clear_book

    return _guard(clear_book, book)
