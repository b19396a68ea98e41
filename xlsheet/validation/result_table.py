"""The rows of a 校验结果 sheet, shared by ``validate --write`` (openpyxl) and the live 校验 button.

Contract: the Chinese rule title comes first (the rule id last); rows are ordered by severity, then by the
workbook's sheet order, then by position; contiguous blank cells of one column become one row
(``表三!D8:D32 共25格为空``) so real errors are not pushed off the screen; 填报值 / 应为 / 差额 are numbers when
they are numbers.
"""
from __future__ import annotations

from ..record import FrozenRecord, _set
from ..report import Location
from ..values import is_decimal
from .findings import SEVERITY_LABEL, Finding, Result

RESULT_HEADERS = ["问题", "级别", "位置", "说明", "填报值", "应为", "差额", "规则"]
#: Column widths (characters); together they fit an A4 landscape page at 100 %.
RESULT_WIDTHS = [18, 6, 16, 62, 9, 9, 9, 15]
LINK_COLUMN = 3  # 1-based column of 位置
BLANK_RULE = "CELL-BLANK"
_SEVERITY_ORDER = {"error": 0, "warning": 1}
_NUMBER_LIMIT = 10 ** 15  # what Excel shows exactly (15 significant digits); larger values stay text


class Entry(FrozenRecord):
    """One row of the result sheet; ``location`` is the cell a hyperlink jumps to (first cell of a group)."""

    __slots__ = _fields = ("title", "severity", "address", "message", "left", "right", "diff", "rule_id",
                           "location")

    def __init__(self, title: str, severity: str, address: str, message: str, left: object, right: object,
                 diff: object, rule_id: str, location: Location | None):
        _set(self, "title", title)
        _set(self, "severity", severity)
        _set(self, "address", address)
        _set(self, "message", message)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "diff", diff)
        _set(self, "rule_id", rule_id)
        _set(self, "location", location)

    def row(self) -> list:
        return [self.title, SEVERITY_LABEL[self.severity], self.address, self.message, self.left, self.right,
                self.diff, self.rule_id]


def as_number(v):
    """Decimal / numeric text → int or float (so the sheet stores numbers); anything else unchanged."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, str):
        from decimal import Decimal

        try:
            v = Decimal(v.replace(",", "").lstrip("+"))
        except ArithmeticError:
            return v
    decimal = is_decimal(v)
    if (decimal or isinstance(v, (int, float))) and not (abs(v) < _NUMBER_LIMIT):  # also NaN and infinities
        return str(v)  # a spreadsheet number cannot hold it (a 5,000-digit "count" quoted from the text)
    if decimal:
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


def default_sheet_order(spec) -> list[str]:
    """The sheets of a workbook of ``spec`` in their order: 基本信息, 正文, then the tables."""
    from ..workbook.layout import data_sheets

    return data_sheets(spec)


def finding_entries(findings: list[Finding], sheet_order: list[str]) -> list[Entry]:
    """``findings`` as result-table rows: ordered and blank-grouped as the module contract says."""
    blanks = [f for f in findings if f.rule_id == BLANK_RULE and f.location is not None]
    entries = [_entry(f) for f in findings if not (f.rule_id == BLANK_RULE and f.location is not None)]
    entries += [_grouped(run) for run in _blank_runs(blanks)]
    order = {name: i for i, name in enumerate(sheet_order)}

    def key(e: Entry):
        loc = e.location
        if loc is None:
            return _SEVERITY_ORDER[e.severity], -1, 0, 0
        return _SEVERITY_ORDER[e.severity], order.get(loc.sheet, len(order)), loc.row, loc.col

    return sorted(entries, key=key)


def result_entries(result: Result, sheet_order: list[str] | None = None) -> list[Entry]:
    """The rows of the 校验结果 table (see the module contract).  ``sheet_order``: the workbook's sheets."""
    if sheet_order is None:
        sheet_order = default_sheet_order(result.report.spec)
    return finding_entries(result.findings, sheet_order)


def dict_entries(data: dict) -> list[Entry]:
    """The same rows from a result's JSON form (``Result.to_dict()``, as the web service keeps it)."""
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    from ..spec.loader import load_spec

    findings = []
    for d in data.get("findings", []):
        location = None
        if d.get("sheet") and d.get("cell"):
            col, row = coordinate_from_string(d["cell"])
            location = Location(d["sheet"], row, column_index_from_string(col))
        findings.append(Finding(d["rule"], d["severity"], d.get("title") or "", d["message"], location,
                                left=d.get("left"), right=d.get("right"), diff=d.get("diff"), key=d.get("key")))
    try:
        order = default_sheet_order(load_spec(data["format"]))
    except (KeyError, TypeError):  # an unknown or missing format: sheets then keep their first-seen order
        order = []
    return finding_entries(findings, order)
