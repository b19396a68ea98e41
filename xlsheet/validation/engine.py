"""Run the catalogue's rules for a report's format and collect a :class:`~.findings.Result`."""
from __future__ import annotations

from ..report import Report
from . import checks_arith, checks_cells, checks_input, checks_meta, checks_text  # noqa: F401 (they register)
from .assess import assess
from .catalogue import rules_for
from .findings import Result
from .focus import focus
from .registry import CHECKS, Context

_ORDER = {"error": 0, "warning": 1}


def validate(report: Report, previous: Report | None = None, published: bool | None = None) -> Result:
    """All findings for ``report`` (errors first, then in catalogue order).  ``previous`` is last year's report,
    for the cross-year rules.  ``published`` assesses blanks as the zeros of a published report (default: on
    for a workbook imported from a published report, see :mod:`.assess`)."""
    if published is None:
        published = report.origin == "published"
    if previous is not None:
        # the cross-year checks, which all need ``previous``: registered when first given one, so that a plain
        # ``xlsheet validate`` does not import them (≈ 0.1 ms of its start)
        from . import checks_xyear  # noqa: F401
    ctx = Context(report=report, previous=previous, published=published,
                  assessment=assess(report, published))
    findings = []
    for rule in rules_for(report.spec.format):
        if rule.params.get("needs") == "previous" and previous is None:
            continue
        fn = CHECKS.get(rule.kind)
        if fn is None:
            raise RuntimeError(f"rule {rule.id}: no check registered for kind {rule.kind!r}")
        findings.extend(fn(rule, ctx))
    findings = focus(report, findings)  # broken equations: mark the total and the crossing cell, not the column
    findings.sort(key=lambda f: _ORDER[f.severity])
    return Result(report=report, findings=findings, not_assessable=ctx.not_assessable)


def check(source, previous=None, published: bool | None = None) -> Result:
    """:func:`xlsheet.jobs.check` (read ``source`` and ``previous``, paths or Reports, and :func:`validate`): here
    so that ``xlsheet validate`` need not import :mod:`xlsheet.jobs` and its classes (≈ 0.3 ms of its start)."""
    from ..workbook.reader import read

    report = source if isinstance(source, Report) else read(source)
    prev = None
    if previous is not None:
        prev = previous if isinstance(previous, Report) else read(previous)
    return validate(report, previous=prev, published=published)
