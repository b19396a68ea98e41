"""The rows of a 校验结果 sheet, shared by ``validate --write`` (openpyxl) and the live 校验 button.

Contract: the Chinese rule title comes first (the rule id last); rows are ordered by severity, then by the
workbook's sheet order, then by position; contiguous blank cells of one column become one row
(``表三!D8:D32 共25格为空``) so real errors are not pushed off the screen; 填报值 / 应为 / 差额 are numbers when
they are numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..report import Location
from .findings import SEVERITY_LABEL, Finding, Result

RESULT_HEADERS = ["问题", "级别", "位置", "说明", "填报值", "应为", "差额", "规则"]
#: Column widths (characters); together they fit an A4 landscape page at 100 %.
RESULT_WIDTHS = [18, 6, 16, 62, 9, 9, 9, 15]
LINK_COLUMN = 3  # 1-based column of 位置
BLANK_RULE = "CELL-BLANK"
_SEVERITY_ORDER = {"error": 0, "warning": 1}
_NUMBER_LIMIT = Decimal(10) ** 15  # what Excel shows exactly (15 significant digits); larger values stay text


@dataclass(frozen=True)
class Entry:
    """One row of the result sheet; ``location`` is the cell a hyperlink jumps to (first cell of a group)."""

    title: str
    severity: str
    address: str
    message: str
    left: object
    right: object
    diff: object
    rule_id: str
    location: Location | None

    def row(self) -> list:
        return [self.title, SEVERITY_LABEL[self.severity], self.address, self.message, self.left, self.right,
                self.diff, self.rule_id]


def as_number(v):
    """Decimal / numeric text → int or float (so the sheet stores numbers); anything else unchanged."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, str):
        try:
            v = Decimal(v.replace(",", "").lstrip("+"))
        except ArithmeticError:
            return v
    if isinstance(v, (int, float, Decimal)) and not (abs(v) < _NUMBER_LIMIT):  # also NaN and infinities
        return str(v)  # a spreadsheet number cannot hold it (a 5,000-digit "count" quoted from the text)
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _entry(f: Finding) -> Entry:
    return Entry(f.title, f.severity, f.address, f.message, as_number(f.left), as_number(f.right),
                 as_number(f.diff), f.rule_id, f.location)


def _runs(findings: list[Finding], line, pos) -> list[list[Finding]]:
    """``findings`` split into runs of consecutive ``pos`` within one ``line`` (e.g. rows within a column)."""
    by_line: dict[tuple, list[Finding]] = {}
    for f in findings:
        by_line.setdefault(line(f.location), []).append(f)
    runs = []
    for group in by_line.values():
        group.sort(key=lambda f: pos(f.location))
        run = [group[0]]
        for f in group[1:]:
            if pos(f.location) == pos(run[-1].location) + 1:
                run.append(f)
            else:
                runs.append(run)
                run = [f]
        runs.append(run)
    return runs


def _blank_runs(blanks: list[Finding]) -> list[list[Finding]]:
    """Blank findings grouped down columns first; cells left alone are then grouped along rows (表四)."""
    runs = _runs(blanks, lambda loc: (loc.sheet, loc.col), lambda loc: loc.row)
    single = [r[0] for r in runs if len(r) == 1]
    return [r for r in runs if len(r) > 1] + _runs(single, lambda loc: (loc.sheet, loc.row), lambda loc: loc.col)


def _grouped(run: list[Finding]) -> Entry:
    if len(run) == 1:
        return _entry(run[0])
    first, last = run[0].location, run[-1].location
    address = f"{first.sheet}!{first.cell}:{last.cell}"
    message = f"{address} 共{len(run)}格为空：请填写数字，没有发生的填 0"
    return Entry(run[0].title, run[0].severity, address, message, None, None, None, run[0].rule_id, first)


def result_entries(result: Result, sheet_order: list[str] | None = None) -> list[Entry]:
    """The rows of the 校验结果 table (see the module contract).  ``sheet_order``: the workbook's sheets."""
    blanks = [f for f in result.findings if f.rule_id == BLANK_RULE and f.location is not None]
    entries = [_entry(f) for f in result.findings if not (f.rule_id == BLANK_RULE and f.location is not None)]
    entries += [_grouped(run) for run in _blank_runs(blanks)]
    if sheet_order is None:
        from ..workbook.layout import META_SHEET, TEXT_SHEET

        sheet_order = [META_SHEET, TEXT_SHEET] + [t.sheet for t in result.report.spec.tables]
    order = {name: i for i, name in enumerate(sheet_order)}

    def key(e: Entry):
        loc = e.location
        if loc is None:
            return _SEVERITY_ORDER[e.severity], -1, 0, 0
        return _SEVERITY_ORDER[e.severity], order.get(loc.sheet, len(order)), loc.row, loc.col

    return sorted(entries, key=key)
