"""Hostile-file generator: every corrupt, malicious or merely unlucky workbook the tests need is made here, at test
time, from a valid workbook (nothing hostile is committed as a binary).

Each function takes a valid ``src`` .xlsx and writes a damaged copy to ``dst`` (returned).  Sheets are addressed
by their visible name (``"表三"``); the part behind the name is found through workbook.xml and its rels, as a real
reader would.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"|'
                  rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')


def sheet_part(src, sheet: str) -> str:
    """The zip member holding worksheet ``sheet`` (e.g. ``xl/worksheets/sheet4.xml``)."""
    with zipfile.ZipFile(src) as z:
        book, rels = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for m in _REL.finditer(rels):
        target, rid = (m[1], m[2]) if m[1] is not None else (m[4], m[3])
        targets[rid.decode()] = target.decode()
    for m in _SHEET.finditer(book):
        if m[1].decode("utf-8") == escape(sheet):
            target = targets[m[2].decode()]
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(sheet)


def rezip(src, dst, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> Path:
    """Copy ``src`` to ``dst`` member by member; ``change(name, data)`` returns new bytes (or None: drop it)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return Path(dst)


def patch_sheet(src, dst, sheet: str, fn: Callable[[bytes], bytes]) -> Path:
    part = sheet_part(src, sheet)
    return rezip(src, dst, lambda name, data: fn(data) if name == part else data)


def far_cell(src, dst, ref: str = "XFD1048576", sheet: str = "表三", dimension: bool = True) -> Path:
    """One extra numeric cell at ``ref`` (a 25 KB file whose used range is the whole sheet); ``dimension``
    also widens ``<dimension>`` to it, as Excel does."""
    row = re.fullmatch(r"[A-Z]+(\d+)", ref)[1]

    def fn(xml: bytes) -> bytes:
        xml = xml.replace(b"</sheetData>", f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode())
        if dimension:
            xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{ref}"/>'.encode(), xml)
        return xml

    return patch_sheet(src, dst, sheet, fn)


def huge_dimension(src, dst, ref: str = "A1:XFD1048576", sheet: str = "表三") -> Path:
    """Only the ``<dimension>`` element lies (no far cell)."""
    return patch_sheet(src, dst, sheet,
                       lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml))


def set_text(src, dst, sheet: str, ref: str, text: str, raw: bool = False) -> Path:
    """Cell ``ref`` of ``sheet`` becomes an inline string.  ``text`` is XML-escaped unless ``raw`` (then it is
    inserted as given: ``_x000B_`` as Excel writes a pasted vertical tab, or a raw control character)."""
    body = text if raw else escape(text)

    def fn(xml: bytes) -> bytes:
        cell = f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'.encode()
        new, n = re.subn(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)'.encode(), cell, xml, count=1, flags=re.S)
        assert n == 1, f"{ref} not found in {sheet}"
        return new

    return patch_sheet(src, dst, sheet, fn)


def set_number(src, dst, sheet: str, ref: str, number: str) -> Path:
    """Cell ``ref`` becomes the numeric cell ``<v>number</v>`` (any digits, e.g. 5,000 of them)."""
    def fn(xml: bytes) -> bytes:
        new, n = re.subn(rf'<c r="{ref}"([^>]*?)(?:/>|>.*?</c>)'.encode(),
                         lambda m: f'<c r="{ref}"'.encode() + re.sub(rb'\st="[^"]*"', b"", m[1])
                         + f"><v>{number}</v></c>".encode(), xml, count=1, flags=re.S)
        assert n == 1, f"{ref} not found in {sheet}"
        return new

    return patch_sheet(src, dst, sheet, fn)


def flip_byte(src, dst, part: str = "xl/worksheets/sheet4.xml", at: float = 0.5) -> Path:
    """One byte inside ``part``'s compressed data flipped: the zip directory stays valid, only the CRC (or the
    deflate stream) can tell."""
    data = bytearray(Path(src).read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    # local header: 30 bytes + name + extra, then the compressed data
    name_len = int.from_bytes(data[info.header_offset + 26: info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28: info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    pos = start + int(info.compress_size * at)
    data[pos] ^= 0x01
    Path(dst).write_bytes(bytes(data))
    return Path(dst)


def insert_raw(src, dst, sheet: str, needle: bytes, inserted: bytes) -> Path:
    """Insert ``inserted`` bytes (e.g. a raw ``\\x01``) right after the first ``needle`` in the sheet XML."""
    def fn(xml: bytes) -> bytes:
        i = xml.index(needle) + len(needle)
        return xml[:i] + inserted + xml[i:]

    return patch_sheet(src, dst, sheet, fn)


# ---------------------------------------------------------------------------------------------------------------
# Raw mutations for the fuzz test (tests/test_fuzz.py): each takes the member list of a valid package and returns
# the members of a damaged one.  Members are (name, bytes) pairs, written back with fresh CRCs by ``write_members``.
# ---------------------------------------------------------------------------------------------------------------
def members(src) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(src) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def write_members(dst, items: list[tuple[str, bytes]]) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in items:
                z.writestr(name, data)
    return Path(dst)


def mutate_bytes(data: bytes, op: str, at: float, blob: bytes, length: int) -> bytes:
    """One edit of ``data`` at relative position ``at``: flip / delete / insert / duplicate / truncate."""
    i = min(int(len(data) * at), max(len(data) - 1, 0))
    if op == "flip" and data:
        return data[:i] + bytes([data[i] ^ (blob[0] if blob else 0xFF) or 1]) + data[i + 1:]
    if op == "delete":
        return data[:i] + data[i + length:]
    if op == "insert":
        return data[:i] + blob + data[i:]
    if op == "duplicate":
        return data[:i] + data[i:i + length] * 3 + data[i:]
    if op == "truncate":
        return data[:i]
    return data
