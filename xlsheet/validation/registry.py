"""Check functions by catalogue ``kind``.  A check takes (rule, context) and yields Findings."""
from __future__ import annotations

from ..record import Record
from ..report import Location, Report
from .catalogue import Rule
from .findings import Finding

#: kind → check function, ``(Rule, Context) -> Iterable[Finding]`` (said here, not annotated with
#: ``collections.abc.Callable``: importing collections.abc for an annotation cost ≈ 0.13 ms of validate's start).
CHECKS: dict = {}


def check(kind: str):
    def register(fn):
        CHECKS[kind] = fn
        return fn

    return register


class _Keep(dict):
    def __missing__(self, key):
        return "{" + key + "}"


class Context(Record):
    """What a check sees: the report, last year's report, and where to note what it could not assess;
    ``published``: blanks assessed as the zeros of a published report; ``assessment`` (.assess.Assessment): the
    values the checks compare.  Checks share per-validation work through :meth:`once`."""

    _fields = ("report", "previous", "not_assessable", "published", "assessment")

    def __init__(self, report: Report, previous: Report | None = None, not_assessable: list[str] | None = None,
                 published: bool = False, assessment: object = None):
        self.report = report
        self.previous = previous
        self.not_assessable = [] if not_assessable is None else not_assessable
        self.published = published
        self.assessment = assessment

    def once(self, name: str, build):
        """``build()``, computed once per validation (this context) under ``name``: what several checks walk."""
        try:
            return self.__dict__[name]
        except KeyError:
            value = self.__dict__[name] = build()
            return value

    @property
    def values(self):
        """Values as assessed (published blanks as 0, 元 amounts as 万元); ``report.values`` as read."""
        return self.assessment.values if self.assessment is not None else self.report.values

    def number(self, key: str):
        v = self.values.get(key)
        return v.number if v is not None and v.is_number else None

    def loc(self, key: str) -> Location | None:
        return self.report.locations.get(key)

    def where(self, key: str) -> str:
        """A cell as a clerk finds it: 表三!D8（一、本年新收… / 自然人）."""
        f = self.report.spec.fields.get(key)
        loc = self.loc(key)
        desc = f.describe(self.report.year) if f else key
        return f"{loc.address}（{desc}）" if loc else desc

    def finding(self, rule: Rule, *, key: str | None = None, cells=(), left=None, right=None, diff=None,
                location: Location | None = None, **fields) -> Finding:
        # the message says how far apart the two sides are (相差 3), which side is larger being in its numbers;
        # the signed difference stays in the finding (JSON "diff": left − right)
        try:
            gap = abs(diff)  # int, float or Decimal (not imported here: decimal is off validate's start-up path)
        except TypeError:  # None, or text
            gap = diff
        message = rule.message.format_map(_Keep(fields, left=left, right=right, diff=gap))
        location = location or (self.loc(key) if key else None)
        cells = tuple(c for c in cells if c is not None) or ((location,) if location else ())
        return Finding(rule.id, rule.severity, rule.title, message, location, cells, left, right, diff, key)
