"""Official tables as WordprocessingML, built straight from the layout spec (exact merges, no Word template).

Horizontal merges are ``w:gridSpan``; vertical merges are ``w:vMerge`` restart/continue cells, so a dump of the
table shows continuations as empty cells, exactly as in the published reports.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from ..report import Report
from ..spec import Table
from ..values import State, format_number
from . import fonts
from .text import clean

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TWIPS_PER_MM = 56.6929


def printed(report: Report, key: str) -> str:
    """A value as it is printed in the report: numbers as published (signed 本年增/减, 万元 unit where the
    format puts it in the cell and the amount is not zero), blank as blank, unparseable text as typed."""
    field = report.spec.fields[key]
    v = report.value(key)
    if v.state is State.BLANK:
        return ""
    if v.state is State.TEXT:
        return clean(str(v.raw).strip())[0]
    text = format_number(v.number, signed=field.kind == "delta")
    if field.cell.unit_in_cell and field.unit and v.number != 0:
        text += field.unit  # as published: "104.85万元", but a plain "0" (seeds 000/004 vs 001)
    return text


def _runs(text: str, size: float) -> str:
    name = fonts.TABLE[0]
    half_points = int(round(size * 2))
    rpr = f'<w:rPr>{fonts.rfonts_xml(name)}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""


def _paragraphs(text: str, align: str) -> str:
    ppr = f'<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/>' \
          f'<w:jc w:val="{align}"/></w:pPr>'
    lines = text.split("\n") if text else [""]
    return "".join(f"<w:p>{ppr}{_runs(line, fonts.TABLE[1])}</w:p>" for line in lines)


def _tc(width: int, span: int, vmerge: str | None, text: str, align: str = "center") -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    vm = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(vmerge or "", "")
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{vm}<w:vAlign w:val="center"/></w:tcPr>'
            f'{_paragraphs(text, align)}</w:tc>')


def table_xml(table: Table, report: Report) -> str:
    total = int(fonts.TEXT_WIDTH_MM * TWIPS_PER_MM)
    weights = table.widths
    cols = [int(total * w / sum(weights)) for w in weights]
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
             f'</w:tblPr><w:tblGrid>{"".join(f"<w:gridCol w:w={chr(34)}{c}{chr(34)}/>" for c in cols)}</w:tblGrid>']
    for row in table.rows_for(report.variants):
        header = "<w:tblHeader/>" if row.role == "header" and table.key == "t3" else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        if row.inline:
            label = row.cells[0].label(report.year)
            value = printed(report, row.cells[-1].key)
            parts.append(_tc(sum(cols), table.ncols, None, f"{label}：{value}", align="left"))
            parts.append("</w:tr>")
            continue
        starts = {c.col: c for c in row.cells}
        col = 0
        while col < table.ncols:
            cell = starts.get(col)
            if cell is None:  # covered by a vertical merge from above
                cell = table.covering(row.index, col)
                width = sum(cols[col: col + cell.colspan])
                parts.append(_tc(width, cell.colspan, "continue", ""))
                col += cell.colspan
                continue
            width = sum(cols[col: col + cell.colspan])
            text = printed(report, cell.key) if cell.is_input else cell.label(report.year)
            parts.append(_tc(width, cell.colspan, "restart" if cell.rowspan > 1 else None, text))
            col += cell.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
