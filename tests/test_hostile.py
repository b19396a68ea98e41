"""Corrupt, renamed and hostile files are refused quickly with a clear Chinese message, never a traceback."""
import io
import os
import re
import subprocess
import sys
import time
import zipfile

import pytest

from xlsheet import read
from xlsheet.errors import InvalidWorkbookError
from xlsheet.importer import import_docx

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{"&lol{}; ".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
          + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
          '<si><t>&lol9;</t></si></sst>').replace("&lol0;", "&lol;")
XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
       '<sheet name="&xxe;" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"/></sheets></workbook>')


def _replace_part(src, dst, part, data: bytes):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == part else zin.read(info.filename))
        if part not in zin.namelist():
            zout.writestr(part, data)


def _zip(dst, parts: dict):
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def make(kind, tmp_path, demo):
    p = tmp_path / f"{kind}.xlsx"
    if kind == "billion_laughs":
        _replace_part(demo, p, "xl/sharedStrings.xml", LAUGHS.encode())
    elif kind == "xxe":
        _replace_part(demo, p, "xl/workbook.xml", XXE.encode())
    elif kind == "ratio_bomb":
        _replace_part(demo, p, "xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    elif kind == "size_bomb":
        parts = {f"xl/media/pad{i}.bin": os.urandom(16) * 2_000_000 for i in range(2)}
        with zipfile.ZipFile(demo) as z:
            parts.update({n: z.read(n) for n in z.namelist()})
        _zip(p, parts)
        parts.clear()
    elif kind == "truncated":
        data = demo.read_bytes()
        p.write_bytes(data[: len(data) // 2])
    elif kind == "csv_renamed":
        p.write_text("机关,年度\n某局,2024\n", encoding="utf-8")
    elif kind == "html_renamed":
        p.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    elif kind == "xls_renamed":
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    elif kind == "empty_file":
        p.write_bytes(b"")
    elif kind == "empty_zip":
        _zip(p, {})
    elif kind == "docx_renamed":
        _zip(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    elif kind == "png_renamed":
        p.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    elif kind == "directory":
        p.mkdir()
    elif kind == "missing":
        pass
    return p


KINDS = ["billion_laughs", "xxe", "ratio_bomb", "size_bomb", "truncated", "csv_renamed", "html_renamed",
         "xls_renamed", "empty_file", "empty_zip", "docx_renamed", "png_renamed", "directory", "missing"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests.conftest import EXAMPLES

    return EXAMPLES / "demo_2024.xlsx"


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_file_is_refused_quickly(kind, tmp_path, demo):
    path = make(kind, tmp_path, demo)
    start = time.monotonic()
    with pytest.raises(InvalidWorkbookError) as info:
        read(path)
    assert time.monotonic() - start < 5
    message = str(info.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.mark.parametrize("kind", ["billion_laughs", "ratio_bomb", "truncated", "xls_renamed", "html_renamed"])
def test_cli_says_why_and_exits_2_without_traceback(kind, tmp_path, demo):
    path = make(kind, tmp_path, demo)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "xlsheet", "validate", str(path)], capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert time.monotonic() - start < 5
    assert proc.returncode == 2
    assert proc.stderr.startswith("错误：") and "Traceback" not in proc.stderr


def test_specific_reasons(tmp_path, demo):
    def reason(kind):
        with pytest.raises(InvalidWorkbookError) as info:
            read(make(kind, tmp_path, demo))
        return str(info.value)

    assert "实体" in reason("billion_laughs")
    assert "压缩炸弹" in reason("ratio_bomb")
    assert "压缩炸弹" in reason("size_bomb")
    assert ".xls" in reason("xls_renamed")
    assert "网页" in reason("html_renamed")
    assert "空文件" in reason("empty_file")


def test_hostile_docx_import_is_refused(tmp_path):
    p = tmp_path / "bomb.docx"
    _zip(p, {"[Content_Types].xml": "<Types/>", "word/document.xml": LAUGHS.replace("sst", "w:document")})
    with pytest.raises(InvalidWorkbookError):
        import_docx(p)


def test_defusedxml_is_active_for_openpyxl():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_laughs_fixture_really_is_a_bomb():
    # the fixture must be what it claims: entities nesting 9 levels deep (10^9 expansions)
    assert LAUGHS.count("<!ENTITY") == 10 and "&lol8;" in LAUGHS
    assert io.BytesIO(LAUGHS.encode()).read(9) == b"<?xml ver"


# ---------------------------------------------------------------------------------------------------------------
# Issue 9: classes 1–6 (files made by tests/hostile.py at test time; nothing hostile is committed)
# ---------------------------------------------------------------------------------------------------------------
from tests import hostile  # noqa: E402
from xlsheet.cli import main  # noqa: E402

HAN = re.compile("[\u4e00-\u9fff]")


def _cli(*args, cwd=None, memory_mb=1024, timeout=60):
    """Run ``python -m xlsheet`` in a child process under an address-space limit; returns (exit code, stderr,
    wall seconds, peak RSS in MB).  A native abort shows as a negative exit code."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, resource.RLIM_INFINITY))

    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "xlsheet", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=cwd, preexec_fn=limit)
    try:
        err = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, err, time.monotonic() - start, usage.ru_maxrss / 1024


def _refused(code, err, *words):
    assert code == 2, err
    assert err.startswith("错误：") and HAN.search(err) and "Traceback" not in err and "内部错误" not in err, err
    for w in words:
        assert w in err, err


@pytest.mark.parametrize("ref", ["XFD1048576", "ZZ100000"])
def test_far_cell_is_refused_by_every_command_before_any_reader(ref, tmp_path, demo):
    bad = hostile.far_cell(demo, tmp_path / f"far_{ref}.xlsx", ref)
    assert bad.stat().st_size < 40_000  # a tiny file
    runs = [("validate", bad), ("validate", "--write", bad), ("report", bad, "--force", "-o", tmp_path / "r.docx"),
            ("run", bad, "--out", tmp_path / "out"), ("new", "--year", "2025", "--from", bad, "-o", tmp_path / "n.xlsx"),
            ("validate", demo, "--previous", bad)]
    for args in runs:
        code, err, seconds, peak_mb = _cli(*args)
        _refused(code, err, ref, "表三")
        assert seconds < 10 and peak_mb < 200, (args, seconds, peak_mb)
    assert not (tmp_path / "r.docx").exists() and not (tmp_path / "n.xlsx").exists()


def test_far_cell_preflight_is_cheap(tmp_path, demo):
    from xlsheet.safety import preflight

    bad = hostile.far_cell(demo, tmp_path / "far.xlsx", "XFD1048576")
    start = time.monotonic()
    with pytest.raises(InvalidWorkbookError, match="XFD1048576"):
        preflight(bad)
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("make", [
    lambda demo, p: hostile.far_cell(demo, p, "XFD1048576", sheet="基本信息"),
    lambda demo, p: hostile.far_cell(demo, p, "A1048576", sheet="正文", dimension=False),
    lambda demo, p: hostile.patch_sheet(demo, p, "表二", lambda x: x.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A200:XFD1048576"/></mergeCells>', 1)
        if b"<mergeCells" not in x else x.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="A200:XFD1048576"/>'
                                                 b"</mergeCells><mergeCellsX", 1)),
])
def test_far_references_anywhere_are_refused(make, tmp_path, demo):
    bad = make(demo, tmp_path / "bad.xlsx")
    with pytest.raises(InvalidWorkbookError, match="远超"):
        read(bad)


def test_a_lying_dimension_is_never_used_for_sizing(tmp_path, demo):
    bad = hostile.huge_dimension(demo, tmp_path / "dim.xlsx")
    code, err, seconds, peak_mb = _cli("validate", "--write", bad, memory_mb=1024)
    assert code == 0, err
    assert peak_mb < 200


@pytest.mark.parametrize("part,at", [("xl/worksheets/sheet4.xml", 0.3), ("xl/worksheets/sheet4.xml", 0.8),
                                     ("xl/worksheets/sheet2.xml", 0.5), ("xl/styles.xml", 0.5),
                                     ("xl/workbook.xml", 0.6)])
def test_a_flipped_byte_is_refused_by_every_command(part, at, tmp_path, demo, capsys):
    bad = hostile.flip_byte(demo, tmp_path / "flip.xlsx", part, at)
    for args in (["validate", str(bad)], ["validate", str(bad), "--write"], ["run", str(bad), "--out", str(tmp_path)],
                 ["report", str(bad), "-o", str(tmp_path / "r.docx")],
                 ["new", "--year", "2025", "--from", str(bad), "-o", str(tmp_path / "n.xlsx")]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "已损坏" in err and part in err, err
    assert not list(tmp_path.glob("*.docx")) and not (tmp_path / "n.xlsx").exists()


def test_a_raw_control_byte_in_sheet_xml_is_exit_2_everywhere(tmp_path, demo, capsys):
    bad = hostile.set_text(demo, tmp_path / "ctl.xlsx", "基本信息", "B4", "某某\x01局", raw=True)
    for args in (["validate", str(bad)], ["validate", str(bad), "--write"], ["run", str(bad), "--out", str(tmp_path)]):
        assert main(args) == 2, args
        assert "不是有效的 XML" in capsys.readouterr().err


def _agency_cell(path):
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return wb["基本信息"]["B4"], wb["基本信息"]["B17"]


def test_control_characters_are_cleaned_on_every_write_path_and_reported(tmp_path, demo, capsys):
    from docx import Document

    src = hostile.set_text(demo, tmp_path / "vt.xlsx", "基本信息", "B4", "示例市示例区_x000B_人民政府办公室", raw=True)
    # a text quoted by a finding (CELL-TEXT quotes the raw cell) carries one too
    src = hostile.set_text(src, tmp_path / "vt2.xlsx", "表二", "B11", "无_x000B_", raw=True)
    assert read(src).meta["agency"] == "示例市示例区\x0b人民政府办公室"

    assert main(["new", "--year", "2025", "--from", str(src), "-o", str(tmp_path / "n.xlsx")]) == 0
    assert "控制字符" in capsys.readouterr().out
    assert _agency_cell(tmp_path / "n.xlsx")[0].value == "示例市示例区人民政府办公室"

    assert main(["validate", str(src), "--write", "-o", str(tmp_path / "v.xlsx")]) == 1
    out = capsys.readouterr().out
    assert "TEXT-CONTROL-CHARS" in out and "基本信息!B4" in out
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "v.xlsx")["校验结果"]
    column = next(c.column_letter for c in sheet[4] if c.value == "说明")  # the sheet's own header, not a letter
    messages = [c.value for c in sheet[column] if c.value]
    assert any("控制字符" in m for m in messages) and not any("\x0b" in m for m in messages)

    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 1
    assert main(["report", str(src), "--force", "-o", str(tmp_path / "r.docx")]) == 0
    text = "\n".join(p.text for p in Document(tmp_path / "r.docx").paragraphs)
    assert "示例市示例区人民政府办公室" in text and "\x0b" not in text

    assert main(["new", "--year", "2025", "--agency", "某某\x0b局", "-o", str(tmp_path / "a.xlsx")]) == 0
    assert "控制字符" in capsys.readouterr().out
    assert _agency_cell(tmp_path / "a.xlsx")[0].value == "某某局"


INJECTIONS = ['=HYPERLINK("http://example.invalid/x","点此查看")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]


def _no_formulas(path, cells=("B4", "B17")):
    """No formula in the 基本信息 cells that hold clerk text (the sheet's own status formulas are elsewhere)."""
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    found = {m[1]: m[0] for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml)}
    return all(c in found and "<f" not in found[c] for c in cells)


@pytest.mark.parametrize("text", INJECTIONS)
def test_agency_typed_as_a_formula_is_stored_as_text(text, tmp_path):
    out = tmp_path / "n.xlsx"
    assert main(["new", "--year", "2024", f"--agency={text}", "-o", str(out)]) == 0
    cell, signoff = _agency_cell(out)
    assert (cell.value, cell.data_type) == (text, "s") and (signoff.value, signoff.data_type) == (text, "s")
    assert _no_formulas(out)
    assert read(out).agency == text


def test_new_from_carries_a_formula_only_as_text(tmp_path, demo):
    src = hostile.set_text(demo, tmp_path / "inj.xlsx", "基本信息", "B17", "=cmd|' /C calc'!A0")
    out = tmp_path / "n.xlsx"
    assert main(["new", "--year", "2025", "--from", str(src), "-o", str(out)]) == 0
    _, signoff = _agency_cell(out)
    assert (signoff.value, signoff.data_type) == ("=cmd|' /C calc'!A0", "s")
    assert _no_formulas(out)


def test_import_of_a_formula_title_is_stored_as_text(tmp_path, capsys):
    src = tmp_path / "inj.xlsx"
    assert main(["new", "--year", "2024", "--agency", "=1+1", "-o", str(src)]) == 0
    assert main(["report", str(src), "--force", "-o", str(tmp_path / "r.docx")]) == 0
    assert main(["import", str(tmp_path / "r.docx"), "-o", str(tmp_path / "back.xlsx")]) == 0
    cell, _ = _agency_cell(tmp_path / "back.xlsx")
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert _no_formulas(tmp_path / "back.xlsx")


def test_a_5000_digit_number_in_a_cell_is_refused_not_a_crash(tmp_path, demo, capsys):
    bad = hostile.set_number(demo, tmp_path / "big.xlsx", "表三", "D8", "9" * 5000)
    for args in (["validate", str(bad)], ["validate", str(bad), "--write"], ["run", str(bad), "--out", str(tmp_path)]):
        assert main(args) == 2
        assert "D8" in capsys.readouterr().err


@pytest.mark.parametrize("raw", ["9" * 5000, "1" + "0" * 20, "1e300"])
def test_a_huge_number_typed_as_text_or_number_is_a_finding(raw, tmp_path, demo, capsys):
    make = hostile.set_number if raw == "1e300" else hostile.set_text
    bad = make(demo, tmp_path / "big.xlsx", "表三", "D8", raw)
    assert main(["validate", str(bad), "--write", "--json"]) == 1
    assert "CELL-TEXT" in capsys.readouterr().out
    assert main(["report", str(bad), "--force", "-o", str(tmp_path / "r.docx")]) == 0


def test_a_5000_digit_number_in_the_text_is_no_crash(tmp_path, demo):
    bad = hostile.set_text(demo, tmp_path / "t.xlsx", "正文", "B7", f"全年新收政府信息公开申请{'9' * 5000}件。")
    assert main(["validate", str(bad)]) == 1  # TEXT-REQUEST-COUNT: the number does not match 表三
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 1


@pytest.mark.parametrize("year", ["20244", "-1", "0"])
def test_a_year_out_of_range_is_a_finding(year, tmp_path, demo, capsys):
    bad = hostile.set_number(demo, tmp_path / "y.xlsx", "基本信息", "B5", year)
    assert main(["validate", str(bad)]) == 1
    assert "META-YEAR" in capsys.readouterr().out
    assert main(["report", str(bad), "-o", str(tmp_path / "r.docx")]) == 1
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) == 1
    assert main(["new", "--year", "2025", "--from", str(bad), "-o", str(tmp_path / "n.xlsx")]) == 0


def test_a_5000_character_agency_does_not_break_report_or_run(tmp_path, demo):
    from docx import Document

    long_name = "某某" * 2500
    bad = hostile.set_text(demo, tmp_path / "long.xlsx", "基本信息", "B4", long_name)
    assert main(["report", str(bad), "--force", "-o", str(tmp_path / "r.docx")]) == 0
    doc = Document(tmp_path / "r.docx")
    assert doc.core_properties.title == long_name[:255] and len(doc.core_properties.author) == 255
    assert long_name in doc.paragraphs[0].text or any(long_name in p.text for p in doc.paragraphs[:3])
    assert main(["run", str(bad), "--out", str(tmp_path / "out")]) in (0, 1)


def test_a_long_agency_gets_a_shortened_default_file_name(tmp_path, monkeypatch):
    agency = "某某省某某市某某区" * 14  # 126 characters: 378 bytes, more than a file name may hold
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--year", "2024", "--agency", agency]) == 0
    made = list(tmp_path.glob("*.xlsx"))
    assert len(made) == 1 and len(made[0].name.encode()) < 200
    assert read(made[0]).agency == agency  # the workbook keeps the full name


@pytest.mark.parametrize("serial", ["-106751991169", "1e15", "2958466"])
def test_a_date_cell_out_of_any_calendar_is_exit_2_not_a_panic(serial, tmp_path, demo, capsys):
    # found by tests/test_fuzz.py: calamine panicked (a BaseException) converting this 期间 date cell
    bad = hostile.set_number(demo, tmp_path / "d.xlsx", "基本信息", "B6", serial)
    code = main(["validate", str(bad)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2) and "内部错误" not in err, err


@pytest.mark.parametrize("twin", ["xl/_rels/workbook.xml.rels", "XL/WORKSHEETS/SHEET4.XML"])
def test_a_part_stored_twice_is_refused(twin, tmp_path, demo):
    # found by tests/test_fuzz.py: calamine read one copy of the rels, openpyxl the other
    items = hostile.members(demo) + [(twin, b"<Relationships/>")]
    with pytest.raises(InvalidWorkbookError, match="重复"):
        read(hostile.write_members(tmp_path / "twin.xlsx", items))


@pytest.mark.parametrize("body", [
    b'<sheetData><row r="1"><x:c r="XFD1048576"/></row></sheetData>',                 # prefixed cell
    b"<sheetData><row r=\"1\"><c a=' r=\"A1\"' r=\"XFD1048576\"/></row></sheetData>",  # r hidden in a quoted value
    b'<sheetData><row r="1048576"><c/><c/></row></sheetData>',                        # cells without r
    b'<sheetData><row r="1"><c r="A1"><v>' + b"9" * 500 + b"</v></c></row></sheetData>",
    b'<sheetData><row r="1"><c r="A1"><v>1<!---->' + b"9" * 450 + b"</v></c></row></sheetData>",
    b'<sheetData><row r="1"><c r="A1"/></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    b'<sheetData><row r="x"><c r="A1"/></row></sheetData>',
    b'<sheetData><row r="1"><c r = "XFD1048576"/></row></sheetData>',
])
def test_quick_sheet_scan_never_passes_what_the_exact_scan_refuses(body):
    from xml.parsers import expat

    from xlsheet import safety

    for data in (b"<worksheet>" + body + b"</worksheet>",
                 ("<?xml version='1.0' encoding='UTF-16'?><worksheet>" + body.decode() + "</worksheet>").encode("utf-16")):
        try:
            safety._parser(safety._SheetScan("表", [safety.MAX_CELLS])).Parse(data, True)
            refused = False
        except (safety._Refused, expat.ExpatError):
            refused = True
        assert refused and not safety._quick_scan(data, [safety.MAX_CELLS]), body


def test_quick_sheet_scan_proves_a_normal_sheet(demo):
    import zipfile

    from xlsheet import safety

    with zipfile.ZipFile(demo) as zf:
        sheets = [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/")]
    budget = [safety.MAX_CELLS]
    assert sheets and all(safety._quick_scan(s, budget) for s in sheets) and budget[0] < safety.MAX_CELLS
