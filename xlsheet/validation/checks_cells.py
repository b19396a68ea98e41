"""Checks on single input cells (blank, text, sign, whole numbers, 万元 amounts) and on label cells."""
from __future__ import annotations

from ..report import Location
from ..values import NUMERIC_STATES, UNCALCULATED, State, format_number, is_decimal
from .registry import check


def _fields(ctx):
    """(field, value) of every input of the report — built once per validation (seven checks walk it)."""
    r = ctx.report
    return ctx.once("_cell_fields", lambda: [(f, r.value(f.key)) for f in r.spec.fields_for(r.variants)])


def _sorted(ctx) -> dict[str, list]:
    """The inputs sorted once per validation into what each per-cell check may report, in field order:
    "blank" and "text" by state; among numbers "negative" (< 0), "fraction" (not an int), "amount" (kind amount)
    and "noted" (with a note).  Each list holds every input its check could report (the checks still apply their
    full condition), so one pass replaces seven walks over ~200 inputs."""
    def build():
        out = {"blank": [], "text": [], "negative": [], "fraction": [], "amount": [], "noted": []}
        blanks, texts, negative, fraction, amount, noted = out.values()
        for f, v in _fields(ctx):
            state = v.state
            if state in NUMERIC_STATES:
                n = v.number
                if n < 0:
                    negative.append((f, v))
                if not isinstance(n, int):
                    fraction.append((f, v))
                if f.kind == "amount":
                    amount.append((f, v))
                if v.note:
                    noted.append((f, v))
            elif state is State.BLANK:
                blanks.append((f, v))
            elif state is State.TEXT:
                texts.append((f, v))
        return out

    return ctx.once("_cell_sorts", build)


@check("blank")
def blank(rule, ctx):
    if ctx.published:
        return  # CELL-BLANK-PUBLISHED groups them
    unread = ctx.report.unread  # not found (a sheet renamed or deleted): READ-MISSING says so once, not per cell
    for f, v in _sorted(ctx)["blank"]:
        if v.state is State.BLANK and f.key not in ctx.assessment.missing_totals and f.key not in unread:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key))


@check("blank_published")
def blank_published(rule, ctx):
    """One warning for all blanks of a published report, assessed as 0 (see validation.assess)."""
    keys = ctx.assessment.blanks_as_zero
    if not keys:
        return
    shown = int(rule.params.get("shown", 12))
    addresses = [ctx.loc(k).address if ctx.loc(k) else ctx.where(k) for k in keys]
    listed = "、".join(addresses[:shown]) + (f"等 {len(keys)} 处" if len(keys) > shown else "")
    yield ctx.finding(rule, key=keys[0], cells=[ctx.loc(k) for k in keys], count=len(keys), cells_list=listed)


@check("missing_total")
def missing_total(rule, ctx):
    for key, should in ctx.assessment.missing_totals.items():
        yield ctx.finding(rule, key=key, where=ctx.where(key), right=should, should=format_number(should))


@check("text")
def text(rule, ctx):
    for f, v in _sorted(ctx)["text"]:
        if v.state is State.TEXT and f.key not in ctx.assessment.yuan and v.note != UNCALCULATED:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw)


@check("uncalculated")
def uncalculated(rule, ctx):
    for f, v in _sorted(ctx)["text"]:
        if v.state is State.TEXT and v.note == UNCALCULATED:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw)


@check("unit_yuan")
def unit_yuan(rule, ctx):
    for key, amount in ctx.assessment.yuan.items():
        yield ctx.finding(rule, key=key, where=ctx.where(key), raw=ctx.report.value(key).raw,
                          value=format_number(amount))


@check("negative")
def negative(rule, ctx):
    for f, v in _sorted(ctx)["negative"]:
        if v.is_number and v.number < 0 and f.kind != "delta":
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("whole")
def whole(rule, ctx):
    for f, v in _sorted(ctx)["fraction"]:
        if v.is_number and f.kind in ("count", "delta") and not isinstance(v.number, int):
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("decimals")
def decimals(rule, ctx):
    places = int(rule.params.get("places", 2))
    for f, v in _sorted(ctx)["amount"]:
        if v.is_number and f.kind == "amount" and is_decimal(v.number):
            if -v.number.normalize().as_tuple().exponent > places:
                yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("unit_scale")
def unit_scale(rule, ctx):
    limit = rule.params.get("limit", 100000)
    if not isinstance(limit, int):  # a whole limit compares exactly with ints and Decimals as it is
        from decimal import Decimal

        limit = Decimal(str(limit))
    for f, v in _sorted(ctx)["amount"]:
        if v.is_number and f.kind == "amount" and v.number >= limit:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number),
                              yuan=format_number(v.number * 10000))


@check("normalised")
def normalised(rule, ctx):
    for f, v in _sorted(ctx)["noted"]:
        if v.is_number and v.note:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw, value=format_number(v.number),
                              note=v.note)


def _input_offsets(spec, variants):
    """Per table with inputs, its inputs (key, row and column in the table's grid) — once per spec (see
    Spec.cached)."""
    def build():
        inputs: dict[str, list] = {}
        for f in spec.fields_for(variants):
            inputs.setdefault(f.table, []).append((f.key, f.cell.row, f.cell.col))
        return {k: tuple(v) for k, v in inputs.items()}

    return spec.cached("input_offsets", frozenset(variants), build)


def _moved_tables(report) -> set[str]:
    """Keys of the tables whose inputs are no longer where the anchor says the grid puts them (rows/columns
    inserted) — one pass over the inputs of each anchored table, up to the first moved one."""
    moved = set()
    locations = report.locations
    for table, inputs in _input_offsets(report.spec, report.variants).items():
        anchor = locations.get(f"anchor.{table}")
        if anchor is None:
            continue
        sheet, top, left = anchor.sheet, anchor.row, anchor.col
        for key, row, col in inputs:
            loc = locations.get(key)
            if loc is not None and (loc.row != top + row or loc.col != left + col or loc.sheet != sheet):
                moved.add(table)
                break
    return moved


def _moved(ctx) -> set[str]:
    """:func:`_moved_tables` of the report, once per validation (two checks ask)."""
    return ctx.once("_moved_tables", lambda: _moved_tables(ctx.report))


@check("layout_moved")
def layout_moved(rule, ctx):
    moved = _moved(ctx)
    for table in ctx.report.spec.tables:
        if table.key in moved:
            yield ctx.finding(rule, location=ctx.report.locations.get(f"anchor.{table.key}"), sheet=table.sheet)


@check("labels")
def labels(rule, ctx):
    r = ctx.report
    moved = _moved(ctx)
    year = r.year
    label_cells = r.spec.label_cells(r.variants)
    found_labels = r.labels
    for table in r.spec.tables:
        anchor = r.locations.get(f"anchor.{table.key}")
        if anchor is None or table.key in moved:
            continue  # positions from the anchor no longer hold: LAYOUT-MOVED says so instead
        for row, col, cell in label_cells[table.key]:
            found = found_labels.get((table.key, row, col))
            if found is None:
                continue
            expected = cell.label(year)
            # "第二十条第(一)项" is the same label; an identical text (the usual case) is the same without asking,
            # and without importing xlsheet.labelkey (≈ 0.1 ms of validate's start when no label differs)
            if found == expected:
                continue
            from ..labelkey import same_label

            if not same_label(found, expected):
                loc = Location(anchor.sheet, anchor.row + row, anchor.col + col)
                yield ctx.finding(rule, location=loc, sheet=loc.sheet, cell=loc.cell, found=found.strip(),
                                  expected=expected, format_name=r.spec.name)


@check("read_problems")
def read_problems(rule, ctx):
    for problem in ctx.report.problems:
        yield ctx.finding(rule, problem=problem)
