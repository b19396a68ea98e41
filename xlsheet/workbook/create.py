"""``xlsheet new``: write a fresh (optionally prefilled) workbook to disk."""
from __future__ import annotations

import re
from pathlib import Path

from ..fileio import atomic_write
from .build import build_workbook


def default_filename(year: int, agency: str) -> str:
    """``某局2024年政府信息公开工作年度报告.xlsx``; characters Windows forbids in file names become "_"."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", agency).strip(" .") or "年报"
    return f"{safe}{year}年政府信息公开工作年度报告.xlsx"


def new_workbook(path, year: int, agency: str, *, variants=(), overwrite: bool = False, **prefill) -> Path:
    """Write a workbook for reporting ``year`` to ``path`` (atomically; never silently overwrites)."""
    wb = build_workbook(year, agency, variants=variants, **prefill)
    return atomic_write(path, wb.save, overwrite=overwrite)
