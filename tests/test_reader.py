"""Reading workbooks: the seeds' numbers come back, blanks stay blank, names survive a clerk's edits."""
import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import example
from tests.seedgrid import SEED_FORMAT, number, squash, tables
from xlsheet import read
from xlsheet.errors import ForeignWorkbookError, FormatVersionError
from xlsheet.spec import load_spec
from xlsheet.values import State
from xlsheet.workbook import names


def expected_values(seed: str) -> dict:
    """key → published number (None for a blank cell), from the seed text alone."""
    spec = load_spec(SEED_FORMAT[seed])
    t2, t3, t4 = tables(seed)
    out = {}
    t3spec = spec.table("t3")
    data = t3[3:]  # three header rows, then one row per data row
    assert len(data) == len(t3spec.data_rows())
    for row, cells in zip(t3spec.data_rows(), data):
        for col, text in zip(t3spec.value_keys, cells[-7:]):
            out[f"t3.{row.key}.{col}"] = number(text)
    for group, chunk in zip(("review", "direct", "after_review"), (t4[-1][0:5], t4[-1][5:10], t4[-1][10:15])):
        for col, text in zip(("upheld", "corrected", "other", "pending", "total"), chunk):
            out[f"t4.{group}.{col}"] = number(text)
    t2spec = spec.table("t2")
    by_label = {}
    for r in t2:
        by_label.setdefault(squash(r[0]), r[1:])
    for row in t2spec.data_rows():
        if row.inline:
            continue
        label = squash(row.cells[0].text)
        cells = by_label.get(label) or by_label.get(label.removeprefix("行政"), [])  # 003 prints 规范性文件
        inputs = [c for c in row.cells if c.is_input]
        for cell, text in zip(inputs, cells + [""] * len(inputs)):
            out[cell.key] = number(text)
    return out


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_example_workbooks_return_the_published_numbers_and_blanks(examples, seed):
    report = read(example(examples, seed))
    assert report.spec.format == SEED_FORMAT[seed]
    expected = expected_values(seed)
    assert len(expected) >= 161
    for key, value in expected.items():
        got = report.value(key)
        if value is None:
            assert got.state is State.BLANK, key
        else:
            assert got.is_number and got.number == value, (key, got, value)


def test_blank_total_in_001_stays_blank(examples):
    report = read(example(examples, "001"))
    assert report.value("t3.next.total").state is State.BLANK
    assert report.value("t3.next.natural").state is State.ZERO


def test_jilin_publish_total_is_read(examples):
    assert read(example(examples, "002")).number("t2.publish.total") == 4267
    assert "jilin" in read(example(examples, "000")).variants
    assert "jilin" not in read(example(examples, "001")).variants


def _all_numbers(report):
    return {k: (v.state, v.number) for k, v in report.values.items()}


def test_renamed_sheet_is_still_read(examples, tmp_path):
    src = examples / "demo_2024.xlsx"
    before = _all_numbers(read(src))
    wb = load_workbook(src)
    wb["表三"].title = "申请情况"
    for dn in list(wb.defined_names.values()):  # what Excel does when a sheet is renamed
        dn.attr_text = dn.attr_text.replace("'表三'!", "'申请情况'!")
    out = tmp_path / "renamed.xlsx"
    wb.save(out)
    report = read(out)
    assert _all_numbers(report) == before
    assert report.locations["t3.new.natural"].sheet == "申请情况"
    assert not report.problems


def test_inserted_row_is_still_read(examples, tmp_path):
    src = examples / "demo_2024.xlsx"
    before = _all_numbers(read(src))
    wb = load_workbook(src)
    wb["表三"].insert_rows(4, amount=2)
    for dn in list(wb.defined_names.values()):  # Excel shifts names below an inserted row
        if dn.attr_text.startswith("'表三'!"):
            col, row = dn.attr_text.split("!$")[1].split("$")
            dn.attr_text = f"'表三'!${col}${int(row) + 2 if int(row) >= 4 else row}"
    out = tmp_path / "inserted.xlsx"
    wb.save(out)
    assert _all_numbers(read(out)) == before


def test_text_in_a_number_cell_is_text_not_zero(examples, tmp_path):
    wb = load_workbook(examples / "demo_2024.xlsx")
    ref = wb.defined_names[names.input_name("t3.new.natural")].attr_text.split("!")[1].replace("$", "")
    wb["表三"][ref] = "十二"
    out = tmp_path / "text.xlsx"
    wb.save(out)
    v = read(out).value("t3.new.natural")
    assert v.state is State.TEXT and v.raw == "十二" and v.number is None


def test_foreign_workbook_gets_a_clear_chinese_error(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "别的表格"
    path = tmp_path / "foreign.xlsx"
    wb.save(path)
    with pytest.raises(ForeignWorkbookError, match="不是 xlsheet 年报工作簿"):
        read(path)


@pytest.mark.parametrize("name,value,match", [(names.FORMAT, '"v2030"', "只认识"), (names.REVISION, '"99"', "升级")])
def test_unknown_format_or_newer_revision_is_refused(examples, tmp_path, name, value, match):
    wb = load_workbook(examples / "demo_2024.xlsx")
    wb.defined_names[name].attr_text = value
    path = tmp_path / "future.xlsx"
    wb.save(path)
    with pytest.raises(FormatVersionError, match=match):
        read(path)


def test_deleted_sheet_is_reported_and_its_values_are_blank(examples, tmp_path):
    wb = load_workbook(examples / "demo_2024.xlsx")
    del wb["表四"]
    path = tmp_path / "deleted.xlsx"
    wb.save(path)
    report = read(path)
    assert report.value("t4.review.total").state is State.BLANK
    assert any("表四" in p or "失效" in p for p in report.problems)


def test_a_row_inserted_inside_a_table_reads_right_and_says_so(examples, tmp_path):
    from xlsheet import validate

    src = examples / "demo_2024.xlsx"
    before = _all_numbers(read(src))
    wb = load_workbook(src)
    wb["表三"].insert_rows(12)  # inside table 三, below 一/二 and the first result rows
    for dn in list(wb.defined_names.values()):  # what Excel does to the names
        if dn.attr_text.startswith("'表三'!"):
            col, row = dn.attr_text.split("!$")[1].split("$")
            dn.attr_text = f"'表三'!${col}${int(row) + 1 if int(row) >= 12 else row}"
    out = tmp_path / "inside.xlsx"
    wb.save(out)
    report = read(out)
    assert _all_numbers(report) == before
    ids = [f.rule_id for f in validate(report).findings]
    assert ids == ["LAYOUT-MOVED"]  # one clear warning, no false label findings


def test_names_parsed_once_still_give_each_workbook_its_own_cells(examples, tmp_path):
    # the reader keeps what each defined-name text means and each spec's field list per variants: two
    # workbooks whose names point at different cells, or with different variants, each read their own
    src = examples / "demo_2024.xlsx"
    first = read(src)
    a, b = names.input_name("t3.new.natural"), names.input_name("t3.new.business")
    wb = load_workbook(src)
    wb.defined_names[a].attr_text, wb.defined_names[b].attr_text = \
        wb.defined_names[b].attr_text, wb.defined_names[a].attr_text
    swapped = tmp_path / "swapped.xlsx"
    wb.save(swapped)
    assert first.number("t3.new.natural") != first.number("t3.new.business")
    for _ in range(2):
        other = read(swapped)
        assert other.number("t3.new.natural") == first.number("t3.new.business")
        assert other.number("t3.new.business") == first.number("t3.new.natural")
        assert other.locations["t3.new.natural"] == first.locations["t3.new.business"]
        assert read(src).values == first.values
    jilin, plain = example(examples, "000"), example(examples, "001")
    for path, has in ((jilin, True), (plain, False), (jilin, True)):
        report = read(path)
        assert ("t2.publish.total" in report.values) is has
        assert list(report.values) == [f.key for f in report.spec.fields_for(report.variants)]


def _findings(path):
    from xlsheet import validate

    return validate(read(path)).findings


def test_a_renamed_sheet_is_one_error_naming_both_sheets_not_a_blank_per_cell(examples, tmp_path):
    wb = load_workbook(examples / "demo_2024.xlsx")
    wb["表三"].title = "表3"  # openpyxl, unlike Excel and WPS, leaves the defined names pointing at 表三
    path = tmp_path / "renamed.xlsx"
    wb.save(path)
    report = read(path)
    assert {k for k in report.unread if k.startswith("t3.")} == {k for k in report.values if k.startswith("t3.")}
    assert report.value("t3.total.total").state is State.BLANK
    found = _findings(path)
    assert [f.rule_id for f in found] == ["READ-MISSING"], [(f.rule_id, f.message) for f in found[:5]]
    message = found[0].message
    assert "“表三”" in message and "“表3”" in message and "改回" in message, message
    assert f" {sum(k.startswith('t3.') for k in report.unread)} 个" in message


def test_a_deleted_sheet_or_lost_names_are_said_once_per_sheet_or_section(examples, tmp_path):
    from xlsheet.workbook import names

    wb = load_workbook(examples / "demo_2024.xlsx")
    del wb["表四"]
    wb.save(tmp_path / "deleted.xlsx")
    found = _findings(tmp_path / "deleted.xlsx")
    assert [f.rule_id for f in found] == ["READ-MISSING"] and "“表四”（是否被删除？）" in found[0].message

    wb = load_workbook(examples / "demo_2024.xlsx")
    prefix = names.input_name("t4.review.total").split("review")[0]
    lost = [n for n in list(wb.defined_names) if n.startswith(prefix)]
    assert len(lost) > 3
    for n in lost:
        del wb.defined_names[n]
    del wb.defined_names[names.input_name("t2.fee.amount")]
    wb.save(tmp_path / "names.xlsx")
    problems = read(tmp_path / "names.xlsx").problems
    assert len(problems) == 2, problems  # 表四's names summed up, the single 表二 name said as it is
    assert any(p.startswith(f"“表四”中有 {len(lost)} 个填报项") for p in problems), problems
    assert any(names.input_name("t2.fee.amount") in p for p in problems), problems
    assert "CELL-BLANK" not in {f.rule_id for f in _findings(tmp_path / "names.xlsx")}


def test_a_cell_left_blank_is_still_blank_when_a_sheet_is_missing(examples, tmp_path):
    wb = load_workbook(examples / "demo_2024.xlsx")
    del wb["表四"]
    wb["表二"]["B7"] = None
    wb.save(tmp_path / "both.xlsx")
    found = _findings(tmp_path / "both.xlsx")
    blanks = [f for f in found if f.rule_id == "CELL-BLANK"]
    assert len(blanks) == 1 and blanks[0].cells and blanks[0].cells[0].address.endswith("B7"), found
