"""An independent, deliberately simple reader of the seed text dumps, for test expectations.

It does not use xlsheet's importer, so tests compare the product against the published text, not against itself.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "examples" / "sources"
SEEDS = {p.name[:3]: p for p in sorted(SOURCES.glob("*.txt"))}
SEED_FORMAT = {"000": "v2019", "001": "v2019", "002": "v2019", "003": "v2021", "004": "v2019"}
SEED_YEAR = {"000": 2020, "001": 2020, "002": 2020, "003": 2021, "004": 2020}


# Where a published seed deviates from the official layout (FORMAT.md §5.2), by (seed, table index, row index).
# Those rows are not compared with the template or with generated reports, which print the official layout.
SEED_LAYOUT_DEFECTS = {
    ("002", 0, 17): "政府集中采购 row published without its two value cells, with the 发布总数量 line inside its cell",
    ("003", 0, 1): "2019 headers 本年新制作数量/本年新公开数量/对外公开总数量 under the 2021 format",
    ("003", 0, 3): "规范性文件 instead of 行政规范性文件",
    ("003", 0, 12): "extra empty cell in the 第二十条第（八）项 header row (misaligned merge)",
    ("003", 1, 23): "（6） 其他处理 numbering artefact, 无不正当 typo and comma instead of 、",
    ("003", 1, 24): "comma instead of 、",
}


def tables(seed: str) -> list[list[list[str]]]:
    """Tables of a seed: runs of tab-prefixed lines; a blank line ends a row; a line without a tab inside a row
    continues the previous cell."""
    out, table, row = [], None, None
    for line in SEEDS[seed].read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            if table is None:
                table = []
                out.append(table)
            if row is None:
                row = []
                table.append(row)
            row.append(line[1:])
        elif line == "":
            row = None
        elif row is not None:
            row[-1] += "\n" + line
        else:
            table = None
    return out


def squash(text: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def number(text: str):
    """The number a published cell states, or None for a blank cell."""
    t = squash(text).removesuffix("万元").lstrip("+")
    if t == "":
        return None
    d = Decimal(t)
    return int(d) if d == d.to_integral_value() else d
