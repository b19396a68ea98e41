"""Which cells of a broken 勾稽 equation a clerk should look at — the same answer for 校验 and the live formatting.

A broken equation marks its total (the check's ``mark``) and every cell it shares with another broken equation:
one wrong number breaks its column and its row, and the cell where they cross is the one to fix.  Such a
finding is located on that cell when it is the only shared one, not on the total (a wrong 二、上年结转 is reported
on 二、上年结转, not on (七)总计 above it).  Marking the remaining terms would turn a whole column red for one
wrong total, so they are not marked.

A finding located on the crossing cell states that cell's figures: ``left`` (填报值) is what the cell holds,
``right`` (应为) what it must hold for this equation to balance, ``diff`` their difference — never the total's
figures beside the crossing cell's address (a clerk who typed the 应为 shown there made it worse).  ``key`` stays
the equation's total (which equation it is); its message still states the equation.
"""
from __future__ import annotations

from ..report import Report
from .arith import SumCheck, sum_checks
from .findings import Finding


def _checks(report: Report) -> dict[tuple[str, str], SumCheck]:
    spec = report.spec  # once per spec object (see Spec.cached): the same for every report of a format
    return spec.cached("focus_checks", None, lambda: {(c.rule.id, c.mark): c for c in sum_checks(spec)})


def focus(report: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` with each broken sum equation's cells narrowed to its total plus the cells it shares with
    other broken equations, and located on the shared cell when there is exactly one."""
    checks = _checks(report)
    broken = {i: checks[(f.rule_id, f.key)] for i, f in enumerate(findings) if (f.rule_id, f.key) in checks}
    if not broken:
        return findings
    out = list(findings)
    for i, check in broken.items():
        others = set().union(*(set(c.keys) for j, c in broken.items() if j != i))
        shared = [k for k in dict.fromkeys(check.keys) if k in others and k != check.mark]
        cells = [report.locations.get(k) for k in [check.mark, *shared]]
        f = findings[i]
        location = report.locations.get(shared[0]) if len(shared) == 1 else None
        changes = {"cells": tuple(c for c in cells if c is not None)}
        if location is not None:
            changes.update(location=location, **_figures_of(shared[0], check, report, f))
        out[i] = f.replace(**changes)
    return out


def _figures_of(key: str, check: SumCheck, report: Report, f: Finding) -> dict:
    """left/right/diff of finding ``f`` (its equation ``check`` broken by ``f.left - f.right``) restated for the
    term ``key``: what it holds and what would balance the equation.  The total's figures are dropped (None) when
    that cannot be said: the term is on both sides, or not a number."""
    v = report.values.get(key)
    if v is None or not v.is_number or f.left is None or f.right is None \
            or check.left.count(key) + check.right.count(key) != 1:  # once, on one side
        return {"left": None, "right": None, "diff": None}
    gap = f.left - f.right
    should = v.number - gap if key in check.left else v.number + gap
    return {"left": v.number, "right": should, "diff": v.number - should}


def live_mark_conditions(checks: list[SumCheck]) -> dict[str, list[tuple[int, ...]]]:
    """For the in-sheet formatting: per cell key, the index tuples of checks whose breaking marks it — (i,) when
    it is check i's total, (i, j) for every pair of checks it belongs to.  Mirrors :func:`focus`."""
    member: dict[str, list[int]] = {}
    conditions: dict[str, list[tuple[int, ...]]] = {}
    for i, c in enumerate(checks):
        conditions.setdefault(c.mark, []).append((i,))
        for k in dict.fromkeys(c.keys):
            member.setdefault(k, []).append(i)
    for k, idx in member.items():
        pairs = [(a, b) for n, a in enumerate(idx) for b in idx[n + 1:]]
        if pairs:
            conditions.setdefault(k, []).extend(pairs)
    return conditions
