"""Writing a roll-up: a normal xlsheet workbook of the summed figures, plus the 汇总情况 status sheet and marks on
the stock cells that were summed."""
from __future__ import annotations

import datetime as dt

from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill

from .fileio import atomic_write
from .rollup import STATUS, Rollup
from .spec import spec_for_year
from .workbook import names, styles
from .workbook.build import build_workbook

STATUS_SHEET = "汇总情况"
NOTE_AUTHOR = "xlsheet汇总"


def write_rollup(roll: Rollup, output, *, overwrite: bool = False, meta=None, narrative=None):
    wb = build_workbook(roll.year, roll.agency, variants=roll.variants, values=roll.values,
                        meta={"signoff_agency": roll.agency, **(meta or {})}, narrative=narrative)
    for key in roll.stock_keys:
        sheet, ref = wb.defined_names[names.input_name(key)].attr_text.split("!")
        ws = wb[sheet.strip("'")]
        cell = ref.replace("$", "")
        ws.conditional_formatting.add(cell, FormulaRule(formula=['"xlsheet"="xlsheet"'],
                                                        fill=PatternFill("solid", fgColor=styles.MARK_WARNING)))
        ws[cell].comment = Comment("存量数字：由各单位直接相加得到，跨层级可能重复计算，请核对后再使用。", NOTE_AUTHOR)
    ws = wb.create_sheet(STATUS_SHEET, 0)
    ws["A1"] = f"{roll.year}年度汇总情况（{roll.agency}）"
    ws["A1"].font = styles.TITLE
    counts = {s: sum(1 for u in roll.units if u["status"] == s) for s in STATUS}
    ws["A2"] = (f"共 {len(roll.units)} 个工作簿：通过 {counts['passed']}，有错误 {counts['errors']}，"
                f"无法读取 {counts['unreadable']}，年度或格式不符 {counts['mismatch']}；计入汇总 {len(roll.summed)} 个。"
                f"生成时间 {dt.datetime.now():%Y-%m-%d %H:%M}")
    ws["A2"].font = styles.STATUS
    headers = ["序号", "文件", "机关", "年度", "状态", "错误", "警告", "计入汇总", "原因 / 首要错误", "正文雷同"]
    widths = [6, 36, 30, 7, 14, 6, 6, 9, 90, 50]
    for i, (h, w) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row=4, column=i, value=h)
        c.font, c.fill, c.border = styles.HEADER, styles.HEADER_FILL, styles.BORDER
        ws.column_dimensions[c.column_letter].width = w
    summed = {id(u) for u in roll.summed}
    for n, u in enumerate(roll.units, start=1):
        row = [n, u["name"], u["agency"], u["year"], STATUS[u["status"]], u["errors"], u["warnings"],
               "是" if id(u) in summed else "否", u["reason"][:500], "；".join(u.get("copies", []))[:500]]
        for i, v in enumerate(row, start=1):
            c = ws.cell(row=4 + n, column=i, value=v)
            c.border, c.font, c.alignment = styles.BORDER, styles.LABEL, styles.LEFT
    if roll.stock_keys:
        r = 6 + len(roll.units)
        ws.cell(row=r, column=1, value="以下存量数字为简单相加，已在表中以黄色标出，请核对：").font = styles.HEADER
        spec_fields = spec_for_year(roll.year).fields
        for i, key in enumerate(roll.stock_keys, start=1):
            ws.cell(row=r + i, column=2, value=spec_fields[key].describe(roll.year))
    ws.freeze_panes = "A5"
    return atomic_write(output, wb.save, overwrite=overwrite)
