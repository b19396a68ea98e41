"""xlsheet report --html / --pdf: the page for the portal and the PDF, from the same content as the DOCX."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import html as lxml_html

from tests.conftest import example
from tests.docxgrid import doc_tables
from tests.seedgrid import squash
from xlsheet import read
from xlsheet.cli import main
from xlsheet.docx.outline import H1, H2, outline
from xlsheet.html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def html_tables(page: str) -> list[list[list[str]]]:
    """The page's tables in the seed shape: each cell at its grid position, rowspan continuations empty."""
    out = []
    for table in lxml_html.fromstring(page).iter("table"):
        taken: dict[tuple[int, int], str] = {}
        rows = []
        for r, tr in enumerate(table.iter("tr")):
            c = 0
            cells = []
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:  # a continuation of a rowspan: one empty cell as wide as its merge
                    cells.append("")
                    c += taken.pop((r, c))
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                cells.append(td.text_content())
                for dr in range(1, rs):
                    taken[(r + dr, c)] = cs
                c += cs
            while (r, c) in taken:
                cells.append("")
                c += taken.pop((r, c))
            rows.append(cells)
        out.append(rows)
    return out


def _docx_grid_without_spans(rows):
    """DOCX rows carry one cell per w:tc (a gridSpan is one cell), like the HTML rows."""
    return [[squash(x) for x in row] for row in rows]


@pytest.mark.parametrize("seed", ["demo", "000", "002", "003"])
def test_html_tables_equal_the_docx_tables(examples, tmp_path, seed):
    src = examples / "demo_2024.xlsx" if seed == "demo" else example(examples, seed)
    out = tmp_path / "r.docx"
    assert main(["report", str(src), "-o", str(out), "--force", "--html"]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    mine, docx_tables = html_tables(page), doc_tables(out)
    assert len(mine) == len(docx_tables) == 3
    for a, b in zip(mine, docx_tables):
        assert [[squash(x) for x in row] for row in a] == _docx_grid_without_spans(b)


def test_same_headings_and_wording_as_the_docx(examples, tmp_path):
    report = read(examples / "demo_2024.xlsx")
    page = lxml_html.fromstring(render_html(report))
    blocks = outline(report).blocks
    assert [h.text_content() for h in page.iter("h2")] == [b.text for b in blocks if b.kind == H1]
    assert [h.text_content() for h in page.iter("h3")] == [b.text for b in blocks if b.kind == H2]
    assert page.find(".//h1").text_content() == "示例市示例区人民政府办公室2024年政府信息公开工作年度报告"
    assert page.find(".//title").text == "示例市示例区人民政府办公室2024年政府信息公开工作年度报告"
    paras = [p.text_content() for p in page.iter("p")]
    assert paras[-2:] == ["示例市示例区人民政府办公室", "2025年1月20日"]
    assert "依据《政府信息公开信息处理费管理办法》规定，本年度未收取信息处理费。" in paras


def test_self_contained_no_scripts_no_external_resources(examples):
    report = read(examples / "demo_2024.xlsx")
    report.narrative["s2_chart"] = "政策文件：12\n政策解读：6"
    page = render_html(report)
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script|//link|//style|//iframe|//object|//embed|//form")
    assert not [a for el in tree.iter() for a in el.attrib if a.startswith("on")]
    for el in tree.iter():
        for name in ("src", "href", "srcset", "action"):
            value = el.get(name)
            assert value is None or value.startswith("data:image/png;base64,"), (el.tag, name, value[:40])
    assert "url(" not in page and "@import" not in page
    if tree.xpath("//img"):
        assert tree.xpath("//figcaption")[0].text_content().startswith("图1")


def test_all_text_is_escaped(examples):
    report = read(examples / "demo_2024.xlsx")
    evil = "<script>alert(1)</script> & <img src=x onerror=alert(2)> \" ' {{ 7*7 }}"
    report.narrative["s5"] = evil
    report.meta["agency"] = "<b>某局</b>"
    page = render_html(report)
    assert "<script>" not in page and "<img src=x" not in page and "<b>某局</b>" not in page
    tree = lxml_html.fromstring(page)
    assert evil in [p.text_content() for p in tree.iter("p")]
    assert tree.find(".//title").text.startswith("<b>某局</b>")


def test_forced_page_carries_the_draft_mark(examples, tmp_path):
    out = tmp_path / "d.docx"
    assert main(["report", str(example(examples, "003")), "-o", str(out), "--force", "--html"]) == 0
    page = (tmp_path / "d.html").read_text(encoding="utf-8")
    assert re.search(r"草稿（尚有\d+个错误未改正，不得作为正式报告发布）", page)
    assert not re.search(r"（\s*）|自起|起至止", lxml_html.fromstring(page).text_content())


def test_page_in_a_real_browser(examples, tmp_path):
    if not CHROMIUM:
        pytest.skip("chromium not installed")
    out = tmp_path / "r.docx"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(out), "--html"]) == 0
    pdf = tmp_path / "browser.pdf"
    subprocess.run([CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", (tmp_path / "r.html").as_uri()], capture_output=True, timeout=120,
                   check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    text = text.replace(" ", "")
    assert "2024年政府信息公开工作年度报告" in text and "结转下年度继续办理" in text
    assert "（三）不予公开" in text and "三、收到和处理政府信息公开申请情况" in text


def test_pdf_through_libreoffice(examples, tmp_path):
    from tests.lo import require_soffice

    require_soffice()
    out = tmp_path / "r.docx"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(out), "--pdf"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                          text=True).stdout.replace(" ", "")
    assert "2024年政府信息公开工作年度报告" in text and "—1—" in text and "结转下年度继续办理" in text


def test_pdf_without_libreoffice_is_a_clear_message_and_writes_nothing(examples, tmp_path, monkeypatch, capsys):
    import xlsheet.docx.pdf as pdf

    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    out = tmp_path / "r.docx"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(out), "--pdf"]) == 2
    assert "需要 LibreOffice" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))


def test_existing_page_is_not_overwritten(examples, tmp_path):
    (tmp_path / "r.html").write_text("published", encoding="utf-8")
    out = tmp_path / "r.docx"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(out), "--html"]) == 2
    assert not out.exists() and (tmp_path / "r.html").read_text(encoding="utf-8") == "published"
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(out), "--html", "--overwrite"]) == 0
    assert (tmp_path / "r.bak.html").read_text(encoding="utf-8") == "published"


def test_output_name_must_be_the_docx(examples, tmp_path, capsys):
    assert main(["report", str(examples / "demo_2024.xlsx"), "-o", str(tmp_path / "r.html"), "--html"]) == 2
    assert "--html" in capsys.readouterr().err and not list(tmp_path.glob("r.*"))


def test_pdf_keeps_every_punctuation_mark(tmp_path):
    """A blank workbook's forced report puts a 、 just after a full line of the preamble; LibreOffice dropped it
    from the PDF while 3号 text was condensed to 28 characters a line.  Every 、 and ， of the DOCX is in the PDF."""
    from docx import Document

    from tests.lo import require_soffice

    require_soffice()
    book = tmp_path / "b.xlsx"
    assert main(["new", "--year", "2025", "--agency", "某某县某某镇人民政府", "-o", str(book)]) == 0
    out = tmp_path / "r.docx"
    assert main(["report", str(book), "--force", "--pdf", "-o", str(out)]) == 0
    body = "".join(p.text for p in Document(out).paragraphs)
    pdf = subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True).stdout
    pdf = re.sub(r"\s|草稿（[^）]*）|—\d+—", "", pdf)
    for mark in "、，。":
        assert pdf.count(mark) >= body.count(mark), mark
    assert "主动公开政府信息情况、收到和处理政府信息公开申请情况" in pdf
