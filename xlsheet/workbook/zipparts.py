"""A small reader for the ZIP packages every Office program writes, used by pre-flight instead of ``zipfile``.

Why: ``import zipfile`` brings shutil, bz2, lzma, threading and importlib.util, ~4 ms of every ``xlsheet validate``
start (``-X importtime``), and its per-part machinery (ZipExtFile, a seek per read) cost ~0.27 ms of each
roll-up unit's 14 parts (benchmarks/read_unit.py).  Here a part is one slice of the file's bytes and one
``zlib.decompress`` call.

Contract — narrow on purpose: :func:`open_simple` returns None for anything but a plain package, and the caller
then uses ``zipfile`` itself, which gives its own verdict and messages.  Plain means: no archive comment, no ZIP64
record or extra field, one disk, the central directory right before its end record (nothing prepended), every
entry whole inside the central directory and well-formed, names without NUL or backslash (``zipfile`` rewrites
those) that decode as ``zipfile`` decodes them, version ≤ 6.3, methods stored or deflated, no patched data or strong
encryption (flag bits 5, 6), every part declared ≤ ``max_part`` bytes.  For such a package, :meth:`SimpleZip.read`
refuses everything ``zipfile`` refuses, with the same exception types (so pre-flight's messages stay the same) —
and is stricter where ``zipfile`` lets a lie through:
* the local header must exist, carry the signature and the same name (as ``zipfile`` checks);
* the compressed bytes really read must end before the next entry's local header (or the central directory):
  overlapping entries (a "quoted overlap" zip bomb) are refused, as Python ≥ 3.12's ``zipfile`` does;
* a stored part's two sizes must agree; a deflated part must inflate to exactly the declared size (never more
  than that plus one byte is produced) and match the CRC-32 — ``zipfile`` cuts a longer stream to the declared
  size and accepts it when the prefix's CRC matches.
tests/test_zipparts.py reads every workbook at hand and thousands of damaged copies both ways.
"""
from __future__ import annotations

import zlib

_EOCD, _CENTRAL, _LOCAL, _EOCD64_LOCATOR = b"PK\x05\x06", b"PK\x01\x02", b"PK\x03\x04", b"PK\x06\x07"
_MAX_VERSION = 63  # zipfile.MAX_EXTRACT_VERSION
_UNSUPPORTED_FLAGS = 0x20 | 0x40  # compressed patched data, strong encryption: zipfile raises NotImplementedError
_UTF8_NAME = 0x800


class BadZipFile(Exception):
    """A damaged part (named as zipfile's exception, whose name pre-flight shows)."""


class Part:
    """One entry of the central directory: the attributes of ``zipfile.ZipInfo`` pre-flight uses."""

    __slots__ = ("filename", "file_size", "compress_size", "CRC", "flag_bits", "compress_type", "header_offset",
                 "limit")

    def __init__(self, filename, flag_bits, compress_type, crc, compress_size, file_size, header_offset):
        self.filename, self.flag_bits, self.compress_type = filename, flag_bits, compress_type
        self.CRC, self.compress_size, self.file_size, self.header_offset = crc, compress_size, file_size, header_offset
        self.limit = 0  # where the next local header (or the central directory) starts


def _u16(data: bytes, at: int) -> int:
    # little-endian fields read by hand: ``struct`` would be this module's only reason to import it (~0.4 ms of
    # the validate start, -X importtime); a package has a handful of entries, so the cost per read is nothing
    return data[at] | data[at + 1] << 8


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


def _name(raw: bytes, flags: int) -> str:
    # zipfile's decoding: UTF-8 when flagged, else code page 437 (equal to ASCII on ASCII bytes, which skips
    # importing the cp437 codec for the names Office writes)
    if flags & _UTF8_NAME:
        return raw.decode("utf-8")
    return raw.decode("ascii") if raw.isascii() else raw.decode("cp437")


def _extra_ok(extra: bytes) -> bool:
    """False for a ZIP64 or malformed extra field (zipfile then decides)."""
    pos = 0
    while len(extra) - pos >= 4:
        kind, size = _u16(extra, pos), _u16(extra, pos + 2)
        if kind == 0x0001 or pos + 4 + size > len(extra):
            return False
        pos += 4 + size
    return True


def open_simple(data: bytes, max_part: int) -> SimpleZip | None:
    """The parts of ``data`` when it is a plain package (see the module docstring), else None."""
    end = len(data) - 22
    if end < 0 or data[end:end + 4] != _EOCD or data[-2:] != b"\0\0":
        return None
    if end >= 20 and data[end - 20:end - 16] == _EOCD64_LOCATOR:  # zipfile would read a ZIP64 end record
        return None
    disk, cd_disk, here, total = (_u16(data, end + i) for i in (4, 6, 8, 10))
    cd_size, cd_offset = _u32(data, end + 12), _u32(data, end + 16)
    if disk or cd_disk or here != total or total == 0xFFFF or cd_offset + cd_size != end:
        return None
    parts: list[Part] = []
    pos = cd_offset
    try:
        while pos < end:
            if pos + 46 > end or data[pos:pos + 4] != _CENTRAL:
                return None
            version, flags, method = data[pos + 6], _u16(data, pos + 8), _u16(data, pos + 10)
            crc, csize, size = _u32(data, pos + 16), _u32(data, pos + 20), _u32(data, pos + 24)
            n, m, k, offset = _u16(data, pos + 28), _u16(data, pos + 30), _u16(data, pos + 32), _u32(data, pos + 42)
            raw = data[pos + 46:pos + 46 + n]
            extra = data[pos + 46 + n:pos + 46 + n + m]
            pos += 46 + n + m + k
            if (pos > end or version > _MAX_VERSION or flags & _UNSUPPORTED_FLAGS or method not in (0, 8)
                    or size > max_part or b"\0" in raw or b"\\" in raw or not _extra_ok(extra)):
                return None
            parts.append(Part(_name(raw, flags), flags, method, crc, csize, size, offset))
    except UnicodeDecodeError:
        return None
    if len(parts) != total:
        return None
    return SimpleZip(data, parts, cd_offset)


class SimpleZip:
    """The parts of a plain package: ``infolist()`` and ``read()`` as ``zipfile.ZipFile``'s, for pre-flight."""

    def __init__(self, data: bytes, parts: list[Part], cd_offset: int):
        self._data, self._parts = data, parts
        self._by_name = {p.filename: p for p in parts}  # the last of equal names, as zipfile's getinfo
        limit = cd_offset
        for part in sorted(parts, key=lambda p: p.header_offset, reverse=True):
            part.limit, limit = limit, part.header_offset

    def __enter__(self) -> SimpleZip:
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def infolist(self) -> list[Part]:
        return self._parts

    def read(self, part: Part | str) -> bytes:
        """The part's bytes, checked as the module docstring says; raises :class:`BadZipFile`, ``EOFError``,
        ``zlib.error`` or ``UnicodeDecodeError`` (the exceptions zipfile raises for the same damage)."""
        if isinstance(part, str):
            part = self._by_name[part]
        data, at = self._data, part.header_offset
        if at + 30 > len(data):
            raise BadZipFile("Truncated file header")
        if data[at:at + 4] != _LOCAL:
            raise BadZipFile("Bad magic number for file header")
        flags, n, m = _u16(data, at + 6), _u16(data, at + 26), _u16(data, at + 28)
        if _name(data[at + 30:at + 30 + n], flags) != part.filename:
            raise BadZipFile(f"File name in directory {part.filename!r} and header differ.")
        start = at + 30 + n + m
        stop = start + part.compress_size
        raw = data[start:stop]  # as zipfile, what the file holds of it (checked below)
        if part.compress_type == 0:
            out = raw[:part.file_size]
            used = len(out)
            ended = len(out) == part.file_size
        else:
            # at most one byte more than declared is inflated (a longer stream is refused below, where zipfile
            # would cut it and check the CRC of the prefix); a stream whose end marker is damaged but whose
            # output is whole and matches the CRC passes, as with zipfile
            inflate = zlib.decompressobj(-15)
            out = inflate.decompress(raw, part.file_size + 1)
            used = len(raw) - len(inflate.unused_data) - len(inflate.unconsumed_tail)
            ended = inflate.eof or len(out) >= part.file_size
        if stop > len(data) and not ended:  # the file ends inside the part
            raise EOFError
        if len(out) != part.file_size or zlib.crc32(out) != part.CRC:
            raise BadZipFile(f"Bad CRC-32 for file {part.filename!r}")
        if start + used > part.limit:  # the bytes really read reach into the next entry
            raise BadZipFile("Overlapped entries")
        return out
