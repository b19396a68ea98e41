"""Workbooks saved by LibreOffice (what clerks on domestic Linux desktops use) read and validate the same."""
from tests.conftest import example
from tests.lo import recalc
from xlsheet import read, validate


def _view(report):
    return ({k: (v.state, v.number) for k, v in report.values.items()}, report.variants, report.meta,
            {k: report.text(k) for k in report.narrative})


def test_libreoffice_round_trip_keeps_names_markers_and_values(examples, tmp_path):
    sources = [examples / "demo_2024.xlsx", example(examples, "000"), example(examples, "003")]
    saved = recalc(sources, tmp_path / "lo")  # opened and saved again by LibreOffice Calc
    for src, out in zip(sources, saved):
        a, b = read(src), read(out)
        assert not b.problems, b.problems
        assert _view(a) == _view(b), src.name
        assert [(f.rule_id, f.address) for f in validate(a).findings] == \
               [(f.rule_id, f.address) for f in validate(b).findings]
