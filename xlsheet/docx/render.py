"""Assemble the official report DOCX: title, preamble, sections 一–六 with literal headings, tables 二/三/四 exactly
as in the spec, optional chart, right-aligned sign-off; GB/T 9704 page setup and fonts (see ``fonts``).

Contract of :func:`render_docx`: numbers come only from the Report (so they equal the workbook's), the clerk's
text is inserted verbatim after removing characters XML cannot hold (their count is returned), headings are plain
text ("一、", "（一）"), never Word list numbering.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from ..report import Report
from . import fonts
from .narrative import chart_data, context, field_text
from .tables import table_xml
from .text import clean

_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。；]{1,30}$")


class _Writer:
    def __init__(self, report: Report):
        import docx
        from docx.shared import Mm

        self.report = report
        self.doc = docx.Document()
        self.removed = 0
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin = Mm(fonts.MARGINS_MM["top"]), Mm(fonts.MARGINS_MM["bottom"])
        sec.left_margin, sec.right_margin = Mm(fonts.MARGINS_MM["left"]), Mm(fonts.MARGINS_MM["right"])
        normal = self.doc.styles["Normal"]
        normal.font.name = fonts.BODY[0]
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", fonts.BODY[0])
        self._footer(sec)

    def _footer(self, sec) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import parse_xml

        p = sec.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        name, size = fonts.PAGE_NUMBER
        rpr = f'<w:rPr>{fonts.rfonts_xml(name)}<w:sz w:val="{size * 2}"/></w:rPr>'
        ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        p._p.append(parse_xml(f'<w:r {ns}>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'))
        p._p.append(parse_xml(f'<w:fldSimple {ns} w:instr="PAGE"><w:r>{rpr}<w:t>1</w:t></w:r></w:fldSimple>'))
        p._p.append(parse_xml(f'<w:r {ns}>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>'))

    def para(self, text: str, font=fonts.BODY, *, align=None, indent_chars: float = 2, right_chars: float = 0,
             line_pt: float = fonts.LINE_PITCH_PT, bold: bool = False):
        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Pt

        text, removed = clean(text)
        self.removed += removed
        p = self.doc.add_paragraph()
        pf = p.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line_pt)
        if indent_chars:
            pf.first_line_indent = Pt(font[1] * indent_chars)
        if right_chars:
            pf.right_indent = Pt(font[1] * right_chars)
        if align is not None:
            p.alignment = align
        if text:
            fonts.set_run_font(p.add_run(text), font[0], font[1], bold=bold)
        return p

    def body(self, paragraphs: list[str]) -> None:
        for text in paragraphs:
            # A clerk's own sub-heading line ("（一）主动公开") keeps heading typography.
            self.para(text, fonts.H2 if _SUBHEADING.match(text) else fonts.BODY)

    def table(self, key: str) -> None:
        from docx.oxml import parse_xml

        spec_table = self.report.spec.table(key)
        self.doc.element.body.sectPr.addprevious(parse_xml(table_xml(spec_table, self.report)))
        self.para("", indent_chars=0, line_pt=12)

    def picture(self, png: bytes) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        self.doc.add_picture(io.BytesIO(png), width=Mm(140))
        last = self.doc.paragraphs[-1]
        last.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _title_lines(report: Report) -> list[str]:
    return [report.agency, f"{report.year}年{report.spec.title_suffix}"]


def render_docx(report: Report, path, *, chart: bool = True) -> dict:
    """Write the report to ``path``; returns {"removed_chars": n, "chart": bool}."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    w = _Writer(report)
    ctx = context(report)
    for line in _title_lines(report):
        w.para(line, fonts.TITLE, align=WD_ALIGN_PARAGRAPH.CENTER, indent_chars=0, line_pt=36)
    w.para("", indent_chars=0)
    w.body(field_text(report, "preamble", ctx)[0])
    chart_png = None
    for section in report.spec.sections:
        w.para(section.heading, fonts.H1)
        if section.key == "s1":
            subs = [f for f in report.spec.narrative if f.section == "s1" and f.heading]
            own_subs = any(report.text(f.key) for f in subs)
            intro, own_intro = field_text(report, "s1_intro", ctx)
            w.body(intro)
            if own_intro and not own_subs:
                continue  # the clerk wrote section 一 as one piece
            for f in subs:
                w.para(f.heading, fonts.H2)
                w.body(field_text(report, f.key, ctx)[0])
        elif section.table:
            w.table(section.table)
            if section.key == "s2" and chart:
                data = chart_data(report)
                if data:
                    from .chart import bar_chart

                    chart_png = bar_chart(data, f"{report.year}年主动公开政府信息分类统计（共{sum(n for _, n in data)}条）")
                    if chart_png:
                        w.picture(chart_png)
        elif section.key == "s5":
            w.body(field_text(report, "s5", ctx)[0])
        elif section.key == "s6":
            w.body(field_text(report, "s6", ctx)[0])
            if any(f.key == "s6_fee" for f in report.spec.narrative):
                own = report.text("s6")
                fee = report.text("s6_fee")
                if fee or "信息处理费" not in own:
                    w.body(field_text(report, "s6_fee", ctx)[0])
    signoff_agency = report.meta.get("signoff_agency")
    signoff_date = ctx["m"]["signoff_date"]
    if signoff_agency or signoff_date:
        w.para("", indent_chars=0)
        w.para("", indent_chars=0)
        if signoff_agency:
            w.para(str(signoff_agency), align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0, right_chars=2)
        if signoff_date:
            w.para(signoff_date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_chars=0, right_chars=4)
    core = w.doc.core_properties
    # core properties hold at most 255 characters (python-docx raises beyond): cut there, never fail
    core.title = clean(f"{report.agency}{report.year}年{report.spec.title_suffix}")[0][:255]
    core.author = clean(report.agency)[0][:255]
    w.doc.save(path)
    return {"removed_chars": w.removed, "chart": chart_png is not None}
