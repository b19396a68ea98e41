"""``xlsheet validate --write``: a copy of the workbook with the 校验结果 sheet and marks."""
from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_write
from .findings import Result
from .render_sheet import clear_marks, mark_cells, write_result_sheet


def default_output(path: Path) -> Path:
    stem = path.stem.removesuffix("_校验")
    return path.with_name(f"{stem}_校验{path.suffix}")


def write_validated_copy(src, result: Result, dst=None, *, overwrite: bool | None = None) -> tuple[Path, bool]:
    """Write ``dst`` (default ``NAME_校验.xlsx`` beside ``src``): the workbook with previous marks removed and
    current findings marked.  ``src`` itself is never modified.  Returns (path, replaced an older copy).
    ``overwrite`` defaults to True for the default copy (our own output: the older one is kept as .bak) and to
    False for an explicit ``dst`` (an existing file there is refused unless ``overwrite``)."""
    from openpyxl import load_workbook

    from ..errors import InvalidWorkbookError

    src = Path(src)
    if overwrite is None:
        overwrite = dst is None
    dst = Path(dst) if dst else default_output(src)
    keep_vba = src.suffix.lower() == ".xlsm"
    try:
        wb = load_workbook(src, keep_vba=keep_vba)
    except OSError:
        raise
    except Exception as exc:  # pre-flight passed, yet openpyxl cannot rebuild it: refuse, never crash
        raise InvalidWorkbookError(f"“{src.name}”无法按原样重新写出（{type(exc).__name__}），文件可能已损坏或不是由 "
                                   "Excel / WPS 正常保存的。请在 Excel 或 WPS 中另存为 .xlsx 后再试") from None
    clear_marks(wb)
    write_result_sheet(wb, result)
    mark_cells(wb, result)
    existed = dst.exists()
    atomic_write(dst, wb.save, overwrite=overwrite)  # a replaced copy is kept as .bak, never lost silently
    return dst, existed
