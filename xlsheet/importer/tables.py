"""Aligning a published report's tables with the spec: tables found by content, rows by position when the grid
has the official shape and by fuzzy label otherwise; numbers kept exactly as printed, label variants kept as
overrides (so LAYOUT-LABELS can point at them), missing cells left blank."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from ..dump import norm, spec_table_cells

PUBLISH = re.compile(r"(\d{4})年本行政区域（或本部门）政府信息公开发布总数量（非新闻类、消息类）[：:]\s*(\S*)")


def published_value(text: str, kind: str):
    """A cell as published → what a clerk would have typed: a clean number as a number, else the text."""
    if text is None or text == "":
        return None
    plain = text.lstrip("+") if kind == "delta" else text
    if re.fullmatch(r"-?\d+(\.\d+)?", plain):
        try:
            d = Decimal(plain)
        except InvalidOperation:  # pragma: no cover
            return text
        return int(d) if d == d.to_integral_value() else float(d)
    return text


def classify(tables: list[list[list[str]]]) -> dict[str, list[list[str]]]:
    found = {}
    for t in tables:
        text = "".join(norm(c) for row in t for c in row)
        if "第二十条" in text and "t2" not in found:
            found["t2"] = t
        elif "本年新收" in text and "t3" not in found:
            found["t3"] = t
        elif "行政复议" in text and "行政诉讼" in text and "t4" not in found:
            found["t4"] = t
    return found


def _row_label(cells) -> str:
    return next((norm(c) for c in reversed(cells) if norm(c) and not re.fullmatch(r"[\d.+\-]*", norm(c))), "")


def import_table(imp, table, rows: list[list[str]], year: int) -> None:
    shape = spec_table_cells(table, frozenset())
    spec_rows = table.rows_for(frozenset())
    # The Jilin 发布总数量 line is a one-cell row (read separately); drop it before aligning rows.
    rows = [r for r in rows if not (len(r) == 1 and PUBLISH.match(norm(r[0])))]
    positional = len(rows) == len(spec_rows)
    if not positional:
        imp.problems.append(f"{table.title}：行数为 {len(rows)}，规定格式为 {len(spec_rows)}，已按栏目名称匹配")
    used = set()
    for i, (srow, cells) in enumerate(zip(spec_rows, shape)):
        if positional:
            found = rows[i]
        elif srow.role == "data":
            want = norm(next(c.label() for c in reversed(srow.cells) if not c.is_input))
            scored = [(difflib.SequenceMatcher(None, want, _row_label(r)).ratio(), j) for j, r in enumerate(rows)
                      if j not in used]
            best = max(scored, default=(0, -1))
            if best[0] < 0.6:
                imp.problems.append(f"{table.title}：未找到“{want}”一行，按空白处理")
                continue
            used.add(best[1])
            found = rows[best[1]]
        else:
            continue
        inputs = [c for c in cells if c is not None and c.is_input]
        if len(found) == len(cells):
            pairs = list(zip(cells, found))
        else:
            # A merge misaligned or value cells missing in the published table: labels from the left,
            # values from the right, and whatever is missing stays blank.
            n_labels = len(cells) - len(inputs)
            values = found[n_labels:][-len(inputs):] if inputs else []
            values = [""] * (len(inputs) - len(values)) + values if len(found) > n_labels else [""] * len(inputs)
            pairs = list(zip(inputs, values))
            if srow.role == "data":
                imp.problems.append(f"{table.title}：“{_row_label(found[:1]) or srow.key}”一行有 {len(found)} 个单元格，"
                                    f"规定格式为 {len(cells)} 个")
        for cell, text in pairs:
            if cell is None:
                continue
            if cell.is_input:
                value = published_value(text, cell.kind)
                if value is not None:
                    imp.values[cell.key] = value
            elif norm(text) != norm(cell.label(year)):
                imp.labels[(table.key, cell.row, cell.col)] = text
