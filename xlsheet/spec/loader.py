"""Load the TOML layout specs shipped in ``xlsheet/spec/data`` into :mod:`xlsheet.spec.model` objects.

The loader places every cell on the grid (HTML table algorithm) and refuses a spec whose rows do not fill
exactly ``ncols`` columns or whose cells overlap, so a typo in a spec fails at import, not in a clerk's report.
"""
from __future__ import annotations

import os
from functools import lru_cache

from .model import KINDS, Cell, Field, MetaField, NarrativeField, Row, Section, Spec, Table, Variant

FORMATS = ("v2019", "v2021")


class SpecError(ValueError):
    """A layout spec is internally inconsistent (a bug in the spec data, never a user error)."""


def _place_table(tkey: str, raw: dict) -> Table:
    ncols = int(raw["ncols"])
    value_keys = tuple(raw.get("value_keys", ()))
    value_kind = raw.get("value_kind", "count")
    occupied: dict[tuple[int, int], Cell] = {}
    rows: list[Row] = []
    for r, rrow in enumerate(raw["rows"]):
        role = rrow.get("role", "data")
        rkey = rrow.get("key")
        specs = list(rrow["cells"])
        if role == "data" and value_keys and not any("input" in c for c in specs):
            specs += [{"input": k, "kind": value_kind} for k in value_keys]
        col = 0
        cells: list[Cell] = []
        for c in specs:
            while (r, col) in occupied:
                col += 1
            rs, cs = int(c.get("rowspan", 1)), int(c.get("colspan", 1))
            if col + cs > ncols:
                raise SpecError(f"{tkey} row {r}: cell overflows {ncols} columns: {c}")
            key = None
            if "input" in c:
                kind = c.get("kind")
                if kind not in KINDS:
                    raise SpecError(f"{tkey} row {r}: unknown kind {kind!r}")
                key = ".".join(p for p in (tkey, rkey, c["input"]) if p)
            cell = Cell(row=r, col=col, rowspan=rs, colspan=cs, text=c.get("text"), key=key,
                        kind=c.get("kind"), unit=c.get("unit"), unit_in_cell=bool(c.get("unit_in_cell")),
                        stock=bool(c.get("stock")), describe=bool(c.get("describe", True)))
            for dr in range(rs):
                for dc in range(cs):
                    if (r + dr, col + dc) in occupied:
                        raise SpecError(f"{tkey}: cells overlap at row {r + dr}, col {col + dc}")
                    occupied[(r + dr, col + dc)] = cell
            cells.append(cell)
            col += cs
        missing = [c for c in range(ncols) if (r, c) not in occupied]
        if missing:
            raise SpecError(f"{tkey} row {r}: columns {missing} are not covered")
        rows.append(Row(index=r, role=role, cells=tuple(cells), key=rkey, tags=tuple(rrow.get("tags", ())),
                        variant=rrow.get("variant"), inline=bool(rrow.get("inline"))))
    seen_variant = False
    for row in rows:
        if row.variant:
            seen_variant = True
        elif seen_variant:
            raise SpecError(f"{tkey}: variant rows must come last so that optional rows leave no gaps")
    widths = tuple(raw.get("widths", (10,) * ncols))
    if len(widths) != ncols:
        raise SpecError(f"{tkey}: {len(widths)} widths for {ncols} columns")
    print_widths = tuple(raw.get("print_widths", ()))
    if print_widths and len(print_widths) != ncols:
        raise SpecError(f"{tkey}: {len(print_widths)} print_widths for {ncols} columns")
    return Table(key=tkey, sheet=raw["sheet"], title=raw["title"], ncols=ncols, widths=widths,
                 rows=tuple(rows), value_keys=value_keys, print_widths=print_widths)


def _fields(table: Table) -> list[Field]:
    """Describe each input cell by the labels that cover its row (left) and its column (the nearest run of header
    rows above it)."""
    out = []
    grid = table._grid  # (grid row, column) → the cell covering it (Table.covering)
    header_rows: list[int] = []  # the last run of consecutive header rows seen so far
    in_header = False
    for row in table.rows:
        if row.role == "header":
            if not in_header:
                header_rows = []
            header_rows.append(row.index)
            in_header = True
            continue
        in_header = False
        if row.role != "data":
            continue
        labels = []
        for c in range(table.ncols):
            cell = grid.get((row.index, c))
            # a label cell (no key); its label() is its text, as no year is given
            if cell and cell.text and cell.describe and cell.key is None and cell.text not in labels:
                labels.append(cell.text)
        row_label = " ".join(labels)
        for cell in row.cells:
            if cell.key is None:
                continue
            col_labels = []
            for hr in () if row.inline else header_rows:
                hc = grid.get((hr, cell.col))
                if hc and hc.text and hc.describe and hc.text not in col_labels:
                    col_labels.append(hc.text)
            col_key = cell.key.split(".")[-1] if row.key else cell.key.split(".", 1)[1]
            out.append(Field(cell.key, table.key, row.key, col_key, cell.kind, cell.unit, cell.stock, row_label,
                             " ".join(col_labels), cell, row.variant))
    return out


def parse_spec(data: dict) -> Spec:
    tables = tuple(_place_table(t["key"], t) for t in data["tables"])
    fields: dict[str, Field] = {}
    for t in tables:
        for f in _fields(t):
            if f.key in fields:
                raise SpecError(f"duplicate input key {f.key}")
            fields[f.key] = f
    spec = Spec(
        format=data["format"], revision=int(data["revision"]), name=data["name"],
        first_year=int(data["first_year"]), last_year=data.get("last_year"),
        title_suffix=data["title_suffix"],
        meta=tuple(MetaField(**m) for m in data["meta"]),
        narrative=tuple(NarrativeField(**n) for n in data["narrative"]),
        sections=tuple(Section(**s) for s in data["sections"]),
        variants=tuple(Variant(**v) for v in data.get("variants", ())),
        tables=tables, fields=fields,
    )
    return spec


@lru_cache(maxsize=None)
def _raw(fmt: str) -> dict:
    # The data files sit beside this package (a plain path: importlib.resources costs start-up time); parsed
    # TOML is cached per user by content hash (see xlsheet.tomlcache).
    from ..tomlcache import load

    if fmt not in FORMATS:
        raise KeyError(fmt)
    return load(os.path.join(os.path.dirname(__file__), "data", f"{fmt}.toml"))


@lru_cache(maxsize=None)
def load_spec(fmt: str) -> Spec:
    """The spec of format ``fmt`` ("v2019" or "v2021")."""
    return parse_spec(_raw(fmt))


def spec_for_year(year: int) -> Spec:
    """The format in force for reporting ``year`` (≤2020: 2019 format; 2021 onward: 2021 format).  Only the
    chosen format is built."""
    # newest first: the formats' years do not overlap (tests/test_spec.py), and most workbooks are of the current
    # format, whose data is then the only one read (each format's data checked costs ≈ 0.25 ms)
    for fmt in reversed(FORMATS):
        raw = _raw(fmt)
        last = raw.get("last_year")
        if year >= int(raw["first_year"]) and (last is None or year <= int(last)):
            return load_spec(fmt)
    from ..errors import FormatVersionError

    raise FormatVersionError(f"{year}年不在任何已知格式的适用范围内：本程序支持2019年度及以后的报告"
                             "（2019—2020年度用2019年版格式，2021年度起用2021年版格式）")
