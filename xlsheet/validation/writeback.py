"""``xlsheet validate --write``: a copy of the workbook with the 校验结果 sheet and marks."""
from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_write
from .findings import Result
from .render_sheet import clear_marks, mark_cells, write_result_sheet


def default_output(path: Path) -> Path:
    stem = path.stem.removesuffix("_校验")
    return path.with_name(f"{stem}_校验{path.suffix}")


def write_validated_copy(src, result: Result, dst=None) -> tuple[Path, bool]:
    """Write ``dst`` (default ``NAME_校验.xlsx`` beside ``src``): the workbook with previous marks removed and
    current findings marked.  ``src`` itself is never modified.  Returns (path, replaced an older copy)."""
    from openpyxl import load_workbook

    src = Path(src)
    dst = Path(dst) if dst else default_output(src)
    keep_vba = src.suffix.lower() == ".xlsm"
    wb = load_workbook(src, keep_vba=keep_vba)
    clear_marks(wb)
    write_result_sheet(wb, result)
    mark_cells(wb, result)
    existed = dst.exists()
    atomic_write(dst, wb.save, overwrite=True)  # an older result copy is kept as .bak, never lost silently
    return dst, existed
