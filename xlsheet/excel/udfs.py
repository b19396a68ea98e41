"""Worksheet functions (xlwings UDFs).  Import them in Excel with xlwings' ``ImportPythonUDFs`` after setting
``UDF Modules`` to ``xlsheet.excel.udfs`` on the xlwings.conf sheet (workbooks built before the move name
``xlsheet.excel_udfs``, an alias module that re-exports these functions).

    =XLSHEET_STATUS()                    status of the whole workbook, e.g. "✗ 3 个错误，1 个警告"
    =XLSHEET_FINDINGS()                  all findings as a spilled table: 级别 | 规则 | 位置 | 说明
    =XLSHEET_CHECK_T3(表三!D8:J32)        broken equations of a 表三 block (23 or 25 rows × 7 columns)
    =XLSHEET_CHECK_T4(表四!A8:O8)         broken group totals of the 15 cells of 表四

The bodies are plain functions of their arguments (the decorators are no-ops outside Excel), so they are tested
on Linux like any other code.
"""
from __future__ import annotations

import xlwings as xw

from ..spec import load_spec
from ..validation.arith import evaluate, sum_checks
from ..values import parse_cell

__all__ = ["XLSHEET_STATUS", "XLSHEET_FINDINGS", "XLSHEET_CHECK_T3", "XLSHEET_CHECK_T4"]
OK = "✓ 勾稽关系正确"
NOT_ASSESSABLE = "无法核对：有空白或文字单元格（没有发生的请填0）"


def _findings(book):
    from ..validation.engine import validate
    from .live import read_book
    from .xlwings_book import XlwingsBook

    return validate(read_book(XlwingsBook(book)))


@xw.func(volatile=True)
@xw.arg("caller", vba="Caller")
def XLSHEET_STATUS(caller):
    """“✓ 校验通过” or “✗ N 个错误，M 个警告” for the workbook that contains the formula."""
    result = _findings(caller.sheet.book)
    return "✓ 校验通过" + (f"（{len(result.warnings)} 个警告）" if result.warnings else "") if result.ok else \
        f"✗ {len(result.errors)} 个错误，{len(result.warnings)} 个警告"


@xw.func(volatile=True)
@xw.arg("caller", vba="Caller")
def XLSHEET_FINDINGS(caller):
    """Findings of the workbook as rows [级别, 规则, 位置, 说明] (spills in Excel 365)."""
    from ..validation.findings import SEVERITY_LABEL

    result = _findings(caller.sheet.book)
    rows = [["级别", "规则", "位置", "说明"]]
    rows += [[SEVERITY_LABEL[f.severity], f.rule_id, f.address, f.message] for f in result.findings]
    return rows if len(rows) > 1 else [["✓ 没有发现问题", "", "", ""]]


def _check(table_key: str, fmt: str, values: dict) -> list[list]:
    """Broken equations as rows; a block with blanks or text is 无法核对 (a blank is missing, never 0), as in the
    sheet's own status line and in 校验."""
    spec = load_spec(fmt)
    rows, unassessable = [], 0
    for c in sum_checks(spec):
        if spec.fields[c.mark].table != table_key:
            continue
        status, left, right = evaluate(c, values)
        if status == "fail":
            rows.append([c.rule.id, c.where, float(left), float(right), float(left - right)])
        unassessable += status == "na"
    if unassessable:
        rows.append([NOT_ASSESSABLE, f"{unassessable} 项勾稽关系", "", "", ""])
    return rows or [[OK, "", "", "", ""]]


@xw.func
@xw.arg("block", ndim=2)
def XLSHEET_CHECK_T3(block):
    """Broken 表三 equations in a 7-column block: 23 rows (2019 format) or 25 rows (2021 format)."""
    fmt = {23: "v2019", 25: "v2021"}.get(len(block))
    if fmt is None or any(len(r) != 7 for r in block):
        return [["请选中表三的数字区域：23行（2019年版）或25行（2021年版）× 7列", "", "", "", ""]]
    table = load_spec(fmt).table("t3")
    values = {f"t3.{row.key}.{col}": parse_cell(v)
              for row, line in zip(table.data_rows(), block) for col, v in zip(table.value_keys, line)}
    return _check("t3", fmt, values)


@xw.func
@xw.arg("block", ndim=2)
def XLSHEET_CHECK_T4(block):
    """Broken 表四 group totals in the 15-cell row."""
    cells = [v for row in block for v in row]
    if len(cells) != 15:
        return [["请选中表四的15个数字单元格", "", "", "", ""]]
    keys = [f"t4.{g}.{c}" for g in ("review", "direct", "after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    return _check("t4", "v2021", {k: parse_cell(v) for k, v in zip(keys, cells)})
