"""``xlsheet new --macros`` and the macro kit: checked structurally (no Excel on Linux; see macros/README.md)."""
import hashlib
import importlib.util
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from openpyxl import load_workbook

from tests.lo import recalc
from xlsheet import read, validate
from xlsheet.cli import main
from xlsheet.excel_build import CAPTIONS, COMMANDS, WRAPPERS, button_macro

pytest.importorskip("xlsxwriter")
ROOT = Path(__file__).resolve().parent.parent


def _xlwings_vba() -> bytes:
    spec = importlib.util.find_spec("xlwings")
    if spec is None:
        pytest.skip("xlwings not installed")
    with zipfile.ZipFile(Path(spec.origin).parent / "quickstart_standalone.xlsm") as z:
        return z.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory):
    _xlwings_vba()
    out = tmp_path_factory.mktemp("m") / "报告.xlsx"  # the suffix is corrected to .xlsm
    assert main(["new", "--year", "2024", "--agency", "某市某局", "-o", str(out), "--macros"]) == 0
    return out.with_suffix(".xlsm")


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name (absolute "/xl/…" or relative to the part's folder)."""
    if target.startswith("/"):
        return target[1:]
    parts = base.split("/")
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    return {s.get("name"): _resolve("xl", targets[s.get(f"{{{ns['r']}}}id")])
            for s in wb.iterfind("m:sheets/m:sheet", ns)}


def _buttons(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    rels_name = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    if rels_name not in z.namelist():
        return []
    rels = ET.fromstring(z.read(rels_name))
    out = []
    for r in rels:
        if r.get("Type").endswith("/vmlDrawing"):
            vml = z.read(_resolve(part.rsplit("/", 1)[0], r.get("Target"))).decode("utf-8")
            macros = re.findall(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", vml)
            captions = re.findall(r"<font[^>]*>([^<]+)</font>", vml)
            out += list(zip(macros, captions))
    return out


def test_macro_workbook_keeps_the_xlwings_vba_project_unchanged(xlsm):
    with zipfile.ZipFile(xlsm) as z:
        assert hashlib.sha256(z.read("xl/vbaProject.bin")).digest() == hashlib.sha256(_xlwings_vba()).digest()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in z.read("[Content_Types].xml").decode()
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlsm))
    code = {name: text for _, _, name, text in parser.extract_macros()}
    assert "xlwings.bas" in code and "Function RunPython" in code["xlwings.bas"]


def test_buttons_on_every_working_sheet(xlsm):
    with zipfile.ZipFile(xlsm) as z:
        parts = _sheet_parts(z)
        expected = [(f"[0]!{button_macro(a, 'xlwings')}".replace('"', "&quot;"), CAPTIONS[a]) for a in
                    ("validate", "report", "clear")]
        for sheet in ("基本信息", "表二", "表三", "表四"):
            found = [(m.replace('"', "&quot;"), c) for m, c in _buttons(z, parts[sheet])]
            assert found == expected, sheet
        assert _buttons(z, parts["正文"]) == []
    assert button_macro("validate", "xlwings") == "'RunPython \"import xlsheet.excel as x; x.validate()\"'"


def test_conf_sheet_names_and_reading(xlsm, tmp_path):
    wb = load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == ["基本信息", "正文", "表二", "表三", "表四", "xlwings.conf"]
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(max_row=9, values_only=True)}
    assert conf["UDF Modules"] == "xlsheet.excel_udfs" and conf["Interpreter_Win"] == "python"
    plain = tmp_path / "plain.xlsx"
    assert main(["new", "--year", "2024", "--agency", "某市某局", "-o", str(plain)]) == 0
    assert set(wb.defined_names) == set(load_workbook(plain).defined_names)
    a, b = read(xlsm), read(plain)
    assert {k: v.state for k, v in a.values.items()} == {k: v.state for k, v in b.values.items()}
    assert validate(a).summary() == validate(b).summary()


def test_live_formulas_survive_the_macro_pipeline(xlsm, tmp_path):
    (out,) = recalc([xlsm], tmp_path / "calc")
    wb = load_workbook(out, data_only=True)
    assert wb["表三"]["A2"].value == "⚠ 尚有175个单元格未填（没有发生的请填0）"


def test_an_it_built_vba_project_is_preferred(monkeypatch, tmp_path):
    import xlsheet.excel_build as eb

    (tmp_path / "vbaProject.bin").write_bytes(_xlwings_vba())
    monkeypatch.setattr(eb.resources, "files", lambda pkg: tmp_path)
    data, origin = eb.vba_project()
    assert origin == "xlsheet" and button_macro("validate", origin) == "XlsheetValidate"
    out = tmp_path / "w.xlsm"
    eb.new_macro_workbook(out, 2020, "某局")
    with zipfile.ZipFile(out) as z:
        macros = [m for m, _ in _buttons(z, _sheet_parts(z)["表三"])]
    assert macros == ["[0]!XlsheetValidate", "[0]!XlsheetGenerateReport", "[0]!XlsheetClearMarks"]


def test_macro_kit_matches_the_commands():
    bas = (ROOT / "macros" / "xlsheet_macros.bas").read_text(encoding="utf-8")
    for action, sub in WRAPPERS.items():
        body = re.search(rf"Sub {sub}\(\)\s*\n\s*RunPython \"(.*?)\"\s*\nEnd Sub", bas)
        assert body and body.group(1) == COMMANDS[action], sub
    ui = ET.parse(ROOT / "macros" / "customUI14.xml").getroot()
    actions = [b.get("onAction") for b in ui.iter("{http://schemas.microsoft.com/office/2009/07/customui}button")]
    assert len(actions) == 3
    for name in actions:
        assert re.search(rf"Sub {name}\(control As IRibbonControl\)", bas), name
