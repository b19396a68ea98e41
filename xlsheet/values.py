"""Value semantics of one input cell: NUMBER / ZERO / BLANK / TEXT, and tolerant parsing of what clerks type.

Contract of :func:`parse_cell`:
* a blank (None, "", or only spaces) is BLANK, never 0;
* ``"0　"``, full-width digits, ``"+2"``, ``"1,234"``, ``"104.85万元"`` parse to numbers, and ``note`` says in Chinese
  what was normalised so the clerk can see it;
* anything else that is not a number stays TEXT with the raw text kept;
* integral numbers become ``int``; others become ``Decimal`` (exact, so 万元 sums do not drift);
* a number of magnitude ≥ 10^15 (beyond Excel's 15 significant digits; no count or 万元 amount is that large),
  infinity, NaN, or a numeric text of more than 40 characters stays TEXT (the validator reports it), so nothing
  downstream meets an overflowing sum or a 5,000-digit integer.
"""
from __future__ import annotations

import datetime as _dt
import sys
import unicodedata

from .lazyre import lazy
from .record import FrozenRecord, _set

# What clerks paste into number cells besides ASCII spaces.
_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\t\r\n "
_UNITS = ("万元", "件", "条", "项", "个", "次")
_NUMBER = lazy(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = lazy(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234.5: thousands separators
MAX_MAGNITUDE = 10 ** 15
_MAX_NUMBER_TEXT = 40
_OUT_OF_RANGE = "数值超出可处理的范围"


class State(str):
    """A cell's state: one of the four constants below, each a str equal to its value (``State.BLANK == "blank"``),
    compared by identity, with ``.name`` and ``.value`` as the members of ``class State(str, Enum)`` had.  Not an
    Enum: enum (with functools and collections) is ≈ 2 ms of `xlsheet validate`'s start (issue #14).  Pickling and
    ``copy`` return the same constant."""

    __members: dict[str, State] = {}

    def __new__(cls, value: str, name: str | None = None):
        if name is None:  # State("blank"), as Enum looks a member up by value
            try:
                return cls.__members[value]
            except KeyError:
                raise ValueError(f"{value!r} is not a valid State") from None
        if value in cls.__members:
            raise TypeError("State has exactly four constants")
        self = str.__new__(cls, value)
        self.name = name
        cls.__members[value] = self
        return self

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"<State.{self.name}: {str.__repr__(self)}>"

    def __str__(self) -> str:
        return f"State.{self.name}"

    def __reduce__(self):  # pickle, copy and deepcopy rebuild by value: State("blank") is State.BLANK
        return State, (self.value,)

    NUMBER: State
    ZERO: State
    BLANK: State
    TEXT: State


State.NUMBER, State.ZERO, State.BLANK, State.TEXT = (State(v, v.upper()) for v in ("number", "zero", "blank", "text"))


class CellValue(FrozenRecord):
    """One cell as read: its state (blank / zero / number / text), the number, the raw value and a note."""

    __slots__ = _fields = ("state", "number", "raw", "note")

    def __init__(self, state: State, number: int | Decimal | None = None, raw: object = None,
                 note: str | None = None):
        _set(self, "state", state)
        _set(self, "number", number)
        _set(self, "raw", raw)
        _set(self, "note", note)

    @property
    def is_number(self) -> bool:
        return self.state in NUMERIC_STATES


def is_decimal(v) -> bool:
    """``isinstance(v, decimal.Decimal)`` without importing decimal: no Decimal exists before the module is.

    decimal (with numbers) is ≈ 1.5 ms of ``xlsheet validate``'s start-up, and a workbook of whole numbers — most
    of them — never needs it: it is imported where a Decimal is made (a fraction or a numeric text)."""
    module = sys.modules.get("decimal")
    return module is not None and isinstance(v, module.Decimal)


#: The states of a CellValue that hold a number (``is_number``).
NUMERIC_STATES = (State.NUMBER, State.ZERO)
BLANK = CellValue(State.BLANK)
#: The note of a cell that holds a formula the file has no calculated value for (state TEXT: never a number,
#: never a blank; ``raw`` is the formula).  CELL-UNCALCULATED reports it, CELL-TEXT leaves it alone.
UNCALCULATED = "公式没有计算结果"


def uncalculated(formula: str) -> CellValue:
    """The value of a cell holding ``formula`` and no calculated value (see :data:`UNCALCULATED`)."""
    return CellValue(State.TEXT, None, formula, UNCALCULATED)


def _from_number(n, raw, note=None) -> CellValue:
    if isinstance(n, float):
        if n != n or n in (float("inf"), float("-inf")):
            return CellValue(State.TEXT, None, raw, "不是有效数字")
        if n.is_integer():
            n = int(n)  # exactly the int that Decimal(repr(n)) below would give
        else:
            from decimal import Decimal

            n = Decimal(repr(n))
    if abs(n) >= MAX_MAGNITUDE:
        return CellValue(State.TEXT, None, raw, _OUT_OF_RANGE)
    if is_decimal(n) and n == n.to_integral_value():
        n = int(n)
    return CellValue(State.ZERO if n == 0 else State.NUMBER, n, raw, note)


#: Float → its CellValue.  Every number a file reader returns is a float, and a roll-up meets the same few (0,
#: counts, 0.5) again and again.  A CellValue is immutable and a pure function of the float; two equal floats
#: are the same value except 0.0 and -0.0 (they print differently, and ``raw`` keeps the sign), and NaN is never
#: equal to anything, so only NUMBER results and +0.0 are kept and a hit on 0.0 is used for +0.0 only: a hit is
#: exactly what :func:`_from_number` would build.  Bounded.
_FLOATS: dict[float, CellValue] = {}
_MAX_FLOATS = 4096


def parse_cell(raw: object) -> CellValue:
    """Classify and normalise one raw cell value as read from a workbook (see module docstring)."""
    if raw is None:
        return BLANK
    if type(raw) is float:
        hit = _FLOATS.get(raw)
        if hit is not None and (raw or repr(raw) == "0.0"):
            return hit
        value = _from_number(raw, raw)
        if (value.state is State.NUMBER or repr(raw) == "0.0") and len(_FLOATS) < _MAX_FLOATS:
            _FLOATS[raw] = value
        return value
    if isinstance(raw, bool) or isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):
        return CellValue(State.TEXT, None, raw, "应为数字")
    if isinstance(raw, (int, float)) or is_decimal(raw):
        return _from_number(raw, raw)
    text = str(raw)
    stripped = text.strip(_SPACES)
    if not stripped:
        return CellValue(State.BLANK, None, raw, "只含空格，按空白处理" if text else None)
    notes = []
    if stripped != text:
        notes.append("去除了首尾空格")
    norm = unicodedata.normalize("NFKC", stripped)
    if norm != stripped:
        notes.append("全角字符转为半角")
    norm = norm.replace("−", "-").replace("－", "-")
    for unit in _UNITS:
        if norm.endswith(unit):
            norm = norm[: -len(unit)].strip(_SPACES)
            notes.append(f"去除了单位“{unit}”")
            break
    if "," in norm and _GROUPED.fullmatch(norm):
        norm = norm.replace(",", "")
        notes.append("去除了千位分隔符")
    if norm.startswith("+"):
        notes.append("去除了正号")
    if not _NUMBER.match(norm):
        return CellValue(State.TEXT, None, raw, None)
    if len(norm) > _MAX_NUMBER_TEXT:
        return CellValue(State.TEXT, None, raw, _OUT_OF_RANGE)
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(norm)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        return CellValue(State.TEXT, None, raw, None)
    notes.insert(0, "文本格式的数字")
    return _from_number(number, raw, "；".join(notes))


def format_number(n: int | Decimal | None, signed: bool = False) -> str:
    """Print a number as published: integers plainly, 万元 amounts without trailing zeros; ``signed`` adds '+'."""
    if n is None:
        return ""
    if is_decimal(n):
        text = format(n.normalize(), "f")
    else:
        text = str(n)
    if signed and n > 0:
        text = "+" + text
    return text
