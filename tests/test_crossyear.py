"""Year over year: carry-over into a new workbook, and the cross-year rules of ``validate --previous``."""
import copy

import pytest

from tests.conftest import example
from tests.reports import clean
from xlsheet import read, validate
from xlsheet.cli import main
from xlsheet.values import parse_cell


def previous_of(report):
    """A clean last-year report consistent with ``report`` (carry-over, 现行有效 chain, 项目数量 chain), with
    narrative of its own."""
    prev = copy.deepcopy(report)
    prev.meta["year"] = report.year - 1
    prev.narrative = {k: f"上一年度第{i}栏：" + "".join(reversed(v)) for i, (k, v) in enumerate(prev.narrative.items())}
    for col in report.spec.table("t3").value_keys:
        prev.values[f"t3.next.{col}"] = report.value(f"t3.carry.{col}")
    if report.spec.format == "v2021":
        for row in ("reg", "norm"):
            n = report.number(f"t2.{row}.valid") - report.number(f"t2.{row}.made") + report.number(
                f"t2.{row}.repealed")
            prev.values[f"t2.{row}.valid"] = parse_cell(n)
    return prev


def _set(report, key, n):
    report.values[key] = parse_cell(n)


# rule id → (format, mutation of (current, previous) that must make the rule fire)
XYEAR_CASES = {
    "XYEAR-YEAR": ("v2021", lambda cur, prev: prev.meta.__setitem__("year", 2020)),
    "XYEAR-CARRY": ("v2021", lambda cur, prev: _set(prev, "t3.next.natural", 5)),
    "XYEAR-VALID-CHAIN": ("v2021", lambda cur, prev: _set(prev, "t2.norm.valid", 30)),
    "XYEAR-ITEMS": ("v2019", lambda cur, prev: _set(cur, "t2.license.prev_count", 7)),
    "XYEAR-COPIED": ("v2021", lambda cur, prev: prev.narrative.__setitem__("s1_intro", cur.text("s1_intro"))),
}


@pytest.mark.parametrize("rule_id", sorted(XYEAR_CASES))
def test_cross_year_rule_fires_and_passes(rule_id):
    fmt, mutate = XYEAR_CASES[rule_id]
    cur = clean(fmt)
    prev = previous_of(cur)
    assert rule_id not in [f.rule_id for f in validate(cur, previous=prev).findings]
    mutate(cur, prev)
    assert rule_id in [f.rule_id for f in validate(cur, previous=prev).findings]


def test_cross_year_rules_need_a_previous_report():
    assert not [f for f in validate(clean()).findings if f.rule_id.startswith("XYEAR")]


def test_broken_carry_over_is_caught_from_files(examples, tmp_path, capsys):
    new = tmp_path / "2025.xlsx"
    assert main(["new", "--year", "2025", "--from", str(examples / "demo_2024.xlsx"), "-o", str(new)]) == 0
    report = read(new)
    assert [report.number(f"t3.carry.{c}") for c in report.spec.table("t3").value_keys] == [2, 0, 0, 0, 0, 0, 2]
    assert report.agency == "示例市示例区人民政府办公室" and report.meta["phone"] == "010-12345678"
    assert report.meta["signoff_date"] is None and report.year == 2025
    assert report.number("t3.new.natural") is None  # nothing else is invented
    from openpyxl import load_workbook

    wb = load_workbook(new)
    ref = wb.defined_names["xs_t3_carry_natural"].attr_text.split("!")[1].replace("$", "")
    wb["表三"][ref] = 3
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    capsys.readouterr()
    main(["validate", str(broken), "--previous", str(examples / "demo_2024.xlsx"), "--json"])
    import json

    data = json.loads(capsys.readouterr().out)
    carry = [f for f in data["findings"] if f["rule"] == "XYEAR-CARRY"]
    assert len(carry) == 1 and (carry[0]["left"], carry[0]["right"]) == (3, 2)
    assert carry[0]["cell"] == ref


def test_carry_over_across_the_format_change_keeps_blanks_blank(examples, tmp_path):
    new = tmp_path / "2021.xlsx"
    assert main(["new", "--year", "2021", "--from", str(example(examples, "001")), "-o", str(new)]) == 0
    report = read(new)
    assert report.spec.format == "v2021"
    assert report.number("t3.carry.natural") == 0
    assert report.value("t3.carry.total").state.value == "blank"  # 001's blank 总计 is not turned into 0
    assert report.meta["postcode"] == "362200"


def test_from_a_workbook_of_the_wrong_year_is_refused(examples, tmp_path, capsys):
    assert main(["new", "--year", "2026", "--from", str(examples / "demo_2024.xlsx"), "-o",
                 str(tmp_path / "x.xlsx")]) == 2
    assert "不是2025年度" in capsys.readouterr().err


def test_new_without_agency_says_how_and_new_book_fills_meta_and_text(examples, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--year", "2025"]) == 2
    assert "请用 --agency 指定机关名称" in capsys.readouterr().err
    assert main(["new", "--year", "2025", "--from", str(examples / "demo_2024.xlsx")]) == 0
    out = capsys.readouterr().out
    made = list(tmp_path.glob("*.xlsx"))
    assert len(made) == 1 and made[0].name.startswith("示例市示例区人民政府办公室2025") and "预填" in out
    from xlsheet import jobs

    book = jobs.new_book(tmp_path / "x.xlsx", 2025, "某县政务公开办", previous=examples / "demo_2024.xlsx",
                         meta={"phone": "0431-1234567"}, narrative={"s5": "问题与改进。"})
    report = read(book.path)
    assert report.agency == "某县政务公开办" and report.meta["phone"] == "0431-1234567"
    assert report.meta["contact_office"] == read(examples / "demo_2024.xlsx").meta["contact_office"]  # carried
    assert report.narrative["s5"] == "问题与改进。" and len(book.carried) == 7
