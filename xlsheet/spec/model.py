"""Typed, immutable model of one report format's layout spec.

Everything downstream (template builder, reader, validator, in-sheet formulas, DOCX renderer, importer) takes
labels, merges, keys and units from these objects; none of them re-types a label or an address.
Coordinates are 0-based grid positions inside one official table (row 0 = the table's first row).
"""
from __future__ import annotations

from ..memo import cached_property

from ..record import FrozenRecord, _set

KINDS = ("count", "delta", "amount")


class Cell(FrozenRecord):
    """One cell of the official grid: a label (``text``) or an input (``key``), with its merge.

    ``key``: full input key, e.g. "t3.new.natural"; ``kind``: count | delta | amount; ``unit_in_cell``: print the
    unit inside the value cell (V2019 采购总金额 "104.85万元"); ``stock``: a stock figure, must not be summed
    blindly in a roll-up; ``describe``: include this label when describing an input cell to a clerk."""

    # No __slots__: the fields are set as one __dict__, one object.__setattr__ call instead of eleven (a spec has
    # ~280 cells and ~200 fields, built in every process: the cached spec's _unflatten 0.80 → 0.64 ms, medians of
    # 60 fresh processes).
    _fields = ("row", "col", "rowspan", "colspan", "text", "key", "kind", "unit", "unit_in_cell", "stock", "describe")

    def __init__(self, row: int, col: int, rowspan: int = 1, colspan: int = 1, text: str | None = None,
                 key: str | None = None, kind: str | None = None, unit: str | None = None,
                 unit_in_cell: bool = False, stock: bool = False, describe: bool = True):
        _set(self, "__dict__", {"row": row, "col": col, "rowspan": rowspan, "colspan": colspan, "text": text,
                                "key": key, "kind": kind, "unit": unit, "unit_in_cell": unit_in_cell, "stock": stock,
                                "describe": describe})

    @property
    def is_input(self) -> bool:
        return self.key is not None

    def label(self, year: int | None = None) -> str:
        """The label text with the report year filled in (variant rows carry ``{year}``)."""
        text = self.text or ""
        return text.replace("{year}", str(year)) if year is not None else text


class Row(FrozenRecord):
    """One row of an official table: its role (heading | header | data), cells and (for data rows) key, tags and
    variant; ``inline``: DOCX prints "label：value" in one cell spanning the table (Jilin row)."""

    __slots__ = _fields = ("index", "role", "cells", "key", "tags", "variant", "inline")

    def __init__(self, index: int, role: str, cells: tuple[Cell, ...], key: str | None = None,
                 tags: tuple[str, ...] = (), variant: str | None = None, inline: bool = False):
        _set(self, "index", index)
        _set(self, "role", role)
        _set(self, "cells", cells)
        _set(self, "key", key)
        _set(self, "tags", tags)
        _set(self, "variant", variant)
        _set(self, "inline", inline)


class Field(FrozenRecord):
    """Semantics of one input cell: what a clerk types and what a message calls it."""

    _fields = ("key", "table", "row_key", "col_key", "kind", "unit", "stock", "row_label", "column_label", "cell",
               "variant")  # no __slots__: cached_property keeps its value in __dict__; set as one dict (see Cell)

    def __init__(self, key: str, table: str, row_key: str | None, col_key: str, kind: str, unit: str | None,
                 stock: bool, row_label: str, column_label: str, cell: Cell, variant: str | None = None):
        _set(self, "__dict__", {"key": key, "table": table, "row_key": row_key, "col_key": col_key, "kind": kind,
                                "unit": unit, "stock": stock, "row_label": row_label, "column_label": column_label,
                                "cell": cell, "variant": variant})

    @cached_property
    def _label(self) -> str:
        return " / ".join(p for p in (self.row_label, self.column_label) if p)

    def describe(self, year: int | None = None) -> str:
        text = self._label  # computed once: the reader and every check ask for it
        return text.replace("{year}", str(year)) if year is not None and "{year}" in text else text


class Table(FrozenRecord):
    """One official table: its sheet, title, column count and widths, rows and value columns.
    ``print_widths``: column widths on the printed page in mm (DOCX, HTML); empty: ``widths`` scaled to the text
    width."""

    _fields = ("key", "sheet", "title", "ncols", "widths", "rows", "value_keys", "print_widths")  # __dict__: caches

    def __init__(self, key: str, sheet: str, title: str, ncols: int, widths: tuple[int, ...],
                 rows: tuple[Row, ...], value_keys: tuple[str, ...] = (), print_widths: tuple[float, ...] = ()):
        _set(self, "key", key)
        _set(self, "sheet", sheet)
        _set(self, "title", title)
        _set(self, "ncols", ncols)
        _set(self, "widths", widths)
        _set(self, "rows", rows)
        _set(self, "value_keys", value_keys)
        _set(self, "print_widths", print_widths)

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


class MetaField(FrozenRecord):
    """One 基本信息 item (agency, year, contact details, …)."""

    __slots__ = _fields = ("key", "label", "kind", "required", "hint")

    def __init__(self, key: str, label: str, kind: str = "text", required: bool = False, hint: str = ""):
        _set(self, "key", key)
        _set(self, "label", label)
        _set(self, "kind", kind)
        _set(self, "required", required)
        _set(self, "hint", hint)


class NarrativeField(FrozenRecord):
    """One narrative section of the report text (正文).  ``optional``: may be absent from workbooks built before it
    was added to the spec."""

    __slots__ = _fields = ("key", "label", "section", "heading", "hint", "optional")

    def __init__(self, key: str, label: str, section: str | None = None, heading: str | None = None,
                 hint: str = "", optional: bool = False):
        _set(self, "key", key)
        _set(self, "label", label)
        _set(self, "section", section)
        _set(self, "heading", heading)
        _set(self, "hint", hint)
        _set(self, "optional", optional)


class Section(FrozenRecord):
    """A heading of the report, with the table printed under it."""

    __slots__ = _fields = ("key", "heading", "table")

    def __init__(self, key: str, heading: str, table: str | None = None):
        _set(self, "key", key)
        _set(self, "heading", heading)
        _set(self, "table", table)


class Variant(FrozenRecord):
    """A local variant of a format (extra rows some provinces add)."""

    __slots__ = _fields = ("key", "label")

    def __init__(self, key: str, label: str):
        _set(self, "key", key)
        _set(self, "label", label)


class Spec(FrozenRecord):
    """One report format: years in force, metadata, narrative sections, tables and their input fields (``fields``:
    by key, not compared or hashed)."""

    _fields = ("format", "revision", "name", "first_year", "last_year", "title_suffix", "meta", "narrative",
               "sections", "variants", "tables", "fields")  # no __slots__: the caches below live in __dict__
    _uncompared = ("fields",)

    def __init__(self, format: str, revision: int, name: str, first_year: int, last_year: int | None,
                 title_suffix: str, meta: tuple[MetaField, ...], narrative: tuple[NarrativeField, ...],
                 sections: tuple[Section, ...], variants: tuple[Variant, ...], tables: tuple[Table, ...],
                 fields: dict[str, Field] | None = None):
        _set(self, "format", format)
        _set(self, "revision", revision)
        _set(self, "name", name)
        _set(self, "first_year", first_year)
        _set(self, "last_year", last_year)
        _set(self, "title_suffix", title_suffix)
        _set(self, "meta", meta)
        _set(self, "narrative", narrative)
        _set(self, "sections", sections)
        _set(self, "variants", variants)
        _set(self, "tables", tables)
        _set(self, "fields", {} if fields is None else fields)

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
        key = frozenset(variants)
        return list(self.cached("fields_for", key, lambda: tuple(f for f in self.fields.values()
                                                                 if f.variant is None or f.variant in key)))

    def label_cells(self, variants=frozenset()) -> dict[str, tuple]:
        """Per table key, its label cells in a workbook with these variants: (row, column, Cell) in the table's grid
        (from its anchor), in row order — what the reader reads and the label check compares.  Cached; do not
        mutate."""
        key = frozenset(variants)
        return self.cached("label_cells", key, lambda: {
            t.key: tuple((c.row, c.col, c) for row in t.rows_for(key) for c in row.cells if not c.is_input)
            for t in self.tables})

    def cached(self, name: str, key, build):
        """``build()``, computed once per (``name``, ``key``) for this spec object and kept with it.

        For values derived from the spec alone (and the catalogue, loaded once per process), such as the sum
        equations or the reader's per-variant field lists: a spec is immutable once loaded (frozen, and nothing
        writes its ``fields`` after :func:`~xlsheet.spec.loader.parse_spec`), so a value computed from it can
        never go stale; ``replace`` makes a new object with an empty cache.  ``key`` must hold
        whatever else the value depends on (e.g. the variants).  Callers must not mutate what is returned."""
        cache = self.__dict__.setdefault("_cached", {})  # frozen, but it may still cache in __dict__
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
