"""Writing files without losing anything.

Contract of :func:`atomic_write`:
* the new content is written to a temporary file beside the target (``.xlsheet-tmp-<pid>-<random><ext>``, created
  with the process umask, so outputs on shared folders get the same permissions as any other new file) and moved
  into place in one step, so a crash never leaves half a file;
* without ``overwrite`` the publish is exclusive (``os.link`` of the finished temporary file; where links are not
  supported, an ``O_EXCL`` reservation): of several processes writing one new target, exactly one wins and the
  others get :class:`OutputExistsError` — nothing is replaced;
* with ``overwrite`` the old file is first kept as ``NAME.bak.ext`` — ONE backup, replaced by the next one, made
  atomically (a hard link, or a copy written to a temporary file and renamed), so a full disk never leaves a
  truncated backup;
* every ``OSError`` becomes :class:`FileAccessError` (Chinese, naming the path) and leaves no temporary file;
* temporary files older than an hour (left by a killed process) are swept from the target's folder.
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import time
from pathlib import Path

from .errors import FileAccessError, FileBusyError, OutputExistsError, os_error_message, os_error_reason

TMP_PREFIX = ".xlsheet-tmp-"
STALE_SECONDS = 3600


def temp_path(target: Path) -> Path:
    """A fresh, recognisable temporary name beside ``target`` (short: never longer than the target's name)."""
    # os.urandom(4).hex() is what secrets.token_hex(4) returns; importing secrets (with random, bisect, hashlib)
    # cost the roll-up ≈ 2.5 ms (-X importtime) for these eight characters
    return target.with_name(f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}{target.suffix[:16]}")


def sweep_stale(folder: Path, max_age: float = STALE_SECONDS) -> int:
    """Remove xlsheet temporary files older than ``max_age`` seconds from ``folder``; returns how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if entry.name.startswith(".xlsheet-") and entry.is_file(follow_symlinks=False):
            try:
                if now - entry.stat(follow_symlinks=False).st_mtime > max_age:
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                pass
    return removed


def _create(path: Path) -> None:
    """Create ``path`` exclusively with mode 0666 & ~umask (what any program's new file gets)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def backup(path: Path) -> Path:
    """Keep the current ``path`` as ``NAME.bak.ext`` (replacing an older backup) atomically; returns its path."""
    target = backup_path(path)
    tmp = temp_path(path)
    try:
        try:
            os.link(path, tmp)  # the old file itself becomes the backup: no copy, no space needed
        except OSError:
            shutil.copy2(path, tmp)
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return target


def _publish_new(tmp: Path, path: Path) -> None:
    """Move ``tmp`` to ``path`` only if ``path`` does not exist, atomically."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExistsError(_exists_message(path)) from None
    except OSError:
        # no hard links here (some network shares, FAT): reserve the name exclusively, then replace it
        try:
            _create(path)
        except FileExistsError:
            raise OutputExistsError(_exists_message(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _exists_message(path: Path) -> str:
    return f"文件“{path}”已存在，未覆盖。请换一个文件名，或加 --overwrite（原文件会先备份为 .bak）。"


def _call_writer(write, tmp: Path):
    """``write(tmp)``; an OSError is returned (not raised) after the writer's half-closed objects are collected
    quietly (a ZipFile left open by a failed save would print "Exception ignored …" at exit)."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        try:
            write(str(tmp))
            return None
        except OSError as exc:
            failure = OSError(exc.errno, exc.strerror, exc.filename)
        gc.collect()
        return failure
    finally:
        sys.unraisablehook = hook


def check_output(path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Refuse an output ``path`` that is a folder (:class:`FileAccessError`, whatever ``overwrite`` says) or an
    existing file without ``overwrite`` (:class:`OutputExistsError`) — callers writing several files check them
    all first."""
    path = Path(path)
    if path.is_dir():
        raise FileAccessError(f"“{path}”是一个文件夹，不能作为输出文件，请指定文件名")
    if path.exists() and not overwrite:
        raise OutputExistsError(_exists_message(path))


def atomic_write(path: str | os.PathLike, write, *, overwrite: bool = False) -> Path:
    """Call ``write(tmp)`` to produce the file, then move it into place in one step (see the module docstring)."""
    path = Path(path)
    check_output(path, overwrite=overwrite)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"无法创建输出文件夹“{path.parent}”：{os_error_reason(exc)}") from None
    sweep_stale(path.parent)
    tmp = temp_path(path)
    try:
        _create(tmp)
    except PermissionError:
        raise FileBusyError(f"无法在“{path.parent}”中写文件（没有写入权限）") from None
    except OSError as exc:
        raise FileAccessError(_output_error(exc, tmp, path)) from None
    try:
        failure = _call_writer(write, tmp)
        if failure is not None:
            raise FileAccessError(_output_error(failure, tmp, path))
        if overwrite and path.exists():
            try:
                shutil.copymode(path, tmp)  # a replaced file keeps its permissions
            except OSError:
                pass
            backup(path)
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path)
    except PermissionError:
        # On Windows a file open in Excel or WPS cannot be replaced.
        raise FileBusyError(f"无法写入“{path}”：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
    except OSError as exc:
        raise FileAccessError(_output_error(exc, tmp, path)) from None
    finally:
        _unlink_quietly(tmp)
    return path


def _output_error(exc: OSError, tmp: Path, path: Path) -> str:
    """The sentence for ``exc`` met while writing ``path`` through ``tmp``: the user asked for ``path`` and never
    heard of the temporary file beside it, so an error about that file names ``path``."""
    if exc.filename is None or os.fspath(exc.filename) == os.fspath(tmp):
        return f"无法写入“{path}”：{os_error_reason(exc)}"
    return os_error_message(exc, path)
