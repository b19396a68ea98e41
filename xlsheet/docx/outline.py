"""The report's content in reading order, independent of the output format: the DOCX and the HTML renderers both
walk this list, so headings, wording, order and placeholders cannot differ between them.

Contract of :func:`outline`: every text is final (clerk's text verbatim, defaults from ``templates/``, characters
XML cannot hold removed and counted), numbers come only from the Report, headings are literal ("一、", "（一）").
Section 六 prints the 信息处理费 statement first, then the rest.  A missing value is 【待填写：…】.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..report import Report
from .narrative import LAW_SHORT, chart_data, context, field_text, missing
from .text import clean

_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）[^。；]{1,30}$")

TITLE, H1, H2, PARA, TABLE, FIGURE, SIGNOFF = "title", "h1", "h2", "para", "table", "figure", "signoff"


@dataclass(frozen=True)
class Block:
    """One piece of the report: ``kind`` is one of TITLE, H1, H2, PARA, TABLE (``text`` = table key), FIGURE
    (``png`` and ``text`` = caption) or SIGNOFF (``indent`` = characters from the right edge)."""

    kind: str
    text: str = ""
    png: bytes | None = None
    indent: int = 0


@dataclass
class Outline:
    blocks: list[Block] = field(default_factory=list)
    removed_chars: int = 0

    def add(self, kind: str, text: str = "", **kw) -> None:
        text, n = clean(text)
        self.removed_chars += n
        self.blocks.append(Block(kind, text, **kw))

    def body(self, paragraphs: list[str]) -> None:
        for text in paragraphs:
            # A clerk's own sub-heading line ("（一）主动公开") is a heading of the second level.
            self.add(H2 if _SUBHEADING.match(text) else PARA, text)

    @property
    def has_chart(self) -> bool:
        return any(b.kind == FIGURE for b in self.blocks)


def title_lines(report: Report) -> list[str]:
    year = report.year if report.year is not None else missing("报告年度")
    return [report.agency or missing("机关名称（全称）"), f"{year}年{report.spec.title_suffix}"]


def outline(report: Report, *, chart: bool = True) -> Outline:
    out = Outline()
    ctx = context(report)
    for line in title_lines(report):
        out.add(TITLE, line)
    preamble, _ = field_text(report, "preamble", ctx)
    out.body(preamble)
    if any(LAW_SHORT in p and "简称" in p for p in preamble):
        ctx["law"] = LAW_SHORT  # introduced: later default wording uses the short name only
    for section in report.spec.sections:
        out.add(H1, section.heading)
        if section.key == "s1":
            _section_one(report, ctx, out)
        elif section.table:
            out.add(TABLE, section.table)
            if section.key == "s2" and chart:
                _chart(report, out)
        elif section.key == "s6":
            _section_six(report, ctx, out)
        else:
            out.body(field_text(report, section.key, ctx)[0])
    m = ctx["m"]
    out.add(SIGNOFF, m["signoff_agency"], indent=2)
    out.add(SIGNOFF, m["signoff_date"], indent=4)
    return out


def _section_one(report: Report, ctx: dict, out: Outline) -> None:
    subs = [f for f in report.spec.narrative if f.section == "s1" and f.heading]
    own_subs = any(report.text(f.key) for f in subs)
    intro, own_intro = field_text(report, "s1_intro", ctx)
    out.body(intro)
    if own_intro and not own_subs:
        return  # the clerk wrote section 一 as one piece
    for f in subs:
        out.add(H2, f.heading)
        out.body(field_text(report, f.key, ctx)[0])


def _section_six(report: Report, ctx: dict, out: Outline) -> None:
    """信息处理费 first (2021 format), then the other matters."""
    if any(f.key == "s6_fee" for f in report.spec.narrative):
        fee = report.text("s6_fee")
        if fee or "信息处理费" not in report.text("s6"):
            out.body(field_text(report, "s6_fee", ctx)[0])
            ctx = dict(ctx, after_fee=True)
    out.body(field_text(report, "s6", ctx)[0])


def _chart(report: Report, out: Outline) -> None:
    data = chart_data(report)
    if not data:
        return
    from .chart import bar_chart, caption

    png = bar_chart(data)
    if png:
        out.add(FIGURE, caption(report.year, data), png=png)
