"""Findings written into a workbook: a 校验结果 sheet (hyperlinks to the cells) and marks on offending cells.

Marks are conditional-formatting rules whose formula is the constant ``"xlsheet"="xlsheet"`` plus notes authored
"xlsheet校验"; both are recognised and removed before new ones are written, so repeated runs never pile up, and
the clerk's own values, fills, fonts, formats and notes are never modified.
"""
from __future__ import annotations

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..textsafe import clean_text, write_text_cell
from ..workbook import styles
from ..workbook.layout import RESULT_SHEET
from .findings import SEVERITY_LABEL, Result, verdict
from .result_table import LINK_COLUMN, RESULT_HEADERS, RESULT_WIDTHS, result_entries

MARK_FORMULA = '"xlsheet"="xlsheet"'
NOTE_AUTHOR = "xlsheet校验"


def _is_mark(rule) -> bool:
    return list(getattr(rule, "formula", None) or []) == [MARK_FORMULA]


def clear_marks(wb) -> int:
    """Remove xlsheet's marks, notes and result sheet from ``wb``; returns how many marks were removed."""
    removed = 0
    for ws in wb.worksheets:
        cf = ws.conditional_formatting
        for rng in list(cf._cf_rules):
            rules = cf._cf_rules[rng]
            keep = [rule for rule in rules if not _is_mark(rule)]
            removed += len(rules) - len(keep)
            if keep:
                cf._cf_rules[rng] = keep
            else:
                del cf._cf_rules[rng]
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None and cell.comment.author == NOTE_AUTHOR:
                    cell.comment = None
    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    return removed


def mark_cells(wb, result: Result) -> int:
    """Mark every cell involved in a finding; one note per cell listing its messages."""
    notes: dict[tuple[str, str], list[str]] = {}
    severity: dict[tuple[str, str], str] = {}
    for f in result.findings:
        for loc in f.cells:
            if loc.sheet not in wb.sheetnames:
                continue
            k = (loc.sheet, loc.cell)
            notes.setdefault(k, []).append(f"[{SEVERITY_LABEL[f.severity]}] {f.message}")
            if severity.get(k) != "error":
                severity[k] = f.severity
    for (sheet, cell), messages in notes.items():
        ws = wb[sheet]
        colour = styles.MARK_ERROR if severity[(sheet, cell)] == "error" else styles.MARK_WARNING
        ws.conditional_formatting.add(cell, FormulaRule(formula=[MARK_FORMULA], stopIfTrue=False,
                                                        fill=PatternFill("solid", fgColor=colour)))
        target = ws[cell]
        if target.comment is None:  # never replace a clerk's own note
            target.comment = Comment(clean_text("\n".join(messages))[:2000], NOTE_AUTHOR, width=320, height=160)
    return len(notes)


def write_result_sheet(wb, result: Result) -> None:
    """The 校验结果 sheet (first tab): see :mod:`.result_table` for the rows; prints on A4 landscape width."""
    order = list(wb.sheetnames)
    ws = styles.list_sheet(wb, RESULT_SHEET, "校验结果", verdict(result), RESULT_HEADERS, RESULT_WIDTHS)
    ws.sheet_properties.tabColor = "C00000" if result.errors else "00B050"
    for r, entry in enumerate(result_entries(result, order), start=5):
        for i, v in enumerate(entry.row(), start=1):
            c = write_text_cell(ws, r, i, v)  # findings quote the clerk's text: never a formula or illegal char
            c.border, c.alignment = styles.BORDER, styles.LEFT
            c.font = styles.LABEL
        # wrapped 说明 must not overlap the next row: about two columns of width per Chinese character
        ws.row_dimensions[r].height = 14 * max(1, -(-len(entry.message) * 2 // RESULT_WIDTHS[3])) + 4
        if entry.severity == "error":
            ws.cell(row=r, column=2).font = Font(name=styles.BASE_FONT, size=10, bold=True, color="C00000")
        if entry.location is not None:
            link = ws.cell(row=r, column=LINK_COLUMN)
            target = f"'{entry.location.sheet}'!{entry.location.cell}"
            link.hyperlink = Hyperlink(ref=link.coordinate, location=target, display=entry.address)
            link.font = Font(name=styles.BASE_FONT, size=10, color="0563C1", underline="single")
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
