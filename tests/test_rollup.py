"""Roll-up of many unit workbooks: correct sums and statuses, bad files never stop the batch."""
import json
import random
import shutil

import pytest
from openpyxl import load_workbook

from tests.test_hostile import make
from xlsheet import read, validate
from xlsheet.cli import main
from xlsheet.rollup import rollup
from xlsheet.spec import load_spec
from xlsheet.workbook.create import new_workbook
from tests.reports import META, NARRATIVE

SPEC = load_spec("v2021")


def consistent_values(rng: random.Random) -> dict:
    """A fully filled, internally consistent 2024 unit report (random figures)."""
    t3 = SPEC.table("t3")
    cols = t3.value_keys[:-1]
    v = {}
    for col in cols:
        results = {r.key: rng.randint(0, 4) for r in t3.tagged("result")}
        total, nxt = sum(results.values()), rng.randint(0, 3)
        carry = rng.randint(0, total + nxt)
        v.update({f"t3.{k}.{col}": n for k, n in results.items()})
        v.update({f"t3.total.{col}": total, f"t3.next.{col}": nxt, f"t3.carry.{col}": carry,
                  f"t3.new.{col}": total + nxt - carry})
    for row in t3.data_rows():
        v[f"t3.{row.key}.total"] = sum(v[f"t3.{row.key}.{c}"] for c in cols)
    for g in ("review", "direct", "after_review"):
        parts = [rng.randint(0, 2) for _ in range(4)]
        v.update({f"t4.{g}.{k}": n for k, n in zip(("upheld", "corrected", "other", "pending"), parts)})
        v[f"t4.{g}.total"] = sum(parts)
    for k in SPEC.fields:
        if k.startswith("t2."):
            v[k] = rng.randint(0, 50) if SPEC.fields[k].kind != "amount" else round(rng.uniform(0, 20), 2)
    return v


def _unit(path, year, values, agency):
    import datetime as dt

    new_workbook(path, year, agency, values=values, narrative=dict(NARRATIVE, s6_fee="本年度未收取信息处理费。"),
                 meta=dict(META, signoff_date=dt.date(year + 1, 1, 20)))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """200 files: 180 valid units (9 distinct × 20 copies), 10 with a broken total, 5 of another year,
    5 corrupt or hostile."""
    root = tmp_path_factory.mktemp("batch")
    src, units = root / "src", root / "units"
    src.mkdir()
    units.mkdir()
    rng = random.Random(2024)
    valid = []
    for i in range(9):
        values = consistent_values(rng)
        _unit(src / f"v{i}.xlsx", 2024, values, f"某区第{i}局")
        valid.append(values)
    broken = dict(valid[0])
    broken["t3.new.natural"] += 1
    _unit(src / "broken.xlsx", 2024, broken, "某区错误局")
    _unit(src / "old.xlsx", 2023, valid[1], "某区旧局")
    n = 0
    for _ in range(20):
        for i in range(9):
            shutil.copy(src / f"v{i}.xlsx", units / f"unit{n:03d}.xlsx")
            n += 1
    for k in range(10):
        shutil.copy(src / "broken.xlsx", units / f"broken{k}.xlsx")
    for k in range(5):
        shutil.copy(src / "old.xlsx", units / f"old{k}.xlsx")
    for kind in ("billion_laughs", "ratio_bomb", "truncated", "csv_renamed", "html_renamed"):
        bad = make(kind, root, src / "v0.xlsx")
        shutil.move(bad, units / f"bad_{kind}.xlsx")
    assert len(list(units.iterdir())) == 200
    return units, valid


def test_rollup_of_200_workbooks_sums_and_statuses(batch, tmp_path):
    units, valid = batch
    roll = rollup([units], tmp_path / "汇总.xlsx", year=2024, agency="某区汇总")
    statuses = {u["name"]: u["status"] for u in roll.units}
    assert sum(1 for s in statuses.values() if s == "passed") == 180
    assert all(statuses[f"broken{k}.xlsx"] == "errors" for k in range(10))
    assert all(statuses[f"old{k}.xlsx"] == "mismatch" for k in range(5))
    assert all(s == "unreadable" for n, s in statuses.items() if n.startswith("bad_"))
    summed = read(roll.output)
    for key, field in SPEC.fields.items():
        if field.variant:
            continue
        expected = sum(v[key] for v in valid) * 20
        got = summed.number(key)
        assert got is not None and abs(float(got) - expected) < 1e-6, key
    result = validate(summed)
    arithmetic = [f for f in result.findings if f.rule_id.startswith(("T3-", "T4-", "CELL-"))]
    assert arithmetic == []  # the sum of valid units is itself valid
    wb = load_workbook(roll.output)
    status = wb["汇总情况"]
    assert "通过 180" in status["A2"].value and "无法读取 5" in status["A2"].value
    assert set(roll.stock_keys) == {"t2.reg.valid", "t2.norm.valid"}
    ref = wb.defined_names["xs_t2_norm_valid"].attr_text.split("!")[1].replace("$", "")
    assert "存量数字" in wb["表二"][ref].comment.text


def test_parallel_jobs_give_the_same_result(batch, tmp_path):
    units, _ = batch
    one = rollup([units], tmp_path / "a.xlsx", year=2024)
    two = rollup([units], tmp_path / "b.xlsx", year=2024, jobs=2)
    assert one.values == two.values
    assert [(u["name"], u["status"]) for u in one.units] == [(u["name"], u["status"]) for u in two.units]


def test_cli_json_summary_and_include_errors(batch, tmp_path, capsys):
    units, valid = batch
    out = tmp_path / "c.xlsx"
    assert main(["rollup", str(units), "-o", str(out), "--json", "--include-errors"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["year"] == 2024 and data["units"] == 200 and data["summed"] == 190
    assert data["unreadable"] == 5 and data["mismatch"] == 5
    bad = [u for u in data["unit_status"] if u["name"] == "bad_billion_laughs.xlsx"][0]
    assert "实体" in bad["reason"]
    assert read(out).number("t3.new.natural") == sum(v["t3.new.natural"] for v in valid) * 20 + 10 * (
        valid[0]["t3.new.natural"] + 1)


def test_a_blank_in_a_summed_unit_leaves_the_total_blank(tmp_path):
    rng = random.Random(1)
    a, b = consistent_values(rng), consistent_values(rng)
    _unit(tmp_path / "a.xlsx", 2024, a, "甲局")
    del b["t2.fee.amount"]
    _unit(tmp_path / "b.xlsx", 2024, b, "乙局")
    roll = rollup([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], tmp_path / "s.xlsx", year=2024, include_errors=True)
    assert "t2.fee.amount" not in roll.values
    assert read(roll.output).value("t2.fee.amount").state.value == "blank"


def test_progress_bar_only_on_a_terminal(monkeypatch, tmp_path):
    import io

    from xlsheet import rollup as module

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    monkeypatch.setattr(module.sys, "stderr", tty)
    module._progress(3, 4)
    module._progress(4, 4)
    assert "3/4" in tty.getvalue() and tty.getvalue().endswith("4/4\n")
    pipe = io.StringIO()
    monkeypatch.setattr(module.sys, "stderr", pipe)
    module._progress(4, 4)
    assert pipe.getvalue() == ""  # no bar in logs or when --json output is captured


def test_units_with_the_same_text_but_another_name_are_flagged(tmp_path):
    rng = random.Random(7)
    template = "本单位高度重视政府信息公开工作，健全工作机制，规范公开流程，全年主动公开政府信息{n}条，切实保障公众知情权。"
    for name, n, text in (("甲区教育局", 12, template), ("甲区卫生健康局", 30, template),
                          ("甲区水利局", 5, "水利局结合防汛工作实际，重点公开水旱灾害防御、河湖长制等信息，共计五类。")):
        import datetime as dt

        new_workbook(tmp_path / f"{name}.xlsx", 2024, name, values=consistent_values(rng),
                     narrative=dict(NARRATIVE, s1_intro=f"{name}" + text.format(n=n), s6_fee="未收取信息处理费。"),
                     meta=dict(META, signoff_date=dt.date(2025, 1, 20)))
    roll = rollup([tmp_path], tmp_path / "out" / "汇总.xlsx", year=2024)
    copies = {u["agency"]: u.get("copies", []) for u in roll.units}
    assert any("一、总体情况：概述" in c and "甲区卫生健康局" in c for c in copies["甲区教育局"])
    assert not any("总体情况" in c for c in copies["甲区水利局"])
    status = load_workbook(roll.output)["汇总情况"]
    assert "雷同" in (status["J5"].value or "") + (status["J6"].value or "")


def test_a_mistyped_folder_is_named(tmp_path, capsys):
    assert main(["rollup", str(tmp_path / "没有这个文件夹"), "-o", str(tmp_path / "s.xlsx")]) == 2
    assert "找不到文件或文件夹" in capsys.readouterr().err
