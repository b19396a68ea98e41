"""``xlsheet new``: write a fresh (optionally prefilled) workbook to disk."""
from __future__ import annotations

import re
from pathlib import Path

from ..fileio import atomic_write
from .build import build_workbook


#: Characters of the agency name kept in a default file name.  File names are limited to 255 bytes (Linux) or
#: characters (Windows), and xlsheet derives longer ones from it (``_校验.xlsx``, ``_校验结果.json``, ``.bak``).
NAME_CHARS = 40


def default_filename(year: int, agency: str) -> str:
    """``某局2024年政府信息公开工作年度报告.xlsx``; characters Windows forbids in file names become "_"; an agency
    name longer than ``NAME_CHARS`` is shortened (the workbook itself keeps the full name)."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", agency).strip(" .")[:NAME_CHARS].strip(" .") or "年报"
    return f"{safe}{year}年政府信息公开工作年度报告.xlsx"


def new_workbook(path, year: int, agency: str, *, variants=(), overwrite: bool = False, **prefill) -> Path:
    """Write a workbook for reporting ``year`` to ``path`` (atomically; never silently overwrites)."""
    wb = build_workbook(year, agency, variants=variants, **prefill)
    return atomic_write(path, wb.save, overwrite=overwrite)
