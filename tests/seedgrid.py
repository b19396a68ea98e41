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
