"""The report as one self-contained HTML page, for pasting into the portal's CMS.

Generated from the same :func:`~xlsheet.docx.outline.outline` and the same layout spec as the DOCX: the same title,
headings, wording and placeholders, and the three tables with ``rowspan``/``colspan`` exactly as the spec merges
them.  Contract: every text is escaped; styling is ``style`` attributes only (a CMS keeps those when the body is
pasted, and drops a ``<style>`` block), no script, no link, no external resource — the chart, if any, is an inline
``data:`` PNG.  Fonts name the official faces first and common fallbacks after them.
"""
from __future__ import annotations

import base64
from html import escape

from ..docx import fonts
from ..docx import outline as ol
from ..docx.page import draft_mark
from ..docx.tables import column_widths, label_alignments, printed
from ..report import Report
from ..spec import Table

_FALLBACK = {"仿宋_GB2312": "仿宋, FangSong, STFangsong, serif", "楷体_GB2312": "楷体, KaiTi, STKaiti, serif",
             "黑体": "SimHei, \"Microsoft YaHei\", sans-serif",
             "方正小标宋简体": "\"FZXiaoBiaoSong-B05S\", 宋体, SimSun, serif"}


def _family(name: str) -> str:
    return f"{name}, {_FALLBACK.get(name, 'serif')}"


def _font(font: tuple[str, float]) -> str:
    return f"font-family: {_family(font[0])}; font-size: {font[1]:g}pt;"


STYLE = {
    "article": f"max-width: 210mm; margin: 0 auto; padding: 2em 1.5em; color: #000; background: #fff; "
               f"line-height: 1.75; {_font(fonts.BODY)}",
    "draft": "border: 2px solid #c00000; color: #c00000; padding: 0.3em 0.6em; margin: 0 0 1em; text-align: center; "
             + _font(fonts.DRAFT),
    ol.TITLE: f"text-align: center; margin: 0 0 0.8em; font-weight: normal; line-height: 1.6; {_font(fonts.TITLE)}",
    ol.H1: f"margin: 0.6em 0 0; text-indent: 2em; font-weight: normal; {_font(fonts.H1)}",
    ol.H2: f"margin: 0.3em 0 0; text-indent: 2em; font-weight: normal; {_font(fonts.H2)}",
    ol.PARA: "margin: 0; text-indent: 2em; text-align: justify;",
    ol.SIGNOFF: "margin: 0; text-align: right;",
    "table": f"border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; line-height: 1.4; {_font(fonts.TABLE)}",
    "cell": "border: 1px solid #000; padding: 2px 4px; vertical-align: middle;",
    "figure": "margin: 0.5em 0; text-align: center;",
    "img": "max-width: 100%; height: auto;",
    "caption": f"margin: 0.2em 0 0.6em; text-align: center; {_font(fonts.CAPTION)}",
}
_TAG = {ol.TITLE: "h1", ol.H1: "h2", ol.H2: "h3", ol.PARA: "p", ol.SIGNOFF: "p"}


def _attr(value) -> str:
    return escape(str(value), quote=True)


def table_html(table: Table, report: Report) -> str:
    """One official table; merged cells carry rowspan/colspan, covered positions are simply absent."""
    cols = column_widths(table)
    aligns = label_alignments(table, cols, report.year)
    total = sum(cols)
    out = [f'<table style="{_attr(STYLE["table"])}">', "<colgroup>"]
    out += [f'<col style="width: {100 * c / total:.1f}%">' for c in cols]
    out.append("</colgroup>")
    for row in table.rows_for(report.variants):
        out.append("<tr>")
        header = row.role in ("heading", "header")
        if row.inline:
            text = f"{row.cells[0].label(report.year)}：{printed(report, row.cells[-1].key)}"
            out.append(f'<td colspan="{table.ncols}" style="{_attr(STYLE["cell"] + " text-align: left;")}">'
                       f"{escape(text)}</td>")
            out.append("</tr>")
            continue
        for cell in row.cells:
            text = printed(report, cell.key) if cell.is_input else cell.label(report.year)
            align = aligns.get((cell.row, cell.col), "center")
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + \
                   (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            tag = "th" if header and not cell.is_input else "td"
            style = STYLE["cell"] + f" text-align: {align};" + (" font-weight: normal;" if tag == "th" else "")
            out.append(f'<{tag}{span} style="{_attr(style)}">{escape(text)}</{tag}>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def render_html(report: Report, path=None, *, chart: bool = True, draft_errors: int | None = None) -> str:
    """The page as a string; written to ``path`` (UTF-8) when given."""
    content = ol.outline(report, chart=chart)
    title = "".join(b.text for b in content.blocks if b.kind == ol.TITLE)
    body = []
    if draft_errors:
        body.append(f'<p style="{_attr(STYLE["draft"])}">{escape(draft_mark(draft_errors))}</p>')
    titles = [b.text for b in content.blocks if b.kind == ol.TITLE]
    body.append(f'<h1 style="{_attr(STYLE[ol.TITLE])}">{"<br>".join(escape(t) for t in titles)}</h1>')
    for block in content.blocks:
        if block.kind == ol.TITLE:
            continue
        if block.kind == ol.TABLE:
            body.append(table_html(report.spec.table(block.text), report))
        elif block.kind == ol.FIGURE:
            data = base64.b64encode(block.png).decode("ascii")
            body.append(f'<figure style="{_attr(STYLE["figure"])}"><img style="{_attr(STYLE["img"])}" '
                        f'src="data:image/png;base64,{data}" alt="{_attr(block.text)}">'
                        f'<figcaption style="{_attr(STYLE["caption"])}">{escape(block.text)}</figcaption></figure>')
        else:
            style = STYLE[block.kind]
            if block.kind == ol.SIGNOFF:
                style += f" padding-right: {block.indent}em;"
            tag = _TAG[block.kind]
            body.append(f'<{tag} style="{_attr(style)}">{escape(block.text)}</{tag}>')
    page = ("<!DOCTYPE html>\n"
            f'<html lang="{fonts.LANGUAGE}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n</head>\n<body style=\"margin: 0; background: #fff;\">\n"
            f'<article style="{_attr(STYLE["article"])}">\n' + "\n".join(body) + "\n</article>\n</body>\n</html>\n")
    if path is not None:
        from pathlib import Path

        Path(path).write_text(page, encoding="utf-8")
    return page
