"""The typed Report model: what one annual-report workbook says, independent of where it was read from."""
from __future__ import annotations

from dataclasses import dataclass, field

from .spec import Spec
from .values import BLANK, CellValue


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (kept here so reading and validating never import openpyxl)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Location:
    """Where a value lives in the workbook (1-based row/column)."""

    sheet: str
    row: int
    col: int

    @property
    def cell(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass
class Report:
    """One report.  ``values`` maps every input key of the spec (for the chosen variants) to a CellValue;
    ``meta`` holds parsed metadata (str / int / date, or None when empty; unparseable input stays a str);
    ``narrative`` holds the clerk's text ('' when empty); ``labels`` the label texts found in the workbook, keyed
    by (table, grid row, grid column); ``problems`` what could not be read, in Chinese; ``origin`` is "published" for a workbook imported from a
    published report."""

    spec: Spec
    variants: frozenset[str] = frozenset()
    meta: dict[str, object] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    values: dict[str, CellValue] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    labels: dict[tuple[str, int, int], str] = field(default_factory=dict)
    source: str | None = None
    origin: str | None = None  # "published": imported from a published report (blanks read as published zeros)
    problems: list[str] = field(default_factory=list)

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
