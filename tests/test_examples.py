"""The committed example workbooks are exactly what ``examples/build_examples.py`` builds from data today."""
import subprocess
import sys

from openpyxl import load_workbook

from tests.conftest import EXAMPLES


def _content(path):
    wb = load_workbook(path)
    cells = {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    return wb.sheetnames, {n: d.attr_text for n, d in wb.defined_names.items()}, cells


def test_examples_are_up_to_date(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / "build_examples.py"), str(tmp_path)], capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    built = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert built == sorted(p.name for p in EXAMPLES.glob("*.xlsx")) and len(built) == 6
    for name in built:
        assert _content(tmp_path / name) == _content(EXAMPLES / name), f"{name} is stale: rebuild the examples"
