"""What the workbook tells a clerk about itself: the colour legend (on every sheet) and the 填报说明 sheet.

Both take colours and words from :data:`xlsheet.workbook.styles.PALETTE`, so the legend, the live formatting and
the 校验 marks cannot disagree.  Whether buttons are promised depends on ``buttons`` (only ``--macros`` has them).
"""
from __future__ import annotations

from ..spec import Spec
from . import styles
from .layout import GUIDE_SHEET, META_SHEET, TEXT_SHEET

__all__ = ["GUIDE_SHEET", "add_guide_sheet", "legend"]  # GUIDE_SHEET: defined in layout with the other sheet names


def legend(ws, row: int, col: int, *, horizontal: bool, span: int = 1) -> None:
    """The palette as coloured cells, one per colour: in one row (table sheets) or one column (each entry
    merged over ``span`` columns so its sentence fits on one line)."""
    if horizontal:
        ws.row_dimensions[row].height = 30
    else:
        ws.cell(row=row, column=col, value="颜色说明").font = styles.HEADER
        row += 1
    for i, (key, _, name, short, meaning) in enumerate(styles.PALETTE):
        r, c = (row, col + i) if horizontal else (row + i, col)
        cell = ws.cell(row=r, column=c, value=short if horizontal else f"{name}：{meaning}")
        cell.fill, cell.font, cell.border = styles.fill(key), styles.LEGEND, styles.BORDER
        cell.alignment = styles.CENTER if horizontal else styles.LEFT
        if span > 1 and not horizontal:
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + span - 1)


def _steps(spec: Spec, buttons: bool) -> list[str]:
    tables = "、".join(t.sheet for t in spec.tables)
    check = ("点击各表右侧的“校验”按钮：问题单元格标红（警告为淡紫）并加批注，第一个工作表“校验结果”列出全部问题，"
             "可点击位置跳转。" if buttons else
             "校验：在命令行运行 xlsheet validate 本文件.xlsx --write，打开生成的“本文件_校验.xlsx”查看"
             "“校验结果”工作表和标出的单元格（本文件本身不会被改动）。")
    report = ("改正全部错误后点击“生成报告”，报告（.docx）生成在工作簿所在的文件夹；“清除标记”可去掉校验留下的颜色和批注。"
              if buttons else "生成报告：运行 xlsheet report 本文件.xlsx，报告（.docx）生成在本文件旁边。")
    return [
        f"1. 在“{META_SHEET}”填写机关名称、联系方式、成文日期等（D列即时提示缺项和日期问题）。",
        f"2. 在“{TEXT_SHEET}”填写正文各部分；留空的栏目使用默认表述，其中的数字自动取自各表。",
        f"3. 在{tables}的浅蓝色单元格填写数字。每张表第2行的状态随填随算，红色单元格表示勾稽关系不符。",
        "4. " + check,
        "5. " + report,
        f"   “{META_SHEET}”第2行说明目前能否生成报告（以“校验”的结果为准）。",
    ]


def add_guide_sheet(wb, spec: Spec, buttons: bool) -> None:
    """The 填报说明 sheet, placed after the table sheets."""
    after = max(wb.sheetnames.index(t.sheet) for t in spec.tables) + 1
    ws = wb[GUIDE_SHEET] if GUIDE_SHEET in wb.sheetnames else wb.create_sheet(GUIDE_SHEET, after)
    ws.column_dimensions["A"].width = 110
    lines: list[tuple[str, object]] = [("政府信息公开工作年度报告 · 填报说明", styles.TITLE), ("", None),
                                       ("填报步骤", styles.HEADER)]
    lines += [(s, styles.LABEL) for s in _steps(spec, buttons)]
    lines += [("", None), ("0 与空白", styles.HEADER),
              ("没有发生的事项请填 0。空白表示“未填”：状态行会提示，校验报错，相关勾稽关系无法核对，"
               "生成报告时也不会把空白当作 0。", styles.LABEL),
              ("", None), ("工作表保护", styles.HEADER),
              ("各表已设置无密码的工作表保护，只有浅蓝色单元格可以填写，以免误改表格格式。确需修改时：审阅 > 撤销工作表保护。"
               + ("“校验”按钮会临时撤销保护以标记单元格，完成后按原设置恢复。" if buttons else ""), styles.LABEL),
              ("", None), ("其他方式", styles.HEADER),
              ("命令行：xlsheet validate 本文件.xlsx（校验）、xlsheet report 本文件.xlsx（生成报告）；"
               "在 WPS、LibreOffice 中同样可以填报，表内的颜色和状态行照常工作。", styles.LABEL),
              ("", None)]
    for r, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1, value=text or None)
        if font is not None:
            cell.font, cell.alignment = font, styles.LEFT
        ws.row_dimensions[r].height = 16 * (1 + len(text) // 60) + 4  # wrapped lines must not overlap
    legend(ws, len(lines) + 1, 1, horizontal=False)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True  # read-only, like the labels of the tables
