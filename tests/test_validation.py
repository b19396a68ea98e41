"""Every catalogue rule fails on a broken report and passes on a clean one; the seeds' real defects are found."""
import datetime as dt
from decimal import Decimal

import pytest

from tests.conftest import example
from tests.reports import clean
from xlsheet import read, validate
from xlsheet.validation.catalogue import load_catalogue
from xlsheet.values import BLANK, CellValue, State, parse_cell


def num(n):
    return parse_cell(n)


def add(report, key, delta):
    report.values[key] = num(report.value(key).number + delta)


def mutate_meta(**kw):
    def apply(r):
        r.meta.update(kw)
    return apply


def mutate_text(**kw):
    def apply(r):
        r.narrative.update(kw)
    return apply


def setv(**kw):
    def apply(r):
        for k, v in kw.items():
            r.values[k.replace("__", ".")] = v
    return apply


# rule id → (format, jilin variant, mutation that must make the rule fire)
CASES = {
    "T3-BALANCE": ("v2021", False, lambda r: add(r, "t3.new.natural", 1)),
    "T3-RESULT-SUM": ("v2021", False, lambda r: (add(r, "t3.open.natural", 1), add(r, "t3.open.total", 1))),
    "T3-ROW-TOTAL": ("v2021", False, lambda r: add(r, "t3.open.total", 1)),
    "T4-GROUP-TOTAL": ("v2021", False, lambda r: add(r, "t4.review.total", 1)),
    "CELL-BLANK": ("v2021", False, setv(t2__license__decisions=BLANK)),
    "CELL-TEXT": ("v2021", False, setv(t2__license__decisions=parse_cell("无"))),
    "CELL-NEGATIVE": ("v2021", False, setv(t2__license__decisions=num(-1))),
    "CELL-WHOLE": ("v2021", False, setv(t2__license__decisions=num(1.5))),
    "CELL-DECIMALS": ("v2021", False, setv(t2__fee__amount=num(Decimal("1.234")))),
    "CELL-UNIT-SCALE": ("v2021", False, setv(t2__fee__amount=num(2_000_000))),
    "CELL-NORMALISED": ("v2021", False, setv(t2__license__decisions=parse_cell("120　"))),
    "T2-PUBLIC-TOTAL": ("v2019", False, setv(t2__reg__new_published=num(3), t2__reg__total_public=num(1))),
    "T2-ITEMS-NONNEG": ("v2019", False, setv(t2__license__prev_count=num(1), t2__license__delta=num(-5))),
    "LAYOUT-LABELS": ("v2021", False, lambda r: r.labels.__setitem__(("t2", 1, 1), "本年新制作数量")),
    "READ-MISSING": ("v2021", False, lambda r: r.problems.append("找不到“表三”")),
    "LAYOUT-MOVED": ("v2021", False, lambda r: r.locations.__setitem__(
        "t3.new.natural", type(r.locations["t3.new.natural"])("表三", 9, 4))),
    "META-REQUIRED": ("v2021", False, mutate_meta(phone=None)),
    "META-FORMAT-YEAR": ("v2021", False, mutate_meta(year=2020, signoff_date=dt.date(2021, 1, 5))),
    "META-SIGNOFF-DATE": ("v2021", False, mutate_meta(signoff_date=dt.date(2024, 1, 9))),
    "META-SIGNOFF-LATE": ("v2021", False, mutate_meta(signoff_date=dt.date(2025, 2, 15))),
    "META-PERIOD": ("v2021", False, mutate_meta(period_start=dt.date(2024, 2, 1))),
    "META-YEAR": ("v2021", False, mutate_meta(year="20244")),
    "TEXT-CONTROL-CHARS": ("v2021", False, mutate_meta(agency="示例市示例区\x0b人民政府办公室")),
    "TEXT-ACTIVE-COUNT": ("v2019", True, lambda r: (r.values.__setitem__("t2.publish.total", num(14)),
                                                     r.narrative.__setitem__("s1_active", "年度主动公开信息共计20条。"))),
    "TEXT-REQUEST-COUNT": ("v2021", False, mutate_text(s1_request="全年新收政府信息公开申请16件。")),
    "TEXT-NO-REQUEST": ("v2021", False, mutate_text(s1_request="全年未收到政府信息公开申请。")),
    "TEXT-NO-LITIGATION": ("v2021", False, mutate_text(s1_oversight="全年未发生行政复议和行政诉讼。")),
    "TEXT-OTHER-AGENCY": ("v2021", False, mutate_text(s1_active="示例市示例区机关事务服务中心共公开政务信息19条。")),
    "TEXT-WRONG-LEVEL": ("v2021", False, mutate_text(s1_platform="全县政务公开平台建设稳步推进。")),
    "TEXT-WRONG-YEAR": ("v2021", False, mutate_text(s5="2027年将完成整改。")),
    "TEXT-PLACEHOLDER": ("v2021", False, mutate_text(preamble="本报告电子版可在门户网站下载()。")),
    "TEXT-BRACKETS": ("v2021", False, mutate_text(s1_intro="按照《通知》（示政办[2024]3号）要求。")),
    "TEXT-FEE": ("v2021", False, mutate_text(s6_fee="", s6="无。")),
    "TEXT-S5-REQUIRED": ("v2021", False, mutate_text(s5="")),
    "TEXT-EMPTY": ("v2021", False, mutate_text(s1_platform="")),
}


def test_every_catalogue_rule_has_a_case():
    from tests.test_crossyear import XYEAR_CASES

    assert {r.id for r in load_catalogue()} == set(CASES) | set(XYEAR_CASES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_a_broken_report(rule_id):
    fmt, jilin, mutate = CASES[rule_id]
    report = clean(fmt, jilin)
    mutate(report)
    ids = [f.rule_id for f in validate(report).findings]
    assert rule_id in ids


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_on_the_clean_report(rule_id):
    fmt, jilin, _ = CASES[rule_id]
    result = validate(clean(fmt, jilin))
    assert rule_id not in [f.rule_id for f in result.findings]


@pytest.mark.parametrize("fmt,jilin", [("v2021", False), ("v2019", False), ("v2019", True)])
def test_clean_reports_have_no_findings(fmt, jilin):
    result = validate(clean(fmt, jilin))
    assert result.findings == [] and result.ok and not result.not_assessable


def test_balance_finding_is_located_with_values():
    report = clean()
    add(report, "t3.new.natural", 1)
    f = next(f for f in validate(report).findings if f.rule_id == "T3-BALANCE")
    assert f.address == "表三!D31"  # 自然人 column, (七)总计 row
    assert (f.left, f.right, f.diff) == (15, 14, 1)
    assert "表三!D8" in [c.address for c in f.cells]
    assert "自然人" in f.message


def test_a_blank_makes_dependent_equations_not_assessable_never_passed_or_zero():
    report = clean()
    report.values["t3.new.natural"] = BLANK
    result = validate(report)
    ids = [f.rule_id for f in result.findings]
    assert ids == ["CELL-BLANK"]
    assert "T3-BALANCE natural" in result.not_assessable and "T3-ROW-TOTAL new" in result.not_assessable


def test_text_is_not_summed():
    report = clean()
    report.values["t3.new.natural"] = CellValue(State.TEXT, None, "十二")
    result = validate(report)
    assert "T3-BALANCE natural" in result.not_assessable
    assert "CELL-TEXT" in [f.rule_id for f in result.findings]


def _ids(result):
    return [f.rule_id for f in result.findings]


def test_seed_001_blank_total_and_early_signoff(examples):
    result = validate(read(example(examples, "001")))
    blank = [f for f in result.findings if f.rule_id == "CELL-BLANK"]
    assert [f.key for f in blank] == ["t3.next.total"]
    date = next(f for f in result.findings if f.rule_id == "META-SIGNOFF-DATE")
    assert "2020年1月9日" in date.message and date.severity == "error"
    assert "T3-BALANCE total" in result.not_assessable
    assert not any(f.rule_id == "T3-BALANCE" for f in result.findings)


def test_seed_002_narrative_disagrees_with_table_and_other_jurisdiction(examples):
    result = validate(read(example(examples, "002")))
    f = next(f for f in result.findings if f.rule_id == "TEXT-ACTIVE-COUNT")
    assert (f.left, f.right) == (3575, 4267) and f.severity == "error"
    level = " ".join(f.message for f in result.findings if f.rule_id == "TEXT-WRONG-LEVEL")
    assert "全县" in level and "我局" in level
    assert {f.key for f in result.findings if f.rule_id == "CELL-BLANK"} == {"t2.procurement.count",
                                                                            "t2.procurement.amount"}


def test_seed_003_other_agency_old_headers_blanks_and_no_fee(examples):
    result = validate(read(example(examples, "003")))
    ids = _ids(result)
    assert any("淄博市张店区机关事务服务中心" in f.message for f in result.findings if f.rule_id == "TEXT-OTHER-AGENCY")
    assert any("全中心" in f.message for f in result.findings if f.rule_id == "TEXT-WRONG-LEVEL")
    labels = [f.message for f in result.findings if f.rule_id == "LAYOUT-LABELS"]
    assert any("本年新制作数量" in m and "本年制发件数" in m for m in labels)
    assert any("“规范性文件”" in m and "行政规范性文件" in m for m in labels)
    assert "TEXT-FEE" in ids
    assert ids.count("CELL-BLANK") > 100
    assert "CELL-NORMALISED" in ids


def test_seed_000_and_004_unit_inside_the_amount_cell(examples):
    for seed, raw in (("000", "104.85万元"), ("004", "180万元")):
        result = validate(read(example(examples, seed)))
        f = next(f for f in result.findings if f.rule_id == "CELL-NORMALISED")
        assert raw in f.message and f.severity == "warning"
    assert "TEXT-BRACKETS" in _ids(validate(read(example(examples, "000"))))


@pytest.mark.parametrize("text,flagged", [
    ("按照《通知》（国办公开办函〔202130号）要求", True), ("依据国办公开办函202130 号", True),
    ("依据吉政公组[2020]3号", True), ("依据国办公开办函〔2021〕30号", False), ("2021年30号文件", False),
])
def test_document_number_forms(text, flagged):
    report = clean()
    report.narrative["s1_intro"] = text
    assert ("TEXT-BRACKETS" in _ids(validate(report))) is flagged


def test_demo_workbook_is_clean(examples):
    result = validate(read(examples / "demo_2024.xlsx"))
    assert result.findings == []
