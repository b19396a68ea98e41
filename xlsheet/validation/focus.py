"""Which cells of a broken 勾稽 equation a clerk should look at — the same answer for 校验 and the live formatting.

A broken equation marks its total (the check's ``mark``) and every cell it shares with another broken equation:
one wrong number breaks its column and its row, and the cell where they cross is the one to fix.  Such a
finding is located on that cell when it is the only shared one, not on the total (a wrong 二、上年结转 is reported
on 二、上年结转, not on (七)总计 above it).  Marking the remaining terms would turn a whole column red for one
wrong total, so they are not marked.
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
        location = report.locations.get(shared[0]) if len(shared) == 1 else f.location
        out[i] = f.replace(cells=tuple(c for c in cells if c is not None), location=location or f.location)
    return out


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
