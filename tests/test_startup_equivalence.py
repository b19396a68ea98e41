"""Rewrites made for start-up (issue #14) give exactly what the code they replaced gave: each old expression is
kept here as the reference and compared over the published seeds' numbers and edge cases."""
import re
import sys
from decimal import Decimal

import pytest

from tests.seedgrid import SEEDS
from xlsheet.validation.checks_text import _said
from xlsheet.validation.result_table import as_number
from xlsheet.values import MAX_MAGNITUDE, format_number, is_decimal, parse_cell

EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 104.85, 1e-7, 2.5e-300, 123456789012345.0, 999999999999999.9, 1e15,
               -1e15, 1e16, 1e300, 1.7976931348623157e308, float("inf"), float("-inf"), float("nan"),
               3.0000000000000004]


def _seed_numbers() -> list[str]:
    """Every run of digits (with a decimal part when there is one) in the published seeds."""
    return sorted({m for p in SEEDS.values() for m in re.findall(r"\d+(?:\.\d+)?", p.read_text(encoding="utf-8"))})


def _old_from_float(n: float):
    """values._from_number's float branch before the start-up change: (text?, number)."""
    if n != n or n in (float("inf"), float("-inf")):
        return "text", None
    d = Decimal(repr(n))
    if abs(d) >= MAX_MAGNITUDE:
        return "text", None
    return "number", int(d) if d == d.to_integral_value() else d


@pytest.mark.parametrize("n", EDGE_FLOATS + [float(s) for s in _seed_numbers()[:400]], ids=repr)
def test_a_float_cell_parses_as_before(n):
    v = parse_cell(n)
    state, number = _old_from_float(n)
    assert (v.number is None if state == "text" else v.is_number) and v.number == number
    assert type(v.number) is type(number) and repr(v.raw) == repr(n)


def test_said_reads_a_stated_number_as_decimal_did():
    def old(digits):
        said = Decimal(digits)
        return int(said) if said == said.to_integral_value() else said

    cases = _seed_numbers() + ["007", "１５", "٣٤", "0.50", "12.0", "1" * 30, "9" * 5000, "3" * 18 + ".25"]
    for digits in cases:
        new = _said(digits)
        assert new == old(digits) and type(new) is type(old(digits)), digits


@pytest.mark.parametrize("v", [None, True, 0, 7, -3, 0.5, 1e15, 1e16, float("nan"), float("inf"), Decimal("1.50"),
                               Decimal("1E+20"), Decimal("12"), "1,234", "+5", "abc", "1e400", "NaN", "9" * 40, ""])
def test_as_number_as_before(v):
    def old(v):
        limit = Decimal(10) ** 15
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, str):
            try:
                v = Decimal(v.replace(",", "").lstrip("+"))
            except ArithmeticError:
                return v
        if isinstance(v, (int, float, Decimal)) and not (abs(v) < limit):
            return str(v)
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        return v

    if isinstance(v, float) and v != v:
        # the one difference: the old Decimal limit refused to compare a float NaN (InvalidOperation, an internal
        # error); the int limit gives "nan", what the line's comment ("also NaN and infinities") meant.  Checks
        # never pass a float (cell numbers are ints or Decimals).
        assert as_number(v) == "nan"
        return
    try:
        expected = old(v)
    except ArithmeticError as exc:  # Decimal("NaN") cannot be compared: raised before as now
        with pytest.raises(type(exc)):
            as_number(v)
        return
    got = as_number(v)
    assert repr(got) == repr(expected)


def test_is_decimal_needs_no_decimal_import():
    assert is_decimal(Decimal("1")) and not is_decimal(1) and not is_decimal("1") and not is_decimal(1.0)
    assert format_number(Decimal("104.850")) == "104.85" and format_number(104) == "104"
    assert "decimal" in sys.modules  # (this test module imported it; the validate path does not: test_startup)
