"""Build a workbook a clerk recognises: 基本信息, 正文, 表二, 表三, 表四, laid out like the official tables.

Contract: labels and merges come from the spec; every input cell is unlocked, styled, validated and named
(:mod:`xlsheet.workbook.names`); everything else is protected (no password: the guard is against accidents).
Optional ``meta`` / ``narrative`` / ``values`` prefill the workbook; values are written exactly as given
(a string stays a string), so a re-entered report keeps what was published.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Mapping

from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from ..spec import Spec, Table, spec_for_year
from ..textsafe import set_cell, write_text_cell
from . import names, styles
from .layout import (GRID_TOP, HINT_ROW, META_SHEET, META_TOP, STATUS_ROW, TEXT_SHEET, TEXT_TOP, TITLE_ROW,
                     cell_ref, document_title, sheet_ref)
from .guide import add_guide_sheet, legend
from .live import META_CHECK_COL, add_live_checks

UNLOCKED = Protection(locked=False)

_DV = {
    "count": dict(type="whole", operator="greaterThanOrEqual", formula1="0",
                  error="请填写不小于 0 的整数（没有发生的填 0）。", prompt="整数，没有的填 0"),
    "delta": dict(type="whole", operator="between", formula1="-999999999", formula2="999999999",
                  error="请填写整数，增加填正数，减少填负数（如 +2、-5），没有变化填 0。", prompt="整数，可为负数"),
    "amount": dict(type="decimal", operator="greaterThanOrEqual", formula1="0",
                   error="请填写以万元为单位的金额，不小于 0，可有小数（如 104.85）。", prompt="单位：万元"),
}


def _fit_page(ws, landscape: bool) -> None:
    """Print one page wide, as clerks print the sheets for internal sign-off."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _freeze_and_titles(ws, table: Table, variants) -> None:
    """Freeze the heading rows and label columns (表三 has 40+ rows) and repeat them on every printed page."""
    rows = table.rows_for(variants)
    first = next(r for r in rows if r.role == "data")
    first_input = min(c.col for c in first.cells if c.is_input)
    top = GRID_TOP + first.index
    ws.freeze_panes = ws.cell(row=top, column=1 + first_input).coordinate
    ws.print_title_rows = f"{TITLE_ROW}:{top - 1}"
    if first_input:
        ws.print_title_cols = f"A:{ws.cell(row=1, column=first_input).column_letter}"
    data = [r for r in rows if r.role == "data"]
    if len(data) > 20:  # 表三: break at the group start nearest the middle, not inside a group
        starts = [r.index for r in data if any(c.rowspan > 1 and c.col > 0 and not c.is_input for c in r.cells)]
        middle = (data[0].index + data[-1].index) / 2
        ws.row_breaks.append(Break(id=GRID_TOP + min(starts, key=lambda i: abs(i - middle)) - 1))


def _protect(ws) -> None:
    ws.protection.sheet = True
    # Let clerks resize rows and columns: only content is guarded.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _name(wb, name: str, sheet: str, row: int, col: int) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(sheet, row, col))


def _row_height(table: Table, row) -> float:
    lines = 1
    for cell in row.cells:
        if cell.text and cell.rowspan == 1:
            width = sum(table.widths[cell.col: cell.col + cell.colspan])
            lines = max(lines, math.ceil(len(cell.text) * 2.1 / max(width, 1)))
    return 16 * lines + 4


def _sheet(wb, title: str):
    """The sheet ``title``: created, or taken over from a pre-made base workbook (the .xlsm with buttons)."""
    return wb[title] if title in wb.sheetnames else wb.create_sheet(title)


def _table_sheet(wb, spec: Spec, table: Table, year: int, variants, values, labels) -> None:
    ws = _sheet(wb, table.sheet)
    for i, w in enumerate(table.widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = w
    ws.cell(row=TITLE_ROW, column=1, value=table.title).font = styles.TITLE
    ws.cell(row=HINT_ROW, column=1, value="在浅蓝色单元格填写数字，没有发生的填 0，不要留空。各颜色的含义见下一行，"
                                          "详见“填报说明”。").font = styles.HINT
    legend(ws, HINT_ROW + 1, 1, horizontal=True)
    validations: dict[str, DataValidation] = {}
    for row in table.rows_for(variants):
        sheet_row = GRID_TOP + row.index
        ws.row_dimensions[sheet_row].height = _row_height(table, row)
        for cell in row.cells:
            r, c = cell_ref(cell)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1,
                               end_column=c + cell.colspan - 1)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(row=r + dr, column=c + dc).border = styles.BORDER
            target = ws.cell(row=r, column=c)
            if cell.is_input:
                raw = values.get(cell.key)
                if raw is not None:
                    set_cell(target, raw)  # clerk/published text: never a formula, never an illegal character
                target.protection = UNLOCKED
                target.fill = styles.INPUT_FILL
                target.font = styles.INPUT
                target.alignment = styles.CENTER
                target.number_format = styles.NUMBER_FORMATS[cell.kind]
                dv = validations.get(cell.kind)
                if dv is None:
                    opts = dict(_DV[cell.kind])
                    dv = DataValidation(allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                        errorTitle="输入有误", promptTitle="填报说明", **opts)
                    validations[cell.kind] = dv
                    ws.add_data_validation(dv)
                dv.add(target.coordinate)
                _name(wb, names.input_name(cell.key), table.sheet, r, c)
            else:
                set_cell(target, labels.get((table.key, cell.row, cell.col), cell.label(year)))
                target.font = styles.HEADER if row.role in ("heading", "header") else styles.LABEL
                target.alignment = styles.LEFT if (row.inline or row.role == "heading") else styles.CENTER
                if row.role in ("heading", "header"):
                    target.fill = styles.HEADER_FILL
    _name(wb, names.anchor_name(table.key), table.sheet, GRID_TOP, 1)
    _fit_page(ws, landscape=table.ncols > 4)
    _freeze_and_titles(ws, table, variants)
    _protect(ws)


def _meta_sheet(wb, spec: Spec, meta: Mapping, buttons: bool) -> None:
    if META_SHEET in wb.sheetnames:
        ws = wb[META_SHEET]
    else:
        ws = wb.active
        ws.title = META_SHEET
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 60
    ws.cell(row=TITLE_ROW, column=1, value="政府信息公开工作年度报告 · 基本信息").font = styles.TITLE
    ws.cell(row=STATUS_ROW, column=1, value="报告格式").font = styles.HEADER
    ws.cell(row=STATUS_ROW, column=2, value=f"{spec.name}，适用于{spec.years_label}").font = styles.LABEL
    step = ("填好各表后点击右侧的“校验”按钮，改正后点击“生成报告”。" if buttons else
            "填好各表后用“xlsheet validate 本文件”校验、“xlsheet report 本文件”生成报告（见“填报说明”）。")
    ws.cell(row=HINT_ROW, column=1, value="浅蓝色单元格为填报项，D列随填随查。" + step).font = styles.HINT
    r = META_TOP
    for field in spec.meta:
        label = ws.cell(row=r, column=1, value=field.label + ("（必填）" if field.required else ""))
        label.font, label.alignment, label.border = styles.LABEL, styles.LEFT, styles.BORDER
        cell = write_text_cell(ws, r, 2, meta.get(field.key))
        cell.protection, cell.fill, cell.font, cell.border = UNLOCKED, styles.INPUT_FILL, styles.INPUT, styles.BORDER
        cell.alignment = styles.LEFT
        if field.kind == "date":
            cell.number_format = "yyyy\"年\"m\"月\"d\"日\""
        elif field.kind in ("postcode", "phone"):
            cell.number_format = "@"  # keep leading zeros of 邮编 and area codes
        if field.hint:
            ws.cell(row=r, column=3, value=field.hint).font = styles.HINT
        _name(wb, names.meta_name(field.key), META_SHEET, r, 2)
        r += 1
    r += 1
    ws.cell(row=r, column=1, value="校验状态（随填随算）").font = styles.HEADER
    for table in spec.tables:
        ws.cell(row=r + 1, column=1, value=table.sheet).font = styles.LABEL
        ws.cell(row=r + 1, column=2, value=f"={sheet_ref(table.sheet, STATUS_ROW, 1)}").font = styles.STATUS
        r += 1
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions[ws.cell(row=1, column=META_CHECK_COL).column_letter].width = 30
    legend(ws, r + 2, 1, horizontal=False, span=2)
    ws.freeze_panes = f"A{META_TOP}"
    _fit_page(ws, landscape=True)
    _protect(ws)


def _text_sheet(wb, spec: Spec, narrative: Mapping) -> None:
    ws = _sheet(wb, TEXT_SHEET)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    ws.cell(row=TITLE_ROW, column=1, value="正文").font = styles.TITLE
    ws.cell(row=HINT_ROW, column=1, value="每栏可写多段（单元格内按 Alt+Enter 换行）。留空的栏目在生成报告时使用默认表述，"
                                          "其中的数字取自各表；C列随填随查。").font = styles.HINT
    r = TEXT_TOP
    for field in spec.narrative:
        label = ws.cell(row=r, column=1, value=field.label)
        label.font, label.alignment, label.border = styles.HEADER, styles.TOP_LEFT, styles.BORDER
        cell = write_text_cell(ws, r, 2, narrative.get(field.key))
        cell.protection, cell.fill, cell.font, cell.border = UNLOCKED, styles.INPUT_FILL, styles.INPUT, styles.BORDER
        cell.alignment = styles.TOP_LEFT
        ws.row_dimensions[r].height = 40 if field.key == "s6_fee" else 120
        _name(wb, names.text_name(field.key), TEXT_SHEET, r, 2)
        r += 1
    legend(ws, r + 1, 1, horizontal=False, span=2)
    ws.freeze_panes = f"A{TEXT_TOP}"
    ws.print_title_rows = f"{TITLE_ROW}:{HINT_ROW}"
    _fit_page(ws, landscape=False)
    _protect(ws)


def default_meta(year: int, agency: str) -> dict:
    return {"agency": agency, "year": year, "period_start": dt.date(year, 1, 1),
            "period_end": dt.date(year, 12, 31), "signoff_agency": agency}


def build_workbook(year: int, agency: str, *, variants=(), spec: Spec | None = None, meta: Mapping | None = None,
                   narrative: Mapping | None = None, values: Mapping | None = None,
                   labels: Mapping | None = None, base: Workbook | None = None, buttons: bool = False) -> Workbook:
    """An in-memory template (optionally prefilled) for reporting ``year``; the format follows the year
    unless ``spec`` is given (used to re-enter a report published in a format that did not match its year).
    ``base``: a workbook whose sheets (same names, e.g. with buttons and a VBA project) are filled in;
    ``buttons``: the workbook has the 校验 / 生成报告 buttons (the hints then say so, and only then)."""
    spec = spec or spec_for_year(year)
    variants = frozenset(variants)
    unknown = variants - {v.key for v in spec.variants}
    if unknown:
        raise ValueError(f"未知的地方变体：{', '.join(sorted(unknown))}")
    wb = base if base is not None else Workbook()
    merged_meta = default_meta(year, agency)
    merged_meta.update({k: v for k, v in (meta or {}).items()})
    _meta_sheet(wb, spec, merged_meta, buttons)
    _text_sheet(wb, spec, narrative or {})
    for table in spec.tables:
        _table_sheet(wb, spec, table, year, variants, values or {}, labels or {})
    add_live_checks(wb, spec, variants)
    add_guide_sheet(wb, spec, buttons)
    for name, value in ((names.FORMAT, spec.format), (names.REVISION, str(spec.revision)),
                        (names.VARIANTS, ",".join(sorted(variants)))):
        wb.defined_names[name] = DefinedName(name, attr_text=f'"{value}"')
    wb.properties.title = document_title(spec, agency, year)
    wb.properties.creator = "xlsheet"
    return wb
