"""Typed, immutable model of one report format's layout spec.

Everything downstream (template builder, reader, validator, in-sheet formulas, DOCX renderer, importer) takes
labels, merges, keys and units from these objects; none of them re-types a label or an address.
Coordinates are 0-based grid positions inside one official table (row 0 = the table's first row).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

KINDS = ("count", "delta", "amount")


@dataclass(frozen=True)
class Cell:
    """One cell of the official grid: a label (``text``) or an input (``key``), with its merge."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str | None = None
    key: str | None = None  # full input key, e.g. "t3.new.natural"
    kind: str | None = None  # count | delta | amount
    unit: str | None = None
    unit_in_cell: bool = False  # print the unit inside the value cell (V2019 采购总金额 "104.85万元")
    stock: bool = False  # a stock figure: must not be summed blindly in a roll-up
    describe: bool = True  # include this label when describing an input cell to a clerk

    @property
    def is_input(self) -> bool:
        return self.key is not None

    def label(self, year: int | None = None) -> str:
        """The label text with the report year filled in (variant rows carry ``{year}``)."""
        text = self.text or ""
        return text.replace("{year}", str(year)) if year is not None else text


@dataclass(frozen=True)
class Row:
    """One row of an official table: its role, cells and (for data rows) key, tags and variant."""

    index: int
    role: str  # heading | header | data
    cells: tuple[Cell, ...]
    key: str | None = None
    tags: tuple[str, ...] = ()
    variant: str | None = None
    inline: bool = False  # DOCX prints "label：value" in one cell spanning the table (Jilin row)


@dataclass(frozen=True)
class Field:
    """Semantics of one input cell: what a clerk types and what a message calls it."""

    key: str
    table: str
    row_key: str | None
    col_key: str
    kind: str
    unit: str | None
    stock: bool
    row_label: str
    column_label: str
    cell: Cell
    variant: str | None = None

    @cached_property
    def _label(self) -> str:
        return " / ".join(p for p in (self.row_label, self.column_label) if p)

    def describe(self, year: int | None = None) -> str:
        text = self._label  # computed once: the reader and every check ask for it
        return text.replace("{year}", str(year)) if year is not None and "{year}" in text else text


@dataclass(frozen=True)
class Table:
    """One official table: its sheet, title, column count and widths, rows and value columns."""

    key: str
    sheet: str
    title: str
    ncols: int
    widths: tuple[int, ...]
    rows: tuple[Row, ...]
    value_keys: tuple[str, ...] = ()
    #: column widths on the printed page in mm (DOCX, HTML); empty: ``widths`` scaled to the text width
    print_widths: tuple[float, ...] = ()

    def rows_for(self, variants: frozenset[str] | set[str] = frozenset()) -> tuple[Row, ...]:
        """Rows printed for a workbook with the given local variants switched on."""
        return tuple(r for r in self.rows if r.variant is None or r.variant in variants)

    def data_rows(self, variants=frozenset()) -> tuple[Row, ...]:
        return tuple(r for r in self.rows_for(variants) if r.role == "data")

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(f"{self.key}.{key}")

    def tagged(self, tag: str) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if tag in r.tags)

    @cached_property
    def _grid(self) -> dict[tuple[int, int], Cell]:
        return {(cell.row + dr, cell.col + dc): cell for row in self.rows for cell in row.cells
                for dr in range(cell.rowspan) for dc in range(cell.colspan)}

    def covering(self, r: int, c: int) -> Cell | None:
        """The cell that covers grid position (r, c): the one starting there, or a merge that spans it."""
        return self._grid.get((r, c))


@dataclass(frozen=True)
class MetaField:
    """One 基本信息 item (agency, year, contact details, …)."""

    key: str
    label: str
    kind: str = "text"
    required: bool = False
    hint: str = ""


@dataclass(frozen=True)
class NarrativeField:
    """One narrative section of the report text (正文)."""

    key: str
    label: str
    section: str | None = None
    heading: str | None = None
    hint: str = ""
    optional: bool = False  # may be absent from workbooks built before it was added to the spec


@dataclass(frozen=True)
class Section:
    """A heading of the report, with the table printed under it."""

    key: str
    heading: str
    table: str | None = None


@dataclass(frozen=True)
class Variant:
    """A local variant of a format (extra rows some provinces add)."""

    key: str
    label: str


@dataclass(frozen=True)
class Spec:
    """One report format: years in force, metadata, narrative sections, tables and their input fields."""

    format: str
    revision: int
    name: str
    first_year: int
    last_year: int | None
    title_suffix: str
    meta: tuple[MetaField, ...]
    narrative: tuple[NarrativeField, ...]
    sections: tuple[Section, ...]
    variants: tuple[Variant, ...]
    tables: tuple[Table, ...]
    fields: dict[str, Field] = field(default_factory=dict, compare=False, hash=False)

    @property
    def short_name(self) -> str:
        """The format's name without the document number: ``2021年版格式``."""
        return self.name.split("（", 1)[0]

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def narrative_label(self, key: str) -> str:
        return next((n.label for n in self.narrative if n.key == key), key)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def fields_for(self, variants=frozenset()) -> list[Field]:
        """Input fields present in a workbook with these variants, in table order (a new list each call)."""
        cache = self.__dict__.setdefault("_fields_for", {})  # a frozen dataclass may still cache in __dict__
        key = frozenset(variants)
        if key not in cache:
            cache[key] = tuple(f for f in self.fields.values() if f.variant is None or f.variant in key)
        return list(cache[key])

    def cached(self, name: str, key, build):
        """``build()``, computed once per (``name``, ``key``) for this spec object and kept with it.

        For values derived from the spec alone (and the catalogue, loaded once per process), such as the sum
        equations or the reader's per-variant field lists: a spec is immutable once loaded (frozen, and nothing
        writes its ``fields`` after :func:`~xlsheet.spec.loader.parse_spec`), so a value computed from it can
        never go stale; ``dataclasses.replace`` makes a new object with an empty cache.  ``key`` must hold
        whatever else the value depends on (e.g. the variants).  Callers must not mutate what is returned."""
        cache = self.__dict__.setdefault("_cached", {})  # a frozen dataclass may still cache in __dict__
        try:
            return cache[name, key]
        except KeyError:
            value = cache[name, key] = build()
            return value

    @property
    def years_label(self) -> str:
        if self.last_year is None:
            return f"{self.first_year}年度及以后"
        return f"{self.first_year}—{self.last_year}年度"
