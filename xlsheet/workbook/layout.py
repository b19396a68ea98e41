"""Where each spec cell sits on its worksheet (1-based rows/columns), shared by the builder and the reader.

Sheet layout of a table sheet: row 1 title, row 2 live status line, row 3 filling hint, the official grid from
row ``GRID_TOP`` in column A.  Live check cells sit in hidden columns right of the grid.
"""
from __future__ import annotations

from ..report import column_letter
from ..spec import Cell, Spec, Table
from ..textsafe import clean_text

TITLE_ROW = 1
STATUS_ROW = 2
HINT_ROW = 3
GRID_TOP = 5
META_TOP = 4  # first field row on 基本信息
TEXT_TOP = 4  # first field row on 正文
META_SHEET = "基本信息"
TEXT_SHEET = "正文"
RESULT_SHEET = "校验结果"
GUIDE_SHEET = "填报说明"


def data_sheets(spec: Spec) -> list[str]:
    """The sheets of a workbook of ``spec`` that hold its data, in their order: 基本信息, 正文, then the tables."""
    return [META_SHEET, TEXT_SHEET] + [t.sheet for t in spec.tables]


def document_title(spec: Spec, agency: str, year: int) -> str:
    """The workbook's title in its document properties: agency, year and the format's report title, cleaned, at
    most 255 characters (Excel's limit)."""
    return clean_text(f"{agency}{year}年{spec.title_suffix}")[:255]


def cell_ref(cell: Cell) -> tuple[int, int]:
    """(row, column), 1-based, of a grid cell's top-left corner."""
    return GRID_TOP + cell.row, 1 + cell.col


def coord(row: int, col: int, absolute: bool = False) -> str:
    letter = column_letter(col)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


def sheet_ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference with a quoted sheet name, as used in defined names and formulas."""
    quoted = sheet.replace("'", "''")
    return f"'{quoted}'!{coord(row, col, absolute=True)}"


def check_column(table: Table) -> int:
    """First (hidden) column of live check cells: two columns right of the grid."""
    return table.ncols + 3
