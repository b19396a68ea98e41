"""Every catalogue rule fails on a broken report and passes on a clean one; the seeds' real defects are found."""
import datetime as dt
import re
from decimal import Decimal

import pytest

from tests.conftest import example
from tests.reports import clean
from xlsheet import read, validate
from xlsheet.validation.catalogue import load_catalogue
from xlsheet.values import BLANK, CellValue, State, parse_cell, uncalculated


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
    "CELL-UNCALCULATED": ("v2021", False, setv(t2__license__decisions=uncalculated("=2+3"))),
    "META-AS-TEXT": ("v2021", False, lambda r: r.as_text.update(signoff_date="2025.1.20")),
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
    "META-POSTCODE": ("v2021", False, mutate_meta(postcode="25502X")),
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
    "CELL-BLANK-PUBLISHED": ("v2021", False, lambda r: (setattr(r, "origin", "published"),
                                                   r.values.__setitem__("t2.license.decisions", BLANK))),
    "CELL-TOTAL-BLANK": ("v2021", False, setv(t3__new__total=BLANK)),
    "CELL-UNIT-YUAN": ("v2021", False, setv(t2__fee__amount=parse_cell("251000元"))),
    "TEXT-T2-COUNT": ("v2021", False, mutate_text(s1_active="本年度制发规章9件。")),
    "TEXT-T4-COUNT": ("v2021", False, mutate_text(s1_oversight="本年度发生行政复议5件。")),
    "TEXT-T4-UPHELD": ("v2021", False, lambda r: (setv(t4__review__corrected=num(1), t4__review__total=num(
        r.number("t4.review.total") + 1))(r), r.narrative.__setitem__("s1_oversight", "行政复议案件均获维持。"))),
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
    # located on the wrong cell, where the broken column and row equations cross (validation/focus.py)
    assert f.address == "表三!D8"
    typed = report.number("t3.new.natural")  # one above what balances: its own figures, not the totals'
    assert (f.left, f.right, f.diff) == (typed, typed - 1, 1)
    assert [c.address for c in f.cells] == ["表三!D31", "表三!D8"]  # its total, then the crossing cell
    assert "自然人" in f.message


def test_the_message_says_how_far_apart_the_sides_are_the_finding_keeps_the_sign():
    report = clean()
    add(report, "t3.total.natural", -3)  # the total three below: (七)总计 − the sum of (一)…(六) = −3
    f = next(f for f in validate(report).findings if f.rule_id == "T3-RESULT-SUM")
    assert f.address == "表三!D31" and f.diff == -3 and "相差 3" in f.message and "相差 -" not in f.message
    assert any(d["diff"] == -3 for d in validate(report).to_dict()["findings"] if d["rule"] == "T3-RESULT-SUM")
    report = clean()
    add(report, "t3.open.natural", 3)  # a part three above: found on the part, which holds 3 too many
    f = next(f for f in validate(report).findings if f.rule_id == "T3-RESULT-SUM")
    assert f.address == "表三!D10" and f.diff == 3 and "相差 3" in f.message
    assert f.left - f.right == 3 and f.left == report.number("t3.open.natural")


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
    result = validate(read(example(examples, "001")), published=False)
    blank = [f for f in result.findings if f.rule_id == "CELL-BLANK"]
    assert [f.key for f in blank] == ["t3.next.total"]
    date = next(f for f in result.findings if f.rule_id == "META-SIGNOFF-DATE")
    assert "2020年1月9日" in date.message and date.severity == "error"
    assert "T3-BALANCE total" in result.not_assessable
    assert not any(f.rule_id == "T3-BALANCE" for f in result.findings)


def test_seed_002_narrative_disagrees_with_table_and_other_jurisdiction(examples):
    result = validate(read(example(examples, "002")), published=False)
    f = next(f for f in result.findings if f.rule_id == "TEXT-ACTIVE-COUNT")
    assert (f.left, f.right) == (3575, 4267) and f.severity == "error"
    level = " ".join(f.message for f in result.findings if f.rule_id == "TEXT-WRONG-LEVEL")
    assert "全县" in level and "我局" in level
    assert {f.key for f in result.findings if f.rule_id == "CELL-BLANK"} == {"t2.procurement.count",
                                                                            "t2.procurement.amount"}


def test_seed_003_other_agency_old_headers_blanks_and_no_fee(examples):
    result = validate(read(example(examples, "003")), published=False)
    ids = _ids(result)
    assert any("淄博市张店区机关事务服务中心" in f.message for f in result.findings if f.rule_id == "TEXT-OTHER-AGENCY")
    assert any("全中心" in f.message for f in result.findings if f.rule_id == "TEXT-WRONG-LEVEL")
    labels = [f.message for f in result.findings if f.rule_id == "LAYOUT-LABELS"]
    assert any("本年新制作数量" in m and "本年制发件数" in m for m in labels)
    assert any("“规范性文件”" in m and "行政规范性文件" in m for m in labels)
    assert any("无不正当理由" in m for m in labels)  # a typo is a label defect, though the importer reads through it
    assert "TEXT-FEE" in ids
    assert ids.count("CELL-BLANK") > 100
    # the seed prints its zeros with full-width spaces; the import wrote the numbers they state (its note says so)
    assert "CELL-NORMALISED" not in ids and "CELL-TEXT" not in ids


def test_a_number_pasted_with_a_unit_is_read_and_flagged(examples):
    """A clerk pastes "104.85万元" into the amount cell (as seeds 000 and 004 print it): read as 104.85 for the
    勾稽, and an error that names what was typed (the sheet shows it orange as text: one verdict)."""
    from openpyxl import load_workbook

    from xlsheet.workbook.names import input_name

    path = example(examples, "000")
    wb = load_workbook(path)
    sheet, cell = wb.defined_names[input_name("t2.procurement.amount")].attr_text.split("!")
    wb[sheet.strip("'")][cell.replace("$", "")] = "104.85万元"
    wb.save(path)
    report = read(path)
    assert report.value("t2.procurement.amount").number == Decimal("104.85")
    f = next(f for f in validate(report).findings if f.rule_id == "CELL-NORMALISED")
    assert "104.85万元" in f.message and "104.85" in f.message.split("请")[-1] and f.severity == "error"


def test_seed_000_and_004_unit_inside_the_amount_cell(examples):
    """The seeds print the amount as "104.85万元" / "180万元": the import wrote the number, which validates clean."""
    for seed, number in (("000", Decimal("104.85")), ("004", 180)):
        report = read(example(examples, seed))
        assert report.value("t2.procurement.amount").number == number
        ids = _ids(validate(report))
        assert "CELL-NORMALISED" not in ids and "CELL-TEXT" not in ids
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


# ------------------------------------------------------------------ published-report mode
def test_imported_workbooks_are_assessed_as_published_by_default(examples):
    """003 printed most zeros as blanks: strict, 100+ blank errors and nothing assessable; as published, one
    grouped warning and every 勾稽 equation checked."""
    report = read(example(examples, "003"))
    assert report.origin == "published"
    strict = validate(report, published=False)
    assert _ids(strict).count("CELL-BLANK") > 100 and strict.not_assessable
    published = validate(report)
    assert "CELL-BLANK" not in _ids(published) and _ids(published).count("CELL-BLANK-PUBLISHED") == 1
    grouped = next(f for f in published.findings if f.rule_id == "CELL-BLANK-PUBLISHED")
    assert grouped.severity == "warning" and len(grouped.cells) == _ids(strict).count("CELL-BLANK")
    assert published.not_assessable == []
    # the workbook is not changed: the blanks are still blank when read again
    assert read(example(examples, "003")).value("t3.new.natural").state is State.BLANK


def test_published_mode_finds_a_broken_equation_over_blank_zeros(examples):
    report = read(example(examples, "001"))
    report.values["t3.new.total"] = num(3)  # 总计 column: 一 + 二 = 3, 三(七) + 四 = 0 + the blank 结转 (as 0)
    ids = _ids(validate(report))
    assert "T3-BALANCE" in ids
    strict = validate(report, published=False)
    assert "T3-BALANCE" not in _ids(strict) and "T3-BALANCE total" in strict.not_assessable


def test_clerk_workbooks_stay_strict():
    report = clean()
    report.values["t3.open.research"] = BLANK
    assert "CELL-BLANK" in _ids(validate(report)) and "CELL-BLANK-PUBLISHED" not in _ids(validate(report))


def test_cli_published_and_strict_switches(examples, capsys):
    from xlsheet.cli import main

    src = str(example(examples, "003"))
    main(["validate", src, "--all"])
    default = capsys.readouterr().out
    main(["validate", src, "--strict", "--all"])
    strict = capsys.readouterr().out
    assert "CELL-BLANK-PUBLISHED" in default and not re.search(r"CELL-BLANK\s", default)
    assert re.search(r"CELL-BLANK\s", strict) and "CELL-BLANK-PUBLISHED" not in strict
    main(["validate", str(examples / "demo_2024.xlsx"), "--published"])
    assert "0 个错误" in capsys.readouterr().out


# ------------------------------------------------------------------ blank 总计, amounts in 元
def test_blank_total_gives_the_value_it_should_be():
    report = clean()
    report.values["t3.new.total"] = BLANK  # applicants: 12 + 2 + 0 + 0 + 1 + 0
    result = validate(report)
    f = next(f for f in result.findings if f.rule_id == "CELL-TOTAL-BLANK")
    assert "应填 15" in f.message and f.severity == "error" and "请填 0" not in f.message
    assert "CELL-BLANK" not in _ids(result)


def test_blank_total_with_zero_applicants_is_an_ordinary_blank():
    report = clean()
    report.values["t3.deny_secret.total"] = BLANK  # applicants all 0: a blank, 请填 0 is right there
    ids = _ids(validate(report))
    assert "CELL-BLANK" in ids and "CELL-TOTAL-BLANK" not in ids


@pytest.mark.parametrize("raw,flagged,value", [("251000元", True, "25.1"), ("25.1万元", False, None),
                                               ("25.1", False, None)])
def test_amount_typed_in_yuan_is_an_error_with_the_converted_value(raw, flagged, value):
    report = clean()
    report.values["t2.fee.amount"] = parse_cell(raw)
    result = validate(report)
    found = [f for f in result.findings if f.rule_id == "CELL-UNIT-YUAN"]
    assert bool(found) is flagged and "CELL-TEXT" not in _ids(result)
    if flagged:
        assert value in found[0].message and found[0].severity == "error" and not result.ok


def test_importer_converts_yuan_amounts_with_a_note():
    from xlsheet.importer.tables import yuan_to_wan

    assert yuan_to_wan("251000元") == 25.1 and yuan_to_wan("10000元") == 1 and yuan_to_wan("1万元") is None


# ------------------------------------------------------------------ narrative quantities and wording vs tables
@pytest.mark.parametrize("field,text,rule,flagged", [
    ("s1_request", "全年新收政府信息公开申请15件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "全年共受理政府信息公开申请16件。", "TEXT-REQUEST-COUNT", True),
    ("s1_request", "全年共受理政府信息公开申请15件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "上年结转3件。", "TEXT-REQUEST-COUNT", True),
    ("s1_request", "予以公开7件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "予以公开8件。", "TEXT-REQUEST-COUNT", True),
    ("s1_request", "予以公开和部分公开10件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "予以公开和部分公开7件。", "TEXT-REQUEST-COUNT", True),
    ("s1_request", "部分公开3件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "部分公开4件。", "TEXT-REQUEST-COUNT", True),
    ("s1_request", "不予公开1件。", "TEXT-REQUEST-COUNT", None),
    ("s1_request", "无法提供9件。", "TEXT-REQUEST-COUNT", None),
    ("s1_request", "不予处理9件。", "TEXT-REQUEST-COUNT", None),
    ("s1_request", "结转下年度继续办理2件。", "TEXT-REQUEST-COUNT", False),
    ("s1_request", "结转下年度继续办理5件。", "TEXT-REQUEST-COUNT", True),
    ("s1_active", "制发行政规范性文件2件。", "TEXT-T2-COUNT", False),
    ("s1_active", "制发行政规范性文件3件。", "TEXT-T2-COUNT", True),
    ("s1_active", "现行有效行政规范性文件15件。", "TEXT-T2-COUNT", False),
    ("s1_active", "现行有效行政规范性文件16件。", "TEXT-T2-COUNT", True),
    ("s1_active", "废止规章4件。", "TEXT-T2-COUNT", True),
    ("s1_active", "作出行政处罚决定999件。", "TEXT-T2-COUNT", True),
    ("s1_active", "行政事业性收费金额9999万元。", "TEXT-T2-COUNT", True),
    ("s1_oversight", "发生行政复议2件。", "TEXT-T4-COUNT", False),
    ("s1_oversight", "发生行政复议3件。", "TEXT-T4-COUNT", True),
    ("s1_oversight", "行政诉讼0起。", "TEXT-T4-COUNT", False),
    ("s1_oversight", "行政诉讼4起。", "TEXT-T4-COUNT", True),
])
def test_narrative_quantities_against_the_tables(field, text, rule, flagged):
    report = clean()
    if flagged is None:  # the demo's figure for this phrase: say it right (passes), then wrong (fails)
        from xlsheet.validation.checks_text import _REQUEST_PHRASES

        phrase = next(p for p in _REQUEST_PHRASES if p[0].search(text))
        right = sum(report.number(f"t3.{row.key}.total") for row in report.spec.table("t3").data_rows()
                    if row.key.startswith(phrase[1][0][1:]))
        report.narrative[field] = re.sub(r"\d+", str(right), text)
        assert rule not in _ids(validate(report))
        report.narrative[field] = re.sub(r"\d+", str(right + 1), text)
        assert rule in _ids(validate(report))
        return
    report.narrative[field] = text
    assert (rule in _ids(validate(report))) is flagged


def test_demo_figures_used_above_are_the_demos():
    r = clean()
    assert (r.number("t3.open.total"), r.number("t3.partial.total"), r.number("t4.review.total"),
            r.number("t4.direct.total") + r.number("t4.after_review.total")) == (7, 3, 2, 0)


@pytest.mark.parametrize("text,corrected,pending,flagged", [
    ("行政复议案件均获维持。", 0, 0, False), ("行政复议案件均获维持。", 1, 0, True),
    ("行政诉讼全部维持原行政行为。", 0, 1, True), ("本机关行政行为未被纠错。", 1, 0, True),
])
def test_upheld_wording_against_table_four(text, corrected, pending, flagged):
    report = clean()
    base = report.number("t4.review.total")
    report.values["t4.review.upheld"] = num(report.number("t4.review.upheld") - corrected - pending)
    report.values["t4.review.corrected"] = num(corrected)
    report.values["t4.review.pending"] = num(pending)
    assert report.number("t4.review.upheld") >= 0 and base == report.number("t4.review.total")
    report.narrative["s1_oversight"] = text
    assert ("TEXT-T4-UPHELD" in _ids(validate(report))) is flagged


@pytest.mark.parametrize("text,flagged", [("全年未发生行政复议。", True), ("全年未发生行政诉讼。", True),
                                          ("全年未发生行政复议、行政诉讼。", True), ("全年未发生因公开引发的投诉。", False)])
def test_no_litigation_names_only_what_the_sentence_says(text, flagged):
    report = clean()  # demo: 行政复议 2; one 未经复议直接起诉 case added
    report.values["t4.direct.upheld"], report.values["t4.direct.total"] = num(1), num(1)
    report.narrative["s1_oversight"] = text
    found = [f for f in validate(report).findings if f.rule_id == "TEXT-NO-LITIGATION"]
    assert bool(found) is flagged
    if "复议" in text and "诉讼" not in text:
        assert all("行政复议" in f.message for f in found)


# ------------------------------------------------------------------ labels
def test_half_width_brackets_in_labels_are_the_same_label():
    report = clean()
    report.labels[("t2", 0, 0)] = "第二十条第(一)项"
    assert "LAYOUT-LABELS" not in _ids(validate(report))
    report.labels[("t2", 0, 0)] = "第二十条第(二)项"
    assert "LAYOUT-LABELS" in _ids(validate(report))


# ------------------------------------------------------------------ cross-year copied text
PREAMBLE = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《某省政府信息公开办法》的规定编制，由总体情况、"
            "主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进"
            "情况、其他需要报告的事项六部分组成。本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。本报告电子版可在"
            "某市人民政府门户网站（http://www.example.gov.cn）查阅或下载。如对本报告有疑问，请与某局办公室联系（地址：某市某路1号；"
            "邮编：100000；电话：010-12345678）。")


@pytest.mark.parametrize("shared,flagged", [
    ("standard", False),  # every report shares the preamble and statutory sentences
    ("clerk", True),  # the clerk's own paragraph copied from last year
])
def test_copied_text_compares_what_the_clerk_wrote(shared, flagged):
    from tests.test_crossyear import previous_of

    cur = clean()
    prev = previous_of(cur)
    cur.narrative["preamble"] = PREAMBLE.format(y=2024)
    prev.narrative["preamble"] = PREAMBLE.format(y=2023)
    own = "全年围绕优化营商环境、重大建设项目和公共资源配置等重点领域，逐项细化公开清单，建立季度通报机制，推动各科室按时发布信息。"
    cur.narrative["s6"] = "本年度无其他需要报告的事项。"
    prev.narrative["s6"] = "本年度无其他需要报告的事项。"
    if shared == "clerk":
        cur.narrative["s1_manage"] = prev.narrative["s1_manage"] = own
    ids = _ids(validate(cur, previous=prev))
    assert ("XYEAR-COPIED" in ids) is flagged


def test_clerk_text_drops_only_standard_sentences():
    from xlsheet.validation.checks_text import clerk_text

    text = PREAMBLE.format(y=2024) + "今年新建了公开目录。"
    assert clerk_text(text) == "今年新建了公开目录。"
    assert clerk_text("2024年，某局认真贯彻落实《中华人民共和国政府信息公开条例》，做好公开工作。") != ""


def _renamed_natural_column_spec():
    """A v2021 spec object of its own whose 自然人 column is called 公民个人 (what a spec revision might do)."""
    import copy

    from xlsheet.spec.loader import _raw, parse_spec

    raw = copy.deepcopy(_raw("v2021"))
    t3 = next(t for t in raw["tables"] if t["key"] == "t3")
    for row in t3["rows"]:
        for cell in row["cells"]:
            if cell.get("text") == "自然人":
                cell["text"] = "公民个人"
    return parse_spec(raw)


@pytest.mark.parametrize("custom_first", [True, False])
def test_equations_expanded_once_per_spec_are_never_another_specs(custom_first):
    # sum equations, their messages and the focus of a broken one are cached per spec object: a second spec of
    # the same format (here with a renamed column) gets its own, whichever is validated first
    from xlsheet.validation.arith import sum_checks

    custom = _renamed_natural_column_spec()
    reports = []
    for spec in ([custom, None] if custom_first else [None, custom]):
        report = clean()
        if spec is not None:
            report.spec = spec
        add(report, "t3.new.natural", 1)
        reports.append(report)
    results = [validate(r) for r in reports]
    for report, result in zip(reports, results):
        f = next(f for f in result.findings if f.rule_id == "T3-BALANCE")
        wanted, other = ("公民个人", "自然人") if report.spec is custom else ("自然人", "公民个人")
        assert wanted in f.message and other not in f.message
        assert f.address == "表三!D8"  # the focus (crossing cell) is worked out for this spec too
    wheres = {c.where for c in sum_checks(custom)}
    assert "“公民个人”列" in wheres and "“自然人”列" not in wheres
    assert "“自然人”列" in {c.where for c in sum_checks(clean().spec)}


def test_sum_checks_of_the_two_formats_are_their_own():
    from xlsheet.spec import load_spec
    from xlsheet.validation.arith import sum_checks

    for fmt in ("v2019", "v2021", "v2019"):  # alternating: each format's equations from its own spec
        spec = load_spec(fmt)
        checks = sum_checks(spec)
        assert checks and all(k in spec.fields for c in checks for k in c.keys)
        assert all(fmt in c.rule.formats for c in checks)
        checks.clear()  # a caller's list is its own: the next call is complete again
        assert sum_checks(spec)
    def terms(fmt):
        return [(c.rule.id, c.instance, c.keys) for c in sum_checks(load_spec(fmt))]

    assert terms("v2019") != terms("v2021")  # 表三's result rows differ between the formats


def test_jurisdiction_prefix_is_what_the_regex_captures():
    """checks_text._jurisdiction walks the agency name by hand (the regex costs a compile in every validation); it
    must give what ``_JURIS`` captures, for real names and for random strings of the characters that matter."""
    import random

    from xlsheet.validation.checks_text import _JURIS, _jurisdiction

    def by_regex(text):
        m = _JURIS.match(text)
        return m.group(1) if m else ""

    names = ["淄博市张店区残疾人联合会", "示例市示例区人民政府办公室", "广西壮族自治区南宁市青秀区教育局", "某某县",
             "北京市", "内蒙古自治区阿拉善盟阿拉善左旗巴彦浩特镇", "某市某某街道办事处", "省", "", "ABC市", "市市市区"]
    alphabet = "淄博张店示例某人政府局省市州盟区县旗镇乡街道自治aB1（ 　"
    rng = random.Random(14)
    names += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(20000)]
    for name in names:
        assert _jurisdiction(name) == by_regex(name), name


def test_xml_illegal_characters_are_found_in_every_text_the_printable_shortcut_skips():
    """textsafe looks for XML-illegal characters only in unprintable text (str.isprintable): no character XML 1.0
    ``Char`` excludes may be printable, and what is counted and removed is exactly what it excludes."""
    from xlsheet.textsafe import clean_text, count_illegal

    illegal = [c for c in range(0x110000) if not (c in (0x9, 0xA, 0xD) or 0x20 <= c <= 0xD7FF
                                                  or 0xE000 <= c <= 0xFFFD or 0x10000 <= c <= 0x10FFFF)]
    assert [hex(c) for c in illegal if chr(c).isprintable()] == []
    everything = "".join(map(chr, range(0x110000)))
    assert count_illegal(everything) == len(illegal)
    excluded = set(illegal)
    assert clean_text(everything) == "".join(chr(c) for c in range(0x110000) if c not in excluded)
    for c in illegal:
        assert count_illegal("机关" + chr(c)) == 1 and clean_text(f"机{chr(c)}关") == "机关"
    assert count_illegal("示例区人民政府办公室") == 0 and clean_text("A１　b") == "A１　b"


@pytest.mark.parametrize("text,flagged", [
    ("本报告电子版可在门户网站下载（ ）。", True), ("详见附件( )。", True), ("联系电话：，地址：示例路1号。", True),
    ("文号为XXX号。", True), ("签发人：___。", True), ("网址：http://www.example.gov.cn。", False),
    ("全年组织培训2次（线上1次）。", False), ("无。", False),
])
def test_placeholders_each_kind(text, flagged):
    """One text per alternative of the placeholder pattern (each holds one of the characters or words that let a
    text be searched at all), and texts that must pass."""
    report = clean()
    report.narrative["s5"] = text
    assert ("TEXT-PLACEHOLDER" in _ids(validate(report))) is flagged
