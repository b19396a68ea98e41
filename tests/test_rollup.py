"""Roll-up of many unit workbooks: correct sums and statuses, each unit counted once, bad files never stop the batch."""
import json
import os
import random
import shutil
import zipfile
from collections import Counter

import pytest
from openpyxl import load_workbook

from benchmarks.unitgen import Template, consistent_values, make_batch, write_unit
from tests.test_hostile import make
from xlsheet import read, validate
from xlsheet.cli import main
from xlsheet.cli.cmd_rollup import progress_bar
from xlsheet.county import rollup
from xlsheet.spec import load_spec

SPEC = load_spec("v2021")


def expected_sum(units: list[dict], key: str):
    return sum(v[key] for v in units)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """200 distinct generated units (valid, copied text, broken totals, another year, truncated, exact copies) plus
    5 corrupt or hostile files."""
    root = tmp_path_factory.mktemp("batch")
    b = make_batch(root / "units", 200, seed=2024, broken=0.05, other_year=0.03, unreadable=0.02, duplicates=0.04)
    demo = next(b.folder.glob("unit*.xlsx"))
    for kind in ("billion_laughs", "ratio_bomb", "truncated", "csv_renamed", "html_renamed"):
        shutil.move(make(kind, root, demo), b.folder / f"bad_{kind}.xlsx")
        b.expected[f"bad_{kind}.xlsx"] = "unreadable"
    counts = Counter(b.expected.values())
    assert all(counts[s] >= 3 for s in ("passed", "errors", "mismatch", "unreadable", "duplicate")), counts
    return b


def test_rollup_sums_and_statuses(batch, tmp_path):
    roll = rollup([batch.folder], tmp_path / "汇总.xlsx", year=2024, agency="某区汇总", jobs=1)
    assert {u.name: u.status for u in roll.units} == batch.expected
    assert len(roll.summed) == len(batch.summed)
    summed = read(roll.output)
    for key, field in SPEC.fields.items():
        if field.variant:
            continue
        got = summed.number(key)
        assert got is not None and abs(float(got) - expected_sum(batch.summed, key)) < 1e-6, key
    arithmetic = [f for f in validate(summed).findings if f.rule_id.startswith(("T3-", "T4-", "CELL-"))]
    assert arithmetic == []  # the sum of valid units is itself valid
    wb = load_workbook(roll.output)
    status = wb["汇总情况"]
    counts = Counter(batch.expected.values())
    assert f"通过 {counts['passed']}" in status["A2"].value and f"无法读取 {counts['unreadable']}" in status["A2"].value
    assert status.max_row >= 4 + len(batch.expected)
    rows = {r[1]: r for r in status.iter_rows(min_row=5, max_row=4 + len(batch.expected), values_only=True)}
    dup = next(n for n, s in batch.expected.items() if s == "duplicate")
    assert rows[dup][4] == "重复（未计入）" and rows[dup][7] == "否" and "内容完全相同" in rows[dup][8]
    assert set(roll.stock_keys) == {"t2.reg.valid", "t2.norm.valid"}
    ref = wb.defined_names["xs_t2_norm_valid"].attr_text.split("!")[1].replace("$", "")
    assert "存量数字" in wb["表二"][ref].comment.text
    copies = {u.agency: u.copies for u in roll.units if u.status == "passed"}
    assert all(any("雷同" in c for c in copies[a]) for a in batch.copied)
    assert sum(1 for a, c in copies.items() if c) == len(batch.copied)  # own texts are never flagged


def test_parallel_jobs_give_the_same_result(batch, tmp_path, monkeypatch):
    import importlib

    workers = importlib.import_module("xlsheet.county.workers")
    monkeypatch.setattr(workers, "worker_count", lambda units, jobs, *a, **k: jobs)  # as many workers as asked
    one = rollup([batch.folder], tmp_path / "a.xlsx", year=2024)
    two = rollup([batch.folder], tmp_path / "b.xlsx", year=2024, jobs=2)
    assert one.values == two.values
    assert [(u.name, u.status, u.reason) for u in one.units] == [(u.name, u.status, u.reason) for u in two.units]


def test_cli_json_summary_and_include_errors(batch, tmp_path, capsys):
    out = tmp_path / "c.xlsx"
    assert main(["rollup", str(batch.folder), "-o", str(out), "--json", "--include-errors", "--jobs", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    counts = Counter(batch.expected.values())
    assert data["year"] == 2024 and data["units"] == len(batch.expected)
    assert data["summed"] == counts["passed"] + counts["errors"]
    assert data["unreadable"] == counts["unreadable"] and data["mismatch"] == counts["mismatch"]
    bad = [u for u in data["unit_status"] if u["name"] == "bad_billion_laughs.xlsx"][0]
    assert "实体" in bad["reason"] and bad["status_label"] == "无法读取"
    assert read(out).number("t3.new.natural") > expected_sum(batch.summed, "t3.new.natural")


def test_a_blank_in_a_summed_unit_leaves_the_total_blank(tmp_path):
    rng = random.Random(1)
    a, b = consistent_values(rng), consistent_values(rng)
    write_unit(tmp_path / "a.xlsx", 2024, a, "甲局")
    del b["t2.fee.amount"]
    write_unit(tmp_path / "b.xlsx", 2024, b, "乙局")
    roll = rollup([tmp_path / "a.xlsx", tmp_path / "b.xlsx"], tmp_path / "s.xlsx", year=2024, include_errors=True)
    assert "t2.fee.amount" not in roll.values
    assert read(roll.output).value("t2.fee.amount").state.value == "blank"


def test_with_include_errors_a_unit_that_passed_is_counted_before_its_agencys_unit_with_errors(tmp_path):
    # The same agency twice: an earlier file with errors, a later corrected one.  The corrected one is counted,
    # whatever the file order; two files with errors of one agency still count the first; another agency's unit
    # with errors is summed as --include-errors asks.
    rng = random.Random(7)
    good, other = consistent_values(rng), consistent_values(rng)

    def broken(values, by):  # a 勾稽 error; each draft differs, so none is a byte-for-byte copy of another
        return dict(values, **{"t3.total.total": values["t3.total.total"] + by})

    bad = broken(good, 5)
    write_unit(tmp_path / "1_甲局_初稿.xlsx", 2024, bad, "甲局")
    write_unit(tmp_path / "2_甲局_再稿.xlsx", 2024, broken(good, 6), "甲局")
    write_unit(tmp_path / "3_甲局_终稿.xlsx", 2024, good, "甲局")
    write_unit(tmp_path / "4_乙局.xlsx", 2024, broken(other, 1), "乙局")
    write_unit(tmp_path / "5_甲局_又一稿.xlsx", 2024, broken(good, 7), "甲局")
    assert validate(read(tmp_path / "1_甲局_初稿.xlsx")).errors and not validate(read(tmp_path / "3_甲局_终稿.xlsx")).errors
    roll = rollup([tmp_path], tmp_path / "out" / "s.xlsx", year=2024, include_errors=True)
    by_name = {u.name: u for u in roll.units}
    assert [u.name for u in roll.summed] == ["3_甲局_终稿.xlsx", "4_乙局.xlsx"]
    assert "与“3_甲局_终稿.xlsx”是同一机关（甲局）" in by_name["1_甲局_初稿.xlsx"].reason
    assert "只计入通过校验的一份" in by_name["1_甲局_初稿.xlsx"].reason
    assert "与“1_甲局_初稿.xlsx”" in by_name["2_甲局_再稿.xlsx"].reason  # two with errors: the first in file order
    assert "与“3_甲局_终稿.xlsx”" in by_name["5_甲局_又一稿.xlsx"].reason
    assert {u.name for u in roll.units if u.status == "duplicate"} == {"1_甲局_初稿.xlsx", "2_甲局_再稿.xlsx",
                                                                         "5_甲局_又一稿.xlsx"}
    key = "t3.new.natural"
    assert roll.values[key] == good[key] + other[key]
    assert read(roll.output).number(key) == good[key] + other[key]

    # without a unit that passed, the first file with errors of the agency is counted (held until the end)
    (tmp_path / "3_甲局_终稿.xlsx").unlink()
    roll = rollup([tmp_path], tmp_path / "out" / "s.xlsx", year=2024, include_errors=True, overwrite=True)
    assert [u.name for u in roll.summed] == ["1_甲局_初稿.xlsx", "4_乙局.xlsx"]
    assert roll.values[key] == bad[key] + other[key]


def test_progress_bar_only_on_a_terminal(tmp_path):
    import io

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    draw = progress_bar(tty)
    draw(3, 4)
    draw(4, 4)
    assert "3/4" in tty.getvalue() and tty.getvalue().endswith("4/4\n")
    assert progress_bar(io.StringIO()) is None  # no bar in logs or when --json output is captured
    seen = []
    write_unit(tmp_path / "u" / "a.xlsx", 2024, consistent_values(random.Random(3)), "甲局")
    rollup([tmp_path / "u"], tmp_path / "s.xlsx", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (1, 1)  # the library reports progress; it never draws


def test_units_with_the_same_text_but_another_name_are_flagged(tmp_path):
    rng = random.Random(7)
    template = "本单位高度重视政府信息公开工作，健全工作机制，规范公开流程，全年主动公开政府信息{n}条，切实保障公众知情权。"
    for name, n, text in (("甲区教育局", 12, template), ("甲区卫生健康局", 30, template),
                          ("甲区水利局", 5, "水利局结合防汛工作实际，重点公开水旱灾害防御、河湖长制等信息，共计五类。")):
        write_unit(tmp_path / f"{name}.xlsx", 2024, consistent_values(rng), name,
                   narrative={"s1_intro": f"{name}" + text.format(n=n), "s6_fee": "未收取信息处理费。"})
    roll = rollup([tmp_path], tmp_path / "out" / "汇总.xlsx", year=2024)
    copies = {u.agency: u.copies for u in roll.units}
    assert any("一、总体情况：概述" in c and "甲区卫生健康局" in c for c in copies["甲区教育局"])
    assert not any("总体情况" in c for c in copies["甲区水利局"])
    status = load_workbook(roll.output)["汇总情况"]
    assert "雷同" in (status["J5"].value or "") + (status["J6"].value or "")


def test_a_mistyped_folder_is_named(tmp_path, capsys):
    assert main(["rollup", str(tmp_path / "没有这个文件夹"), "-o", str(tmp_path / "s.xlsx")]) == 2
    assert "找不到文件或文件夹" in capsys.readouterr().err


# --- integrity (issue 9, class 9 and the roll-up parts of classes 3, 4, 5) ---------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("tpl")
    values = consistent_values(random.Random(11))
    return Template(write_unit(root / "base.xlsx", 2024, values, "基准局"), values)


def test_each_unit_is_counted_once(template, tmp_path, capsys):
    units = tmp_path / "各单位"
    units.mkdir()
    a = template.emit(units / "a.xlsx", agency="甲局", factor=1)
    b = template.emit(units / "b.xlsx", agency="乙局", factor=2)
    assert main(["validate", str(units / "a.xlsx"), "--write"]) == 0  # writes a_校验.xlsx beside it
    capsys.readouterr()
    shutil.copyfile(units / "b.xlsx", units / "b - 副本.xlsx")  # the same file twice
    template.emit(units / "c.xlsx", agency="甲局", factor=5)  # a second report of the same agency
    first = rollup([units], tmp_path / "first.xlsx", year=2024)
    shutil.copyfile(first.output, units / "上次汇总.xlsx")  # last year's habit: the total left in the folder
    roll = rollup([units], units / "汇总.xlsx", year=2024)
    again = rollup([units], units / "汇总.xlsx", year=2024, overwrite=True)  # a re-run into the same folder
    for r in (first, roll, again):
        assert r.values["t3.new.natural"] == a["t3.new.natural"] + b["t3.new.natural"]
        assert [u.name for u in r.summed] == ["a.xlsx", "b - 副本.xlsx"]  # of two equal files, the first counts
    status = {u.name: (u.status, u.reason) for u in again.units}
    assert status["a_校验.xlsx"][0] == "skipped" and "校验副本" in status["a_校验.xlsx"][1]
    assert status["b.xlsx"][0] == "duplicate" and "b - 副本.xlsx" in status["b.xlsx"][1]
    assert status["c.xlsx"][0] == "duplicate" and "同一机关" in status["c.xlsx"][1]
    assert status["上次汇总.xlsx"][0] == "skipped" and "汇总结果" in status["上次汇总.xlsx"][1]
    assert status["汇总.xlsx"][0] == "skipped" and "输出文件" in status["汇总.xlsx"][1]


def test_a_province_rolls_up_county_totals_with_totals(template, tmp_path):
    counties = tmp_path / "各县"
    for county, factors in (("甲县", (1, 2)), ("乙县", (3,))):
        (tmp_path / county).mkdir()
        for f in factors:
            template.emit(tmp_path / county / f"u{f}.xlsx", agency=f"{county}第{f}局", factor=f)
        rollup([tmp_path / county], counties / f"{county}汇总.xlsx", year=2024, agency=county)
    skipped = rollup([counties], tmp_path / "省1.xlsx", year=2024)
    assert {u.status for u in skipped.units} == {"skipped"} and "--totals" in skipped.units[0].reason
    province = rollup([counties], tmp_path / "省2.xlsx", year=2024, agency="某省", totals=True)
    assert len(province.summed) == 2
    assert province.values["t3.new.natural"] == 6 * template.values["t3.new.natural"]


def test_a_checked_copy_alone_is_a_unit(template, tmp_path):
    template.emit(tmp_path / "a_校验.xlsx", agency="甲局")
    roll = rollup([tmp_path], tmp_path / "out" / "s.xlsx", year=2024)
    assert [u.status for u in roll.units] == ["passed"] and roll.units[0].summed


def test_file_names_that_are_not_utf8_do_not_stop_the_batch(template, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    gbk = os.path.join(os.fsencode(folder), "教育局".encode("gbk") + b".xlsx")
    junk = os.path.join(os.fsencode(folder), b"\xff\xfe.xlsx")
    template.emit(os.fsdecode(gbk), agency="教育局")
    template.emit(os.fsdecode(junk), agency="卫健局")
    out = tmp_path / "s.xlsx"
    assert main(["rollup", str(folder), "-o", str(out), "--json"]) == 0
    roll = rollup([folder], tmp_path / "s2.xlsx")
    names = sorted(u.name for u in roll.units)
    assert "教育局.xlsx" in names and len(names) == 2 and all(u.status == "passed" for u in roll.units)
    shown = [r[1] for r in load_workbook(out)["汇总情况"].iter_rows(min_row=5, max_row=6, values_only=True)]
    assert "教育局.xlsx" in shown and all(isinstance(s, str) for s in shown)


def test_control_characters_and_formula_text_are_written_as_plain_text(template, tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    template.emit(folder / "a.xlsx", agency="甲_x000B_局")  # Excel's escape of a pasted vertical tab
    template.emit(folder / "=cmd.xlsx", agency='=HYPERLINK("http://example.com","点我")')
    template.emit(folder / "c.xlsx", agency="@SUM(1+1)", bump="t3.new.natural")
    roll = rollup([folder], tmp_path / "s.xlsx", year=2024, agency="+某县\x0b汇总", include_errors=True)
    assert len(roll.summed) == 3
    assert any("控制字符" in p for p in roll.problems)
    ws = load_workbook(roll.output)["汇总情况"]
    cells = {r: (ws[f"B{r}"], ws[f"C{r}"]) for r in range(5, 8)}
    texts = {c.value for pair in cells.values() for c in pair}
    assert {"甲局", '=HYPERLINK("http://example.com","点我")', "@SUM(1+1)", "=cmd.xlsx"} <= texts
    assert all(c.data_type == "s" for pair in cells.values() for c in pair)
    assert "控制字符" in ws["A3"].value
    assert "\x0b" not in ws["A1"].value


def test_sums_beyond_a_cell_are_left_blank_with_a_note(template, tmp_path):
    for name in ("a", "b"):
        template.emit(tmp_path / f"{name}.xlsx", agency=f"{name}局", overrides={"t2.reg.made": 1.7e308})
    roll = rollup([tmp_path], tmp_path / "out" / "s.xlsx", year=2024, include_errors=True)
    assert len(roll.summed) == 2
    # the reader already refuses a figure no report can have (≥ 10^15) as text, so the total is never inf:
    # each unit names the cell, and the rolled-up cell stays blank
    assert all("表二!B7" in u.reason and "1.7e+308" in u.reason for u in roll.units)
    assert roll.values.get("t2.reg.made") is None
    assert read(roll.output).value("t2.reg.made").state.value == "blank"


def test_a_unit_that_crashes_its_worker_is_a_status_row(template, tmp_path):
    """One far cell makes a naive reader allocate terabytes (a native abort): one status row, the rest summed."""
    folder = tmp_path / "units"
    folder.mkdir()
    good = [template.emit(folder / f"u{i}.xlsx", agency=f"第{i}局", factor=i + 1) for i in range(4)]
    template.emit(folder / "u2bomb.xlsx", agency="炸弹局")
    with zipfile.ZipFile(folder / "u2bomb.xlsx") as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet3.xml"].decode()
    sheet = sheet.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    parts["xl/worksheets/sheet3.xml"] = sheet.replace('<dimension ref="', '<dimension ref="A1:XFD1048576" x="').encode()
    with zipfile.ZipFile(folder / "u2bomb.xlsx", "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    roll = rollup([folder], tmp_path / "s.xlsx", year=2024, jobs=1)
    status = {u.name: u.status for u in roll.units}
    assert status.pop("u2bomb.xlsx") == "unreadable"
    assert set(status.values()) == {"passed"} and len(roll.summed) == 4
    assert roll.values["t3.new.natural"] == sum(v["t3.new.natural"] for v in good)


def test_unreadable_files_and_folders_are_named_in_chinese(template, tmp_path, capsys, monkeypatch):
    """Permission errors are simulated (the suite may run as root, who reads everything)."""
    import importlib

    from xlsheet.county import check_unit

    collect_module = importlib.import_module("xlsheet.county.collect")  # the module, not the function it exports

    folder = tmp_path / "units"
    folder.mkdir()
    template.emit(folder / "b.xlsx", agency="乙局")
    real_open = os.open  # the unit's file is opened with os.open (non-blocking, see safety.read_file)

    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("b.xlsx"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    unit = check_unit(str(folder / "b.xlsx"))
    monkeypatch.setattr(os, "open", real_open)
    assert unit.status == "unreadable" and unit.reason == "无法读取文件：没有读取权限"

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(collect_module.os, "scandir", denied)
    assert main(["rollup", str(folder), "-o", str(tmp_path / "t.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "无法读取文件夹" in err and "没有读取权限" in err and "units" in err


def test_the_same_file_name_in_two_folders(template, tmp_path):
    for folder in ("一组", "二组"):
        (tmp_path / folder).mkdir()
    template.emit(tmp_path / "一组" / "a.xlsx", agency="甲局")
    shutil.copyfile(tmp_path / "一组" / "a.xlsx", tmp_path / "二组" / "a.xlsx")
    roll = rollup([tmp_path / "一组", tmp_path / "二组"], tmp_path / "s.xlsx", year=2024)
    assert [(u.name, u.status) for u in roll.units] == [("一组/a.xlsx", "passed"), ("二组/a.xlsx", "duplicate")]
    assert "一组/a.xlsx" in roll.units[1].reason


def test_rollup_messages_name_formats_in_chinese_and_explain_an_empty_or_stock_sum(examples, template, tmp_path,
                                                                                   capsys):
    """Another year: the spec's Chinese format names (not v2021); nothing summed: one line saying why; stock
    figures summed over several units: why they need checking (one unit's are its own: no such note)."""
    folder = tmp_path / "units"
    folder.mkdir()
    shutil.copy(examples / "demo_2024.xlsx", folder / "本单位.xlsx")
    assert main(["rollup", str(folder), "-o", str(tmp_path / "2020.xlsx"), "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "该工作簿为2024年度（2021年版格式），本次汇总为2020年度（2019年版格式）" in out and "v20" not in out
    # the year was asked for: the line says it matches no unit, it does not advise --year again
    assert "没有可计入汇总的单位：1 个为其他年度或格式（与 --year 指定的年度不同，请检查年度是否写对）" in out
    assert main(["rollup", str(folder), "-o", str(tmp_path / "2024.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "没有可计入汇总的单位" not in out and "跨层级可能重复计算" not in out  # one unit: nothing counted twice
    template.emit(folder / "另一单位.xlsx", agency="另一局")
    assert main(["rollup", str(folder), "-o", str(tmp_path / "2024b.xlsx")]) == 0
    assert "跨层级可能重复计算" in capsys.readouterr().out


def test_worker_count_adds_a_worker_only_while_it_saves_more_than_it_costs():
    from xlsheet.county.workers import worker_count

    def modelled(n, k, c, w):  # the checks shared by k workers, plus what each extra worker costs
        return n * c / k + (k - 1) * w

    for c, w in ((0.012, 0.12), (0.005, 0.12), (0.02, 0.3)):
        for n in (0, 1, 5, 19, 20, 21, 48, 49, 50, 100, 200, 1000, 20000):
            for jobs in (1, 2, 3, 8):
                for cpus in (1, 2, 4, 16):
                    k = worker_count(n, jobs, cpus, unit_seconds=c, start_seconds=w)
                    assert 1 <= k <= max(1, min(jobs, cpus))
                    best = min(range(1, max(1, min(jobs, cpus)) + 1), key=lambda j: (modelled(n, j, c, w), j))
                    assert k == best, (n, jobs, cpus, c, w)
    # two workers from 2·W/c files on: 20 files at 12 ms and 0.12 s per worker, 48 at 5 ms
    assert [worker_count(n, 2, 2, unit_seconds=0.012, start_seconds=0.12) for n in (20, 21)] == [1, 2]
    assert [worker_count(n, 2, 2, unit_seconds=0.005, start_seconds=0.12) for n in (48, 49)] == [1, 2]


def test_a_short_batch_keeps_one_worker_whatever_jobs_says(template, tmp_path, monkeypatch):
    import importlib

    workers = importlib.import_module("xlsheet.county.workers")
    sizes = []

    class Recording(workers.LimitedPool):
        def __init__(self, jobs=1, **kw):
            sizes.append(jobs)
            super().__init__(jobs, **kw)

    monkeypatch.setattr(workers, "LimitedPool", Recording)
    for i in range(3):
        template.emit(tmp_path / f"u{i}.xlsx", agency=f"第{i}局", factor=i + 1)
    roll = rollup([tmp_path], tmp_path / "out" / "s.xlsx", year=2024, jobs=4)
    assert sizes == [1] and len(roll.summed) == 3


def test_status_rows_escape_text_as_the_standard_library_does():
    from xml.sax.saxutils import escape as sax_escape

    from xlsheet.county.write import escape

    for text in ("a & b < c > d", "&amp; already", "<t>", "\"'引号'\"", "公式 =SUM(A1)", "", "&&<<>>"):
        assert escape(text) == sax_escape(text)


def test_chunks_keep_the_file_order_and_shrink_to_single_files():
    from xlsheet.county.workers import chunk_size, plan_chunks

    for n, jobs in ((1, 1), (20, 2), (200, 1), (200, 2), (1000, 2), (20000, 8)):
        chunks = plan_chunks(list(range(n)), jobs)
        assert [i for c in chunks for i in c] == list(range(n))
        sizes = [len(c) for c in chunks]
        assert sizes[0] == chunk_size(n, jobs) and max(sizes) <= 64
        assert all(a >= b for a, b in zip(sizes, sizes[1:]))  # never a big chunk after a small one
        assert sizes[-jobs:] == [1] * min(jobs, len(sizes))  # the workers' last tasks are one file each


def test_a_long_reason_is_cut_on_screen_with_a_pointer_to_the_sheet(tmp_path, capsys):
    """An empty unit has a reason far longer than a terminal line: the screen shows its start and says where the
    rest is; the 汇总情况 sheet holds the whole reason."""
    from xlsheet import new_workbook

    units = tmp_path / "units"
    units.mkdir()
    new_workbook(units / "空表.xlsx", 2024, "某某局")
    out = tmp_path / "汇总.xlsx"
    assert main(["rollup", str(units), "-o", str(out), "--year", "2024"]) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if l.startswith("  空表.xlsx："))
    assert line.endswith("…（详见“汇总情况”表）")
    shown = line.removeprefix("  空表.xlsx：").removesuffix("…（详见“汇总情况”表）")
    ws = load_workbook(out)["汇总情况"]
    full = next(row[8] for row in ws.iter_rows(values_only=True) if row[1] == "空表.xlsx")
    assert len(full) > 120 and full.startswith(shown) and len(shown) == 119


def _fold_totals(fields, rows):
    """The one-by-one fold the batched summing replaced (reference for the differential test below)."""
    blank, totals = object(), [None] * len(fields)
    for values, variants in rows:
        for j, (f, v) in enumerate(zip(fields, values)):
            if (f.variant is not None and f.variant not in variants) or totals[j] is blank:
                continue
            totals[j] = blank if v is None else (v if totals[j] is None else totals[j] + v)
    return [None if t is blank else t for t in totals]


@pytest.mark.parametrize("n", [1, 63, 64, 65, 200])
def test_batched_sums_equal_the_one_by_one_fold(n):
    """Blanks, Decimals with their exponents (-0, 1.50), int/Decimal mixes, huge ints, a variant some units have:
    the batches' column sums give exactly what adding unit after unit gave."""
    from decimal import Decimal

    from xlsheet.county.aggregate import _BLANK, _Group
    from xlsheet.county.units import Unit

    rng = random.Random(n)
    group = _Group("v2021")
    pool = [None, 0, 1, 7, 10 ** 30, Decimal("1.50"), Decimal("-0"), Decimal("0.1"), Decimal("1E+2"), -3]
    rows = []
    for i in range(n):
        values = tuple(rng.choice(pool) if rng.random() < 0.05 else rng.choice(pool[1:5]) for _ in group.fields)
        variants = ("jilin",) if rng.random() < 0.3 else ()
        rows.append((values, variants))
        group.add(Unit(path=f"u{i}", name=f"u{i}", values=values, variants=variants))
    group.flush()
    got = [None if t is _BLANK else t for t in group.totals]
    want = _fold_totals(group.fields, rows)
    assert [(type(g), str(g)) for g in got] == [(type(w), str(w)) for w in want]
    assert group.variants == {v for _, vs in rows for v in vs} and group.units == n


def test_collect_recognises_the_output_through_a_link_and_keeps_the_paths_it_gave(tmp_path, monkeypatch):
    """The output is recognised by identity (a link to it in the folder too; a file with the output's name in
    another folder is a unit), and a folder's files keep the paths ``str(Path(folder) / name)`` gave."""
    from xlsheet.county.collect import collect

    (tmp_path / "u").mkdir()
    for n in ("b.xlsx", "a.XLSX", "~$a.xlsx", "c.txt"):
        (tmp_path / "u" / n).write_bytes(b"x")
    (tmp_path / "u" / "d.xlsx").mkdir()
    (tmp_path / "out.xlsx").write_bytes(b"y")
    os.symlink(tmp_path / "out.xlsx", tmp_path / "u" / "link.xlsx")
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "out.xlsx").write_bytes(b"y")
    units = collect([str(tmp_path / "u") + "/", tmp_path / "v"], tmp_path / "out.xlsx")
    assert [(u.path, u.status) for u in units] == [
        (str(tmp_path / "u" / "a.XLSX"), "pending"), (str(tmp_path / "u" / "b.xlsx"), "pending"),
        (str(tmp_path / "u" / "link.xlsx"), "skipped"), (str(tmp_path / "v" / "out.xlsx"), "pending")]
    monkeypatch.chdir(tmp_path / "u")
    assert [u.path for u in collect(["."], "elsewhere.xlsx")] == ["a.XLSX", "b.xlsx", "link.xlsx"]


def test_the_rollup_path_loads_neither_the_forkserver_nor_typing(tmp_path):
    """Workers are forked (the forkserver's preload is set only when one is used: setting it imports
    multiprocessing.forkserver and its resource tracker), and no module on the path imports typing (the second
    run: the first builds the cached blank workbook with openpyxl, whose lxml imports typing)."""
    from tests.test_startup import bare_python

    make_batch(tmp_path / "units", 3, seed=3, keep_values=False)
    code = ("import sys, io, contextlib\nfrom xlsheet.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = main(['rollup', {str(tmp_path / 'units')!r}, '-o', {str(tmp_path / 'o.xlsx')!r},"
            " '--overwrite'])\n"
            "print(code, [m for m in ('multiprocessing.forkserver', 'typing') if m in sys.modules])\n")
    for _ in range(2):
        proc = bare_python(code, tmp_path)
    assert proc.stdout.strip() == "0 []", (proc.stdout, proc.stderr)


def test_the_writer_is_prepared_once_while_the_workers_check(tmp_path, monkeypatch):
    """write.prepare runs once, before the first checked file comes back (it overlaps the workers' checks); the
    cache path it warms is the one writing then uses."""
    from xlsheet.county import template, write

    make_batch(tmp_path / "units", 3, seed=5, keep_values=False)
    events = []
    monkeypatch.setattr(write, "prepare", lambda: events.append("prepare"))
    rollup([tmp_path / "units"], tmp_path / "o.xlsx", progress=lambda done, total: events.append(done))
    assert events == ["prepare", 1, 2, 3]
    k = template.key(2024, (), (), False)
    assert template.cache_path(k) == template.cache_path(k) and template._DIGEST


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symbolic links: POSIX")
def test_pipes_and_link_loops_are_units_that_cannot_be_read_not_a_hang_or_a_refused_folder(template, tmp_path,
                                                                                           capsys):
    """A named pipe called x.xlsx would block a plain open() until someone writes to it (a worker then waited out
    its 90 s wall clock, twice); a link to itself made listing the folder fail (ELOOP) and refused every unit.
    Both are now one unreadable unit each, at once, and the others are summed; given directly, each is a clear
    refusal (exit 2)."""
    import time

    folder = tmp_path / "units"
    folder.mkdir()
    template.emit(folder / "a.xlsx", agency="甲局")
    os.mkfifo(folder / "pipe.xlsx")
    os.symlink("self.xlsx", folder / "self.xlsx")
    os.symlink("loop_b.xlsx", folder / "loop_a.xlsx")
    os.symlink("loop_a.xlsx", folder / "loop_b.xlsx")
    start = time.monotonic()
    assert main(["rollup", str(folder), "-o", str(tmp_path / "t.xlsx"), "--json", "--jobs", "2"]) == 0
    assert time.monotonic() - start < 30  # the wall clock per unit is 90 s: nothing waited on the pipe
    summary = json.loads(capsys.readouterr().out)
    rows = {u["name"]: u for u in summary["unit_status"]}
    assert summary["summed"] == 1 and rows["a.xlsx"]["status"] == "passed"
    assert rows["pipe.xlsx"]["status"] == "unreadable" and "不是普通文件" in rows["pipe.xlsx"]["reason"]
    for name in ("self.xlsx", "loop_a.xlsx", "loop_b.xlsx"):
        assert rows[name]["status"] == "unreadable" and "形成循环" in rows[name]["reason"], rows[name]

    assert main(["validate", str(folder / "pipe.xlsx")]) == 2
    assert "不是普通文件" in capsys.readouterr().err
    assert main(["validate", str(folder / "self.xlsx")]) == 2
    assert "形成循环" in capsys.readouterr().err
    assert main(["rollup", str(folder / "self.xlsx"), "-o", str(tmp_path / "u.xlsx")]) == 2
    assert "形成循环" in capsys.readouterr().err


def test_workbooks_in_subfolders_are_said_not_read_with_what_to_do(tmp_path, capsys):
    from tests.conftest import EXAMPLES

    demo = EXAMPLES / "demo_2024.xlsx"
    (tmp_path / "县" / "乡镇甲").mkdir(parents=True)
    (tmp_path / "县" / "乡镇乙").mkdir()
    (tmp_path / "县" / "空文件夹").mkdir()
    for name in ("a.xlsx", "b.xlsx"):
        shutil.copy(demo, tmp_path / "县" / "乡镇甲" / name)
    shutil.copy(demo, tmp_path / "县" / "乡镇乙" / "c.xlsx")
    folder = str(tmp_path / "县")
    # only subfolders: the error says where the workbooks are and how to include them
    assert main(["rollup", folder, "-o", str(tmp_path / "s.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "没有找到要汇总的工作簿" in err and "“乡镇乙”（1 个）、“乡镇甲”（2 个）中的 3 个工作簿没有读取" in err, err
    assert f"{folder}/乡镇乙" in err and "空文件夹" not in err, err
    # a workbook beside them: summed, and the subfolders' workbooks are a 注意 line on screen and on the sheet
    shutil.copy(demo, tmp_path / "县" / "本级.xlsx")
    assert main(["rollup", folder, "-o", str(tmp_path / "s.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "计入汇总 1 个" in out and "注意：子文件夹“乡镇乙”（1 个）、“乡镇甲”（2 个）" in out, out
    roll = rollup([folder, str(tmp_path / "县" / "乡镇甲")], tmp_path / "t.xlsx", year=2024)
    assert [u.name for u in roll.units] == ["本级.xlsx", "a.xlsx", "b.xlsx"]
    assert any("“乡镇乙”中的 1 个工作簿没有读取" in p for p in roll.problems), roll.problems


def test_a_year_that_matches_no_unit_is_said_so_not_advised_again(tmp_path, capsys):
    from tests.conftest import EXAMPLES

    shutil.copy(EXAMPLES / "demo_2024.xlsx", tmp_path / "a.xlsx")
    assert main(["rollup", str(tmp_path / "a.xlsx"), "-o", str(tmp_path / "s.xlsx"), "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert "与 --year 指定的年度不同" in out and "可用 --year" not in out, out
    roll = rollup([tmp_path / "a.xlsx"], tmp_path / "t.xlsx", year=None)
    assert roll.summed and roll.empty_reason() is None and not roll.year_given


def test_the_screen_lists_at_most_sixty_units_and_points_at_the_sheet(tmp_path, capsys):
    from tests.conftest import EXAMPLES
    from xlsheet.cli.cmd_rollup import SHOWN

    for i in range(SHOWN + 3):  # byte-for-byte copies: all but the first are listed as duplicates
        shutil.copy(EXAMPLES / "demo_2024.xlsx", tmp_path / f"u{i:03}.xlsx")
    assert main(["rollup", str(tmp_path), "-o", str(tmp_path / "out" / "s.xlsx"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    listed = [line for line in out.splitlines() if line.startswith("  u")]
    assert len(listed) == SHOWN and listed[0].startswith("  u001.xlsx：与“u000.xlsx”内容完全相同"), listed[:2]
    assert "……另有 2 个工作簿未通过或未计入，详见汇总工作簿的“汇总情况”表" in out, out  # SHOWN + 2 duplicates
    rows = load_workbook(tmp_path / "out" / "s.xlsx")["汇总情况"].max_row
    assert rows >= SHOWN + 3
