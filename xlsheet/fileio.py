"""Writing files without losing anything: atomic replace, refuse to overwrite unless asked, keep a backup."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .errors import FileBusyError, OutputExistsError


def free_path(path: Path) -> Path:
    """``path`` if it does not exist, else ``name(2).ext``, ``name(3).ext``… (what Windows users expect)."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def backup(path: Path) -> Path:
    """Copy ``path`` to a free ``name.bak.ext`` beside it and return the copy's path."""
    target = free_path(path.with_name(f"{path.stem}.bak{path.suffix}"))
    shutil.copy2(path, target)
    return target


def atomic_write(path: str | os.PathLike, write: Callable[[str], None], *, overwrite: bool = False) -> Path:
    """Call ``write(tmp)`` to produce the file, then move it into place in one step.

    A crash or an exception leaves any existing file untouched.  Without ``overwrite`` an existing file is never
    replaced (:class:`OutputExistsError`); with it, the old file is first kept as a ``.bak`` copy.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"文件“{path}”已存在，未覆盖。请换一个文件名，或加 --overwrite（原文件会先备份为 .bak）。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".xlsheet-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except PermissionError:
        raise FileBusyError(f"无法在“{path.parent}”中写文件（没有写入权限）") from None
    try:
        write(tmp)
        if path.exists():
            backup(path)
        os.replace(tmp, path)
    except PermissionError:
        # On Windows a file open in Excel or WPS cannot be replaced.
        raise FileBusyError(f"无法写入“{path}”：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
