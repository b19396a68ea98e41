"""Live checks inside the workbook: native formulas and conditional formatting generated from the catalogue.

For each :class:`~xlsheet.validation.arith.SumCheck` a hidden helper cell holds
``=IF(COUNT(terms)<n,"",IF(left=right,0,1))``: "" when not assessable (a blank is missing, never 0), 0 when the
equation holds, 1 when broken.  The involved cells turn red through conditional formatting, and a status line on
each table sheet counts broken checks and blanks.  Excel, WPS and LibreOffice all evaluate these natively.
"""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.workbook.defined_name import DefinedName

from ..spec import Spec, Table
from ..validation.arith import sum_checks
from . import names, styles
from .layout import STATUS_ROW, GRID_TOP, cell_ref, check_column, coord, sheet_ref


def _ref(spec: Spec, key: str) -> str:
    return coord(*cell_ref(spec.fields[key].cell))


def _input_ranges(table: Table, variants) -> list[str]:
    """Input cells of a table as ranges, one contiguous run per row where possible (keeps formulas short)."""
    out = []
    for row in table.data_rows(variants):
        inputs = [c for c in row.cells if c.is_input]
        single = all(c.colspan == 1 for c in inputs)
        contiguous = all(b.col == a.col + 1 for a, b in zip(inputs, inputs[1:]))
        if single and contiguous and len(inputs) > 1:
            r0, c0 = cell_ref(inputs[0])
            r1, c1 = cell_ref(inputs[-1])
            out.append(f"{coord(r0, c0)}:{coord(r1, c1)}")
        else:
            out += [coord(*cell_ref(c)) for c in inputs]
    return out


def add_live_checks(wb, spec: Spec, variants: frozenset[str]) -> None:
    """Write helper formulas, conditional formats and status lines onto the table sheets of ``wb``."""
    by_table: dict[str, list] = {}
    for check in sum_checks(spec):
        by_table.setdefault(spec.fields[check.mark].table, []).append(check)
    for table in spec.tables:
        ws = wb[table.sheet]
        col = check_column(table)
        helpers = []
        for i, check in enumerate(by_table.get(table.key, [])):
            row = GRID_TOP + i
            terms = [_ref(spec, k) for k in check.keys]
            left = "+".join(_ref(spec, k) for k in check.left)
            right = "+".join(_ref(spec, k) for k in check.right)
            ws.cell(row=row, column=col,
                    value=f'=IF(COUNT({",".join(terms)})<{len(terms)},"",IF({left}={right},0,1))')
            ws.cell(row=row, column=col + 1, value=f"{check.rule.id} {check.instance}").font = styles.HINT
            helper = coord(row, col, absolute=True)
            helpers.append(coord(row, col))
            name = names.check_name(check.rule.id, check.instance)
            wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(table.sheet, row, col))
            for k in check.keys:
                target = _ref(spec, k)
                ws.conditional_formatting.add(
                    target, FormulaRule(formula=[f"{helper}=1"], fill=styles.ERROR_FILL, stopIfTrue=False))
        ranges = _input_ranges(table, variants)
        for rng in ranges:
            first = rng.split(":")[0]
            ws.conditional_formatting.add(rng, FormulaRule(formula=[f"ISTEXT({first})"], fill=styles.TEXT_FILL))
            ws.conditional_formatting.add(rng, FormulaRule(formula=[f"LEN({first})=0"], fill=styles.BLANK_FILL))
        for c in (col, col + 1):
            ws.column_dimensions[ws.cell(row=1, column=c).column_letter].hidden = True
        broken = f"SUM({helpers[0]}:{helpers[-1]})" if helpers else "0"
        blanks = "+".join(f"COUNTBLANK({r})" for r in ranges) or "0"
        status = (f'=IF({broken}>0,"✗ 有"&{broken}&"处勾稽关系不符（见红色单元格）",'
                  f'IF({blanks}>0,"⚠ 尚有"&({blanks})&"个单元格未填（没有发生的请填0）","✓ 本表已填完，勾稽关系正确"))')
        cell = ws.cell(row=STATUS_ROW, column=1, value=status)
        cell.font = styles.STATUS
        name = names.status_name(table.key)
        wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(table.sheet, STATUS_ROW, 1))
