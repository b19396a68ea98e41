"""``xlsheet new``: write a fresh (optionally prefilled) workbook to disk."""
from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_write
from .build import build_workbook


def default_filename(year: int, agency: str) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告.xlsx"


def new_workbook(path, year: int, agency: str, *, variants=(), overwrite: bool = False, **prefill) -> Path:
    """Write a workbook for reporting ``year`` to ``path`` (atomically; never silently overwrites)."""
    wb = build_workbook(year, agency, variants=variants, **prefill)
    return atomic_write(path, wb.save, overwrite=overwrite)
