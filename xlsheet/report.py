"""The typed Report model: what one annual-report workbook says, independent of where it was read from."""
from __future__ import annotations

from .record import FrozenRecord, Record, _set
from .spec import Spec
from .values import BLANK, CellValue


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (kept here so reading and validating never import openpyxl)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Location(FrozenRecord):
    """Where a value lives in the workbook (1-based row/column)."""

    __slots__ = _fields = ("sheet", "row", "col")

    def __init__(self, sheet: str, row: int, col: int):
        _set(self, "sheet", sheet)
        _set(self, "row", row)
        _set(self, "col", col)

    @property
    def cell(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}"


class Report(Record):
    """One report.  ``values`` maps every input key of the spec (for the chosen variants) to a CellValue;
    ``meta`` holds parsed metadata (str / int / date, or None when empty; unparseable input stays a str);
    ``narrative`` holds the clerk's text ('' when empty); ``labels`` the label texts found in the workbook, keyed
    by (table, grid row, grid column); ``problems`` what could not be read, in Chinese; ``origin`` is "published" for a workbook imported from a
    published report; ``unread`` the keys (inputs, and ``meta.…`` / ``text.…`` locations) whose cell the reader
    could not find (a sheet deleted or renamed): their values are BLANK, but nobody left them blank;
    ``as_text`` the 基本信息 dates and years whose cell held text that parsed (``"2026.1.15"``): meta key → that
    text (the spreadsheet does not see a date or a number there, and its own check says so)."""

    _fields = ("spec", "variants", "meta", "narrative", "values", "locations", "labels", "source", "origin",
               "problems", "unread", "as_text")

    def __init__(self, spec: Spec, variants: frozenset[str] = frozenset(), meta: dict[str, object] | None = None,
                 narrative: dict[str, str] | None = None, values: dict[str, CellValue] | None = None,
                 locations: dict[str, Location] | None = None, labels: dict[tuple[str, int, int], str] | None = None,
                 source: str | None = None, origin: str | None = None, problems: list[str] | None = None,
                 unread: set[str] | None = None, as_text: dict[str, str] | None = None):
        self.spec = spec
        self.variants = variants
        self.meta = {} if meta is None else meta
        self.narrative = {} if narrative is None else narrative
        self.values = {} if values is None else values
        self.locations = {} if locations is None else locations
        self.labels = {} if labels is None else labels
        self.source = source
        self.origin = origin
        self.problems = [] if problems is None else problems
        self.unread = set() if unread is None else unread
        self.as_text = {} if as_text is None else as_text

    @property
    def year(self) -> int | None:
        y = self.meta.get("year")
        return y if isinstance(y, int) else None

    @property
    def agency(self) -> str:
        a = self.meta.get("agency")
        return a.strip() if isinstance(a, str) else ""

    def value(self, key: str) -> CellValue:
        return self.values.get(key, BLANK)

    def number(self, key: str):
        """The number in ``key``, or None when it is not a number (blank or text)."""
        v = self.value(key)
        return v.number if v.is_number else None

    def text(self, key: str) -> str:
        return (self.narrative.get(key) or "").strip()
