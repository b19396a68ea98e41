"""Import: a published report back into a workbook, and the round trip workbook → report → workbook."""
import pytest

from tests.conftest import example
from xlsheet import read
from xlsheet.cli import main
from xlsheet.values import State


def _same_numbers(a, b):
    for key in a.spec.fields_for(a.variants):
        x, y = a.value(key.key), b.value(key.key)
        if x.state is State.BLANK:
            assert y.state is State.BLANK, key.key
        else:
            assert y.is_number and x.number == y.number, (key.key, x, y)


@pytest.mark.parametrize("name", ["demo", "000", "001", "002", "003", "004"])
def test_round_trip_returns_every_number(examples, tmp_path, name):
    src = examples / "demo_2024.xlsx" if name == "demo" else example(examples, name)
    docx = tmp_path / "r.docx"
    assert main(["report", str(src), "-o", str(docx), "--force"]) == 0
    back = tmp_path / "back.xlsx"
    assert main(["import", str(docx), "-o", str(back)]) == 0
    a, b = read(src), read(back)
    assert (b.spec.format, b.year, b.agency, b.variants) == (a.spec.format, a.year, a.agency, a.variants)
    _same_numbers(a, b)


def test_round_trip_keeps_meta_and_narrative(examples, tmp_path):
    docx = tmp_path / "r.docx"
    main(["report", str(examples / "demo_2024.xlsx"), "-o", str(docx)])
    back = tmp_path / "back.xlsx"
    main(["import", str(docx), "-o", str(back)])
    a, b = read(examples / "demo_2024.xlsx"), read(back)
    for k in ("postcode", "phone", "address", "portal_url", "contact_office", "signoff_agency", "signoff_date",
              "period_start", "period_end"):
        assert b.meta[k] == a.meta[k], k
    for k in ("s1_intro", "s1_active", "s1_request", "s1_manage", "s1_platform", "s1_oversight", "s5"):
        assert b.text(k) == a.text(k), k
    assert "信息处理费" in b.text("s6")


def test_import_refuses_to_overwrite(examples, tmp_path, capsys):
    docx = tmp_path / "r.docx"
    main(["report", str(examples / "demo_2024.xlsx"), "-o", str(docx)])
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"keep")
    assert main(["import", str(docx), "-o", str(target)]) == 2
    assert target.read_bytes() == b"keep"


def test_import_of_a_non_report_docx_says_why(tmp_path, capsys):
    import docx

    d = docx.Document()
    d.add_paragraph("会议纪要")
    path = tmp_path / "minutes.docx"
    d.save(path)
    assert main(["import", str(path)]) == 2
    assert "年度" in capsys.readouterr().err
