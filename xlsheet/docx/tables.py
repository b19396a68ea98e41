"""Official tables as WordprocessingML, built straight from the layout spec (exact merges, no Word template).

Horizontal merges are ``w:gridSpan``; vertical merges are ``w:vMerge`` restart/continue cells, so a dump of the
table shows continuations as empty cells, exactly as in the published reports.

Pagination: no row breaks across pages (``w:cantSplit``), and the paragraphs of block heading and column
header rows (第二十条第（X）项, 信息内容 …, the three header rows of 表三 and 表四) are ``keepNext``, so a block's
header always stands on the same page as its first data row; a short block's data rows are kept together too
(:func:`_kept_with_next`), and 表三's header rows repeat on each page it spans.  Widths come from the spec's ``print_widths`` (mm)
when given, else from its relative ``widths``; data labels that wrap are left-aligned with their whole column
(:func:`label_alignments`), the rest is centred.
"""
from __future__ import annotations

from ..report import Report
from ..spec import Table
from ..values import State, format_number
from . import fonts
from .oxml import W, paragraph, run
from .styles import TABLE_TEXT
from .text import clean

CELL_MARGIN_TW = 60  # left and right padding of every cell (about 1 mm)
CELL_MARGIN_V_TW = 20


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


def column_widths(table: Table) -> list[int]:
    """Column widths in twips, filling the type area."""
    total = fonts.TEXT_WIDTH_TW
    if table.print_widths:
        cols = [fonts.mm_to_twips(w) for w in table.print_widths]
        cols[-1] += total - sum(cols) if abs(total - sum(cols)) < 120 else 0
        return cols
    weights = table.widths
    return [int(total * w / sum(weights)) for w in weights]


def text_em(text: str) -> float:
    """Width of ``text`` in characters of its font: CJK and full-width forms 1, ASCII half."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1.0 for ch in text)


def _fits(text: str, width_tw: int) -> bool:
    return text_em(text) * fonts.TABLE[1] * 20 <= width_tw - 2 * CELL_MARGIN_TW


def label_alignments(table: Table, cols: list[int], year=None) -> dict[tuple[int, int], str]:
    """Alignment of the data-row labels by (row, col): "left" for a label that wraps, and for every one-column
    label in a column where one wraps (so a column of wrapped labels reads as a list); header labels and labels
    that fit are centred (absent from the result)."""
    cells = [c for r in table.rows if r.role == "data" for c in r.cells if not c.is_input]
    wraps = {(c.row, c.col) for c in cells if not _fits(c.label(year), sum(cols[c.col: c.col + c.colspan]))}
    wrapping_cols = {c.col for c in cells if (c.row, c.col) in wraps and c.colspan == 1}
    return {(c.row, c.col): "left" for c in cells
            if (c.row, c.col) in wraps or (c.colspan == 1 and c.col in wrapping_cols)}


def _tc(width: int, span: int, vmerge: str | None, text: str, *, keep: bool, align: str = "center") -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    vm = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(vmerge or "", "")
    ppr = ("<w:keepNext/>" if keep else "") + (f'<w:jc w:val="{align}"/>' if align != "center" else "")
    paras = "".join(paragraph(TABLE_TEXT, run(line), ppr, ns=False) for line in (text.split("\n") or [""]))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{vm}<w:vAlign w:val="center"/></w:tcPr>'
            f'{paras}</w:tc>')


#: A block with at most this many data rows is kept on one page with its heading (表二's blocks have one or two);
#: a longer one (表三's) may break between data rows, under its repeated header rows.
KEPT_DATA_ROWS = 4


def _kept_with_next(rows) -> list[bool]:
    """For each row, whether its paragraphs are ``keepNext``: heading and header rows always (they stand with the
    first data row), and every data row but the last of a short block, so that 表二 never breaks between 规章 and
    行政规范性文件 leaving a block's rows without their heading (a longer block breaks where Word or LibreOffice
    needs; a break may still fall between two blocks, each of which carries its own heading)."""
    keep = [r.role in ("heading", "header") for r in rows]
    i = 0
    while i < len(rows):
        if rows[i].role != "data":
            i += 1
            continue
        end = i
        while end + 1 < len(rows) and rows[end + 1].role == "data":
            end += 1
        if end - i + 1 <= KEPT_DATA_ROWS:
            for j in range(i, end):
                keep[j] = True
        i = end + 1
    return keep


def table_xml(table: Table, report: Report) -> str:
    cols = column_widths(table)
    aligns = label_alignments(table, cols, report.year)
    border = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                     for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    margins = (f'<w:top w:w="{CELL_MARGIN_V_TW}" w:type="dxa"/><w:left w:w="{CELL_MARGIN_TW}" w:type="dxa"/>'
               f'<w:bottom w:w="{CELL_MARGIN_V_TW}" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TW}" w:type="dxa"/>')
    grid = "".join(f'<w:gridCol w:w="{c}"/>' for c in cols)
    parts = [f'<w:tbl {W}><w:tblPr><w:tblW w:w="{sum(cols)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{border}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             f'<w:tblCellMar>{margins}</w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    rows = table.rows_for(report.variants)
    kept = _kept_with_next(rows)
    for row, keep in zip(rows, kept):
        header = "<w:tblHeader/>" if row.role == "header" and table.key == "t3" else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        if row.inline:
            label = row.cells[0].label(report.year)
            value = printed(report, row.cells[-1].key)
            parts.append(_tc(sum(cols), table.ncols, None, f"{label}：{value}", keep=False, align="left"))
            parts.append("</w:tr>")
            continue
        starts = {c.col: c for c in row.cells}
        col = 0
        while col < table.ncols:
            cell = starts.get(col)
            if cell is None:  # covered by a vertical merge from above
                cell = table.covering(row.index, col)
                width = sum(cols[col: col + cell.colspan])
                parts.append(_tc(width, cell.colspan, "continue", "", keep=keep))
                col += cell.colspan
                continue
            width = sum(cols[col: col + cell.colspan])
            text = printed(report, cell.key) if cell.is_input else cell.label(report.year)
            parts.append(_tc(width, cell.colspan, "restart" if cell.rowspan > 1 else None, text, keep=keep,
                             align=aligns.get((cell.row, cell.col), "center")))
            col += cell.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
