"""Cell styles of the workbook template (one place, so marks and the template agree on colours)."""
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
INPUT_FILL = PatternFill("solid", fgColor="DDEBF7")  # light blue: the clerk types here
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
ERROR_FILL = PatternFill("solid", fgColor="FF9999")  # live check: equation broken
BLANK_FILL = PatternFill("solid", fgColor="FFE699")  # live check: blank, must be filled (0 allowed)
TEXT_FILL = PatternFill("solid", fgColor="F4B183")  # live check: text in a number cell
MARK_ERROR = "FFC7CE"  # validate --write marks (kept distinct so they can be cleared without touching others)
MARK_WARNING = "FFEB9C"
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
NUMBER_FORMATS = {"count": "General", "delta": "+General;-General;0", "amount": "General"}
