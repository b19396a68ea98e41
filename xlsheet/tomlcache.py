"""Read the package's own TOML data files (layout specs, rule catalogue) without parsing TOML on every run.

Contract: :func:`load` returns exactly what ``tomllib.loads`` returns for the file.  The parsed data is kept in the
user's cache folder as a ``marshal`` blob named after the file's content hash (CRC-32, Adler-32 and length) and
the Python version, so an edited TOML file is re-parsed at once and a stale blob is never used (the built layout
specs are cached the same way: :mod:`xlsheet.spec.loader`).  The cache is an optimisation only: an unwritable or
missing cache folder (read-only home, sandbox), a damaged blob or data ``marshal`` cannot hold all fall back to
parsing, silently.  Set ``XLSHEET_NO_CACHE=1`` to bypass it.
"""
from __future__ import annotations

import marshal
import os
import sys
import zlib

_VERSION = 2  # bump when the blob layout changes (2: the tag and CRC-32 of read_blob)


def cache_dir() -> str | None:
    """The per-user cache folder for xlsheet (not created here), or None when there is no home to put it in."""
    if os.environ.get("XLSHEET_NO_CACHE"):
        return None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "xlsheet") if base and base != "~" else None


def blob_path(folder: str, stem: str, data: bytes) -> str:
    """The blob in ``folder`` for data derived from ``data`` (named after its content hash and this Python)."""
    key = f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):x}"  # zlib is loaded anyway; hashlib is not
    return os.path.join(folder, f"{stem}-{key}-py{sys.version_info[0]}{sys.version_info[1]}-v{_VERSION}.marshal")


def load(path: str) -> dict:
    """The parsed content of the TOML file at ``path`` (UTF-8)."""
    with open(path, "rb") as fh:
        data = fh.read()
    folder = cache_dir()
    blob = blob_path(folder, os.path.basename(path).rsplit(".", 1)[0], data) if folder else None
    if blob is not None:
        parsed = read_blob(blob)
        if isinstance(parsed, dict):
            return parsed
    import tomllib

    parsed = tomllib.loads(data.decode("utf-8"))
    if blob is not None:
        write_blob(blob, parsed)
    return parsed


#: What every blob starts with: a tag, then the CRC-32 of the marshal data after it.  A file that does not carry
#: both — cut short, overwritten, or a marshal blob of other data that would load "fine" and then fail far from
#: here (a wrong-shaped spec: KeyError in the loader) — reads as no blob, and is rebuilt.
_MAGIC = b"xlsheet-cache\x01"


def read_blob(blob: str):
    """The data stored at ``blob`` by :func:`write_blob`, or None when there is none or it is damaged."""
    try:
        with open(blob, "rb") as fh:
            raw = fh.read()
        head = len(_MAGIC) + 4
        if raw[:len(_MAGIC)] != _MAGIC or int.from_bytes(raw[len(_MAGIC):head], "little") != zlib.crc32(raw[head:]):
            return None
        return marshal.loads(raw[head:])
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_blob(blob: str, data) -> None:
    """Store ``data`` at ``blob`` with ``marshal``, atomically; silently nothing when marshal cannot hold the data or
    the folder cannot be written."""
    try:
        payload = marshal.dumps(data)
    except ValueError:  # a value marshal cannot hold (TOML dates): no cache, parse each time
        return
    store(blob, _MAGIC + zlib.crc32(payload).to_bytes(4, "little") + payload)


def store(path: str, data: bytes) -> bool:
    """Write the cache file ``path`` atomically (a concurrent reader sees the old state or the whole file); False,
    silently, when the folder cannot be written."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
