"""Terminal rendering of a validation result (aligned for CJK: full-width characters count as two columns)."""
from __future__ import annotations

import unicodedata

from .findings import SEVERITY_LABEL, Result


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int) -> str:
    return text + " " * max(0, n - width(text))


def render_text(result: Result, limit: int | None = None) -> str:
    r = result.report
    head = f"校验：{r.source or ''}（{r.agency or '未填机关名称'}，{r.year or '?'}年度，{r.spec.name}）"
    lines = [head, ""]
    from .result_table import result_entries  # the 校验结果 sheet's order and blank groups

    rows = [(SEVERITY_LABEL[e.severity], e.rule_id, e.address or "—", e.message.replace("\n", " "))
            for e in result_entries(result)]
    shown = rows if limit is None else rows[:limit]
    if shown:
        w = [max(width(row[i]) for row in shown) for i in range(3)]
        lines.append(f"{pad('级别', w[0])}  {pad('规则', w[1])}  {pad('位置', w[2])}  说明")
        for row in shown:
            lines.append(f"{pad(row[0], w[0])}  {pad(row[1], w[1])}  {pad(row[2], w[2])}  {row[3]}")
        if len(rows) > len(shown):
            lines.append(f"……另有 {len(rows) - len(shown)} 条，完整清单请用 --json 或 --write 查看")
        lines.append("")
    verdict = "通过：可以生成报告" if result.ok else "未通过：请先改正错误再生成报告"
    # a run of blank cells is one row above but each cell is counted: say so, or 40 errors over 18 rows puzzles
    grouped = f"（相邻的空白单元格合并为一行，上表共 {len(rows)} 行）" if len(rows) < len(result.findings) else ""
    lines.append(f"结果：{result.summary()}{grouped}。{verdict}。")
    return "\n".join(lines)
