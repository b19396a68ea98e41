"""The roll-up's output written into a cached blank package (xlsheet.county.template / write) is the workbook openpyxl
builds from the same figures: same cells, values (blank stays blank), styles, comments, formulas, protection, names."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlsheet.county import template, write
from xlsheet.county.aggregate import Rollup
from xlsheet.county.units import Unit
from xlsheet.spec import load_spec

SPEC = load_spec("v2021")
ROOT = Path(__file__).resolve().parent.parent
AGENCY = " +某县\x0b汇总 & <局> "  # spaces at both ends, a formula-like start, an illegal character, XML specials


def make_roll(*, variants=("jilin",), problems=("某项合计超出范围",), stock=True) -> Rollup:
    values = {}
    for i, (key, f) in enumerate(SPEC.fields.items()):
        if f.variant is not None and f.variant not in variants:
            continue
        if i % 7 == 3:
            continue  # blank: must stay blank, never 0
        values[key] = 12.5 + i if f.kind == "amount" else (i * 37) % 1000 + (10 ** 17 if i == 5 else 0)
    units = [Unit(path=f"/x/u{i}.xlsx", name=f"u{i}.xlsx", status=s, agency=f"第{i}局", reason="=HYPERLINK(1)")
             for i, s in enumerate(("passed", "errors", "unreadable"))]
    units[0].summed = True
    stock_keys = [k for k, f in SPEC.fields.items() if f.stock and k in values] if stock else []
    return Rollup(year=2024, agency=AGENCY, units=units, values=values, stock_keys=stock_keys,
                  variants=set(variants), problems=list(problems))


META = {"contact_office": "办公室\r\n第二行", "phone": "=1+1", "address": "  前后空格  ", "email": None,
        "unknown_key": "not in the spec"}
NARRATIVE = {"s1_intro": "第一段。\n\n第二段 & <b>", "s5": "", "preamble": "@SUM(A1)"}


def dump(path) -> dict:
    """Everything a clerk or a reader sees in the workbook at ``path``, sheet by sheet."""
    wb = load_workbook(path)
    out = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()), "sheets": wb.sheetnames,
           "title": wb.properties.title, "creator": wb.properties.creator, "active": wb.active.title}
    for ws in wb:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                cells[c.coordinate] = (c.value, c.data_type, repr(c.font), repr(c.fill), repr(c.border),
                                       repr(c.alignment), c.number_format, repr(c.protection),
                                       (c.comment.text, c.comment.author) if c.comment else None)
        out[ws.title] = dict(
            cells=cells, merged=sorted(map(str, ws.merged_cells.ranges)),
            validations=[(repr(d), str(d.sqref)) for d in ws.data_validations.dataValidation],
            formatting=[(str(k.sqref), [repr(r) for r in v]) for k, v in ws.conditional_formatting._cf_rules.items()],
            protection=repr(ws.protection), freeze=ws.freeze_panes, titles=(ws.print_title_rows, ws.print_title_cols),
            widths={k: (v.width, v.hidden) for k, v in ws.column_dimensions.items()},
            heights={k: v.height for k, v in ws.row_dimensions.items()}, dimensions=ws.dimensions,
            setup=repr(ws.page_setup), breaks=repr(ws.row_breaks), state=ws.sheet_state)
    return out


def parts(path) -> dict:
    """The package's XML parts as trees (character references and raw characters alike), but the document's
    timestamps."""
    from xml.etree import ElementTree

    def tree(e):
        return e.tag, sorted(e.attrib.items()), e.text, e.tail, [tree(c) for c in e]

    with zipfile.ZipFile(path) as z:
        return {n: tree(ElementTree.fromstring(z.read(n))) for n in sorted(z.namelist()) if n != "docProps/core.xml"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("XLSHEET_NO_CACHE", raising=False)
    monkeypatch.setattr(write, "_summary_line", lambda roll: "共 3 个工作簿（固定的时间，便于比较）")
    return folder / "xlsheet" / "rollup"


def openpyxl_built(tmp_path, monkeypatch, name="ref.xlsx", **kw) -> Path:
    """The output as openpyxl builds it with every figure and text (the path taken before the cache existed)."""
    with monkeypatch.context() as m:
        m.setattr(write, "_fillable", lambda value: False)
        return write.write_rollup(make_roll(**kw), tmp_path / name, meta=META, narrative=NARRATIVE)


@pytest.mark.parametrize("kw", [{}, {"variants": (), "problems": (), "stock": False}])
def test_written_into_the_cached_package_equals_the_openpyxl_built_workbook(tmp_path, monkeypatch, cache, kw):
    built = openpyxl_built(tmp_path, monkeypatch, **kw)
    ref = dump(built)
    cold = write.write_rollup(make_roll(**kw), tmp_path / "cold.xlsx", meta=META, narrative=NARRATIVE)
    assert len(list(cache.iterdir())) == 1  # the blank package is now cached
    warm = write.write_rollup(make_roll(**kw), tmp_path / "warm.xlsx", meta=META, narrative=NARRATIVE)
    for path in (cold, warm):
        assert dump(path) == ref
        assert parts(path) == parts(built)  # down to the XML (xml:space on texts with edge spaces, Excel needs it)
    wb = load_workbook(warm)
    agency = wb["基本信息"]["B4"]
    assert agency.data_type == "s" and agency.value.startswith(" +某县汇总")  # text, never a formula
    assert wb["基本信息"][wb.defined_names["xs_meta_phone"].attr_text.split("!")[1].replace("$", "")].value == "=1+1"
    if kw:
        return
    blank = next(k for k, f in SPEC.fields.items() if f.variant is None and k not in make_roll().values)
    sheet, ref_ = wb.defined_names[f"xs_{blank.replace('.', '_')}"].attr_text.split("!")
    assert wb[sheet.strip("'")][ref_.replace("$", "")].value is None  # blank stays blank


def test_a_damaged_cached_package_is_rebuilt_and_replaced(tmp_path, monkeypatch, cache):
    ref = dump(openpyxl_built(tmp_path, monkeypatch))
    write.write_rollup(make_roll(), tmp_path / "first.xlsx", meta=META, narrative=NARRATIVE)
    (cached,) = cache.iterdir()
    good = cached.read_bytes()
    with zipfile.ZipFile(cached) as z:
        workbook_xml = z.read("xl/workbook.xml")
    foreign = tmp_path / "foreign.xlsx"
    with zipfile.ZipFile(cached) as zin, zipfile.ZipFile(foreign, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, data.replace(b"xs_meta_agency", b"xs_meta_agencX") if "workbook.xml" in info.filename
                          else data)
    for damage in (b"garbage", good[: len(good) // 2], foreign.read_bytes()):
        cached.write_bytes(damage)
        out = write.write_rollup(make_roll(), tmp_path / "again.xlsx", meta=META, narrative=NARRATIVE,
                                 overwrite=True)
        assert dump(out) == ref
        with zipfile.ZipFile(cached) as z:  # replaced by a fresh build
            assert z.testzip() is None and z.read("xl/workbook.xml") == workbook_xml


def test_the_cache_is_keyed_by_layout_and_can_be_off_or_unwritable(tmp_path, monkeypatch, cache):
    write.write_rollup(make_roll(), tmp_path / "a.xlsx")
    write.write_rollup(make_roll(stock=False), tmp_path / "b.xlsx")
    write.write_rollup(make_roll(variants=()), tmp_path / "c.xlsx")
    write.write_rollup(make_roll(problems=()), tmp_path / "d.xlsx")
    assert len(list(cache.iterdir())) == 4
    monkeypatch.setattr(template, "KEEP", 2)
    write.write_rollup(make_roll(variants=(), stock=False), tmp_path / "g.xlsx")
    assert len(list(cache.iterdir())) == 2  # only the newest packages are kept
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    ref = dump(openpyxl_built(tmp_path, monkeypatch))
    assert dump(write.write_rollup(make_roll(), tmp_path / "e.xlsx", meta=META, narrative=NARRATIVE)) == ref
    monkeypatch.setenv("XLSHEET_NO_CACHE", "1")
    assert template.cache_path(template.key(2024, (), (), False)) is None
    assert dump(write.write_rollup(make_roll(), tmp_path / "f.xlsx", meta=META, narrative=NARRATIVE)) == ref


def test_a_value_writing_does_not_cover_is_built_by_openpyxl(tmp_path, monkeypatch, cache):
    import datetime as dt

    meta = {**META, "signoff_date": dt.date(2025, 1, 20)}
    out = write.write_rollup(make_roll(), tmp_path / "d.xlsx", meta=meta, narrative=NARRATIVE)
    assert not cache.exists()  # built in full, no blank package needed
    wb = load_workbook(out)
    ref = wb.defined_names["xs_meta_signoff_date"].attr_text.split("!")[1].replace("$", "")
    assert wb["基本信息"][ref].value == dt.datetime(2025, 1, 20)


def test_a_warm_rollup_does_not_import_openpyxl_or_dataclasses(tmp_path):
    """The point of the cache: a roll-up whose blank package is cached never imports openpyxl (≈ 0.12 s); nor
    does it import dataclasses (with inspect ≈ 20 ms: Unit and Rollup are Records)."""
    from benchmarks.unitgen import make_batch

    make_batch(tmp_path / "units", 3, seed=7, keep_values=False)
    code = ("import sys; from xlsheet.county import rollup; "
            f"rollup([{str(tmp_path / 'units')!r}], {str(tmp_path / 'o.xlsx')!r}, year=2024, overwrite=True); "
            "print('openpyxl' in sys.modules, 'dataclasses' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    env.pop("XLSHEET_NO_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                           check=True).stdout.split()[-2:] for _ in range(2)]
    assert runs[0][0] == "True" and runs[1] == ["False", "False"]  # cold: built with openpyxl; warm: cached
    with zipfile.ZipFile(tmp_path / "o.xlsx") as z:
        assert z.testzip() is None


def test_units_and_rollups_keep_their_value_semantics():
    import pickle

    u = Unit(path="/x/a.xlsx", name="a.xlsx", status="passed", values=(1, None), copies=["“s1”与乙雷同"])
    assert pickle.loads(pickle.dumps(u)) == u and u != Unit(path="/x/a.xlsx", name="a.xlsx")
    assert Unit(path="p", name="n").copies is not Unit(path="p", name="n").copies  # no shared mutable default
    assert repr(Unit(path="p", name="n")).startswith("Unit(path='p', name='n', status='pending'")
    a, b = Rollup(year=2024, agency="甲"), Rollup(year=2024, agency="甲")
    assert a == b and a.units is not b.units and a.values is not b.values and a.problems is not b.problems
    assert pickle.loads(pickle.dumps(make_roll())) == make_roll()
