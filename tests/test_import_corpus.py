"""The import corpus (tests/importcorpus.py): every layout quirk, in every published file type, imports with no
number lost or shifted; what cannot be placed is listed, and then the exit code is 1."""
import datetime as dt

import pytest
from openpyxl import load_workbook

from tests import importcorpus as corpus
from xlsheet import read
from xlsheet.cli import main
from xlsheet.importer import UNPLACED_SHEET, import_file
from xlsheet.importer.tables import is_number

KINDS = ["txt", "html", "docx"]
CASES = [(fmt, year, v.name) for fmt, year in (("v2021", 2024), ("v2019", 2020))
         for v in corpus.variants(fmt, year)]


def _source_dump(path, kind):
    from xlsheet.dump import dump_docx, parse_text_dump
    from xlsheet.importer.html import parse_html

    if kind == "docx":
        return dump_docx(path)
    if kind == "html":
        return parse_html(path.read_bytes())
    return parse_text_dump(path.read_text(encoding="utf-8"))


def _variant(fmt, year, name):
    return next(v for v in corpus.variants(fmt, year) if v.name == name)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt,year,name", CASES)
def test_layout_variant_imports_every_number(tmp_path, kind, fmt, year, name):
    v = _variant(fmt, year, name)
    src = corpus.write(v, kind, tmp_path / f"report.{kind}", year, "某某市某某局")
    imp = import_file(src)
    assert (imp.spec.format, imp.year, imp.agency) == (fmt, year, "某某市某某局")
    assert len(imp.unplaced) == v.unplaced, [(u.where, u.label, u.text, u.reason) for u in imp.unplaced]
    # the ledger: every numeric cell of the source is placed once or listed, none twice, none forgotten
    printed = sum(1 for t in _source_dump(src, kind).tables for row in t for c in row if is_number(c))
    assert printed == sum(1 for p in imp.placed.values() if is_number(p.text)) + len(imp.unplaced)
    out = tmp_path / "back.xlsx"
    code = main(["import", str(src), "-o", str(out)])
    assert code == (1 if v.unplaced else 0)
    assert corpus.check(read(out), v.truth) == []


def test_unplaced_numbers_are_listed_in_the_workbook_and_on_the_terminal(tmp_path, capsys):
    v = _variant("v2019", 2020, "extra-local-row-and-cut-off-row")
    src = corpus.write(v, "docx", tmp_path / "r.docx", 2020, "某某市某某局")
    out = tmp_path / "back.xlsx"
    assert main(["import", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "其中：本地特色事项" in err and "900" in err and "901" in err
    ws = load_workbook(out)[UNPLACED_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert sorted(r[3] for r in rows) == ["900", "901"] and all(r[2] == "其中：本地特色事项" for r in rows)
    # the cut-off row stays blank and is named; 行政许可's numbers are still under 行政许可
    report = read(out)
    assert report.value("t2.norm.new_made").state.name == "BLANK"
    assert report.number("t2.license.prev_count") == v.truth["t2.license.prev_count"]


def test_each_placed_number_records_the_label_it_matched(tmp_path):
    v = _variant("v2021", 2024, "labels-in-fewer-cells")
    imp = import_file(corpus.write(v, "html", tmp_path / "r.html", 2024, "某某市某某局"))
    placed = imp.placed["t3.deny_law.total"]
    assert "其他法律行政法规禁止公开" in placed.label and placed.text == str(v.truth["t3.deny_law.total"])


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("quirk", ["trailing-separator", "repeated-header"])
def test_seed_text_variants_keep_every_number(tmp_path, seed, quirk):
    """Seeds renumbered 1, 2, 3 … (so a shift shows), then a quirk applied to their text."""
    plain, _ = corpus.seed_variant(seed, "none")
    quirky, _ = corpus.seed_variant(seed, quirk)
    (tmp_path / "a.txt").write_text(plain, encoding="utf-8")
    (tmp_path / "b.txt").write_text(quirky, encoding="utf-8")
    a, b = import_file(tmp_path / "a.txt"), import_file(tmp_path / "b.txt")
    assert not a.unplaced and not b.unplaced
    assert b.values == a.values
    assert len(a.placed) >= 30


@pytest.mark.parametrize("title,agency,year", [
    (["2019年某某市人民政府办公厅政府信息公开工作年度报告"], "某某市人民政府办公厅", 2019),
    (["某某市教育局", "关于2021年度政府信息公开工作的年度报告"], "某某市教育局", 2021),
    (["某某市人民政府办公厅", "2022年政府信息公开工作年度报告"], "某某市人民政府办公厅", 2022),
    (["某某市2023年政府信息公开", "工作年度报告"], "某某市", 2023),
    (["标题:某某县水利局2024年政府信息公开工作年度报告"], "某某县水利局", 2024),
])
def test_title_forms(tmp_path, title, agency, year):
    fmt = "v2019" if year <= 2020 else "v2021"
    v = corpus.variants(fmt, year)[0]
    paras = corpus.paragraphs(year, agency)
    paras[0:1] = title
    src = tmp_path / "r.txt"
    src.write_text(corpus.to_text(paras, v.tables), encoding="utf-8")
    imp = import_file(src)
    assert (imp.agency, imp.year, imp.spec.format) == (agency, year, fmt)
    assert not imp.unplaced


def test_overrides_and_the_refusal_that_names_them(tmp_path, capsys):
    v = corpus.variants("v2021", 2024)[0]
    paras = corpus.paragraphs(2024, "x")
    paras[0] = "政务公开工作情况"  # no year in the title
    src = tmp_path / "r.txt"
    src.write_text(corpus.to_text(paras, v.tables), encoding="utf-8")
    assert main(["import", str(src), "-o", str(tmp_path / "a.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "--year" in err and "--agency" in err and "--format" in err
    out = tmp_path / "b.xlsx"
    assert main(["import", str(src), "-o", str(out), "--year", "2024", "--agency", "某某局"]) == 0
    r = read(out)
    assert (r.year, r.agency, r.spec.format) == (2024, "某某局", "v2021")
    assert corpus.check(r, v.truth) == []


def test_html_encodings(tmp_path):
    v = corpus.variants("v2021", 2024)[0]
    for kind in ("html", "html-utf8-undeclared", "html-gbk-undeclared"):
        src = corpus.write(v, kind, tmp_path / f"{kind}.htm", 2024, "某某市某某局")
        imp = import_file(src)
        assert imp.agency == "某某市某某局" and not imp.unplaced and len(imp.placed) == len(v.truth)


@pytest.mark.parametrize("content,name,words", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "r.doc", ".docx"),
    (b"%PDF-1.4 ...", "r.pdf", "PDF"),
    (b"", "r.txt", "空文件"),
])
def test_wrong_file_type_gets_an_import_message(tmp_path, capsys, content, name, words):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "导入" in err and words in err and "Excel 工作簿（.xlsx）" not in err


def test_excel_workbook_given_to_import(examples, capsys):
    assert main(["import", str(examples / "demo_2024.xlsx"), "-o", str(examples / "x.xlsx")]) == 2
    assert "Excel 工作簿，不是已发布的报告" in capsys.readouterr().err


def test_metadata_phrasings(tmp_path):
    v = corpus.variants("v2019", 2019)[0]
    paras = corpus.paragraphs(2019, "某某市某某局")
    paras[1] = ("本报告中所列数据的统计期限从2019年1月1日到12月31日止。本报告电子版可在“某某市人民政府门户网站”"
                "（http://www.example.gov.cn）查阅。如有疑问，请与某某局办公室联系（电话：0431-88886666；"
                "邮编：130000；地址：某某市人民大街1号）。")
    src = tmp_path / "r.txt"
    src.write_text(corpus.to_text(paras, v.tables), encoding="utf-8")
    imp = import_file(src)
    m = imp.meta
    assert (m["period_start"].isoformat(), m["period_end"].isoformat()) == ("2019-01-01", "2019-12-31")
    assert m["portal_name"] == "某某市人民政府门户网站" and m["portal_url"] == "http://www.example.gov.cn"
    assert (m["phone"], m["postcode"], m["address"]) == ("0431-88886666", "130000", "某某市人民大街1号")
    assert m["contact_office"] == "某某局办公室"


def test_portal_page_with_layout_tables_navigation_and_scripts(tmp_path):
    """A page as portals publish it: navigation, a one-cell layout table around the article, the data tables
    nested inside it, scripts, &nbsp; cells, GB2312 declared (and GBK characters used)."""
    v = corpus.variants("v2021", 2024)[0]
    inner = corpus.to_html(corpus.paragraphs(2024, "某某市某某局"), v.tables, "utf-8").decode("utf-8")
    article = inner.split("<div class='article'>")[1].split("</div></body>")[0]
    article = article.replace("<td></td>", "<td>&nbsp;</td>")
    # the publication line under the title, the print links: page furniture, not the report's text
    article = article.replace("</p>", "</p><p>发布时间：2025-01-20 09:30　来源：某某局　浏览次数：123</p>"
                              "<p>【打印本页】【关闭窗口】</p>", 1)
    page = ("<html><head><meta charset=gb2312><script>var a='<table><tr><td>1</td><td>2</td></tr></table>';"
            "</script><style>td{}</style></head><body><div class=nav><a href=#>首页</a> &gt; <a>政府信息公开年报</a>"
            "</div><table width=100%><tr><td><table><tr><td>" + article + "</td></tr></table></td></tr></table>"
            "<div class=footer>主办单位：某某市人民政府办公室 网站标识码：1234 琼ICP备05000000号</div></body></html>")
    src = tmp_path / "page.htm"
    src.write_bytes(page.encode("gbk"))
    imp = import_file(src)
    assert (imp.agency, imp.year) == ("某某市某某局", 2024)
    assert not imp.unplaced and len(imp.placed) == len(v.truth)
    text = "\n".join(imp.narrative.values())
    assert "本报告统计期限" in text and "继续改进。" in text  # the report's own text is all there
    for furniture in ("浏览次数", "打印本页", "主办单位", "ICP备", "网站标识码"):
        assert furniture not in text, (furniture, imp.narrative)


def test_unplaced_sheet_never_writes_published_text_as_a_formula(tmp_path):
    v = _variant("v2021", 2024, "extra-local-row-t3")
    for row in v.tables[1]:
        if row and row[0].text == "其中：网上申请":
            row[0].text = '=HYPERLINK("http://example.invalid","点击")'
    src = corpus.write(v, "html", tmp_path / "r.html", 2024, "某某市某某局")
    out = tmp_path / "back.xlsx"
    assert main(["import", str(src), "-o", str(out)]) == 1
    ws = load_workbook(out)[UNPLACED_SHEET]
    cells = [c for r in ws.iter_rows(min_row=3) for c in r]
    assert cells and all(c.data_type == "s" for c in cells)
    assert any(c.value.startswith("=HYPERLINK") for c in cells)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_text_dumps_import_from_the_command_line(tmp_path, seed, capsys):
    """The published seeds themselves: every number placed (exit 0), the same numbers as the bundled example."""
    from tests.conftest import EXAMPLES, example
    from tests.seedgrid import SEEDS

    out = tmp_path / "seed.xlsx"
    assert main(["import", str(SEEDS[seed]), "-o", str(out)]) == 0
    assert "已导入" in capsys.readouterr().out
    imp = import_file(SEEDS[seed])
    printed = sum(1 for t in _source_dump(SEEDS[seed], "txt").tables for row in t for c in row if is_number(c))
    assert printed == sum(1 for p in imp.placed.values() if is_number(p.text)) and not imp.unplaced
    a, b = read(example(EXAMPLES, seed)), read(out)
    assert {k: (v.state, v.raw) for k, v in a.values.items()} == {k: (v.state, v.raw) for k, v in b.values.items()}


@pytest.mark.parametrize("sentence, full", [
    ("所列数据截止日期为2019年12月31日。", True),   # seed 002's wording
    ("本报告数据统计截止到2019年12月31日。", True),
    ("所列数据截止日期为2018年12月31日。", False),  # another year's end: not this report's period
    ("所列数据截止日期为2019年11月30日。", False),  # not the year's end: not the whole year
])
def test_a_cut_off_date_at_the_year_end_is_the_whole_year(tmp_path, sentence, full):
    v = corpus.variants("v2019", 2019)[0]
    paras = corpus.paragraphs(2019, "某某市某某局")
    paras[1] = sentence + "本报告电子版可在某某市人民政府门户网站查阅。"
    src = tmp_path / "r.txt"
    src.write_text(corpus.to_text(paras, v.tables), encoding="utf-8")
    m = import_file(src).meta
    period = (m["period_start"], m["period_end"])
    assert period == ((dt.date(2019, 1, 1), dt.date(2019, 12, 31)) if full else (None, None))
