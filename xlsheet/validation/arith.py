"""Linear sum checks (勾稽关系) expanded from the catalogue onto a spec.

One :class:`SumCheck` is one equation instance, e.g. T3-BALANCE for the 自然人 column.  The same instances drive
the Python validator (:func:`evaluate`) and the native formulas in the workbook (``xlsheet.workbook.live``), so
the two cannot disagree about what is checked.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..spec import Spec
from ..values import CellValue
from .catalogue import Rule, rules_for


@dataclass(frozen=True)
class SumCheck:
    """One equation of a rule over named cells."""

    rule: Rule
    instance: str
    where: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    mark: str

    @property
    def keys(self) -> tuple[str, ...]:
        return self.left + self.right


def _expand_terms(spec: Spec, templates, x: str) -> tuple[str, ...]:
    out = []
    for t in templates:
        t = t.replace("{x}", x)
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
        return [(k, f"“{spec.fields[f'{table_key}.{table.data_rows()[0].key}.{k}'].column_label}”列")
                for k in table.value_keys]
    if what == "rows":
        return [(r.key, f"“{spec.fields[f'{table_key}.{r.key}.{table.value_keys[0]}'].row_label}”行")
                for r in table.data_rows()]
    raise ValueError(over)


def sum_checks(spec: Spec) -> list[SumCheck]:
    """Every equation instance of every ``sum_equal`` rule that applies to ``spec``'s format."""
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
    if not all(values.get(k) is not None and values[k].is_number for k in check.keys):
        return "na", None, None
    left = sum(values[k].number for k in check.left)
    right = sum(values[k].number for k in check.right)
    return ("ok" if left == right else "fail"), left, right
