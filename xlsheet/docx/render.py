"""Write the official report DOCX from the :mod:`.outline`: styles instead of direct formatting (so Word's
navigation pane shows the headings), GB/T 9704 page setup (:mod:`.page`), tables from the spec (:mod:`.tables`),
a clean package (:mod:`.package`).

Contract of :func:`render_docx`: numbers come only from the Report (so they equal the workbook's), the clerk's
text is inserted verbatim after removing characters XML cannot hold (their count is returned), headings are plain
text ("一、", "（一）") in heading styles, never Word list numbering.  With ``draft_errors`` (a forced report with
errors) every page carries a 草稿 mark naming the number of open errors.
"""
from __future__ import annotations

import io

from ..report import Report
from . import fonts, outline as ol, package, page, styles
from .oxml import paragraph, run
from .tables import table_xml

_STYLE = {ol.TITLE: styles.TITLE, ol.H1: styles.H1, ol.H2: styles.H2, ol.PARA: styles.NORMAL}


class _Writer:
    def __init__(self):
        import docx

        self.doc = docx.Document()
        package.start(self.doc)
        page.setup_section(self.doc)
        self.body = self.doc.element.body
        for p in list(self.body.iterchildren("{*}p")):  # the template's empty first paragraph
            self.body.remove(p)

    def xml(self, xml: str) -> None:
        from docx.oxml import parse_xml

        self.body.sectPr.addprevious(parse_xml(xml))

    def para(self, style: str, text: str = "", ppr: str = "") -> None:
        self.xml(paragraph(style, run(text), ppr))

    def picture(self, png: bytes) -> None:
        from docx.shared import Mm

        from .chart import WIDTH_MM

        self.doc.add_picture(io.BytesIO(png), width=Mm(WIDTH_MM))
        pic = self.body.sectPr.getprevious()
        self.body.remove(pic)
        ppr = pic.get_or_add_pPr()
        ppr.style = styles.FIGURE
        self.body.sectPr.addprevious(pic)


def render_docx(report: Report, path, *, chart: bool = True, draft_errors: int | None = None) -> dict:
    """Write the report to ``path``; returns {"removed_chars": n, "chart": bool}."""
    content = ol.outline(report, chart=chart)
    w = _Writer()
    blocks = content.blocks
    for i, block in enumerate(blocks):
        if block.kind == ol.TABLE:
            w.xml(table_xml(report.spec.table(block.text), report))
            w.para(styles.TABLE_TEXT)  # a small gap under the table
        elif block.kind == ol.FIGURE:
            w.picture(block.png)
            w.para(styles.CAPTION, block.text)
        elif block.kind == ol.SIGNOFF:
            if blocks[i - 1].kind != ol.SIGNOFF:  # two empty lines, kept with the signature (never alone on a page)
                w.para(styles.NORMAL, ppr="<w:keepNext/>")
                w.para(styles.NORMAL, ppr="<w:keepNext/>")
            chars = fonts.half_points(fonts.BODY[1]) * 10 * block.indent
            keep = "<w:keepNext/>" if i + 1 < len(blocks) and blocks[i + 1].kind == ol.SIGNOFF else ""
            w.para(styles.SIGNOFF, block.text, f'{keep}<w:ind w:right="{chars}"/>')
        else:
            last_words = block.kind == ol.PARA and i + 1 < len(blocks) and blocks[i + 1].kind == ol.SIGNOFF
            w.para(_STYLE[block.kind], block.text, "<w:keepNext/>" if last_words else "")
            if block.kind == ol.TITLE and blocks[i + 1].kind != ol.TITLE:
                w.para(styles.NORMAL)  # one empty line between title and text
    page.add_page_furniture(w.doc, draft_errors)
    title = "".join(b.text for b in blocks if b.kind == ol.TITLE)
    package.finish(w.doc, title=title, author=report.agency or title)
    w.doc.save(path)
    return {"removed_chars": content.removed_chars, "chart": content.has_chart}
