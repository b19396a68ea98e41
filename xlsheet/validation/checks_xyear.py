"""Cross-year checks against last year's report (``validate --previous``), FORMAT.md §2.3–2.4."""
from __future__ import annotations

from .registry import check


@check("xyear_year")
def xyear_year(rule, ctx):
    r, p = ctx.report, ctx.previous
    if r.year is not None and p.year is not None and p.year != r.year - 1:
        yield ctx.finding(rule, location=r.locations.get("meta.year"), prev=p.year, year=r.year)


@check("xyear_carry")
def xyear_carry(rule, ctx):
    r, p = ctx.report, ctx.previous
    for col in r.spec.table("t3").value_keys:
        key = f"t3.carry.{col}"
        now, before = r.number(key), p.number(f"t3.next.{col}")
        if now is None or before is None:
            ctx.not_assessable.append(f"{rule.id} {col}")
        elif now != before:
            where = f"“{r.spec.fields[key].column_label}”列"
            yield ctx.finding(rule, key=key, where=where, left=now, right=before, diff=now - before)


@check("xyear_valid_chain")
def xyear_valid_chain(rule, ctx):
    r, p = ctx.report, ctx.previous
    if p.spec.format != "v2021":
        return
    for row in ("reg", "norm"):
        nums = [r.number(f"t2.{row}.valid"), p.number(f"t2.{row}.valid"), r.number(f"t2.{row}.made"),
                r.number(f"t2.{row}.repealed")]
        if None in nums:
            continue
        valid, prev_valid, made, repealed = nums
        expected = prev_valid + made - repealed
        if valid != expected:
            key = f"t2.{row}.valid"
            yield ctx.finding(rule, key=key, where=r.spec.fields[key].row_label, left=valid, right=expected,
                              diff=valid - expected)


@check("xyear_items")
def xyear_items(rule, ctx):
    r, p = ctx.report, ctx.previous
    if p.spec.format != "v2019":
        return
    for row in ("license", "other_service", "penalty", "coercion", "fee"):
        now, base, delta = (r.number(f"t2.{row}.prev_count"), p.number(f"t2.{row}.prev_count"),
                            p.number(f"t2.{row}.delta"))
        if None in (now, base, delta):
            continue
        if now != base + delta:
            key = f"t2.{row}.prev_count"
            yield ctx.finding(rule, key=key, where=r.spec.fields[key].row_label, left=now, right=base + delta,
                              diff=now - (base + delta))


@check("xyear_copied")
def xyear_copied(rule, ctx):
    import difflib

    from .checks_text import clerk_text

    r, p = ctx.report, ctx.previous
    threshold, min_chars = float(rule.params["threshold"]), int(rule.params["min_chars"])
    for f in r.spec.narrative:
        # standard preamble and statutory sentences every report shares are not copying: compare the clerk's own
        now, before = clerk_text(r.text(f.key)), clerk_text(p.text(f.key))
        if len(now) < min_chars or len(before) < min_chars:
            continue
        ratio = difflib.SequenceMatcher(None, now, before, autojunk=False).ratio()
        if ratio >= threshold:
            yield ctx.finding(rule, location=r.locations.get(f"text.{f.key}"), label=f.label,
                              ratio=int(ratio * 100))
