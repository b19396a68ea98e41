"""Linear sum checks (勾稽关系) expanded from the catalogue onto a spec.

One :class:`SumCheck` is one equation instance, e.g. T3-BALANCE for the 自然人 column.  The same instances drive
the Python validator (:func:`evaluate`) and the native formulas in the workbook (``xlsheet.workbook.live``), so
the two cannot disagree about what is checked.
"""
from __future__ import annotations

from ..record import FrozenRecord, _set
from ..spec import Spec
from ..values import NUMERIC_STATES as _NUMERIC
from ..values import CellValue
from .catalogue import Rule, rules_for


class SumCheck(FrozenRecord):
    """One equation of a rule over named cells."""

    __slots__ = _fields = ("rule", "instance", "where", "left", "right", "mark")

    def __init__(self, rule: Rule, instance: str, where: str, left: tuple[str, ...], right: tuple[str, ...],
                 mark: str):
        _set(self, "rule", rule)
        _set(self, "instance", instance)
        _set(self, "where", where)
        _set(self, "left", left)
        _set(self, "right", right)
        _set(self, "mark", mark)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


def _expand_terms(spec: Spec, templates, x: str) -> tuple[str, ...]:
    out = []
    for t in templates:
        t = t.replace("{x}", x)
        if "@" not in t:  # a plain key (most terms): no split
            out.append(t)
            continue
        parts = t.split(".")
        if len(parts) == 3 and parts[1].startswith("@"):
            table = spec.table(parts[0])
            out += [f"{parts[0]}.{row.key}.{parts[2]}" for row in table.tagged(parts[1][1:])]
        else:
            out.append(t)
    return tuple(out)


def _over(spec: Spec, over) -> list[tuple[str, str]]:
    """(instance, where) pairs for a rule's ``over`` parameter."""
    if isinstance(over, list):
        return [(x, "") for x in over]
    what, table_key = over.split(":")
    table = spec.table(table_key)
    if what == "columns":
        first = table.data_rows()[0].key  # once, not once per column
        return [(k, f"“{spec.fields[f'{table_key}.{first}.{k}'].column_label}”列") for k in table.value_keys]
    if what == "rows":
        return [(r.key, f"“{spec.fields[f'{table_key}.{r.key}.{table.value_keys[0]}'].row_label}”行")
                for r in table.data_rows()]
    raise ValueError(over)


def sum_checks(spec: Spec) -> list[SumCheck]:
    """Every equation instance of every ``sum_equal`` rule that applies to ``spec``'s format (a new list each
    call).  Expanded once per spec object: they depend only on the spec, which is immutable, and on the
    catalogue, loaded once per process (see :meth:`~xlsheet.spec.Spec.cached`)."""
    return list(spec.cached("sum_checks", None, lambda: tuple(_expand(spec))))


def _expand(spec: Spec) -> list[SumCheck]:
    checks = []
    for rule in rules_for(spec.format):
        if rule.kind != "sum_equal":
            continue
        p = rule.params
        for x, where in _over(spec, p["over"]):
            mark = p["mark"].replace("{x}", x)
            if not where:
                where = spec.fields[mark].column_label.replace(" 总计", "")
            checks.append(SumCheck(rule, x, where, _expand_terms(spec, p["left"], x),
                                   _expand_terms(spec, p["right"], x), mark))
    for c in checks:
        missing = [k for k in c.keys if k not in spec.fields]
        if missing:
            raise ValueError(f"{c.rule.id}: unknown keys {missing}")
    return checks


def evaluate(check: SumCheck, values: dict[str, CellValue]):
    """("ok" | "fail" | "na", left, right).  "na" (not assessable) when any term is not a number: a blank is
    missing data, never 0, so an equation over it is neither passed nor failed."""
    get = values.get
    for k in check.keys:
        v = get(k)
        if v is None or v.state not in _NUMERIC:  # CellValue.is_number, without a property call per term
            return "na", None, None
    left = sum(values[k].number for k in check.left)
    right = sum(values[k].number for k in check.right)
    return ("ok" if left == right else "fail"), left, right
