"""Page setup of the report (GB/T 9704-2012 §5, §7.5): A4, the 156 × 225 mm type area, a line grid of 22 lines
(28 characters a line come from the styles, see ``fonts.CONDENSE_TW``), page numbers "— 1 —" on the outer side
(odd pages right, even pages left, one character from the edge of the type area, 7 mm below it), and the 草稿
mark of a forced report in the header of every page.
"""
from __future__ import annotations

from . import fonts
from .oxml import W, paragraph, run
from .styles import FOOTER, HEADER


def setup_section(doc) -> None:
    """Page size, margins, header/footer distances and the document grid of the (only) section."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Twips

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Twips(fonts.PAGE_TW[0]), Twips(fonts.PAGE_TW[1])
    m = fonts.MARGINS_TW
    sec.top_margin, sec.bottom_margin = Twips(m["top"]), Twips(m["bottom"])
    sec.left_margin, sec.right_margin = Twips(m["left"]), Twips(m["right"])
    sec.header_distance = Twips(fonts.mm_to_twips(15))
    # the number's line starts PAGE_NUMBER_GAP_MM below the type area; w:footer is where that line ends
    sec.footer_distance = Twips(fonts.mm_to_twips(fonts.MARGINS_MM["bottom"] - fonts.PAGE_NUMBER_GAP_MM)
                                - fonts.PAGE_NUMBER_LINE_TW)
    sectpr = sec._sectPr
    for old in sectpr.findall(qn("w:docGrid")):
        sectpr.remove(old)
    sectpr.append(parse_xml(f'<w:docGrid {W} w:type="lines" w:linePitch="{fonts.LINE_PITCH_TW}"/>'))


def _replace_paragraphs(part_element, xml: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    for p in part_element.findall(qn("w:p")):
        part_element.remove(p)
    part_element.append(parse_xml(xml))


def page_number_xml(odd: bool) -> str:
    """"— N —" with the PAGE field, right-aligned one character in on odd pages, left on even pages."""
    one_char = fonts.half_points(fonts.PAGE_NUMBER[1]) * 10
    ppr = (f'<w:ind w:right="{one_char}"/><w:jc w:val="right"/>' if odd
           else f'<w:ind w:left="{one_char}"/><w:jc w:val="left"/>')
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE '
             '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return paragraph(FOOTER, f"{run('— ')}{field}{run(' —')}", ppr)


def draft_mark(errors: int) -> str:
    """The words of the draft mark: what it is and why it must not be published."""
    return f"草稿（尚有{errors}个错误未改正，不得作为正式报告发布）"


def add_page_furniture(doc, draft_errors: int | None) -> None:
    """Footers with outer page numbers on odd and even pages; a draft header on both when ``draft_errors``."""
    sec = doc.sections[0]
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, odd in ((sec.footer, True), (sec.even_page_footer, False)):
        footer.is_linked_to_previous = False
        _replace_paragraphs(footer._element, page_number_xml(odd))
    if draft_errors:
        for header in (sec.header, sec.even_page_header):
            header.is_linked_to_previous = False
            _replace_paragraphs(header._element, paragraph(HEADER, run(draft_mark(draft_errors))))
