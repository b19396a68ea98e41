"""Checks on single input cells (blank, text, sign, whole numbers, 万元 amounts) and on label cells."""
from __future__ import annotations

from decimal import Decimal

from ..labelkey import same_label
from ..report import Location
from ..values import State, format_number
from .registry import check


def _fields(ctx):
    """(field, value) of every input of the report — built once per validation (seven checks walk it)."""
    cached = ctx.__dict__.get("_cell_fields")
    if cached is None:
        r = ctx.report
        cached = ctx.__dict__["_cell_fields"] = [(f, r.value(f.key)) for f in r.spec.fields_for(r.variants)]
    return cached


@check("blank")
def blank(rule, ctx):
    if ctx.published:
        return  # CELL-BLANK-PUBLISHED groups them
    for f, v in _fields(ctx):
        if v.state is State.BLANK and f.key not in ctx.assessment.missing_totals:
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
    for f, v in _fields(ctx):
        if v.state is State.TEXT and f.key not in ctx.assessment.yuan:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw)


@check("unit_yuan")
def unit_yuan(rule, ctx):
    for key, amount in ctx.assessment.yuan.items():
        yield ctx.finding(rule, key=key, where=ctx.where(key), raw=ctx.report.value(key).raw,
                          value=format_number(amount))


@check("negative")
def negative(rule, ctx):
    for f, v in _fields(ctx):
        if v.is_number and v.number < 0 and f.kind != "delta":
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("whole")
def whole(rule, ctx):
    for f, v in _fields(ctx):
        if v.is_number and f.kind in ("count", "delta") and not isinstance(v.number, int):
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("decimals")
def decimals(rule, ctx):
    places = int(rule.params.get("places", 2))
    for f, v in _fields(ctx):
        if v.is_number and f.kind == "amount" and isinstance(v.number, Decimal):
            if -v.number.normalize().as_tuple().exponent > places:
                yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number))


@check("unit_scale")
def unit_scale(rule, ctx):
    limit = Decimal(str(rule.params.get("limit", 100000)))
    for f, v in _fields(ctx):
        if v.is_number and f.kind == "amount" and v.number >= limit:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), value=format_number(v.number),
                              yuan=format_number(v.number * 10000))


@check("normalised")
def normalised(rule, ctx):
    for f, v in _fields(ctx):
        if v.is_number and v.note:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw, value=format_number(v.number),
                              note=v.note)


def _moved_tables(report) -> set[str]:
    """Keys of the tables whose inputs are no longer where the anchor says the grid puts them (rows/columns
    inserted) — one pass over the inputs for all tables."""
    moved = set()
    anchors = {t.key: report.locations.get(f"anchor.{t.key}") for t in report.spec.tables}
    for f in report.spec.fields_for(report.variants):
        anchor = anchors.get(f.table)
        if anchor is None or f.table in moved:
            continue
        loc = report.locations.get(f.key)
        if loc is not None and (loc.sheet, loc.row, loc.col) != (
                anchor.sheet, anchor.row + f.cell.row, anchor.col + f.cell.col):
            moved.add(f.table)
    return moved


@check("layout_moved")
def layout_moved(rule, ctx):
    moved = _moved_tables(ctx.report)
    for table in ctx.report.spec.tables:
        if table.key in moved:
            yield ctx.finding(rule, location=ctx.report.locations.get(f"anchor.{table.key}"), sheet=table.sheet)


@check("labels")
def labels(rule, ctx):
    r = ctx.report
    moved = _moved_tables(r)
    for table in r.spec.tables:
        anchor = r.locations.get(f"anchor.{table.key}")
        if anchor is None or table.key in moved:
            continue  # positions from the anchor no longer hold: LAYOUT-MOVED says so instead
        for row in table.rows_for(r.variants):
            for cell in row.cells:
                found = r.labels.get((table.key, cell.row, cell.col))
                if cell.is_input or found is None:
                    continue
                expected = cell.label(r.year)
                if not same_label(found, expected):  # "第二十条第(一)项" is the same label
                    loc = Location(anchor.sheet, anchor.row + cell.row, anchor.col + cell.col)
                    yield ctx.finding(rule, location=loc, sheet=loc.sheet, cell=loc.cell, found=found.strip(),
                                      expected=expected, format_name=r.spec.name)


@check("read_problems")
def read_problems(rule, ctx):
    for problem in ctx.report.problems:
        yield ctx.finding(rule, problem=problem)
