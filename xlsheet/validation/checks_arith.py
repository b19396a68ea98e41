"""Arithmetic checks: the 勾稽关系 equations (shared with the live formulas) and soft inequalities."""
from __future__ import annotations

from ..values import format_number
from .arith import evaluate, sum_checks
from .registry import check

def _checks_of(rule, spec):
    # once per spec object and rule (see Spec.cached), not per format: a spec built elsewhere gets its own
    return spec.cached("sum_checks_of", rule.id, lambda: tuple(c for c in sum_checks(spec) if c.rule.id == rule.id))


@check("sum_equal")
def sum_equal(rule, ctx):
    r = ctx.report
    for c in _checks_of(rule, r.spec):
        status, left, right = evaluate(c, ctx.values)
        if status == "na":
            ctx.not_assessable.append(f"{rule.id} {c.instance}")
        elif status == "fail":
            yield ctx.finding(rule, key=c.mark, cells=[ctx.loc(k) for k in c.keys], where=c.where,
                              left=left, right=right, diff=left - right)


@check("not_less")
def not_less(rule, ctx):
    r = ctx.report
    for x in rule.params["over"]:
        lk, rk = rule.params["left"].replace("{x}", x), rule.params["right"].replace("{x}", x)
        if lk not in r.spec.fields:
            continue
        a, b = ctx.number(lk), ctx.number(rk)
        if a is not None and b is not None and a < b:
            yield ctx.finding(rule, key=lk, cells=[ctx.loc(lk), ctx.loc(rk)], where=r.spec.fields[lk].row_label,
                              left=format_number(a), right=format_number(b))


@check("sum_not_negative")
def sum_not_negative(rule, ctx):
    r = ctx.report
    for x in rule.params["over"]:
        keys = [t.replace("{x}", x) for t in rule.params["terms"]]
        nums = [ctx.number(k) for k in keys]
        if None not in nums and sum(nums) < 0:
            yield ctx.finding(rule, key=keys[0], cells=[ctx.loc(k) for k in keys],
                              where=r.spec.fields[keys[0]].row_label, left=format_number(nums[0]),
                              right=format_number(nums[1], signed=True))
