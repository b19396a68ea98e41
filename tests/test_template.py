"""``xlsheet new``: the workbook a clerk gets, checked cell by cell against the published layouts."""
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from tests.seedgrid import SEED_LAYOUT_DEFECTS, SEED_YEAR, squash, tables
from tests.sheetgrid import grid_size, table_rows
from xlsheet.cli import main
from xlsheet.spec import load_spec
from xlsheet.workbook import names



def _new(tmp_path, year, *extra):
    out = tmp_path / f"t{year}.xlsx"
    assert main(["new", "--year", str(year), "--agency", "测试市测试局", "-o", str(out), *extra]) == 0
    return out


@pytest.mark.parametrize("year,seed", [(2020, "000"), (2024, "003")])
def test_table_sheets_match_the_published_grid_label_for_label(tmp_path, year, seed):
    wb = load_workbook(_new(tmp_path, year))
    spec = load_spec("v2019" if year <= 2020 else "v2021")
    published = tables(seed)
    assert len(published) == 3
    compared = 0
    for t_index, (table, seed_rows) in enumerate(zip(spec.tables, published)):
        ws = wb[table.sheet]
        dest = wb.defined_names[names.anchor_name(table.key)].attr_text
        top = int(dest.split("$")[-1])
        ncols, nrows = grid_size(ws, top)
        assert ncols == table.ncols
        mine = table_rows(ws, top, ncols, nrows)
        # the Jilin 发布总数量 line is a local variant, absent unless --variant jilin
        seed_rows = [r for r in seed_rows if not (len(r) == 1 and "发布总数量" in r[0])]
        assert len(mine) == len(seed_rows), table.key
        for r_index, (a, b) in enumerate(zip(mine, seed_rows)):
            if (seed, t_index, r_index) in SEED_LAYOUT_DEFECTS:
                continue
            assert len(a) == len(b), (table.key, r_index, a, b)
            for x, y in zip(a, b):
                if x == "" and squash(y).lstrip("+-").replace(".", "").replace("万元", "").isdigit():
                    continue  # an empty input cell where the seed has its number
                assert squash(x) == squash(y), (table.key, r_index, x, y)
                compared += 1
    assert compared > 60


def test_jilin_variant_adds_the_publish_total_row(tmp_path):
    wb = load_workbook(_new(tmp_path, 2020, "--variant", "jilin"))
    seed_line = tables("000")[0][-1][0]
    label = wb["表二"][wb.defined_names[names.input_name("t2.publish.total")].attr_text.split("!")[1]
                       .replace("$", "").replace("D", "A")].value
    assert seed_line.startswith(label + "：")
    assert SEED_YEAR["000"] == 2020


@pytest.mark.parametrize("year", [2020, 2024])
def test_inputs_are_named_unlocked_validated_and_the_rest_protected(tmp_path, year):
    wb = load_workbook(_new(tmp_path, year))
    spec = load_spec("v2019" if year <= 2020 else "v2021")
    assert wb.defined_names[names.FORMAT].attr_text == f'"{spec.format}"'
    inputs = set()
    for key, field in spec.fields.items():
        if field.variant:
            assert names.input_name(key) not in wb.defined_names
            continue
        sheet, ref = wb.defined_names[names.input_name(key)].attr_text.split("!")
        sheet = sheet.strip("'")
        cell = wb[sheet][ref.replace("$", "")]
        assert cell.protection.locked is False
        assert cell.value is None  # blank, never a pre-filled 0
        inputs.add((sheet, cell.coordinate))
        dvs = [dv for dv in wb[sheet].data_validations.dataValidation if cell.coordinate in dv.sqref]
        assert len(dvs) == 1
        expected = {"count": ("whole", "greaterThanOrEqual"), "delta": ("whole", "between"),
                    "amount": ("decimal", "greaterThanOrEqual")}[field.kind]
        assert (dvs[0].type, dvs[0].operator) == expected
    for table in spec.tables:
        ws = wb[table.sheet]
        assert ws.protection.sheet
        for row in ws.iter_rows(min_row=1, max_row=40, max_col=table.ncols):
            for cell in row:
                if cell.value is not None and (ws.title, cell.coordinate) not in inputs:
                    assert cell.protection.locked is not False, cell.coordinate
    for m in spec.meta:
        assert names.meta_name(m.key) in wb.defined_names
    assert wb.sheetnames[:2] == ["基本信息", "正文"]


def test_new_refuses_to_overwrite_and_keeps_a_backup_with_overwrite(tmp_path):
    out = tmp_path / "a.xlsx"
    out.write_bytes(b"clerk's work")
    assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(out)]) == 2
    assert out.read_bytes() == b"clerk's work"
    assert main(["new", "--year", "2024", "--agency", "某局", "-o", str(out), "--overwrite"]) == 0
    assert (tmp_path / "a.bak.xlsx").read_bytes() == b"clerk's work"
    assert load_workbook(out)["基本信息"]["B4"].value == "某局"


def test_console_script_runs_as_a_process(tmp_path):
    out = tmp_path / "p.xlsx"
    proc = subprocess.run([sys.executable, "-m", "xlsheet", "new", "--year", "2021", "--agency", "某县某局", "-o",
                           str(out)], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    assert "2021年版格式" in proc.stdout and out.exists()


def test_what_the_clerk_sees_legend_guide_hints_and_frozen_headings(tmp_path):
    from xlsheet.workbook import styles
    from xlsheet.workbook.guide import GUIDE_SHEET

    plain = load_workbook(_new(tmp_path, 2024))
    spec = load_spec("v2021")
    legend = [(k, n, short) for k, _, n, short, _ in styles.PALETTE]
    for table in spec.tables:
        ws = plain[table.sheet]
        row = [ws.cell(row=4, column=i + 1) for i in range(len(legend))]
        assert [(c.value, c.fill.fgColor.rgb[-6:]) for c in row] == [(s, styles.COLOUR[k]) for k, _, s in legend]
        assert "浅蓝色单元格" in ws["A3"].value and ws.freeze_panes and ws.print_title_rows
        assert "按钮" not in ws["A3"].value
    assert plain["表三"].freeze_panes == "D8" and plain["表三"].print_title_rows == "$1:$7"
    assert plain["表三"].row_breaks.brk  # one break, between two groups of rows
    guide = "\n".join(str(c.value) for row in plain[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert all(f"{n}：" in guide for _, n, _ in legend) and "xlsheet validate" in guide and "按钮" not in guide
    assert "0" in guide and "空白" in guide
    assert "按钮" not in plain["基本信息"]["A3"].value and "xlsheet validate" in plain["基本信息"]["A3"].value


def test_tables_print_with_their_headings_on_every_page(tmp_path):
    """LibreOffice prints 表三 on two A4 landscape pages, each with the column headings; every other table on one."""
    from tests.lo import to_pdf

    pdf = to_pdf(_new(tmp_path, 2024), tmp_path / "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    spec = load_spec("v2021")
    for table in spec.tables:
        mine = [p for p in pages if table.title in p]
        assert len(mine) == (2 if table.key == "t3" else 1), table.key
        if table.key == "t3":
            assert all("自然人" in p and "商业企业" in p for p in mine)  # the headings repeat
            assert "一、本年新收" in mine[0] and "四、结转下年度继续办理" in mine[1]
