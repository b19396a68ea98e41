"""Checks on 基本信息: required fields, format version against the year, sign-off date, statistical period,
postcode."""
from __future__ import annotations

import datetime as dt

from ..spec import spec_for_year
from .registry import check


def _fmt(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if isinstance(d, dt.date) else str(d)


@check("meta_required")
def meta_required(rule, ctx):
    r = ctx.report
    for m in r.spec.meta:
        if m.required and r.meta.get(m.key) in (None, "") and f"meta.{m.key}" not in r.unread:  # unread: READ-MISSING
            yield ctx.finding(rule, location=r.locations.get(f"meta.{m.key}"), label=m.label)


@check("format_year")
def format_year(rule, ctx):
    r = ctx.report
    if r.year is None:
        return
    try:
        expected = spec_for_year(r.year)
    except ValueError:
        return
    if expected.format != r.spec.format:
        yield ctx.finding(rule, location=r.locations.get("meta.year"), year=r.year, expected=expected.name,
                          actual=r.spec.name)


@check("signoff_date")
def signoff_date(rule, ctx):
    r = ctx.report
    d = r.meta.get("signoff_date")
    loc = r.locations.get("meta.signoff_date")
    if d is None or r.year is None:
        return
    if not isinstance(d, dt.date):
        yield ctx.finding(rule, location=loc, date=d, problem=f"不是有效日期，请填写如“{r.year + 1}年1月20日”的日期")
    elif d <= dt.date(r.year, 12, 31):
        yield ctx.finding(rule, location=loc, date=_fmt(d),
                          problem=f"不晚于报告年度结束（{r.year}年12月31日），年度报告应在次年成文，是否应为{r.year + 1}年？")
    elif d > dt.date(r.year + 1, 3, 31):
        yield ctx.finding(rule, location=loc, date=_fmt(d),
                          problem=f"晚于法定公布期限（{r.year + 1}年3月31日）")


@check("signoff_late")
def signoff_late(rule, ctx):
    r = ctx.report
    d = r.meta.get("signoff_date")
    if isinstance(d, dt.date) and r.year is not None:
        deadline = dt.date(r.year + 1, 1, 31)
        if deadline < d <= dt.date(r.year + 1, 3, 31):
            yield ctx.finding(rule, location=r.locations.get("meta.signoff_date"), date=_fmt(d), deadline=_fmt(deadline))


@check("period")
def period(rule, ctx):
    r = ctx.report
    start, end = r.meta.get("period_start"), r.meta.get("period_end")
    if r.year is None or start is None or end is None:
        return
    if start != dt.date(r.year, 1, 1) or end != dt.date(r.year, 12, 31):
        yield ctx.finding(rule, location=r.locations.get("meta.period_start"), start=_fmt(start), end=_fmt(end),
                          year=r.year)


@check("postcode")
def postcode(rule, ctx):
    """A postcode that is not six ASCII digits (25502X, 10000, 100 000); a blank one is META-REQUIRED's."""
    r = ctx.report
    for m in r.spec.meta:
        value = r.meta.get(m.key)
        if m.kind != "postcode" or value in (None, ""):
            continue
        text = str(value).strip()
        if not (len(text) == 6 and text.isascii() and text.isdigit()):
            yield ctx.finding(rule, location=r.locations.get(f"meta.{m.key}"), label=m.label, value=value)


@check("meta_as_text")
def meta_as_text(rule, ctx):
    """A date or year typed as text that reads as one ("2026.1.15", "2024年"): the spreadsheet sees text, and the
    sheet's own check column says ✗ — one verdict for both."""
    r = ctx.report
    fields = {f.key: f for f in r.spec.meta}
    next_year = (r.year + 1) if r.year is not None else None
    for key, raw in r.as_text.items():
        f, loc = fields.get(key), r.locations.get(f"meta.{key}")
        if f is None:
            continue
        value = r.meta.get(key)
        is_date = f.kind == "date"
        example = (f"{next_year}年1月20日" if next_year else "2026年1月20日") if is_date else str(value)
        where = f"{loc.address}（{f.label}）" if loc else f.label
        yield ctx.finding(rule, location=loc, where=where, raw=raw, what="日期" if is_date else "数字",
                          value=_fmt(value) if is_date else value, example=example)
