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


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".pdf"])
def test_plain_text_under_an_office_or_pdf_name_is_said_to_be_renamed(tmp_path, capsys, suffix):
    from xlsheet.importer import sniff

    text = "某某局2024年政府信息公开工作年度报告\n一、总体情况\n"
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    assert sniff(tmp_path / "report.txt") == "txt"  # as a .txt the same text is read as a text dump
    src = tmp_path / f"renamed{suffix}"
    src.write_text(text, encoding="utf-8")
    assert main(["import", str(src), "-o", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"纯文本文件，不是真正的 {suffix} 文件" in err and "改为 .txt" in err and "Traceback" not in err, err
    assert not (tmp_path / "out.xlsx").exists()


def _set_cell_text(cell, text):
    p = cell.paragraphs[0]
    for r in p.runs[1:]:
        r._element.getparent().remove(r._element)
    p.runs[0].text = text
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)


def test_import_tolerates_label_variants_and_an_extra_row(examples, tmp_path):
    """A clerk-made report: FORMAT.md §1 label variants and an extra row typed into 表三."""
    import copy

    import docx

    src = examples / "demo_2024.xlsx"
    out = tmp_path / "r.docx"
    assert main(["report", str(src), "-o", str(out)]) == 0
    d = docx.Document(out)
    t2, t3, _ = d.tables
    _set_cell_text(t2.rows[1].cells[3], "现行有效件数 (历史累计)")
    _set_cell_text(t2.rows[3].cells[0], "规范性文件")
    extra = copy.deepcopy(t3.rows[-1]._tr)  # a duplicated last row, as if the clerk added one
    t3._tbl.append(extra)
    for cell in t3.rows[-1].cells:
        _set_cell_text(cell, "")
    edited = tmp_path / "edited.docx"
    d.save(edited)
    back = tmp_path / "back.xlsx"
    assert main(["import", str(edited), "-o", str(back)]) == 0
    a, b = read(src), read(back)
    _same_numbers(a, b)
    from xlsheet import validate

    labels = [f.message for f in validate(b).findings if f.rule_id == "LAYOUT-LABELS"]
    assert any("现行有效件数 (历史累计)" in m for m in labels)
    assert any("“规范性文件”" in m for m in labels)
