"""Load the TOML layout specs shipped in ``xlsheet/spec/data`` into :mod:`xlsheet.spec.model` objects.

The loader places every cell on the grid (HTML table algorithm) and refuses a spec whose rows do not fill
exactly ``ncols`` columns or whose cells overlap, so a typo in a spec fails at import, not in a clerk's report.

Built specs are cached per user (:func:`load_spec`): the constructor arguments of every object, as a ``marshal``
blob named after the content of the TOML file and of the code that builds the objects (this module,
:mod:`~xlsheet.spec.model`, :mod:`xlsheet.record`), so any edit to either rebuilds from the TOML.  A process's
first ``load_spec("v2021")``: ≈ 5.7 ms placing and labelling the cells (from the cached parsed TOML), ≈ 3.6 ms
calling the constructors on cached arguments (medians of 6 interleaved fresh processes), of a ≈ 55 ms
``xlsheet validate``.
"""
from __future__ import annotations

import os
from ..memo import memo

from .model import KINDS, Cell, Field, MetaField, NarrativeField, Row, Section, Spec, Table, Variant

FORMATS = ("v2019", "v2021")
_DATA = os.path.join(os.path.dirname(__file__), "data")


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


@memo
def _raw(fmt: str) -> dict:
    # The data files sit beside this package (a plain path: importlib.resources costs start-up time); parsed
    # TOML is cached per user by content hash (see xlsheet.tomlcache).
    from ..tomlcache import load

    return load(_path(fmt))


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise KeyError(fmt)
    return fmt


def _path(fmt: str) -> str:
    return os.path.join(_DATA, f"{_format(fmt)}.toml")


def _args(obj) -> list:
    return [getattr(obj, name) for name in obj._fields]


# Where the flat form (:func:`_flatten`) puts the nested objects in their parent's constructor arguments.
_CELLS, _ROWS, _CELL = Row._fields.index("cells"), Table._fields.index("rows"), Field._fields.index("cell")
_NESTED = {name: Spec._fields.index(name) for name in ("meta", "narrative", "sections", "variants", "tables")}
_FIELDS = Spec._fields.index("fields")


def _flatten(spec: Spec) -> tuple:
    """``spec`` as the constructor arguments of its objects, nested in tuples of plain values (``marshal``-able).
    A field's cell is given by its position among all the tables' cells, so that it is the same object again."""
    number: dict[int, int] = {}
    tables = []
    for table in spec.tables:
        rows = []
        for row in table.rows:
            args = _args(row)
            for cell in row.cells:
                number[id(cell)] = len(number)
            args[_CELLS] = tuple(tuple(_args(cell)) for cell in row.cells)
            rows.append(tuple(args))
        args = _args(table)
        args[_ROWS] = tuple(rows)
        tables.append(tuple(args))
    args = _args(spec)
    for name, i in _NESTED.items():
        args[i] = tuple(tuple(_args(obj)) for obj in args[i]) if name != "tables" else tuple(tables)
    fields = []
    for field in spec.fields.values():
        f = _args(field)
        f[_CELL] = number[id(field.cell)]
        fields.append(tuple(f))
    args[_FIELDS] = tuple(fields)
    return _shared(tuple(args), {})


def _shared(value, seen: dict):
    """``value`` with equal strings made one object, which ``marshal`` then stores once (the labels repeat: 5 %
    smaller, a third faster to load)."""
    if isinstance(value, tuple):
        return tuple([_shared(v, seen) for v in value])
    return seen.setdefault(value, value) if isinstance(value, str) else value


def _unflatten(flat: tuple) -> Spec:
    """The spec :func:`_flatten` gave ``flat`` for: objects equal to the originals, cells shared as there."""
    cells: list[Cell] = []
    tables = []
    for t in flat[_NESTED["tables"]]:
        rows = []
        for r in t[_ROWS]:
            row_cells = tuple([Cell(*c) for c in r[_CELLS]])
            cells += row_cells
            args = list(r)
            args[_CELLS] = row_cells
            rows.append(Row(*args))
        args = list(t)
        args[_ROWS] = tuple(rows)
        tables.append(Table(*args))
    args = list(flat)
    for name, cls in (("meta", MetaField), ("narrative", NarrativeField), ("sections", Section),
                      ("variants", Variant)):
        args[_NESTED[name]] = tuple([cls(*a) for a in args[_NESTED[name]]])
    args[_NESTED["tables"]] = tuple(tables)
    fields = {}
    for f in flat[_FIELDS]:
        f = list(f)
        f[_CELL] = cells[f[_CELL]]
        fields[f[0]] = Field(*f)
    args[_FIELDS] = fields
    return Spec(*args)


def _blob(fmt: str) -> str | None:
    """Where the built spec of ``fmt`` is cached (see the module docstring), or None (no cache folder, or the code
    is not in plain files to name it after)."""
    from .. import record, tomlcache
    from . import model

    folder = tomlcache.cache_dir()
    if folder is None:
        return None
    content = []
    for path in (_path(fmt), __file__, model.__file__, record.__file__):
        try:
            with open(path, "rb") as fh:
                content.append(fh.read())
        except OSError:
            return None
    return tomlcache.blob_path(folder, f"spec-{fmt}", b"\0".join(content))


@memo
def load_spec(fmt: str) -> Spec:
    """The spec of format ``fmt`` ("v2019" or "v2021"): :func:`parse_spec` of its data, or the same objects rebuilt
    from the user's cache (see the module docstring)."""
    from ..tomlcache import read_blob, write_blob

    blob = _blob(_format(fmt))
    flat = read_blob(blob) if blob else None
    spec = None
    if flat is not None:
        try:
            spec = _unflatten(flat)
        except Exception:  # damaged or of another layout: built afresh below
            pass
    if spec is None:
        spec = parse_spec(_raw(fmt))
        if blob:
            write_blob(blob, _flatten(spec))
    _years[fmt] = (spec.first_year, spec.last_year)
    return spec


#: format → (first_year, last_year) of the formats built in this process: their data need not be read again to
#: choose a format (≈ 1 ms: the parsed TOML, from the cache, is read only for that).  Like :func:`_raw`'s cache,
#: kept for the process.
_years: dict[str, tuple] = {}


def spec_for_year(year: int) -> Spec:
    """The format in force for reporting ``year`` (≤2020: 2019 format; 2021 onward: 2021 format).  Only the
    chosen format is built."""
    # newest first: the formats' years do not overlap (tests/test_spec.py), and most workbooks are of the current
    # format, whose data is then the only one read (each format's data checked costs ≈ 0.25 ms)
    for fmt in reversed(FORMATS):
        first, last = _years.get(fmt) or (_raw(fmt)["first_year"], _raw(fmt).get("last_year"))
        if year >= int(first) and (last is None or year <= int(last)):
            return load_spec(fmt)
    from ..errors import FormatVersionError

    raise FormatVersionError(f"{year}年不在任何已知格式的适用范围内：本程序支持2019年度及以后的报告"
                             "（2019—2020年度用2019年版格式，2021年度起用2021年版格式）")
