"""Corrupt, renamed and hostile files are refused quickly with a clear Chinese message, never a traceback."""
import io
import os
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
