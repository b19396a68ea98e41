"""The workbook's own formulas (recalculated by LibreOffice) agree with the Python validator.

Hypothesis draws batches of table-三/四 data — consistent, then corrupted by +1 errors, blanks and text — each batch
is written as real workbooks, recalculated in one LibreOffice run, and every live check cell and status line is
compared with the Python evaluation of the same catalogue equations.
"""
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.lo import recalc, require_soffice
from xlsheet import read, validate
from xlsheet.spec import load_spec
from xlsheet.validation.arith import evaluate, sum_checks
from xlsheet.values import State
from xlsheet.workbook import names
from xlsheet.workbook.build import build_workbook

SPEC = load_spec("v2021")
T3 = SPEC.table("t3")
RESULT_ROWS = [r.key for r in T3.tagged("result")]
COLS = T3.value_keys[:-1]
INPUT_KEYS = [k for k in SPEC.fields if k.startswith(("t3.", "t4."))]


@st.composite
def table_data(draw):
    values = {}
    for col in COLS:
        results = {row: draw(st.integers(0, 3)) for row in RESULT_ROWS}
        total = sum(results.values())
        nxt = draw(st.integers(0, 3))
        carry = draw(st.integers(0, total + nxt))
        for row, n in results.items():
            values[f"t3.{row}.{col}"] = n
        values.update({f"t3.total.{col}": total, f"t3.next.{col}": nxt, f"t3.carry.{col}": carry,
                       f"t3.new.{col}": total + nxt - carry})
    for row in [r.key for r in T3.data_rows()]:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in COLS)
    for group in ("review", "direct", "after_review"):
        parts = [draw(st.integers(0, 2)) for _ in range(4)]
        values.update({f"t4.{group}.{k}": n for k, n in zip(("upheld", "corrected", "other", "pending"), parts)})
        values[f"t4.{group}.total"] = sum(parts)
    corruptions = draw(st.lists(st.tuples(st.sampled_from(INPUT_KEYS), st.sampled_from(["+1", "blank", "text"])),
                                max_size=4))
    for key, how in corruptions:
        if how == "+1":
            values[key] = (values.get(key) or 0) + 1
        elif how == "blank":
            values.pop(key, None)
        else:
            values[key] = "无"
    return values


def _python_view(path):
    report = read(path)
    checks = {names.check_name(c.rule.id, c.instance): evaluate(c, report.values)[0] for c in sum_checks(SPEC)}
    blanks = {t: sum(1 for f in SPEC.fields_for() if f.table == t and report.value(f.key).state is State.BLANK)
              for t in ("t2", "t3", "t4")}
    return report, checks, blanks


@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(table_data(), min_size=12, max_size=12))
def test_in_sheet_status_agrees_with_python(batch, tmp_path_factory):
    require_soffice()
    tmp = tmp_path_factory.mktemp("live")
    paths = []
    for i, values in enumerate(batch):
        wb = build_workbook(2024, "某市某区某局", values=dict(values, **{k: 0 for k in SPEC.fields if
                                                                       k.startswith("t2.")}))
        p = tmp / f"case{i:02d}.xlsx"
        wb.save(p)
        paths.append(p)
    recalculated = recalc(paths, tmp / "out")
    broken_total = 0
    for original, calc in zip(paths, recalculated):
        report, py_checks, py_blanks = _python_view(original)
        wb = load_workbook(calc, data_only=True)
        for name, py_status in py_checks.items():
            sheet, ref = wb.defined_names[name].attr_text.split("!")
            live = wb[sheet.strip("'")][ref.replace("$", "")].value
            expected = {"ok": 0, "fail": 1, "na": None}[py_status]
            assert (live if live != "" else None) == expected, (original.name, name, live, py_status)
            broken_total += expected == 1
        result = validate(report)
        for table in SPEC.tables:
            sheet, ref = wb.defined_names[names.status_name(table.key)].attr_text.split("!")
            status = wb[sheet.strip("'")][ref.replace("$", "")].value
            fails = sum(1 for f in result.findings if f.rule_id.startswith(("T3-", "T4-")) and
                        SPEC.fields[f.key].table == table.key)
            if fails:
                assert status.startswith("✗") and int(re.search(r"\d+", status).group()) == fails, status
            elif py_blanks[table.key]:
                assert status.startswith("⚠") and int(re.search(r"\d+", status).group()) == py_blanks[table.key]
            else:
                assert status.startswith("✓"), status
    assert broken_total >= 0


def test_status_lines_of_the_demo_and_a_broken_copy(tmp_path):
    require_soffice()
    from tests.conftest import EXAMPLES

    demo = EXAMPLES / "demo_2024.xlsx"
    wb = load_workbook(demo)
    ref = wb.defined_names[names.input_name("t3.new.natural")].attr_text.split("!")[1].replace("$", "")
    wb["表三"][ref] = 13
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    calc_demo, calc_broken = recalc([demo, broken], tmp_path / "out")
    ok = load_workbook(calc_demo, data_only=True)
    bad = load_workbook(calc_broken, data_only=True)
    assert ok["表三"]["A2"].value.startswith("✓")
    assert bad["表三"]["A2"].value.startswith("✗ 有2处")  # balance of 自然人 and the 一 row total
    assert ok["基本信息"]["B21"].value is not None
