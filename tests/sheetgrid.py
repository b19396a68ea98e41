"""Read an official table back from a worksheet in the seed dump shape, using only the sheet's own cells and
merged ranges (nothing from the spec), so the template is checked against the published layout."""
from __future__ import annotations


def table_rows(ws, top: int, ncols: int, nrows: int) -> list[list[str]]:
    merged = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = rng
    rows = []
    for r in range(top, top + nrows):
        out = []
        for c in range(1, ncols + 1):
            rng = merged.get((r, c))
            if rng is None or (rng.min_row == r and rng.min_col == c):
                v = ws.cell(row=r, column=c).value
                out.append("" if v is None else str(v))
            elif rng.min_row != r and rng.min_col == c:
                out.append("")  # continuation of a vertical merge
        rows.append(out)
    return rows


def grid_size(ws, top: int) -> tuple[int, int]:
    """(columns, rows) of the bordered table starting at ``top``: cells with a left border, visible columns."""
    ncols = nrows = 0
    for row in ws.iter_rows(min_row=top):
        for cell in row:
            from openpyxl.utils import get_column_letter

            letter = get_column_letter(cell.column)
            if cell.border.left.style and not ws.column_dimensions[letter].hidden:
                ncols = max(ncols, cell.column)
                nrows = max(nrows, cell.row - top + 1)
    return ncols, nrows
