"""The report as it prints: rendered by LibreOffice to PDF and read back page by page with poppler.

One soffice run converts every document of this module (the demo, all five examples as forced drafts, long
narratives that move headings and table blocks to every height of the page, and a grid probe), so the module
costs one LibreOffice start-up.  Checked on the pages themselves: no page ends with a heading or a table's
block or column header; 22 lines a page and 28 characters a full line; justified lines reach the right edge;
page numbers on the outer side, one character in, about 7 mm under the type area; a 草稿 mark with the number of
open errors on every page of a forced report.
"""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.lo import PDFTOPPM, _run, require_soffice
from tests.reports import clean
from xlsheet import jobs
from xlsheet.docx import fonts
from xlsheet.docx.outline import H1, H2, outline
from xlsheet.docx.render import render_docx

SEEDS = ("000", "001", "002", "003", "004")
PT_PER_MM = 72 / 25.4
FILLER = "坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开，提升政务公开质量和实效。"


def _long_narrative(lines_before: int):
    """The demo with section 一 written at length by the clerk: sub-headings of her own between paragraphs of
    1 … 9 lines, shifted down by ``lines_before`` lines, so headings and the tables after it fall at every height."""
    report = clean("v2021")
    pad = "说明。" * (9 * lines_before) if lines_before else ""
    parts = [pad] if pad else []
    for i in range(1, 16):
        parts.append(f"（{'一二三四五六七八九十'[i % 10]}）第{i}项工作")
        parts.append(FILLER * (1 + (i * 7) % 9 // 2))
    report.narrative["s1_intro"] = "\n".join(parts)
    for key in ("s1_active", "s1_request", "s1_manage", "s1_platform", "s1_oversight"):
        report.narrative[key] = ""
    return report


def _grid_probe():
    report = clean("v2021")
    report.narrative["s1_intro"] = "政" * 1400
    return report


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """{name: (docx path, [page texts], pdf path, outline or None, forced errors or None)}."""
    require_soffice()
    tmp = tmp_path_factory.mktemp("layout")
    docs = {}
    path, _ = jobs.report(EXAMPLES / "demo_2024.xlsx", tmp / "demo.docx")
    docs["demo"] = (path, None)
    for seed in SEEDS:
        src = next(EXAMPLES.glob(f"{seed}_*.xlsx"))
        path, result = jobs.report(src, tmp / f"seed{seed}.docx", force=True)
        docs[f"seed{seed}"] = (path, len(result.errors))
    # Without keepNext in table header rows, 5 leaves 表四's header at a page foot, 15 a 第二十条第（八）项 block
    # heading and 17 a 信息内容 column header (found by rendering 0…21); 0 and 11 move the headings.
    for n in (0, 5, 11, 15, 17):
        report = _long_narrative(n)
        render_docx(report, tmp / f"long{n}.docx")
        docs[f"long{n}"] = (tmp / f"long{n}.docx", None, report)
    # An opening paragraph of 9, 10, 11 lines puts the page foot inside 表二's first block: with only the heading
    # rows kept with the next, line 10 left 规章 on page 1 and 行政规范性文件 on page 2 (found by rendering 1…24).
    for lines in (9, 10, 11):
        report = clean("v2021")
        report.narrative["s1_intro"] = "政" * (fonts.CHARS_PER_LINE - 2 + fonts.CHARS_PER_LINE * (lines - 1))
        render_docx(report, tmp / f"opening{lines}.docx", chart=False)
        docs[f"opening{lines}"] = (tmp / f"opening{lines}.docx", None, report)
    render_docx(_grid_probe(), tmp / "grid.docx", chart=False)
    docs["grid"] = (tmp / "grid.docx", None)
    _run(["--convert-to", "pdf", "--outdir", str(tmp / "pdf"), *(str(d[0]) for d in docs.values())], tmp)
    out = {}
    for name, (path, *rest) in docs.items():
        pdf = tmp / "pdf" / (path.stem + ".pdf")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        out[name] = {"docx": path, "pages": text.split("\f")[:-1], "pdf": pdf,
                     "errors": rest[0] if rest else None, "report": rest[1] if len(rest) > 1 else None}
    return out


_PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")


def _content_lines(page: str) -> list[str]:
    lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
    return [ln for ln in lines if not _PAGE_NUMBER.match(ln) and not ln.startswith("草稿")]


def _header_vocabulary(spec) -> tuple[str, str]:
    """(labels of table heading and header rows, labels of data rows): a line made only of pieces of the first
    and not only of pieces of the second is a header line (wrapped cells print as pieces)."""
    def labels(roles):
        return "|".join(c.label() for t in spec.tables for r in t.rows if (r.role in ("heading", "header")) == roles
                        for c in r.cells if not c.is_input)
    return labels(True), labels(False)


def _headings(report) -> set[str]:
    return {b.text for b in outline(report, chart=False).blocks if b.kind in (H1, H2)}


def _last_line_problem(lines: list[str], headings: set[str], vocab: tuple[str, str]) -> str | None:
    if not lines:
        return "empty page"
    last = lines[-1]
    squashed = last.replace(" ", "")
    if any(squashed == h.replace(" ", "") for h in headings):
        return f"ends with the heading {last!r}"
    tokens = last.split()
    if all(tok in vocab[0] for tok in tokens) and not all(tok in vocab[1] for tok in tokens):
        return f"ends with a table header line {last!r}"
    return None


def _documents(rendered):
    """(name, rendered document, its report) for every rendered report (the grid probe is no report)."""
    from xlsheet import read

    for name, doc in rendered.items():
        if name == "grid":
            continue
        report = doc["report"]
        if report is None:
            src = EXAMPLES / "demo_2024.xlsx" if name == "demo" else next(EXAMPLES.glob(f"{name[4:]}_*.xlsx"))
            report = read(src)
        yield name, doc, report


def test_no_page_ends_with_a_heading_or_a_table_header(rendered):
    checked = 0
    for name, doc, report in _documents(rendered):
        headings, vocab = _headings(report), _header_vocabulary(report.spec)
        for number, page in enumerate(doc["pages"][:-1], start=1):  # the last page may end anywhere
            problem = _last_line_problem(_content_lines(page), headings, vocab)
            assert problem is None, f"{name} page {number} {problem}"
            checked += 1
    assert checked >= 40


def _row_pages(pages: list[str], label: str) -> set[int]:
    """The pages on which a table row starting with ``label`` and holding only numbers after it is printed."""
    found = set()
    for number, page in enumerate(pages, start=1):
        for line in page.splitlines():
            tokens = line.split()
            if len(tokens) > 1 and tokens[0] == label and all(re.fullmatch(r"[-+]?[\d.,]*(万元)?", t) for t in tokens[1:]):
                found.add(number)
    return found


def test_a_block_of_table_two_is_never_split_between_pages(rendered):
    split, checked = [], 0
    for name, doc, report in _documents(rendered):
        table = next(t for t in report.spec.tables if t.key == "t2")
        block: list[str] = []
        for row in list(table.rows_for(report.variants)) + [None]:
            if row is not None and row.role == "data":
                if not row.inline:  # a one-line "label：value" row is not a row of columns
                    block.append(row.cells[0].label(report.year))
                continue
            if len(block) > 1:
                pages = [_row_pages(doc["pages"], label) for label in block]
                assert all(len(p) == 1 for p in pages), (name, block, pages)  # each row found once
                checked += 1
                if len(set().union(*pages)) > 1:
                    split.append((name, block, pages))
            block = []
    assert checked >= 20 and not split, split


def test_the_check_sees_a_heading_at_the_foot_of_a_page():
    vocab = ("第二十条第（一）项|信息内容|本年制发件数|本年废止件数|现行有效件数", "规章|6.属于四类过程性信息")
    assert _last_line_problem(["正文。", "（三）政府信息管理"], {"（三）政府信息管理"}, vocab)
    assert _last_line_problem(["正文。", "信息内容   本年制发件数  本年废止件数"], set(), vocab)
    assert _last_line_problem(["第二十条第（一）项"], set(), vocab)
    assert _last_line_problem(["信息内容 本年制发件数", "规章  0  0  0"], set(), vocab) is None
    assert _last_line_problem(["6.属于四类过程性", "信息"], set(), vocab) is None  # a wrapped data label


def test_twenty_two_lines_of_twenty_eight_characters(rendered):
    pages = rendered["grid"]["pages"]
    probe = [[ln for ln in _content_lines(p) if set(ln.replace(" ", "")) == {"政"}] for p in pages]
    assert len(probe[1]) == fonts.LINES_PER_PAGE  # page 2 is body text only
    full = [len(ln.replace(" ", "")) for page in probe for ln in page]
    assert full[0] == fonts.CHARS_PER_LINE - 2  # the first line is indented by two characters
    assert set(full[1:-1]) == {fonts.CHARS_PER_LINE}


def _words(pdf: Path, page: int):
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    root = ET.fromstring(xml)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    page_el = root.find(".//h:page", ns)
    lines = []
    for line in page_el.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [w.text or "" for w in line.iter("{http://www.w3.org/1999/xhtml}word")]
        lines.append(("".join(words), *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))))
    return float(page_el.get("width")), float(page_el.get("height")), lines


def test_page_numbers_on_the_outer_side_seven_mm_below_the_type_area(rendered):
    pdf = rendered["demo"]["pdf"]
    one_char = fonts.PAGE_NUMBER[1]
    for page in (1, 2, 3):
        width, height, lines = _words(pdf, page)
        number = next(ln for ln in lines if _PAGE_NUMBER.match(ln[0]))
        assert number[0].replace(" ", "") == f"—{page}—"
        type_bottom = height - fonts.MARGINS_MM["bottom"] * PT_PER_MM
        assert abs((number[2] - type_bottom) / PT_PER_MM - fonts.PAGE_NUMBER_GAP_MM) < 1.5, number
        if page % 2:  # odd: right, one character in from the type area's right edge
            edge = width - fonts.MARGINS_MM["right"] * PT_PER_MM - one_char
            assert abs(number[3] - edge) < 3, number
        else:
            edge = fonts.MARGINS_MM["left"] * PT_PER_MM + one_char
            assert abs(number[1] - edge) < 3, number


def test_body_is_justified_to_the_right_edge(rendered):
    width, _, lines = _words(rendered["demo"]["pdf"], 1)
    right = width - fonts.MARGINS_MM["right"] * PT_PER_MM
    body = sorted((ln for ln in lines if not _PAGE_NUMBER.match(ln[0])), key=lambda ln: ln[2])[2:]  # no title
    preamble = body[:next(i for i, ln in enumerate(body) if ln[0].startswith("一、"))]
    assert any("http" in ln[0] or "example" in ln[0] for ln in preamble[:-1])  # a line with (part of) the portal URL
    for ln in preamble[:-1]:  # every line but the paragraph's last reaches the right edge …
        assert ln[3] > right - 3, (ln[0], ln[3], right)
        # … and stays inside it, except punctuation LibreOffice hangs into the margin (it ignores
        # w:overflowPunct="0", which Word honours)
        assert ln[3] < right + 3 or (ln[0][-1] in "。，、；：.）" and ln[3] < right + fonts.BODY[1] + 1), ln


def test_table_three_label_columns_keep_words_whole(rendered):
    cells = {c for page in rendered["demo"]["pages"] for ln in page.splitlines() for c in ln.split()}
    for whole in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理", "自然人", "1.属于国家秘密"):
        assert whole in cells, whole
    assert "三、本年度" in cells and "办理结果" in cells  # two lines of whole words


def test_forced_reports_say_draft_on_every_page(rendered):
    for seed in SEEDS:
        doc = rendered[f"seed{seed}"]
        if not doc["errors"]:
            continue
        for page in doc["pages"]:
            assert f"草稿（尚有{doc['errors']}个错误未改正" in page.replace(" ", "")
    assert not any("草稿" in p for p in rendered["demo"]["pages"])


def test_pages_render_as_images(rendered, tmp_path):
    if not PDFTOPPM:
        pytest.skip("pdftoppm not installed")
    from PIL import Image

    subprocess.run([PDFTOPPM, "-r", "40", "-png", str(rendered["demo"]["pdf"]), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p*.png"))
    assert 3 <= len(pngs) <= 6
    for png in pngs:
        dark = Image.open(png).convert("L").point(lambda px: 255 if px < 128 else 0).histogram()[255]
        assert dark > 100, png  # text on every page, no blank page
