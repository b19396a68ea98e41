"""Checks on single input cells (blank, text, sign, whole numbers, 万元 amounts) and on label cells."""
from __future__ import annotations

from decimal import Decimal

from ..dump import norm
from ..report import Location
from ..values import State, format_number
from .registry import check


def _fields(ctx):
    r = ctx.report
    return [(f, r.value(f.key)) for f in r.spec.fields_for(r.variants)]


@check("blank")
def blank(rule, ctx):
    for f, v in _fields(ctx):
        if v.state is State.BLANK:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key))


@check("text")
def text(rule, ctx):
    for f, v in _fields(ctx):
        if v.state is State.TEXT:
            yield ctx.finding(rule, key=f.key, where=ctx.where(f.key), raw=v.raw)


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


def _moved(report, table) -> bool:
    """True when the inputs are no longer where the anchor says the grid puts them (rows/columns inserted)."""
    anchor = report.locations.get(f"anchor.{table.key}")
    for f in report.spec.fields_for(report.variants):
        loc = report.locations.get(f.key)
        if f.table == table.key and loc is not None and anchor is not None and (
                loc.sheet, loc.row, loc.col) != (anchor.sheet, anchor.row + f.cell.row, anchor.col + f.cell.col):
            return True
    return False


@check("layout_moved")
def layout_moved(rule, ctx):
    for table in ctx.report.spec.tables:
        if _moved(ctx.report, table):
            yield ctx.finding(rule, location=ctx.report.locations.get(f"anchor.{table.key}"), sheet=table.sheet)


@check("labels")
def labels(rule, ctx):
    r = ctx.report
    for table in r.spec.tables:
        anchor = r.locations.get(f"anchor.{table.key}")
        if anchor is None or _moved(r, table):
            continue  # positions from the anchor no longer hold: LAYOUT-MOVED says so instead
        for row in table.rows_for(r.variants):
            for cell in row.cells:
                found = r.labels.get((table.key, cell.row, cell.col))
                if cell.is_input or found is None:
                    continue
                expected = cell.label(r.year)
                if norm(found) != norm(expected):
                    loc = Location(anchor.sheet, anchor.row + cell.row, anchor.col + cell.col)
                    yield ctx.finding(rule, location=loc, sheet=loc.sheet, cell=loc.cell, found=found.strip(),
                                      expected=expected, format_name=r.spec.name)


@check("read_problems")
def read_problems(rule, ctx):
    for problem in ctx.report.problems:
        yield ctx.finding(rule, problem=problem)
