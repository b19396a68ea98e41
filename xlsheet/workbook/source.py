"""Workbook sources: the minimal interface the reader needs, implemented for files (here) and for a live Excel
book (``xlsheet.excel``).  A source answers three questions: which sheets, which defined names, and the values of
one sheet as a 2-D grid from A1 (one bulk read per sheet)."""
from __future__ import annotations

import io
import os

from ..errors import InvalidWorkbookError
from ..lazyre import lazy
from ..safety import col_number, preflight, read_part

# lazyre: the compiled program comes from the per-user cache; sre's compiler took ≈ 0.4 ms of every process
_REF = lazy(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d+)$")
# A cell holding a formula and no calculated value (<v> absent or empty): what a program that writes formulas
# without calculating them leaves (Excel, WPS and LibreOffice always save the value).  Used only to explain a
# blank: a cell this misses still reads as blank.
_UNCALCULATED = lazy(rb'<c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)'
                     rb'\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


class Source:
    """What the reader needs of a workbook (duck-typed: :class:`FileSource` here, ``xlsheet.excel``'s live book;
    neither inherits from this).  A plain class, not a ``typing.Protocol``: importing ``typing`` costs the
    validate command ≈ 3 ms of its start-up for a class used only as documentation."""

    label: str

    def sheet_names(self) -> list[str]: ...

    def defined_names(self) -> dict[str, str]: ...

    def grid(self, sheet: str) -> list[list]: ...


def parse_ref(text: str) -> tuple[str, int, int] | None:
    """``'表三'!$D$8`` → ("表三", 8, 4); None for anything else (constants, ranges, #REF!)."""
    m = _REF.compiled.match(text.strip())  # .compiled: not LazyPattern.__getattr__'s look-up per call
    if not m:
        return None
    sheet = m[1].replace("''", "'") if m[1] is not None else m[2]
    col = 0
    for ch in m[3]:
        col = col * 26 + ord(ch) - 64
    return sheet, int(m[4]), col


def parse_constant(text: str) -> str | None:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('""', '"')
    return None


class FileSource:
    """An .xlsx file: pre-flight checked (which reads it once, into memory), names from workbook.xml as pre-flight
    parsed it, values via python-calamine from the very bytes pre-flight checked (never the path again: a file
    replaced in between is not read unchecked; measured no slower than ``from_path``).  ``data``: the file's bytes
    when the caller has read them already (``path`` then only names the file in messages)."""

    def __init__(self, path: str | os.PathLike, data: bytes | None = None):
        self.path = os.fspath(path)
        self.label = os.path.basename(self.path)
        pkg = preflight(self.path, data=data)
        book = pkg.book  # workbook.xml as pre-flight parsed it, not read twice
        if book is None:  # pre-flight passed a workbook.xml only a namespace-aware parse finds malformed
            raise InvalidWorkbookError(f"“{self.label}”的工作簿结构已损坏或不安全，无法读取（ParseError）")
        self._sheets = book.sheets
        self._names = book.names
        self._data = pkg.data
        self._parts = pkg.parts
        self._formulas: dict[str, dict] = {}  # sheet → _scan_formulas, on the first question about it
        self._book = None

    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def defined_names(self) -> dict[str, str]:
        return dict(self._names)

    def grid(self, sheet: str) -> list[list]:
        try:
            import python_calamine

            if self._book is None:
                self._book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self._data))
            return self._book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise InvalidWorkbookError(
                f"“{self.label}”的工作表“{sheet}”无法读取，文件可能已损坏（{type(exc).__name__}）") from None
        except BaseException as exc:
            # calamine's Rust side panics (pyo3 PanicException, a BaseException) on e.g. a date cell whose serial
            # number is out of any calendar's range: that is bad input, not a crash
            if type(exc).__name__ != "PanicException":
                raise
            raise InvalidWorkbookError(
                f"“{self.label}”的工作表“{sheet}”中有无法转换的数据（如超出范围的日期），文件可能已损坏或被改动，"
                "请检查该表的日期单元格") from None

    def uncalculated(self, sheet: str, row: int, col: int) -> str | None:
        """The formula (``=2+3``; ``=`` alone for a shared formula) of cell (``row``, ``col``) of ``sheet`` when it
        holds one whose value the file does not contain — such a cell reads as blank, and the reader says why;
        None otherwise (or when it cannot be told).  The sheet's part is scanned once, on the first question."""
        found = self._formulas.get(sheet)
        if found is None:
            found = self._formulas[sheet] = self._scan_formulas(sheet)
        text = found.get((row, col))
        if text is None:
            return None
        text = text.decode("utf-8", "replace")
        if "&" in text:  # an entity (&lt; &amp; &quot;): html only then, ≈ 2.5 ms to import
            from html import unescape

            text = unescape(text)
        return "=" + text

    def _scan_formulas(self, sheet: str) -> dict[tuple[int, int], bytes]:
        """(row, column) → the formula as written in the XML, of ``sheet``'s cells with a formula and no value."""
        part = self._parts.get(sheet)
        if part is None:
            return {}
        try:
            xml = read_part(self._data, part)  # passed by pre-flight: read again only for this
        except Exception:  # the sheet was read already; an explanation that cannot be had is no error
            return {}
        return {(int(row), col_number(letters.decode())): formula
                for letters, row, formula in _UNCALCULATED.findall(xml)}

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None
