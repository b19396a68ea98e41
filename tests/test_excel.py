"""Excel integration: the live-book operations on both sides of the adapter, UDFs, and lazy xlwings."""
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tests.docxgrid import body_text, doc_tables
from tests.filebook import OpenpyxlBook
from xlsheet.cli import main
from xlsheet.workbook.layout import GRID_TOP  # rows above hold the colour legend
from xlsheet.excel.live import COLOURS, MARKS_SHEET, NOTE_PREFIX, clear_book, generate_report_book, validate_book

INPUT = "#DDEBF7"


@pytest.fixture
def broken(examples, tmp_path):
    """The demo with 表三 一、本年新收 自然人 typed as 13 instead of 12 (breaks two equations)."""
    wb = load_workbook(examples / "demo_2024.xlsx")
    wb["表三"]["D8"] = 13
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    return path


def _marked(book):
    return {(s, c.coordinate) for s in ("表二", "表三", "表四") for row in book.wb[s].iter_rows(min_row=GRID_TOP)
            for c in row if c.fill.fill_type == "solid" and "#" + c.fill.fgColor.rgb[-6:] in COLOURS.values()}


def _notes(book):
    return [(ws.title, c.coordinate, c.comment.text) for ws in book.wb.worksheets for row in ws.iter_rows()
            for c in row if c.comment]


def test_validate_marks_cells_and_lists_findings(broken):
    book = OpenpyxlBook(broken)
    result = validate_book(book)
    assert [f.rule_id for f in result.findings] == ["T3-BALANCE", "T3-ROW-TOTAL"]
    involved = {(c.sheet, c.cell) for f in result.findings for c in f.cells}
    # the wrong cell D8 where the broken column and row cross, and the two totals — not whole columns
    assert _marked(book) == involved == {("表三", "D8"), ("表三", "D31"), ("表三", "J8")}
    assert [f.address for f in result.findings] == ["表三!D8", "表三!D8"]
    assert all(text.startswith(NOTE_PREFIX) for _, _, text in _notes(book))
    ws = book.wb["校验结果"]
    assert book.wb.sheetnames[0] == "校验结果"
    assert [c.value for c in ws[4]] == ["问题", "级别", "位置", "说明", "填报值", "应为", "差额", "规则"]
    assert ws["A5"].value == "表三收支平衡" and ws["H5"].value == "T3-BALANCE"
    assert ws["C5"].value == '=HYPERLINK("#\'表三\'!D8","表三!D8")'
    # numbers, not text; and D8's own figures beside D8's address (typed 13, must be 12 to balance), not the
    # equation's totals (15 and 14 once stood here, and a clerk who typed that 14 into D8 made it worse)
    assert (ws["E5"].value, ws["F5"].value, ws["G5"].value) == (13, 12, 1)
    assert (ws["E6"].value, ws["F6"].value, ws["C6"].value) == (13, 12, ws["C5"].value)
    assert book.wb[MARKS_SHEET].sheet_state == "hidden"
    assert book.alerts and "2 个错误" in book.alerts[-1][1]
    assert max(book.reads.count(s) for s in set(book.reads)) == 1  # one bulk read per sheet


def test_second_run_leaves_no_stale_marks_and_restores_the_clerks_formats(broken):
    book = OpenpyxlBook(broken)
    from openpyxl.styles import PatternFill

    book.wb["表三"]["J8"].fill = PatternFill("solid", fgColor="FFFF00")  # the clerk's highlight (set unprotected)
    from openpyxl.comments import Comment

    book.wb["表三"]["D9"].comment = Comment("上年结转已核对", "科员")  # the clerk's own note
    validate_book(book)
    first = (_marked(book), len(_notes(book)), book.wb[MARKS_SHEET].max_row)
    validate_book(book)  # again, nothing fixed: same marks, not twice as many
    assert (_marked(book), len(_notes(book)), book.wb[MARKS_SHEET].max_row) == first
    book.wb["表三"]["D8"] = 12  # the clerk fixes the value
    result = validate_book(book)
    assert result.findings == []
    assert _marked(book) == set()
    assert book.get_color("表三", "J8") == "#FFFF00" and book.get_color("表三", "D8") == INPUT
    assert _notes(book) == [("表三", "D9", "上年结转已核对")]
    assert book.wb["校验结果"]["A2"].value.startswith("0 个错误")


def test_clear_marks(broken):
    book = OpenpyxlBook(broken)
    validate_book(book)
    assert clear_book(book) == 3
    assert _marked(book) == set() and _notes(book) == [] and MARKS_SHEET not in book.wb.sheetnames
    assert book.wb["校验结果"].max_row <= 1


def test_generate_report_refuses_errors_then_writes_next_to_the_workbook(broken, tmp_path):
    book = OpenpyxlBook(broken)
    assert generate_report_book(book) is None
    assert "未生成报告" in book.alerts[-1][1]
    book.wb["表三"]["D8"] = 12
    book.save()
    book = OpenpyxlBook(broken)
    path = generate_report_book(book)
    assert path == broken.with_name("broken.docx") and "报告已生成" in book.alerts[-1][1]
    cli = tmp_path / "cli.docx"
    assert main(["report", str(broken), "-o", str(cli)]) == 0
    assert doc_tables(path) == doc_tables(cli) and body_text(path) == body_text(cli)


def _remote(path, *steps):
    proc = subprocess.run([sys.executable, "-m", "tests.remote_driver", str(path), *steps], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_xlwings_object_model_marks_lists_and_clears(broken):
    pytest.importorskip("xlwings")
    first, _, again, _, fixed = _remote(broken, "validate", "set:表三!D9=2", "validate", "set:表三!D8=12", "validate")
    marked = {k for k, v in first["colors"].items() if v == COLOURS["error"]}
    assert marked == set(first["cells"]) and "表三!D8" in marked
    assert {"addSheet", "setRangeColor", "setValues", "setSheetVisibility"} <= set(first["funcs"])
    rows = first["result_sheet"]
    assert rows[4][7] == "T3-BALANCE" and rows[4][2].startswith("=HYPERLINK(")
    assert {k for k, v in again["colors"].items() if v == COLOURS["error"]} == marked  # same marks, no pile-up
    assert fixed["errors"] == 0
    assert all(fixed["colors"][k] == INPUT for k in marked)  # every old mark undone
    assert len(fixed["result_sheet"]) == 4  # header only


def test_xlwings_live_book_report_equals_the_cli_report(examples, tmp_path):
    pytest.importorskip("xlwings")
    live = tmp_path / "live.docx"
    (step,) = _remote(examples / "demo_2024.xlsx", f"report={live}")
    assert step["report"] == str(live)
    cli = tmp_path / "cli.docx"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(cli)]) == 0
    assert doc_tables(live) == doc_tables(cli) and body_text(live) == body_text(cli)


def test_udfs_on_the_live_book(broken):
    pytest.importorskip("xlwings")
    (step,) = _remote(broken, "udf")
    assert step["status"] == "✗ 2 个错误，0 个警告"
    assert step["findings"][0] == ["级别", "规则", "位置", "说明"] and step["findings"][1][1] == "T3-BALANCE"


def test_check_udfs_are_plain_functions():
    pytest.importorskip("xlwings")
    from xlsheet.excel_udfs import XLSHEET_CHECK_T3, XLSHEET_CHECK_T4  # the old module name still works

    assert XLSHEET_CHECK_T4([[1, 0, 0, 1, 2] + [0] * 10]) == [["✓ 勾稽关系正确", "", "", "", ""]]
    assert XLSHEET_CHECK_T4([[1, 0, 0, 1, 3] + [0] * 10])[0][:2] == ["T4-GROUP-TOTAL", "行政复议"]
    zeros = [[0] * 7 for _ in range(23)]
    assert XLSHEET_CHECK_T3(zeros)[0][0].startswith("✓")
    zeros[0][0] = 1  # 2019 format, 一 自然人 = 1 with nothing else
    assert {r[1] for r in XLSHEET_CHECK_T3(zeros)} >= {"“自然人”列", "“一、本年新收政府信息公开申请数量”行"}
    assert XLSHEET_CHECK_T3([[0] * 7] * 5)[0][0].startswith("请选中")
    blank = [[None] * 7 for _ in range(23)]  # an empty block is not "correct": it cannot be checked
    assert XLSHEET_CHECK_T3(blank)[0][0].startswith("无法核对")
    assert XLSHEET_CHECK_T4([[""] * 15])[0][0].startswith("无法核对")


def test_core_never_imports_xlwings(examples):
    code = ("import sys, xlsheet, xlsheet.cli, xlsheet.excel, xlsheet.workbook.reader, xlsheet.validation.engine, "
            "xlsheet.docx.render, xlsheet.rollup, xlsheet.importer; "
            f"from xlsheet.cli import main; main(['validate', {str(examples / 'demo_2024.xlsx')!r}]); "
            "assert 'xlwings' not in sys.modules, 'xlwings imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr


def test_entry_points_turn_errors_into_a_dialog(tmp_path, monkeypatch):
    """A foreign workbook clicked in Excel gets the Chinese message in a dialog, not a traceback."""
    from openpyxl import Workbook

    import xlsheet.excel as x

    path = tmp_path / "foreign.xlsx"
    Workbook().save(path)
    book = OpenpyxlBook(path)
    monkeypatch.setattr(x, "_live", lambda b: book)
    assert x.validate() is None and x.generate_report() is None
    assert [title for title, _ in book.alerts] == ["xlsheet", "xlsheet"]
    assert "不是 xlsheet 年报工作簿" in book.alerts[0][1]


# --- sheet protection: the file book refuses what Excel refuses, and every live operation copes ----------------

def _fills(book):
    return {(ws.title, c.coordinate): (c.fill.fill_type, c.fill.fgColor.rgb) for ws in book.wb.worksheets
            if ws.title != "校验结果" for row in ws.iter_rows() for c in row}


def _protections(book, sheets=None):
    return {s: (book.protection(s), dict(vars(book.wb[s].protection))) for s in sheets or book.wb.sheetnames}


@pytest.fixture
def fresh(tmp_path):
    path = tmp_path / "新.xlsx"
    assert main(["new", "--year", "2024", "--agency", "某市某局", "-o", str(path)]) == 0
    return path


def test_the_file_book_refuses_what_excel_refuses(fresh):
    from tests.filebook import ProtectedSheetError

    book = OpenpyxlBook(fresh)
    assert book.protection("表三")["AllowFormattingCells"] is False
    with pytest.raises(ProtectedSheetError):
        book.set_color("表三", "D8", "#FF0000")  # an unlocked input cell: still no fill
    with pytest.raises(ProtectedSheetError):
        book.write_block("表三", 8, 1, [["改标签"]])  # a locked label cell
    book.write_block("表三", 8, 4, [[3]])  # an input cell takes a value
    book.add_note("表三", "D8", "objects may be edited on this sheet")  # DrawingObjects not protected
    book.wb["表三"].protection.objects = True
    with pytest.raises(ProtectedSheetError):
        book.add_note("表三", "E8", "x")
    book.wb["表三"].protection.password = "secret"
    with pytest.raises(ProtectedSheetError):
        book.unprotect("表三")


def test_a_fresh_protected_workbook_is_marked_and_stays_protected_with_the_same_options(fresh):
    book = OpenpyxlBook(fresh)
    book.wb["表四"].protection.objects = True  # one sheet protected with "edit objects" not allowed: no notes either
    before = _protections(book)
    assert all(p is not None for p, _ in before.values())
    result = validate_book(book)
    blanks = {(c.sheet, c.cell) for f in result.findings if f.rule_id == "CELL-BLANK" for c in f.cells}
    assert len(blanks) >= 175 and blanks <= _marked(book)
    assert ("表四", "A8") in _marked(book) and book.wb["表四"]["A8"].comment is not None
    assert _protections(book, before) == before
    book.save()
    again = OpenpyxlBook(fresh)
    assert _protections(again, before) == before and ("表三", "D8") in _marked(again)
    assert clear_book(again) > 0 and _marked(again) == set() and _notes(again) == []
    assert _protections(again, before) == before
    assert generate_report_book(again) is None and "未生成报告" in again.alerts[-1][1]
    assert _protections(again, before) == before


def test_a_failed_run_leaves_no_half_applied_marks(fresh, monkeypatch):
    import xlsheet.excel as x

    book = OpenpyxlBook(fresh)
    fills, protections = _fills(book), _protections(book)
    calls = []
    real = book.add_note

    def flaky(sheet, address, text):
        calls.append(address)
        if len(calls) == 30:
            raise RuntimeError("COM error 0x800A03EC")
        real(sheet, address, text)

    monkeypatch.setattr(book, "add_note", flaky)
    monkeypatch.setattr(x, "_live", lambda b: book)
    assert x.validate() is None
    title, text = book.alerts[-1]
    assert "未完成" in text and "已撤销" in text and "COM error" in text
    assert MARKS_SHEET not in book.wb.sheetnames and _notes(book) == []
    assert _fills(book) == fills and _protections(book, protections) == protections


def test_a_password_protected_sheet_gets_a_chinese_message_and_is_left_alone(broken, monkeypatch):
    import xlsheet.excel as x

    book = OpenpyxlBook(broken)
    book.wb["表三"].protection.password = "secret"
    fills, protections = _fills(book), _protections(book)
    monkeypatch.setattr(x, "_live", lambda b: book)
    assert x.validate() is None
    assert "密码" in book.alerts[-1][1] and "撤销工作表保护" in book.alerts[-1][1]
    assert _fills(book) == fills and _protections(book, protections) == protections and MARKS_SHEET not in book.wb.sheetnames


class _FakeSheetApi:
    """Excel's Worksheet protection semantics, as far as XlwingsBook uses them."""

    def __init__(self):
        self.calls = []
        self.Protection = type("P", (), {})()
        self._set(dict(DrawingObjects=True, Contents=True, Scenarios=True, UserInterfaceOnly=False,
                       AllowFormattingCells=False, AllowFormattingColumns=True, AllowFormattingRows=True,
                       AllowInsertingColumns=False, AllowInsertingRows=False, AllowInsertingHyperlinks=False,
                       AllowDeletingColumns=False, AllowDeletingRows=False, AllowSorting=False,
                       AllowFiltering=False, AllowUsingPivotTables=False))
        self.EnableSelection = 1

    def _set(self, kw):
        self.ProtectDrawingObjects, self.ProtectContents = kw["DrawingObjects"], kw["Contents"]
        self.ProtectScenarios, self.ProtectionMode = kw["Scenarios"], kw["UserInterfaceOnly"]
        for k, v in kw.items():
            if k.startswith("Allow"):
                setattr(self.Protection, k, v)

    def Unprotect(self):
        self.calls.append("Unprotect")
        self._set({k: False for k in ("DrawingObjects", "Contents", "Scenarios", "UserInterfaceOnly")} |
                  {k: True for k in vars(self.Protection)})
        self.EnableSelection = 0

    def Protect(self, **kw):
        self.calls.append(("Protect", kw))
        self._set(kw)


def test_xlwings_book_restores_the_same_protection_through_the_object_model():
    from xlsheet.excel.live import unprotected
    from xlsheet.excel.xlwings_book import PROTECT_FLAGS, XlwingsBook

    api = _FakeSheetApi()
    sheet = type("S", (), {"api": api, "name": "表三"})()
    book = type("B", (), {"name": "b.xlsx", "fullname": "b.xlsx", "sheets": {"表三": sheet}})()
    live = XlwingsBook(book)
    before = live.protection("表三")
    assert set(before) == set(PROTECT_FLAGS) | {"EnableSelection"} and before["AllowFormattingColumns"] is True
    with unprotected(live, ["表三"]):
        assert live.protection("表三") is None
    assert live.protection("表三") == before and api.calls[0] == "Unprotect"
    assert api.calls[1][1] == {k: before[k] for k in PROTECT_FLAGS}


def test_result_sheet_groups_blanks_and_orders_by_severity_then_sheet(fresh):
    """Both writers of 校验结果 (the live button and validate --write) list the same rows."""
    from xlsheet.validation.findings import SEVERITY_LABEL

    book = OpenpyxlBook(fresh)
    validate_book(book)
    live = [[None if c.value == "" else c.value for c in row] for row in book.wb["校验结果"].iter_rows(min_row=5)]
    assert main(["validate", str(fresh), "--write"]) == 1
    ws = load_workbook(fresh.with_name(fresh.stem + "_校验.xlsx"))["校验结果"]
    written = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [r[:2] + r[3:] for r in written] == [r[:2] + r[3:] for r in live]  # 位置 differs: link vs formula
    assert ["表三!D8:D32", "表三!D8:D32 共25格为空：请填写数字，没有发生的填 0"] == written[
        next(i for i, r in enumerate(written) if r[2] == "表三!D8:D32")][2:4]
    assert len([r for r in written if r[7] == "CELL-BLANK"]) < 20  # 200 blank cells, grouped
    severities = [r[1] for r in written]
    assert severities == sorted(severities, key=[SEVERITY_LABEL["error"], SEVERITY_LABEL["warning"]].index)
    sheets = [r[2].split("!")[0] for r in written if r[1] == "错误"]
    order = ["基本信息", "正文", "表二", "表三", "表四"]
    assert sheets == sorted(sheets, key=order.index)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
