"""Live checks inside the workbook: native formulas and conditional formatting generated from the spec and the
rule catalogue (never typed by hand), evaluated natively by Excel, WPS and LibreOffice while the clerk types.

Table sheets: for each :class:`~xlsheet.validation.arith.SumCheck` a hidden helper cell holds
``=IF(COUNT(terms)<n,"",IF(left=right,0,1))``: "" when not assessable (a blank is missing, never 0), 0 when the
equation holds, 1 when broken.  A broken equation turns red its total and the cell where it crosses another
broken equation (:func:`xlsheet.validation.focus.live_mark_conditions`, the same rule as 校验).  Hidden count cells
(broken, blank, text) feed the sheet's status line.

基本信息 / 正文: a visible check column says what is wrong with each field (required, date, 成文日期 in the year
after the report year, 邮编, the 信息处理费 statement, the required section 五); and 基本信息 carries a
workbook-level line saying whether 生成报告 would be refused.
"""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName

from ..spec import Spec, Table
from ..validation.arith import sum_checks
from ..validation.catalogue import rules_for
from ..validation.focus import live_mark_conditions
from . import names, styles
from .layout import (GRID_TOP, META_SHEET, META_TOP, STATUS_ROW, TEXT_SHEET, TEXT_TOP, cell_ref, check_column,
                     coord, sheet_ref)

CHECK_FONT = Font(name=styles.BASE_FONT, size=10, bold=True, color="C00000")
FEE_WORD = "信息处理费"  # what the TEXT-FEE check (validation/checks_text.text_fee) looks for
#: 基本信息 column holding each field's live check, and the cell of the workbook-level status.
META_CHECK_COL = 4
OVERALL = (STATUS_ROW, 3)


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


def count_cells(table: Table) -> dict[str, tuple[int, int]]:
    """(row, column) of a table sheet's hidden counts: broken equations, blank inputs, text inputs."""
    col = check_column(table)
    return {"broken": (STATUS_ROW, col), "blank": (STATUS_ROW, col + 1), "text": (STATUS_ROW + 1, col + 1)}


def _table_checks(wb, spec: Spec, table: Table, checks, variants) -> None:
    ws = wb[table.sheet]
    col = check_column(table)
    helpers = []
    for i, check in enumerate(checks):
        row = GRID_TOP + i
        terms = [_ref(spec, k) for k in check.keys]
        left = "+".join(_ref(spec, k) for k in check.left)
        right = "+".join(_ref(spec, k) for k in check.right)
        ws.cell(row=row, column=col, value=f'=IF(COUNT({",".join(terms)})<{len(terms)},"",IF({left}={right},0,1))')
        ws.cell(row=row, column=col + 1, value=f"{check.rule.id} {check.instance}").font = styles.HINT
        helpers.append(coord(row, col, absolute=True))
        name = names.check_name(check.rule.id, check.instance)
        wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(table.sheet, row, col))
    for key, conditions in live_mark_conditions(checks).items():
        if key not in spec.fields or spec.fields[key].table != table.key:
            continue
        parts = [f"{helpers[c[0]]}=1" if len(c) == 1 else f"AND({helpers[c[0]]}=1,{helpers[c[1]]}=1)"
                 for c in conditions]
        formula = parts[0] if len(parts) == 1 else f"OR({','.join(parts)})"
        ws.conditional_formatting.add(_ref(spec, key), FormulaRule(formula=[formula], fill=styles.ERROR_FILL,
                                                                   stopIfTrue=True))
    ranges = _input_ranges(table, variants)
    for rng in ranges:
        first = rng.split(":")[0]
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"ISTEXT({first})"], fill=styles.TEXT_FILL))
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"LEN({first})=0"], fill=styles.BLANK_FILL))
    for c in (col, col + 1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].hidden = True
    counts = {k: coord(*rc) for k, rc in count_cells(table).items()}
    ws[counts["broken"]] = f"=SUM({helpers[0]}:{helpers[-1]})" if helpers else 0
    ws[counts["blank"]] = "=" + ("+".join(f"COUNTBLANK({r})" for r in ranges) or "0")
    ws[counts["text"]] = "=" + ("+".join(f"SUMPRODUCT(--ISTEXT({r}))" for r in ranges) or "0")
    broken, blanks, texts = counts["broken"], counts["blank"], counts["text"]
    status = (f'=IF({broken}>0,"✗ 有"&{broken}&"处勾稽关系不符（见红色单元格）",'
              f'IF({texts}>0,"✗ 有"&{texts}&"个数字单元格填了文字（橙色）",'
              f'IF({blanks}>0,"⚠ 尚有"&{blanks}&"个单元格未填（没有发生的请填0）","✓ 本表已填完，勾稽关系正确")))')
    cell = ws.cell(row=STATUS_ROW, column=1, value=status)
    cell.font = styles.STATUS
    name = names.status_name(table.key)
    wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(table.sheet, STATUS_ROW, 1))


class _Expr(str):
    """A check's message given as a formula expression (not a literal to quote)."""


def _meta_checks(wb, spec: Spec) -> str:
    """One check formula per 基本信息 field (column D); returns the range holding them."""
    ws = wb[META_SHEET]
    rows = {f.key: META_TOP + i for i, f in enumerate(spec.meta)}
    year = f"$B${rows['year']}" if "year" in rows else None
    for f in spec.meta:
        b = f"B{rows[f.key]}"
        tests = []
        if f.required:
            tests.append((f"LEN({b})=0", "✗ 必填"))
        if f.kind == "date":
            # the example follows the report year (a 2025 report is signed in 2026), like META-SIGNOFF's
            example = (f'"✗ 不是日期，请填写如 "&IF(ISNUMBER({year}),{year}+1&"年1月20日","2026年1月20日")'
                       if year else '"✗ 不是日期，请填写如 2026年1月20日"')
            tests.append((f"AND(LEN({b})>0,NOT(ISNUMBER({b})))", _Expr(example)))
        if f.key == "signoff_date" and year:
            tests.append((f"AND(ISNUMBER({b}),ISNUMBER({year}),{b}<=DATE({year},12,31))",
                          "✗ 应在报告年度的次年成文"))
            tests.append((f"AND(ISNUMBER({b}),ISNUMBER({year}),{b}>DATE({year}+1,3,31))",
                          "✗ 晚于次年3月31日的法定期限"))
        if f.kind == "postcode":
            # six characters that are all digits: -b is a number, and none of the characters a number may hold
            # besides digits (25502X, 12345., 1E+05, 12 345 are not postcodes); META-POSTCODE says the same
            odd = ",".join(f'ISNUMBER(SEARCH("{ch}",{b}))' for ch in (".", "-", "+", "e", ",", " "))
            tests.append((f"AND(LEN({b})>0,OR(LEN({b})<>6,ISERROR(-{b}),{odd}))", "✗ 邮政编码应为6位数字"))
        if f.kind == "url":
            tests.append((f"AND(LEN({b})>0,ISERROR(SEARCH(\".\",{b})))", "✗ 不像网址"))
        if f.kind == "year":
            tests.append((f"AND(LEN({b})>0,NOT(ISNUMBER({b})))", "✗ 请填写四位数年份"))
        formula = '""'
        for cond, text in reversed(tests):
            shown = text if isinstance(text, _Expr) else f'"{text}"'
            formula = f"IF({cond},{shown},{formula})"
        cell = ws.cell(row=rows[f.key], column=META_CHECK_COL, value="=" + formula)
        cell.font = CHECK_FONT
        ws.conditional_formatting.add(b, FormulaRule(formula=[f'LEFT(D{rows[f.key]},1)="✗"'],
                                                     fill=styles.ERROR_FILL))
    first, last = META_TOP, META_TOP + len(spec.meta) - 1
    return f"'{META_SHEET}'!$D${first}:$D${last}"


def _text_checks(wb, spec: Spec) -> str:
    """Per 正文 field (column C): required sections, the 信息处理费 statement, and how much is written."""
    ws = wb[TEXT_SHEET]
    rows = {f.key: TEXT_TOP + i for i, f in enumerate(spec.narrative)}
    rules = {r.kind: r for r in rules_for(spec.format)}
    required = {rules["text_required"].params["key"]} if "text_required" in rules else set()
    for f in spec.narrative:
        b = f"B{rows[f.key]}"
        formula = f'IF(LEN({b})=0,"（空：生成报告时使用默认表述）","已写"&LEN({b})&"字")'
        if f.key in required:
            formula = f'IF(LEN({b})=0,"✗ 必填：不能使用默认表述",{formula})'
        if "text_fee" in rules and f.key == ("s6_fee" if "s6_fee" in rows else "s6"):
            both = "&".join(f"B{rows[k]}" for k in ("s6", "s6_fee") if k in rows)
            formula = f'IF(ISERROR(SEARCH("{FEE_WORD}",{both})),"✗ 须说明{FEE_WORD}收取情况（未收取也应写明）",{formula})'
        cell = ws.cell(row=rows[f.key], column=3, value="=" + formula)
        cell.font, cell.alignment = styles.HINT, styles.TOP_LEFT  # information in grey; a problem in red (below)
        problem = f'LEFT(C{rows[f.key]},1)="✗"'
        ws.conditional_formatting.add(b, FormulaRule(formula=[problem], fill=styles.ERROR_FILL))
        ws.conditional_formatting.add(cell.coordinate, FormulaRule(formula=[problem], font=CHECK_FONT))
    ws.column_dimensions["C"].width = 24
    return f"'{TEXT_SHEET}'!$C${TEXT_TOP}:$C${TEXT_TOP + len(spec.narrative) - 1}"


def add_live_checks(wb, spec: Spec, variants: frozenset[str]) -> None:
    """Write helper formulas, conditional formats and status lines onto the sheets of ``wb``."""
    by_table: dict[str, list] = {}
    for check in sum_checks(spec):
        by_table.setdefault(spec.fields[check.mark].table, []).append(check)
    terms = []
    for table in spec.tables:
        _table_checks(wb, spec, table, by_table.get(table.key, []), variants)
        counts = count_cells(table)
        terms += [sheet_ref(table.sheet, *counts[k]) for k in ("broken", "blank", "text")]
    meta_range, text_range = _meta_checks(wb, spec), _text_checks(wb, spec)
    # SUMPRODUCT over LEFT(…)="✗" rather than COUNTIF wildcards, which LibreOffice may treat literally
    problems = "+".join(terms + [f'SUMPRODUCT(--(LEFT({r},1)="✗"))' for r in (meta_range, text_range)])
    ws = wb[META_SHEET]
    cell = ws.cell(row=OVERALL[0], column=OVERALL[1],
                   value=f'=IF(({problems})>0,"✗ 还不能生成报告：尚有"&({problems})&"处错误或未填",'
                         '"✓ 表内检查通过，可以点击“校验”后生成报告")')
    cell.font = styles.STATUS
    name = names.status_name("workbook")
    wb.defined_names[name] = DefinedName(name, attr_text=sheet_ref(META_SHEET, *OVERALL))
