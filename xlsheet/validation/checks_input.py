"""Checks on what a hostile or unlucky file puts into otherwise free input: a report year that is no year, and
characters that cannot be written back (XML-illegal control characters, removed on every write path by
:mod:`xlsheet.textsafe`, so the clerk is told here where they were)."""
from __future__ import annotations

from ..textsafe import count_illegal
from .registry import check


@check("meta_year")
def meta_year(rule, ctx):
    r = ctx.report
    year = r.meta.get("year")
    if year not in (None, "") and not isinstance(year, int):
        field = next(m for m in r.spec.meta if m.key == "year")
        yield ctx.finding(rule, location=r.locations.get("meta.year"), label=field.label, year=str(year)[:40])


def _texts(r):
    """(location key, description, text) of every free text the report holds.  Inputs are only listed when
    their raw value is a str: nothing else can hold a character."""
    for m in r.spec.meta:
        yield f"meta.{m.key}", f"基本信息·{m.label}", r.meta.get(m.key)
    for n in r.spec.narrative:
        yield f"text.{n.key}", f"正文·{n.label}", r.narrative.get(n.key)
    values = r.values
    for f in r.spec.fields_for(r.variants):
        v = values.get(f.key)
        if v is not None and isinstance(v.raw, str):
            yield f.key, None, v.raw


@check("control_chars")
def control_chars(rule, ctx):
    for key, what, text in _texts(ctx.report):
        count = count_illegal(text) if isinstance(text, str) else 0
        if count:
            loc = ctx.loc(key)
            where = ctx.where(key) if what is None else (f"{loc.address}（{what}）" if loc else what)
            yield ctx.finding(rule, location=loc, where=where, count=count)
