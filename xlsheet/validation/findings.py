"""Findings and the validation result: one object that renders as a terminal table, JSON, or a sheet."""
from __future__ import annotations

from ..record import FrozenRecord, Record, _set
from ..report import Location, Report
from ..values import is_decimal

SEVERITY_LABEL = {"error": "错误", "warning": "警告"}


class Finding(FrozenRecord):
    """One problem found by a rule, where it is and the figures involved."""

    __slots__ = _fields = ("rule_id", "severity", "title", "message", "location", "cells", "left", "right", "diff",
                           "key")

    def __init__(self, rule_id: str, severity: str, title: str, message: str, location: Location | None = None,
                 cells: tuple[Location, ...] = (), left: object = None, right: object = None, diff: object = None,
                 key: str | None = None):
        _set(self, "rule_id", rule_id)
        _set(self, "severity", severity)
        _set(self, "title", title)
        _set(self, "message", message)
        _set(self, "location", location)
        _set(self, "cells", cells)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "diff", diff)
        _set(self, "key", key)

    @property
    def address(self) -> str:
        return self.location.address if self.location else ""

    def to_dict(self) -> dict:
        def num(v):
            return str(v) if is_decimal(v) else v

        return {"rule": self.rule_id, "severity": self.severity, "title": self.title, "message": self.message,
                "sheet": self.location.sheet if self.location else None,
                "cell": self.location.cell if self.location else None, "key": self.key,
                "left": num(self.left), "right": num(self.right), "diff": num(self.diff)}


class Result(Record):
    """All findings for one report, and the equations that could not be assessed (``not_assessable``: "RULE-ID
    instance" of equations over blanks/text)."""

    _fields = ("report", "findings", "not_assessable")

    def __init__(self, report: Report, findings: list[Finding] | None = None,
                 not_assessable: list[str] | None = None):
        self.report = report
        self.findings = [] if findings is None else findings
        self.not_assessable = [] if not_assessable is None else not_assessable

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = f"{len(self.errors)} 个错误，{len(self.warnings)} 个警告"
        if self.not_assessable:
            text += f"；{len(self.not_assessable)} 项勾稽关系因空白或文字无法核对"
        return text

    def to_dict(self) -> dict:
        r = self.report
        return {"file": r.source, "format": r.spec.format, "year": r.year, "agency": r.agency,
                "summary": {"errors": len(self.errors), "warnings": len(self.warnings),
                            "not_assessable": len(self.not_assessable)},
                "findings": [f.to_dict() for f in self.findings], "not_assessable": self.not_assessable}


RESULT_HEADERS = ["序号", "级别", "规则", "位置", "说明", "填报值", "应为", "差额"]


def verdict(result: Result) -> str:
    """The one-line conclusion shown above a 校验结果 table."""
    return f"{result.summary()}。" + ("可以生成报告。" if result.ok else "请先改正错误再生成报告。")


def result_rows(result: Result) -> list[list]:
    """One row per finding, in RESULT_HEADERS order (the 位置 column holds the plain address)."""
    def text(v):
        return None if v is None else str(v)

    return [[n, SEVERITY_LABEL[f.severity], f.rule_id, f.address, f.message, text(f.left), text(f.right),
             text(f.diff)] for n, f in enumerate(result.findings, start=1)]
