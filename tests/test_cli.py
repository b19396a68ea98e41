"""The command line as a clerk and a script use it."""
import hashlib
import json

from openpyxl import load_workbook

from tests.conftest import example
from xlsheet.cli import main
from xlsheet.validation.render_sheet import NOTE_AUTHOR, _is_mark


def _digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_validate_exit_codes(examples, tmp_path, capsys):
    assert main(["validate", str(examples / "demo_2024.xlsx")]) == 0
    assert "0 个错误" in capsys.readouterr().out
    assert main(["validate", str(example(examples, "001"))]) == 1
    out = capsys.readouterr().out
    from xlsheet import read

    blank_total = read(example(examples, "001")).locations["t3.next.total"].address
    assert blank_total == "表三!J30" and blank_total in out and "META-SIGNOFF-DATE" in out
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    assert main(["validate", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("错误：")


def test_validate_json(examples, capsys):
    assert main(["validate", str(example(examples, "002")), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "v2019" and data["year"] == 2020
    f = next(f for f in data["findings"] if f["rule"] == "TEXT-ACTIVE-COUNT")
    assert (f["left"], f["right"], f["diff"], f["severity"]) == (3575, 4267, -692, "error")
    assert data["summary"]["errors"] == len([f for f in data["findings"] if f["severity"] == "error"])


def test_validate_json_of_an_unreadable_file_is_json_too(tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    for path in (bad, tmp_path / "missing.xlsx"):
        assert main(["validate", str(path), "--json"]) == 2
        out, err = capsys.readouterr()
        data = json.loads(out)  # stdout is JSON a script can parse, as /api/validate answers
        assert data["file"] == str(path) and data["error"] and err == f"错误：{data['error']}\n", (out, err)
    assert main(["validate", str(bad)]) == 2
    assert capsys.readouterr().out == ""  # without --json, stdout stays empty as before


def _marks(path):
    wb = load_workbook(path)
    marks = sum(1 for ws in wb.worksheets for rules in ws.conditional_formatting._cf_rules.values()
                for r in rules if _is_mark(r))
    notes = sum(1 for ws in wb.worksheets for row in ws.iter_rows() for c in row
                if c.comment and c.comment.author == NOTE_AUTHOR)
    return wb, marks, notes


def test_write_keeps_the_original_and_never_piles_up_marks(examples, capsys):
    src = example(examples, "001")
    before = _digest(src)
    assert main(["validate", str(src), "--write"]) == 1
    copy = src.with_name(src.stem + "_校验.xlsx")
    assert _digest(src) == before  # the clerk's file is untouched
    wb1, marks1, notes1 = _marks(copy)
    assert wb1.sheetnames[0] == "校验结果" and marks1 > 0 and notes1 > 0
    link = wb1["校验结果"]["C5"].hyperlink  # 位置 is the third column
    assert link.location.startswith("'")
    # validating the marked copy again replaces it (old copy kept as .bak) with the same marks, not twice as many
    assert main(["validate", str(copy), "--write"]) == 1
    wb2, marks2, notes2 = _marks(copy)
    assert (marks2, notes2) == (marks1, notes1)
    assert wb2.sheetnames.count("校验结果") == 1
    assert copy.with_name(copy.stem + ".bak.xlsx").exists()
    # the clerk's own values and formats are the same as in the original
    orig = load_workbook(src)
    for name in orig.sheetnames:
        for row_a, row_b in zip(orig[name].iter_rows(), wb2[name].iter_rows()):
            for a, b in zip(row_a, row_b):
                assert (a.value, a.number_format, a.fill.fgColor.rgb, a.font.b) == \
                       (b.value, b.number_format, b.fill.fgColor.rgb, b.font.b), (name, a.coordinate)


def test_write_keeps_a_clerks_own_note(examples, tmp_path):
    from openpyxl.comments import Comment

    wb = load_workbook(example(examples, "001"))
    wb["表三"]["J31"].comment = Comment("我的批注", "科员")
    src = tmp_path / "noted.xlsx"
    wb.save(src)
    main(["validate", str(src), "--write"])
    out = load_workbook(src.with_name("noted_校验.xlsx"))
    assert out["表三"]["J31"].comment.text == "我的批注"


def test_run_produces_workbook_validation_report_and_docx(examples, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(examples / "demo_2024.xlsx"), "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["demo_2024.docx", "demo_2024_校验.xlsx", "demo_2024_校验结果.json"]
    assert json.loads((out / "demo_2024_校验结果.json").read_text(encoding="utf-8"))["summary"]["errors"] == 0
    assert "已替换" not in capsys.readouterr().out
    # running again is safe: outputs are replaced, previous ones kept as .bak — and the screen says so
    assert main(["run", str(examples / "demo_2024.xlsx"), "--out", str(out)]) == 0
    assert "已替换上次运行的 3 个输出文件" in capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.bak.*")) == ["demo_2024.bak.docx", "demo_2024_校验.bak.xlsx",
                                                           "demo_2024_校验结果.bak.json"]


def test_run_stops_before_the_docx_when_errors_remain(examples, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(example(examples, "002")), "--out", str(out)]) == 1
    assert not list(out.glob("*.docx"))
    assert (out / (example(examples, "002").stem + "_校验.xlsx")).exists()


def test_internal_errors_print_a_message_not_a_traceback(monkeypatch, capsys, examples):
    import xlsheet.validation.engine as engine

    def boom(*a, **k):
        raise RuntimeError("模拟故障")

    monkeypatch.setattr(engine, "validate", boom)
    assert main(["validate", str(examples / "demo_2024.xlsx")]) == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err and "xlsheet --debug validate" in err
    # --debug, before or after the command: the traceback for the IT person, and still exit code 3 (not Python's 1)
    for argv in (["--debug", "validate", str(examples / "demo_2024.xlsx")],
                 ["validate", "--debug", str(examples / "demo_2024.xlsx")]):
        assert main(argv) == 3
        err = capsys.readouterr().err
        assert "Traceback" in err and "模拟故障" in err


def test_paths_in_messages_are_named_in_full(capsys, examples, tmp_path):
    # a folder typed with a trailing slash is named, not shown as “”; a missing roll-up input names its whole path
    assert main(["validate", str(examples) + "/"]) == 2
    assert f"“{examples.name}”是文件夹，不是 Excel 工作簿" in capsys.readouterr().err
    missing = tmp_path / "没有这个文件夹"
    assert main(["rollup", str(missing), "-o", str(tmp_path / "汇总.xlsx")]) == 2
    assert f"找不到文件或文件夹：{missing}" in capsys.readouterr().err


def test_run_keeps_the_macro_suffix(tmp_path):
    pytest = __import__("pytest")
    pytest.importorskip("xlsxwriter")
    src = tmp_path / "m.xlsm"
    assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(src), "--macros"]) == 0
    main(["run", str(src), "--out", str(tmp_path / "out")])
    assert (tmp_path / "out" / "m_校验.xlsm").exists()
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "out" / "m_校验.xlsm", keep_vba=True).vba_archive is not None


def test_default_filename_is_safe_on_windows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--year", "2024", "--agency", "某局/办公室:甲"]) == 0
    assert (tmp_path / "某局_办公室_甲2024年政府信息公开工作年度报告.xlsx").exists()


def test_a_locked_output_is_a_clear_message(examples, tmp_path, monkeypatch, capsys):
    import os

    def locked(*a, **k):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "r.docx").write_bytes(b"open in Word")  # only an existing file can be locked
    monkeypatch.setattr(os, "replace", locked)
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(tmp_path / "r.docx"), "--overwrite"]) == 2
    assert "正在 Excel 或 WPS 中打开" in capsys.readouterr().err
    assert (tmp_path / "r.docx").read_bytes() == b"open in Word"
    assert not list(tmp_path.glob(".xlsheet-*"))  # no temporary file left behind


def test_rules_lists_the_catalogue(capsys):
    from xlsheet.validation.catalogue import load_catalogue

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(r.id in out for r in load_catalogue())
    assert main(["rules", "--format", "v2019"]) == 0
    out = capsys.readouterr().out
    assert "TEXT-FEE" not in out and "T2-PUBLIC-TOTAL" in out and "（需 --previous）" in out


def test_validate_text_follows_the_result_sheet_order_and_groups_blanks(tmp_path, capsys):
    """A fresh workbook: 基本信息 / 正文 errors come first, then blank runs as one line each (like 校验结果)."""
    from xlsheet.jobs import check
    from xlsheet.validation.result_table import result_entries

    book = tmp_path / "new.xlsx"
    assert main(["new", "--year", "2024", "--agency", "测试局", "-o", str(book)]) == 0
    capsys.readouterr()
    assert main(["validate", str(book), "--all"]) == 1
    lines = capsys.readouterr().out.splitlines()
    rows = [ln.split()[2] for ln in lines if ln.startswith(("错误 ", "警告 "))]
    assert rows == [e.address or "—" for e in result_entries(check(book))]
    assert rows[0].startswith("基本信息!") and any(r.startswith("正文!") for r in rows[:12])
    assert "表三!D8:D32" in rows and "表三!D8" not in rows  # 25 blanks, one line
    assert len(rows) < 60


def test_a_closed_stdout_ends_quietly(tmp_path):
    """``xlsheet rules | head``: the reader has gone before the output is written; no "Broken pipe" message."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "xlsheet", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # every write of the child now fails with EPIPE
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=60) in (0, 141) and err == "", err


def test_rules_columns_align_by_display_width(capsys):
    from xlsheet.validation.catalogue import load_catalogue
    from xlsheet.validation.findings import SEVERITY_LABEL
    from xlsheet.validation.render_text import width

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rules = load_catalogue()
    starts = set()
    for r, line in zip(rules, lines):
        assert line.startswith(r.id + " ")  # at least one space after the longest id
        starts.add(width(line[:line.index(SEVERITY_LABEL[r.severity], len(r.id))]))
    assert len(starts) == 1  # the 级别 column starts at one display column on every line


def test_help_headings_take_the_full_width_colon(capsys):
    import re

    import pytest

    for argv in (["-h"], ["validate", "-h"], ["rollup", "-h"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "选项：" in out and out.startswith("用法：")
        assert not re.search(r"(?m)^\S.*:$", out), out  # no heading left with argparse's ASCII colon


def test_an_interrupt_ends_quietly_and_a_second_one_cannot_break_the_message(capsys):
    """Ctrl-C: 已中断。 and exit 130; from then on SIGINT is ignored, so a second one (GNU timeout sends SIGINT to
    the process and to its group) cannot interrupt the message with a traceback."""
    import signal

    from xlsheet.cli import _run

    class Args:  # a command that is interrupted
        debug = False

        @staticmethod
        def func(args):
            raise KeyboardInterrupt

    before = signal.getsignal(signal.SIGINT)
    try:
        assert _run(Args()) == 130
        assert capsys.readouterr().err == "已中断。\n"
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_an_unknown_option_is_named_with_the_usage_of_the_command_it_follows(examples, capsys):
    import pytest

    demo = str(examples / "demo_2024.xlsx")
    with pytest.raises(SystemExit) as exc:
        main(["validate", demo, "--bogus"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "用法：xlsheet validate" in err and "xlsheet validate：错误：无法识别的参数：--bogus" in err
    with pytest.raises(SystemExit):
        main(["--bogus", "validate", demo])
    assert "xlsheet：错误：无法识别的参数：--bogus" in capsys.readouterr().err


def test_validate_write_to_an_existing_file_is_refused_before_the_findings(examples, tmp_path, capsys):
    target = tmp_path / "别人的文件.xlsx"
    target.write_bytes(b"keep me")
    assert main(["validate", str(examples / "demo_2024.xlsx"), "--write", "-o", str(target)]) == 2
    captured = capsys.readouterr()
    assert "已存在，未覆盖" in captured.err and "结果：" not in captured.out, captured
    assert target.read_bytes() == b"keep me"
    assert main(["validate", str(examples / "demo_2024.xlsx"), "--write", "-o", str(target), "--overwrite"]) == 0
    assert "结果：" in capsys.readouterr().out and "校验结果" in load_workbook(target).sheetnames
    assert (tmp_path / "别人的文件.bak.xlsx").read_bytes() == b"keep me"


def test_the_result_line_says_when_blank_cells_are_listed_as_one_row(examples, tmp_path, capsys):
    from xlsheet.workbook import names

    wb = load_workbook(examples / "demo_2024.xlsx")
    sheet, _, ref = wb.defined_names[names.input_name("t3.new.natural")].attr_text.partition("!")
    column = ref.replace("$", "")[0]
    first = int(ref.replace("$", "")[1:])
    for row in range(first, first + 5):  # five cells one under another: one listed row
        wb[sheet.strip("'")][f"{column}{row}"].value = None
    wb.save(tmp_path / "blanks.xlsx")
    assert main(["validate", str(tmp_path / "blanks.xlsx"), "--all"]) == 1
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith(("错误", "警告"))]
    assert any(f"{column}{first}:{column}{first + 4}" in line for line in table), table
    assert f"上表共 {len(table)} 行" in out.splitlines()[-1], out
    assert main(["validate", str(examples / "demo_2024.xlsx")]) == 0
    assert "上表共" not in capsys.readouterr().out
