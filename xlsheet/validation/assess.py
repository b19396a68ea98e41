"""What the equations are checked against: the values as read, or — for a published report — as published.

A clerk's workbook is assessed strictly: a blank is missing data, never 0.  A report imported from its published
text (``Report.origin == "published"``, or ``validate --published``) is assessed as it was published: a blank
cell reads as 0, so the 勾稽 equations of a report that printed its zeros as blanks are still checked; the
blanks are then reported as one grouped warning, not one error each.  The workbook itself is never changed.

An amount typed with the unit 元 ("251000元") in a 万元 column is assessed as 万元 (25.1) in both modes, and
reported as a warning instead of "text in a number cell".
"""
from __future__ import annotations

import unicodedata

from ..lazyre import lazy
from ..record import Record
from ..report import Report
from ..values import CellValue, State

_YUAN = lazy(r"^([+]?\d+(?:\.\d+)?)元$")
_ZERO_AS_PUBLISHED = "已发布报告中为空白，按 0 核对"


def yuan_amount(raw) -> Decimal | None:
    """"251000元" → Decimal("25.1") (万元); None for anything else (including "104.85万元")."""
    if not isinstance(raw, str):
        return None
    m = _YUAN.match("".join(unicodedata.normalize("NFKC", raw).split()))  # split(): what \s matches
    if not m:
        return None
    from decimal import Decimal

    return (Decimal(m.group(1)) / 10000).normalize()


class Assessment(Record):
    """The values the checks see, and what was read differently from the workbook (keys); ``missing_totals``:
    表三 总计 blank, applicants sum > 0."""

    _fields = ("values", "blanks_as_zero", "yuan", "missing_totals")

    def __init__(self, values: dict[str, CellValue], blanks_as_zero: list[str] | None = None,
                 yuan: dict[str, Decimal] | None = None, missing_totals: dict[str, int] | None = None):
        self.values = values
        self.blanks_as_zero = [] if blanks_as_zero is None else blanks_as_zero
        self.yuan = {} if yuan is None else yuan
        self.missing_totals = {} if missing_totals is None else missing_totals


def missing_total(report: Report, key: str):
    """For a blank 表三 总计 cell whose six applicant cells are numbers with a non-zero sum: that sum."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "t3" or parts[2] != "total":
        return None
    table = report.spec.table("t3")
    cells = [report.value(f"t3.{parts[1]}.{col}") for col in table.value_keys if col != "total"]
    if not all(c.is_number for c in cells):
        return None
    total = sum(c.number for c in cells)
    return total if total else None


def assess(report: Report, published: bool) -> Assessment:
    values = dict(report.values)
    out = Assessment(values)
    text, blank = State.TEXT, State.BLANK
    for f in report.spec.fields_for(report.variants):
        v = values.get(f.key)
        if v is None:
            continue
        state = v.state
        if state is text and f.kind == "amount":
            amount = yuan_amount(v.raw)
            if amount is not None:
                out.yuan[f.key] = amount
                values[f.key] = CellValue(State.ZERO if amount == 0 else State.NUMBER,
                                          int(amount) if amount == amount.to_integral_value() else amount, v.raw)
        elif state is blank:
            should = missing_total(report, f.key)
            if should is not None:
                out.missing_totals[f.key] = should  # "forgot", not 0: never assessed as 0
            elif published:
                out.blanks_as_zero.append(f.key)
                values[f.key] = CellValue(State.ZERO, 0, None, _ZERO_AS_PUBLISHED)
    return out
