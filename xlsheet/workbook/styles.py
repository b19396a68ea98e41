"""Cell styles of the workbook template, and its one colour palette (marks, live formatting, legend and the
填报说明 sheet all take their colours and words from :data:`PALETTE`)."""
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

BASE_FONT = "宋体"
thin = Side(style="thin", color="808080")
BORDER = Border(left=thin, right=thin, top=thin, bottom=thin)
TITLE = Font(name="黑体", size=14, bold=True)
LABEL = Font(name=BASE_FONT, size=10)
HEADER = Font(name=BASE_FONT, size=10, bold=True)
INPUT = Font(name=BASE_FONT, size=11, color="1F3864")
HINT = Font(name=BASE_FONT, size=9, italic=True, color="595959")
STATUS = Font(name=BASE_FONT, size=11, bold=True)
LEGEND = Font(name=BASE_FONT, size=9)

#: (key, RRGGBB, colour name, short label, meaning) — the only colours the workbook uses to speak to the clerk.
PALETTE = [
    ("input", "DDEBF7", "浅蓝", "填报项", "填报项：在这里填写"),
    ("blank", "FFF2CC", "浅黄", "未填", "尚未填写：请填数字，没有发生的填 0"),
    ("text", "F8CBAD", "橙色", "填了文字", "数字栏里填了文字，请改为数字"),
    ("error", "FF9999", "红色", "错误", "错误：勾稽关系不符（标出总计和出错的交叉格），或“校验”发现的错误"),
    ("warning", "D9D2E9", "淡紫", "警告", "警告：“校验”提示请核实"),
]
COLOUR = {key: rgb for key, rgb, *_ in PALETTE}


def fill(key: str) -> PatternFill:
    return PatternFill("solid", fgColor=COLOUR[key])


INPUT_FILL = fill("input")  # the clerk types here
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FILL = fill("error")  # live check: equation broken
BLANK_FILL = fill("blank")  # live check: blank, must be filled (0 allowed)
TEXT_FILL = fill("text")  # live check: text in a number cell
MARK_ERROR = COLOUR["error"]  # 校验 marks use the same colours as the live formatting
MARK_WARNING = COLOUR["warning"]
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
NUMBER_FORMATS = {"count": "General", "delta": "+General;-General;0", "amount": "General"}


def list_sheet(wb, name: str, title: str, status: str, headers, widths, *, header_row: int = 4):
    """Create sheet ``name`` as the first tab in the look of xlsheet's list sheets (校验结果, 汇总情况): bold title
    in A1, status line in A2, a grey bordered header row, column widths.  ``title``/``status`` are xlsheet's own
    words (the caller cleans any user text in them).  Returns the sheet."""
    ws = wb.create_sheet(name, 0)
    ws["A1"], ws["A2"] = title, status
    ws["A1"].font, ws["A2"].font = TITLE, STATUS
    for i, (h, w) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row=header_row, column=i, value=h)
        c.font, c.fill, c.border = HEADER, HEADER_FILL, BORDER
        ws.column_dimensions[c.column_letter].width = w
    return ws
