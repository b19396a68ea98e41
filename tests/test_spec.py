"""The layout specs: counts, keys, names and the loader's own consistency checks."""
import re

import pytest

from xlsheet.spec import FORMATS, SpecError, load_spec, spec_for_year
from xlsheet.spec.loader import parse_spec
from xlsheet.workbook import names


@pytest.mark.parametrize("fmt,t3_cells,t3_rows", [("v2019", 161, 23), ("v2021", 175, 25)])
def test_table_three_has_the_official_number_of_cells(fmt, t3_cells, t3_rows):
    spec = load_spec(fmt)
    t3 = [k for k in spec.fields if k.startswith("t3.")]
    assert len(t3) == t3_cells
    assert len(spec.table("t3").data_rows()) == t3_rows
    assert len([k for k in spec.fields if k.startswith("t4.")]) == 15


@pytest.mark.parametrize("year,fmt", [(2019, "v2019"), (2020, "v2019"), (2021, "v2021"), (2025, "v2021")])
def test_format_follows_the_year(year, fmt):
    assert spec_for_year(year).format == fmt


def test_the_formats_years_do_not_overlap():
    """spec_for_year may try the formats in any order (it tries the newest first)."""
    years = [set(range(s.first_year, (s.last_year or 2100) + 1)) for s in map(load_spec, FORMATS)]
    assert sum(map(len, years)) == len(set().union(*years))


def test_years_before_2019_have_no_format(capsys):
    from xlsheet.cli import main
    from xlsheet.errors import FormatVersionError

    with pytest.raises(FormatVersionError, match="2019年度及以后"):
        spec_for_year(2018)
    assert main(["new", "--year", "2018", "--agency", "某局"]) == 2
    assert "2019年度及以后" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["v2019", "v2021"])
def test_defined_names_are_unique_valid_and_never_cell_references(fmt):
    spec = load_spec(fmt)
    all_names = [names.input_name(k) for k in spec.fields] + [names.meta_name(m.key) for m in spec.meta] + \
                [names.text_name(n.key) for n in spec.narrative]
    assert len(all_names) == len(set(all_names))
    for n in all_names:
        assert re.fullmatch(r"xs_[a-z0-9_]+", n), n
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+", n)


def test_full_width_quotes_in_label():
    labels = [c.text for t in load_spec("v2021").tables for r in t.rows for c in r.cells if c.text]
    assert "3.危及“三安全一稳定”" in labels


def test_2021_format_differences_from_2019():
    old, new = load_spec("v2019"), load_spec("v2021")
    assert "t2.other_service.decisions" in old.fields and "t2.other_service.decisions" not in new.fields
    assert "t2.procurement.amount" in old.fields and not any(k.startswith("t2.procurement") for k in new.fields)
    assert new.fields["t2.fee.amount"].kind == "amount" and new.fields["t2.fee.amount"].unit == "万元"
    assert old.fields["t2.license.delta"].kind == "delta"
    assert [r.key for r in new.table("t3").tagged("result")][-3:] == ["other_overdue", "other_unpaid", "other_else"]


def _minimal(rows, ncols=2):
    base = {"format": "vx", "revision": 1, "name": "x", "first_year": 2000, "title_suffix": "x", "meta": [],
            "narrative": [], "sections": []}
    return dict(base, tables=[{"key": "t", "sheet": "s", "title": "t", "ncols": ncols, "rows": rows}])


def test_loader_rejects_a_row_that_does_not_fill_the_grid():
    with pytest.raises(SpecError, match="not covered"):
        parse_spec(_minimal([{"cells": [{"text": "a"}]}]))


def test_loader_rejects_overlapping_cells():
    rows = [{"cells": [{"text": "a", "rowspan": 2}, {"text": "b"}]},
            {"cells": [{"text": "c"}, {"text": "d"}]}]
    with pytest.raises(SpecError):
        parse_spec(_minimal(rows))


def test_loader_rejects_unknown_kind():
    with pytest.raises(SpecError, match="kind"):
        parse_spec(_minimal([{"key": "r", "cells": [{"text": "a"}, {"input": "x", "kind": "money"}]}]))


def test_spec_and_report_objects_keep_value_semantics(tmp_path):
    """The model classes are hand-written records (xlsheet.record), not dataclasses: equality by fields, hashing of
    the frozen ones, refusal to assign, ``replace`` and pickling must behave as the dataclasses did."""
    import copy
    import dataclasses
    import pickle

    from xlsheet.spec.loader import _raw
    from xlsheet.validation.engine import validate
    from xlsheet.workbook.reader import read
    from tests.conftest import EXAMPLES

    spec = load_spec("v2021")
    again = parse_spec(_raw("v2021"))
    assert again is not spec and again == spec and hash(again) == hash(spec)
    assert again != load_spec("v2019") and spec != "v2021"
    cell = spec.table("t3").rows[3].cells[-1]
    assert repr(cell).startswith("Cell(row=3, col=") and f"key={cell.key!r}" in repr(cell)
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.key = "t3.x"
    with pytest.raises(AttributeError):
        del spec.format
    moved = cell.replace(row=cell.row + 1)
    assert moved != cell and moved.key == cell.key and moved.row == cell.row + 1
    with pytest.raises(TypeError):
        cell.replace(nonsense=1)
    field = spec.fields[cell.key]
    field.describe()  # fills the cached label
    for obj in (spec, cell, field, spec.meta[0], spec.narrative[0]):
        assert pickle.loads(pickle.dumps(obj)) == obj and copy.deepcopy(obj) == obj
    assert pickle.loads(pickle.dumps(field)).describe(2024) == field.describe(2024)

    report = read(EXAMPLES / "demo_2024.xlsx")
    result = validate(report)
    assert read(EXAMPLES / "demo_2024.xlsx") == report
    clone = pickle.loads(pickle.dumps(result))
    assert clone == result and clone.findings == result.findings and clone.report.values == report.values
    with pytest.raises(TypeError):
        hash(report)  # mutable, like the dataclass: not hashable
    findings = validate(read(next(EXAMPLES.glob("002_*.xlsx")))).findings
    finding = findings[0]
    assert {finding, finding.replace()} == {finding} and pickle.loads(pickle.dumps(findings)) == findings
    assert finding.replace(message="x") != finding
    report.problems.append("x")
    assert read(EXAMPLES / "demo_2024.xlsx") != report
