"""The fast grid (xlsheet.workbook.xmlgrid, read from the bytes pre-flight kept) against python-calamine, the exact
reader it stands in for: on every sheet it reads, it must give calamine's value and type at every cell; what it
cannot read exactly it must decline (FileSource then uses calamine).  The fast path must also really be taken for
the writers clerks' files come from (openpyxl, xlsxwriter, LibreOffice, xlsheet itself), or these tests prove
nothing."""
from __future__ import annotations

import datetime
import io
import math
import zipfile
from pathlib import Path

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from xlsheet.workbook.source import FileSource


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)
    return a == b


def check(path) -> tuple[int, int]:
    """Compare every sheet of ``path`` that the fast grid reads with calamine's grid; returns (fast, declined)."""
    src = FileSource(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    fast = declined = 0
    try:
        for name in src.sheet_names():
            grid = src.fast_grid(name)
            if grid is None:
                declined += 1
                continue
            fast += 1
            exact = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows = max(len(grid), len(exact))
            cols = max([len(r) for r in grid + exact] or [0])
            for i in range(rows):
                for j in range(cols):
                    a = grid[i][j] if i < len(grid) and j < len(grid[i]) else ""
                    b = exact[i][j] if i < len(exact) and j < len(exact[i]) else ""
                    assert _same(a, b), (Path(path).name, name, i + 1, j + 1, a, b)
            assert src.grid(name) is not None
    finally:
        book.close()
        src.close()
    return fast, declined


def test_examples_and_a_new_workbook(tmp_path):
    from xlsheet.workbook.create import new_workbook

    made = new_workbook(tmp_path / "new.xlsx", 2024, "某某县人民政府办公室")
    for path in [*sorted(EXAMPLES.glob("*.xlsx")), made]:
        fast, declined = check(path)
        assert fast >= 6 and declined == 0, (path.name, fast, declined)


def test_generated_units(tmp_path):
    from benchmarks.unitgen import make_batch
    from xlsheet.errors import XlsheetError

    make_batch(tmp_path / "units", 24, seed=14, keep_values=False)
    taken = 0
    for path in sorted((tmp_path / "units").glob("*.xlsx")):
        try:
            fast, declined = check(path)
        except XlsheetError:  # a unit broken on purpose: refused before any grid
            continue
        assert declined == 0, path.name
        taken += fast
    assert taken >= 6 * 20


# ---- openpyxl with generated contents ----------------------------------------------------------------------------
_PIECES = ["&<>\"'", "中文", "全角\u3000空格", " ", "  ", "\t", "\n", " a ", "a\nb", "_x000D_", "=1+1", "0012", "1e5",
           "TRUE", "&amp;", "&#27491;", "\xa0", "ß", "😀"]
_TEXT = (st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)
         | st.lists(st.sampled_from(_PIECES), max_size=6).map("".join))
_NUMBER = (st.integers(-10**15, 10**15) | st.floats(allow_nan=False, allow_infinity=False)
           | st.sampled_from([0, -0.0, 0.1, 1e-300, 1e300, 123456789012345678, 2**53 + 1, 1 / 3]))
_VALUE = _TEXT | _NUMBER | st.booleans() | st.dates(datetime.date(1900, 3, 1), datetime.date(9999, 12, 31))


def _openpyxl_book(path, cells, fmt=None):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    for i, value in enumerate(cells):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = ws.cell(row=1 + i // 5, column=1 + i % 5, value=value)
        if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
            cell.number_format = fmt
    wb.create_sheet("空")
    wb.save(path)


def test_openpyxl_generated(tmp_path):
    taken = []

    @settings(max_examples=80, deadline=None)
    @given(cells=st.lists(_VALUE, max_size=30),
           fmt=st.sampled_from([None, "0.00", "#,##0", "0%", '0"人"', "yyyy-mm-dd", 'yyyy"年"m"月"d"日"', "[h]:mm",
                                "hh:mm", "+General;-General;0", "@"]))
    def run(cells, fmt):
        path = tmp_path / "gen.xlsx"
        _openpyxl_book(path, cells, fmt)
        check(path)
        taken.append(FileSource(path).fast_grid("表") is not None)

    run()
    # most generated sheets hold nothing the fast grid declines: it must really have been compared on them
    assert sum(taken) >= len(taken) // 2, (sum(taken), len(taken))


def test_openpyxl_takes_the_fast_path(tmp_path):
    path = tmp_path / "plain.xlsx"
    _openpyxl_book(path, ["文本 &<>\"'", 12, -0.0, 1.5e-7, True, False, datetime.date(2024, 12, 31), "  ", "a\nb",
                          10**15, 0.1])
    assert check(path) == (2, 0)


# ---- xlsxwriter (shared strings, as Excel writes them) ------------------------------------------------------------
def _xlsxwriter_book(path):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("表三")
    bold = wb.add_format({"bold": True, "font_color": "red"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct = wb.add_format({"num_format": "0.0%"})
    ws.write_string(0, 0, "申请人 & <机关> \"引号\" '单引号'")
    ws.write_string(0, 1, "  前后空格  ")
    ws.write_string(0, 2, " ")
    ws.write_string(0, 3, "第一行\n第二行")
    ws.write_number(1, 0, 12)
    ws.write_number(1, 1, -0.0)
    ws.write_number(1, 2, 1234567890.125)
    ws.write_number(1, 3, 0.25, pct)
    ws.write_boolean(2, 0, True)
    ws.write_boolean(2, 1, False)
    ws.write_datetime(2, 2, datetime.datetime(2024, 12, 31), date)
    ws.write_formula(3, 0, "=A2*2", None, 24)
    ws.write_formula(3, 1, '="合"&"计"', None, "合计")
    ws.write_formula(3, 2, "=A3", None, True)
    ws.write_formula(3, 3, '=""', None, "")
    ws.write_rich_string(4, 0, "普通", bold, "加粗", "结尾")
    ws.write_blank(5, 0, None, bold)
    ws.write_string(6, 4, "远处")
    wb.add_worksheet("空表")
    wb.close()


def test_xlsxwriter_takes_the_fast_path(tmp_path):
    path = tmp_path / "xw.xlsx"
    _xlsxwriter_book(path)
    assert check(path) == (2, 0)


# ---- LibreOffice re-save ------------------------------------------------------------------------------------------
def test_libreoffice_resave_takes_the_fast_path(tmp_path):
    from tests.lo import recalc

    src = tmp_path / "in"
    src.mkdir()
    _openpyxl_book(src / "a.xlsx", ["文本 &<>\"'", 12, -3.5, True, datetime.date(2024, 12, 31), "  x", 10**12])
    _xlsxwriter_book(src / "b.xlsx")
    for path in recalc([src / "a.xlsx", src / "b.xlsx"], tmp_path / "out"):
        fast, declined = check(path)
        assert fast == 2 and declined == 0, path.name


# ---- hand-written sheet XML: each case read exactly, or declined ---------------------------------------------------
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_STYLES = (f'<styleSheet {_NS}><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
           '<numFmt numFmtId="165" formatCode="[h]"/></numFmts><cellXfs count="4"><xf numFmtId="0"/>'
           '<xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs></styleSheet>')


def _handmade(path, cells: str, strings: str | None = None, dimension: str = "") -> None:
    rels = ['<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>',
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'styles" Target="styles.xml"/>']
    if strings is not None:
        rels.append('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{"".join(rels)}</Relationships>',
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": f'<worksheet {_NS}>{dimension}<sheetData>{cells}</sheetData></worksheet>',
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = f'<sst {_NS}>{strings}</sst>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    Path(path).write_bytes(buf.getvalue())


_READ = {  # cells the fast grid must read (and read as calamine does)
    "numbers": '<row r="1"><c r="A1"><v>007</v></c><c r="B1"><v>1E5</v></c><c r="C1"><v>-0</v></c>'
               '<c r="D1"><v>.5</v></c><c r="E1"><v>1.</v></c><c r="F1" t="n"><v>' + "9" * 300 + '</v></c>'
               '<c r="G1"><v>1e-320</v></c><c r="H1"><v>123456789012345678901234567890</v></c><c r="I1"><v>1e400</v></c>'
               '<c r="J1"><v>-1E-400</v></c></row>',
    "empties": '<row r="1"><c r="A1"><v/></c><c r="B1" s="0"/><c r="C1" t="s"><v></v></c><c r="D1"><f>1+1</f>'
               '<v></v></c><c r="E1" t="str"><f>""</f><v></v></c><c r="F1"><v>1</v></c></row>',
    "formulas": '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"a"</f><v>a &amp; &lt;b&gt;</v></c>'
                '<c r="C2" t="b"><f>TRUE()</f><v>1</v></c><c r="D2" t="b"><v>0</v></c></row>',
    "inline": '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">  </t></is></c><c r="B1" t="inlineStr"><is>'
              '<t xml:space="preserve"> x </t></is></c><c r="C1" t="inlineStr"><is><t>&#27491;&#x6587;&amp;</t></is></c>'
              '<c r="D1" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/><sz val="11"/></rPr><t>b</t></r></is></c>'
              '<c r="E1" t="inlineStr"><is><t>line&#10;two</t></is></c></row>',
    "dates": '<row r="1"><c r="A1" s="1"><v>45657</v></c><c r="B1" s="3"><v>61</v></c>'
             '<c r="C1" s="1"><v>2958465</v></c></row>',
}
_SHARED = ('<si><t>plain</t></si><si><t xml:space="preserve">  </t></si><si><r><t>a</t></r><r><rPr><b/></rPr>'
           '<t>b</t></r></si><si><t>中</t><phoneticPr fontId="1" type="noConversion"/></si><si><t/></si>'
           '<si><t>x</t><rPh sb="0" eb="1"><t>ルビ</t></rPh></si><si><t>_x000D_</t></si>')
_DECLINED = {  # cells it must leave to calamine
    "error": '<row r="1"><c r="A1" t="e"><v>#DIV/0!</v></c></row>',
    "iso date": '<row r="1"><c r="A1" t="d"><v>2024-01-01T00:00:00</v></c></row>',
    "datetime": '<row r="1"><c r="A1" s="1"><v>45657.5</v></c></row>',
    "early date": '<row r="1"><c r="A1" s="1"><v>59</v></c></row>',
    "duration": '<row r="1"><c r="A1" s="2"><v>1</v></c></row>',
    "trimmed spaces": '<row r="1"><c r="A1" t="inlineStr"><is><t>  </t></is></c></row>',
    "trimmed reference": '<row r="1"><c r="A1" t="inlineStr"><is><t>a&#32;</t></is></c></row>',
    "trimmed run": '<row r="1"><c r="A1" t="inlineStr"><is><r><t> </t></r><r><t>a</t></r></is></c></row>',
    "x escape": '<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c></row>',
    "carriage return": '<row r="1"><c r="A1" t="inlineStr"><is><t>a&#13;b</t></is></c></row>',
    "attribute order": '<row r="1"><c r="A1" t="n" s="0"><v>1</v></c></row>',
    "other attribute": '<row r="1"><c r="A1" vm="1"><v>1</v></c></row>',
    "plus sign": '<row r="1"><c r="A1"><v>+1</v></c></row>',
    "spaces in value": '<row r="1"><c r="A1"><v> 1</v></c></row>',
    "text in number": '<row r="1"><c r="A1"><v>abc</v></c></row>',
    "two cells at one place": '<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>',
    "pretty printed": '<row r="1"><c r="A1">\n  <v>1</v>\n</c></row>',
    "phonetic run": '<row r="1"><c r="A1" t="s"><v>5</v></c></row>',
    "shared escape": '<row r="1"><c r="A1" t="s"><v>6</v></c></row>',
    "missing string": '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',
}


@pytest.mark.parametrize("case", sorted(_READ))
def test_handmade_cells_read_exactly(tmp_path, case):
    path = tmp_path / "h.xlsx"
    _handmade(path, _READ[case])
    assert check(path) == (1, 0)


def test_handmade_shared_strings_read_exactly(tmp_path):
    path = tmp_path / "h.xlsx"
    cells = "".join(f'<c r="{c}1" t="s"><v>{i}</v></c>' for i, c in enumerate("ABCDE"))
    _handmade(path, f'<row r="1">{cells}</row>', _SHARED)
    assert check(path) == (1, 0)


def test_handmade_dimension(tmp_path):
    path = tmp_path / "h.xlsx"
    _handmade(path, _READ["numbers"], dimension='<dimension ref="A1:J1"/>')
    assert check(path) == (1, 0)
    _handmade(path, _READ["numbers"], dimension='<dimension ref="A1:"/>')
    assert FileSource(path).fast_grid("表") is None


@pytest.mark.parametrize("case", sorted(_DECLINED))
def test_handmade_cells_declined(tmp_path, case):
    path = tmp_path / "h.xlsx"
    _handmade(path, _DECLINED[case], _SHARED)
    src = FileSource(path)
    assert src.fast_grid("表") is None
    try:  # and the sheet still reads (or fails) exactly as calamine makes it
        expected = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("表").to_python(
            skip_empty_area=False)
    except Exception:
        return
    assert src.grid("表") == expected
