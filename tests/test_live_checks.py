"""The workbook's own formulas (recalculated by LibreOffice) agree with the Python validator.

Hypothesis draws batches of table-三/四 data — consistent, then corrupted by +1 errors, blanks and text — each batch
is written as real workbooks, recalculated in one LibreOffice run, and every live check cell and status line is
compared with the Python evaluation of the same catalogue equations.
"""
import re

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.lo import recalc, require_soffice
from xlsheet import read, validate
from xlsheet.spec import load_spec
from xlsheet.validation.arith import evaluate, sum_checks
from xlsheet.values import State
from xlsheet.workbook import names, styles
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
            values[key] = values[key] + 1 if isinstance(values.get(key), int) else 1  # "+1" may follow "text"
        elif how == "blank":
            values.pop(key, None)
        else:
            values[key] = "无"
    return values


def _python_view(path):
    report = read(path)
    checks = {names.check_name(c.rule.id, c.instance): evaluate(c, report.values)[0] for c in sum_checks(SPEC)}
    def count(t, state):
        return sum(1 for f in SPEC.fields_for() if f.table == t and report.value(f.key).state is state)

    blanks = {t: count(t, State.BLANK) for t in ("t2", "t3", "t4")}
    texts = {t: count(t, State.TEXT) for t in ("t2", "t3", "t4")}
    return report, checks, blanks, texts


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
        report, py_checks, py_blanks, py_texts = _python_view(original)
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
                assert status.startswith("✗ 有") and int(re.search(r"\d+", status).group()) == fails, status
                assert "勾稽" in status
            elif py_texts[table.key]:
                assert "文字" in status and int(re.search(r"\d+", status).group()) == py_texts[table.key], status
            elif py_blanks[table.key]:
                assert status.startswith("⚠") and int(re.search(r"\d+", status).group()) == py_blanks[table.key]
            else:
                assert status.startswith("✓"), status
    assert broken_total >= 0


def _set(wb, key, value, name=None):
    sheet, ref = wb.defined_names[name or names.input_name(key)].attr_text.split("!")
    wb[sheet.strip("'")][ref.replace("$", "")] = value


def _red_cells(original, calculated, sheet):
    """Cells whose red live formatting is on, evaluating the rules of ``original`` with the helper values that
    LibreOffice calculated (the rules are OR/AND of "helper=1" terms, generated from the catalogue)."""
    rgb = styles.ERROR_FILL.fgColor.rgb
    values = calculated[sheet]

    def term(m):
        return str(values[m.group(1) + m.group(2)].value == 1)

    red = set()
    for cf in original[sheet].conditional_formatting:
        for rule in cf.rules:
            if rule.dxf is None or rule.dxf.fill is None or rule.dxf.fill.fgColor.rgb != rgb:
                continue
            expr = re.sub(r"\$?([A-Z]+)\$?(\d+)=1", term, rule.formula[0])
            if eval(expr.replace("AND(", "_all(").replace("OR(", "_any("),
                    {"_all": lambda *a: all(a), "_any": lambda *a: any(a)}):
                red |= {c for rng in cf.sqref.ranges for c in (rng.coord,)}
    return red


def test_live_status_marks_and_the_workbook_verdict(tmp_path):
    """One LibreOffice run over five workbooks: the in-sheet status lines, the exact red cells of a broken
    equation, the 基本信息 / 正文 field checks and the workbook-level verdict agree with the Python validator."""
    require_soffice()
    import datetime as dt

    from tests.conftest import EXAMPLES

    demo = EXAMPLES / "demo_2024.xlsx"
    cases = {"demo": demo}
    wb = load_workbook(demo)
    _set(wb, "t3.new.natural", 13)
    cases["broken"] = tmp_path / "broken.xlsx"
    wb.save(cases["broken"])
    wb = load_workbook(demo)
    _set(wb, None, None, names.meta_name("portal_url"))
    _set(wb, None, dt.date(2024, 12, 20), names.meta_name("signoff_date"))
    cases["meta"] = tmp_path / "meta.xlsx"
    wb.save(cases["meta"])
    wb = load_workbook(demo)
    _set(wb, None, "本年度未发生相关情况。", names.text_name("s6_fee"))
    _set(wb, None, "无。", names.text_name("s6"))
    cases["fee"] = tmp_path / "fee.xlsx"
    wb.save(cases["fee"])
    cases["fresh"] = tmp_path / "fresh.xlsx"
    build_workbook(2024, "某市某局").save(cases["fresh"])
    calc = dict(zip(cases, (load_workbook(p, data_only=True) for p in recalc(list(cases.values()), tmp_path / "out"))))
    results = {k: validate(read(p)) for k, p in cases.items()}

    def verdict(k):
        sheet, ref = load_workbook(cases[k]).defined_names[names.status_name("workbook")].attr_text.split("!")
        return calc[k][sheet.strip("'")][ref.replace("$", "")].value

    assert calc["demo"]["表三"]["A2"].value.startswith("✓") and results["demo"].ok
    assert verdict("demo").startswith("✓")
    assert calc["broken"]["表三"]["A2"].value.startswith("✗ 有2处")  # balance of 自然人 and the 一 row total
    marked = {c.cell for f in results["broken"].findings for c in f.cells}
    assert _red_cells(load_workbook(cases["broken"]), calc["broken"], "表三") == marked == {"D8", "D31", "J8"}
    assert verdict("broken").startswith("✗ 还不能生成报告：尚有2处")
    meta = calc["meta"]["基本信息"]
    checks = [meta.cell(row=r, column=4).value for r in range(4, 19)]
    assert "✗ 必填" in checks and "✗ 应在报告年度的次年成文" in checks
    assert {"META-REQUIRED", "META-SIGNOFF-DATE"} <= {f.rule_id for f in results["meta"].errors}
    assert verdict("meta").startswith("✗")
    fee = [calc["fee"]["正文"].cell(row=r, column=3).value or "" for r in range(4, 20)]
    assert any(v.startswith("✗ 须说明信息处理费") for v in fee) and "TEXT-FEE" in {f.rule_id for f in
                                                                                 results["fee"].errors}
    assert verdict("fee").startswith("✗")
    assert verdict("fresh").startswith("✗ 还不能生成报告") and not results["fresh"].ok
    assert calc["fresh"]["表三"]["A2"].value == "⚠ 尚有175个单元格未填（没有发生的请填0）"


def test_the_postcode_check_in_the_sheet_agrees_with_the_validator(tmp_path):
    from tests.conftest import EXAMPLES

    codes = ["100000", "012345", "25502X", "10000", "12345.", "1E+05", "12 345", "１２３４５６"]
    paths = []
    for i, code in enumerate(codes):
        wb = load_workbook(EXAMPLES / "demo_2024.xlsx")
        _set(wb, None, code, names.meta_name("postcode"))
        paths.append(tmp_path / f"p{i}.xlsx")
        wb.save(paths[-1])
    sheet, ref = load_workbook(paths[0]).defined_names[names.meta_name("postcode")].attr_text.split("!")
    row = int(re.sub(r"\D", "", ref))
    in_sheet = [load_workbook(p, data_only=True)[sheet.strip("'")].cell(row, 4).value
                for p in recalc(paths, tmp_path / "out")]
    by_validator = ["META-POSTCODE" in {f.rule_id for f in validate(read(p)).findings} for p in paths]
    assert by_validator == [False, False, True, True, True, True, True, True], list(zip(codes, by_validator))
    assert [bool(v and "邮政编码应为6位数字" in v) for v in in_sheet] == by_validator, list(zip(codes, in_sheet))


def test_imported_numbers_printed_with_spaces_or_units_are_numbers_in_the_sheet(tmp_path, capsys):
    """Seed 003 prints its zeros with full-width spaces ("　0"), seed 000 an amount as "104.85万元": the import
    writes the numbers they state, says so, and the workbook's own checks (which count any text in a number cell
    as an error) then agree with the validator: no table says a number cell holds text."""
    from tests.seedgrid import SEEDS
    from xlsheet.cli import main

    paths = []
    for seed in ("000", "003"):
        out = tmp_path / f"imported{seed}.xlsx"
        assert main(["import", str(SEEDS[seed]), "-o", str(out)]) == 0
        paths.append(out)
    said = capsys.readouterr().out
    assert "“104.85万元”按 104.85 填入" in said and "“　0”按 0 填入" in said
    for original, calc in zip(paths, recalc(paths, tmp_path / "out")):
        report = read(original)
        ids = {f.rule_id for f in validate(report).findings}
        assert not ids & {"CELL-TEXT", "CELL-NORMALISED"}
        wb = load_workbook(calc, data_only=True)
        spec = report.spec
        for table in spec.tables:
            sheet, ref = wb.defined_names[names.status_name(table.key)].attr_text.split("!")
            status = wb[sheet.strip("'")][ref.replace("$", "")].value
            assert status and "文字" not in status, (original.name, table.key, status)


def test_a_formula_saved_without_its_value_is_named_not_read_as_blank(examples, tmp_path):
    """A program that writes formulas without calculating them (openpyxl here) leaves no value in the file: the
    cell is reported as such (CELL-UNCALCULATED, with the formula), never as a blank or a 0, and not as text; once
    a spreadsheet program has opened and saved it (LibreOffice here), the value is read."""
    wb = load_workbook(examples / "demo_2024.xlsx")
    _set(wb, "t2.license.decisions", "=2+3")
    _set(wb, "t2.penalty.decisions", "=SUM(B2:B3)*0")  # a formula whose value would be 0: still not read as 0
    _set(wb, "t2.reg.made", '=IF(1<2,0,"x")')  # written with entities in the XML (&lt; &quot;): said as typed
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    report = read(path)
    findings = [f for f in validate(report).findings if f.rule_id.startswith("CELL-")]
    flagged = {f.key: f for f in findings if f.rule_id == "CELL-UNCALCULATED"}
    assert set(flagged) == {"t2.license.decisions", "t2.penalty.decisions", "t2.reg.made"}
    assert '“=IF(1<2,0,"x")”' in flagged["t2.reg.made"].message
    assert "=2+3" in flagged["t2.license.decisions"].message and flagged["t2.license.decisions"].severity == "error"
    assert not any(f.key in flagged for f in findings if f.rule_id != "CELL-UNCALCULATED")
    calculated = read(recalc([path], tmp_path / "out")[0])
    assert calculated.number("t2.license.decisions") == 5 and calculated.number("t2.penalty.decisions") == 0
    assert calculated.number("t2.reg.made") == 0


@pytest.mark.parametrize("key, typed", [
    ("t2.license.decisions", "１２"), ("t2.penalty.decisions", "35件"), ("t2.fee.amount", "251000元"),
    ("meta.signoff_date", "2025.1.15"), ("meta.year", "2024"),
])
def test_typed_as_text_one_verdict_in_the_sheet_and_the_validator(tmp_path, key, typed):
    """A number or date pasted as text that the validator can read ("１２", "35件", "2025.1.15"): the sheet's own
    checks see text (✗, the workbook verdict 还不能生成报告), and the validator says an error too — never 通过
    beside a ✗ (a clerk trial found exactly that)."""
    from tests.conftest import EXAMPLES

    wb = load_workbook(EXAMPLES / "demo_2024.xlsx")
    if key.startswith("meta."):
        _set(wb, None, typed, names.meta_name(key[5:]))
    else:
        _set(wb, key, typed)
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    result = validate(read(path))
    calc = load_workbook(recalc([path], tmp_path / "out")[0], data_only=True)
    sheet, ref = wb.defined_names[names.status_name("workbook")].attr_text.split("!")
    verdict = calc[sheet.strip("'")][ref.replace("$", "")].value
    assert verdict.startswith("✗ 还不能生成报告") and not result.ok, (verdict, result.summary())
    assert any(typed in f.message for f in result.errors)
    if key == "meta.signoff_date":  # the example follows the report year, in the sheet as in the message
        checks = [c.value for c in calc["基本信息"]["D"] if isinstance(c.value, str)]
        assert "✗ 不是日期，请填写如 2025年1月20日" in checks
        assert any("2025年1月20日" in f.message for f in result.errors)
