"""What clerks type into number cells, and what it means."""
from decimal import Decimal

import pytest

from xlsheet.values import State, format_number, parse_cell


@pytest.mark.parametrize("raw,state,number", [
    (None, State.BLANK, None), ("", State.BLANK, None), ("　 ", State.BLANK, None),
    (0, State.ZERO, 0), (0.0, State.ZERO, 0), (5.0, State.NUMBER, 5), (104.85, State.NUMBER, Decimal("104.85")),
    ("0　", State.ZERO, 0), ("　0", State.ZERO, 0), ("0\u00a0", State.ZERO, 0), ("１２", State.NUMBER, 12),
    ("+2", State.NUMBER, 2), ("-5", State.NUMBER, -5), ("－5", State.NUMBER, -5), ("1,234", State.NUMBER, 1234),
    ("104.85万元", State.NUMBER, Decimal("104.85")), ("3件", State.NUMBER, 3),
    ("无", State.TEXT, None), ("1.2.3", State.TEXT, None), ("12元", State.TEXT, None), (True, State.TEXT, None),
    (float("nan"), State.TEXT, None),
])
def test_parse_cell(raw, state, number):
    v = parse_cell(raw)
    assert v.state is state
    assert v.number == number
    if state is State.BLANK:
        assert v.number is None  # a blank is never 0


def test_normalisation_is_recorded():
    assert parse_cell("0　").note and "空格" in parse_cell("0　").note
    assert "单位" in parse_cell("104.85万元").note
    assert "全角" in parse_cell("１２").note
    assert parse_cell(7).note is None


def test_format_number():
    assert format_number(2, signed=True) == "+2"
    assert format_number(-5, signed=True) == "-5"
    assert format_number(0, signed=True) == "0"
    assert format_number(Decimal("104.850")) == "104.85"
    assert format_number(None) == ""


@pytest.mark.parametrize("raw", [5.0, 104.85, 0.0, -0.0, -3.0, 1e15, 999999999999999.0, 0.1, float("nan"),
                                 float("inf")])
def test_a_float_seen_again_parses_exactly_as_the_first_time(raw):
    # parse_cell keeps the result for a float it has seen (a roll-up meets the same figures in every unit)
    from xlsheet.values import _from_number

    exact = _from_number(raw, raw)
    for _ in range(3):
        v = parse_cell(raw)
        assert (v.state, v.number, v.note, repr(v.raw), type(v.number)) == \
            (exact.state, exact.number, exact.note, repr(exact.raw), type(exact.number))


def test_equal_numbers_of_other_types_or_signs_keep_their_own_raw_value():
    parse_cell(0.0), parse_cell(5.0)
    assert repr(parse_cell(-0.0).raw) == "-0.0"  # 0.0 == -0.0, but the cell held -0.0
    assert repr(parse_cell(0.0).raw) == "0.0"
    assert type(parse_cell(5).raw) is int and type(parse_cell(5.0).raw) is float  # 5 == 5.0
    assert parse_cell(Decimal("5.0")).raw == Decimal("5.0") and type(parse_cell(Decimal("5.0")).raw) is Decimal
    assert parse_cell("5").note == "文本格式的数字"  # text, not the float's cached value
