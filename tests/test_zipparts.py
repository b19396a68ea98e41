"""``workbook.zipparts`` (pre-flight's ZIP reader) against ``zipfile`` on every workbook at hand, the hostile files of
tests/hostile.py and thousands of damaged copies: whenever it takes a package (instead of leaving it to zipfile),
it lists the same parts, returns the same bytes, and refuses every part zipfile refuses, with the exception
pre-flight turns into the same message.  Where it is stricter on purpose (overlapping entries, size lies), the
cases are built explicitly."""
from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pytest

from tests import hostile
from tests.conftest import EXAMPLES
from xlsheet import safety
from xlsheet.errors import InvalidWorkbookError
from xlsheet.workbook.zipparts import BadZipFile, open_simple

DEMO = EXAMPLES / "demo_2024.xlsx"
LIMIT = safety._CHUNK


def _kind(exc: BaseException) -> str:
    """What pre-flight shows of a read failure: '校验和不符' for a CRC error, else the exception's type name."""
    return "CRC" if "CRC" in str(exc) else type(exc).__name__


def _read_all(zf) -> list:
    out = []
    for info in zf.infolist():
        if info.flag_bits & 0x1:  # encrypted: pre-flight refuses it before reading
            out.append("encrypted")
            continue
        try:
            out.append(zf.read(info))
        except Exception as exc:
            out.append(_kind(exc))
    return out


def _entries(zf) -> list[tuple]:
    return [(i.filename, i.file_size, i.compress_size, i.CRC, i.flag_bits, i.compress_type) for i in zf.infolist()]


def compare(data: bytes) -> str:
    """'fallback' (left to zipfile), 'same' or 'stricter' (a part zipfile reads is refused); fails on any other
    difference."""
    ours = open_simple(data, LIMIT)
    if ours is None:
        return "fallback"
    zf = zipfile.ZipFile(io.BytesIO(data))  # must open: ours took the package
    assert _entries(ours) == _entries(zf)
    stricter = False
    for mine, theirs in zip(_read_all(ours), _read_all(zf)):
        if isinstance(theirs, str):
            # refused alike; one tolerated difference in the detail shown: ours stops inflating one byte past the
            # declared size ("校验和不符"), where zipfile inflates all and may meet a broken code first ("error")
            assert mine == theirs or (mine, theirs) == ("CRC", "error"), (mine, theirs)
        elif isinstance(mine, str):
            assert mine in ("CRC", "BadZipFile"), mine  # a size lie or an overlap zipfile lets through
            stricter = True
        else:
            assert mine == theirs
    return "stricter" if stricter else "same"


def _workbooks(tmp_path):
    files = sorted(EXAMPLES.glob("*.xlsx"))
    made = [hostile.far_cell(DEMO, tmp_path / "far.xlsx"), hostile.huge_dimension(DEMO, tmp_path / "dim.xlsx"),
            hostile.set_text(DEMO, tmp_path / "ctl.xlsx", "基本信息", "B4", "某\x01局", raw=True),
            hostile.set_number(DEMO, tmp_path / "num.xlsx", "表三", "D8", "9" * 5000)]
    for part in ("xl/worksheets/sheet4.xml", "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml"):
        for at in (0.0, 0.3, 0.8, 0.99):
            made.append(hostile.flip_byte(DEMO, tmp_path / f"flip{len(made)}.xlsx", part, at))
    return [p.read_bytes() for p in files + made]


def test_every_workbook_and_hostile_file_reads_the_same(tmp_path):
    from tests.test_hostile import KINDS, make

    datas = _workbooks(tmp_path)
    for kind in KINDS:
        p = make(kind, tmp_path, DEMO)
        if p.is_file():
            datas.append(p.read_bytes())
    verdicts = [compare(d) for d in datas]
    assert "stricter" not in verdicts
    assert verdicts[:len(list(EXAMPLES.glob("*.xlsx")))] == ["same"] * len(list(EXAMPLES.glob("*.xlsx")))


def _central(data: bytes) -> list[int]:
    """Offsets of the central directory entries of an intact package."""
    out, at = [], data.find(b"PK\x01\x02")
    while at >= 0:
        out.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return out


# (offset within a central entry, struct format) of the fields a damaged copy changes
_FIELDS = [(6, "<B"), (8, "<H"), (10, "<H"), (16, "<L"), (20, "<L"), (24, "<L"), (28, "<H"), (30, "<H"), (32, "<H"),
           (42, "<L")]


def _mutants(data: bytes, count: int, seed: int):
    rng = random.Random(seed)
    central = _central(data)
    local = [i for i in range(len(data)) if data.startswith(b"PK\x03\x04", i)]
    for _ in range(count):
        buf = bytearray(data)
        op = rng.randrange(5)
        if op == 0:  # a random byte anywhere
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        elif op == 1:  # a field of a central entry: small or large change, or a telling value
            entry = rng.choice(central)
            off, fmt = rng.choice(_FIELDS)
            size = struct.calcsize(fmt)
            old = struct.unpack_from(fmt, buf, entry + off)[0]
            new = rng.choice([old + rng.randint(-40, 40), rng.randrange(1 << (8 * size)), 0, (1 << (8 * size)) - 1,
                              12, 14, 99, 0x800, 0x20, 0x40, 0x8, 64])
            struct.pack_into(fmt, buf, entry + off, new % (1 << (8 * size)))
        elif op == 2:  # a byte of a local header
            at = rng.choice(local) + rng.randrange(30)
            buf[at] = rng.randrange(256)
        elif op == 3:  # truncated or padded
            if rng.random() < 0.5:
                del buf[rng.randrange(len(buf)):]
            else:
                buf[rng.randrange(len(buf)):rng.randrange(len(buf))] = bytes(rng.randrange(64))
        else:  # the end record
            at = len(buf) - 22 + rng.randrange(22)
            buf[at] = rng.randrange(256)
        yield bytes(buf)


@pytest.mark.parametrize("seed", range(4))
def test_damaged_copies_are_refused_at_least_as_zipfile_refuses(seed):
    data = DEMO.read_bytes()
    seen = {"fallback": 0, "same": 0, "stricter": 0}
    for mutant in _mutants(data, 1500, seed):
        seen[compare(mutant)] += 1
    assert seen["same"] > 300 and seen["fallback"] > 100, seen  # both paths really exercised


def _rebuild(parts: list[tuple[str, bytes, int]], mangle=None) -> bytes:
    """A package written by hand: (name, bytes, method); ``mangle(i, local, central)`` may edit headers."""
    out, central = bytearray(), bytearray()
    for i, (name, raw, method) in enumerate(parts):
        body = raw if method == 0 else zlib.compress(raw)[2:-4]
        local = bytearray(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, zlib.crc32(raw), len(body),
                                      len(raw), len(name), 0) + name.encode())
        cent = bytearray(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, zlib.crc32(raw),
                                     len(body), len(raw), len(name), 0, 0, 0, 0, 0, len(out)) + name.encode())
        if mangle:
            body = mangle(i, local, cent, body)
        out += local + body
        central += cent
    return bytes(out + central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central),
                                             len(out), 0))


def test_a_hand_written_package_reads_the_same():
    data = _rebuild([("a.xml", b"<a/>" * 50, 8), ("b.bin", b"xyz" * 9, 0), ("c", b"", 8)])
    assert compare(data) == "same"
    assert open_simple(data, LIMIT).read("a.xml") == b"<a/>" * 50


def _size_lie(delta: int):
    def mangle(i, local, cent, body):
        if i == 0:
            struct.pack_into("<L", cent, 24, struct.unpack_from("<L", cent, 24)[0] + delta)
        return body
    return mangle


@pytest.mark.parametrize("delta", [-1, 1, 1000])
def test_a_declared_size_that_lies_is_refused(delta):
    data = _rebuild([("a.xml", b"<a/>" * 50, 8), ("b.xml", b"<b/>", 8)], _size_lie(delta))
    with pytest.raises(BadZipFile, match="CRC"):
        open_simple(data, LIMIT).read("a.xml")
    zipfile.ZipFile(io.BytesIO(data)).read("b.xml")  # the other part is fine for both


def test_a_longer_stream_than_declared_is_refused_where_zipfile_truncates():
    raw = b"<a/>" * 50

    def mangle(i, local, cent, body):  # declared: the first 8 bytes, with their CRC
        for header, at in ((local, 14), (cent, 16)):
            struct.pack_into("<L", header, at, zlib.crc32(raw[:8]))
        for header, at in ((local, 22), (cent, 24)):
            struct.pack_into("<L", header, at, 8)
        return body

    data = _rebuild([("a.xml", raw, 8)], mangle)
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.xml") == raw[:8]  # zipfile: the truncated prefix, silently
    assert compare(data) == "stricter"


def test_overlapping_entries_are_refused():
    # a stored a.xml declared to span its own bytes, b.xml's local header and b.xml's data (a "quoted overlap"):
    # zipfile 3.11 returns all of it as a.xml; ours refuses
    raw = b"<a/>" * 50
    data = bytearray(_rebuild([("a.xml", raw, 0), ("b.xml", b"<b/>", 0)]))
    span = bytes(data[35:data.find(b"PK\x01\x02")])
    cd = data.find(b"PK\x01\x02")
    for header, crc_at in ((0, 14), (cd, 16)):
        struct.pack_into("<3L", data, header + crc_at, zlib.crc32(span), len(span), len(span))
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).read("a.xml") == span
    assert compare(bytes(data)) == "stricter"
    with pytest.raises(BadZipFile, match="Overlapped"):
        open_simple(bytes(data), LIMIT).read("a.xml")


@pytest.mark.parametrize("method,flags,why", [(12, 0, "bzip2"), (14, 0, "lzma"), (99, 0, "unknown method"),
                                              (8, 0x20, "patched data"), (8, 0x40, "strong encryption")])
def test_what_it_does_not_handle_is_left_to_zipfile(method, flags, why):
    def mangle(i, local, cent, body):
        struct.pack_into("<HH", cent, 8, flags, method)
        struct.pack_into("<HH", local, 6, flags, method)
        return body

    assert open_simple(_rebuild([("a.xml", b"<a/>", 8)], mangle), LIMIT) is None, why


def test_a_comment_zip64_or_prefix_is_left_to_zipfile():
    data = _rebuild([("a.xml", b"<a/>" * 50, 8)])
    assert open_simple(data, LIMIT) is not None
    assert open_simple(data[:-2] + b"\x02\x00hi", LIMIT) is None  # archive comment
    assert open_simple(b"junk" + data, LIMIT) is None  # prepended bytes (offsets no longer add up)
    assert open_simple(data, 100) is None  # a part above the size limit (streamed by zipfile's reader)


def test_preflight_messages_are_unchanged_for_damaged_parts(tmp_path):
    # the messages pre-flight gave through zipfile, for damage the simple reader now reports
    bad = hostile.flip_byte(DEMO, tmp_path / "flip.xlsx", "xl/worksheets/sheet4.xml", 0.5)
    with pytest.raises(InvalidWorkbookError, match="部件 xl/worksheets/sheet4.xml 的数据(校验和不符|error)"):
        safety.preflight(bad)
    data = bytearray(DEMO.read_bytes())
    at = data.find(b"PK\x03\x04", 10)
    data[at + 3] = 0  # a local header's signature
    p = tmp_path / "sig.xlsx"
    p.write_bytes(bytes(data))
    assert open_simple(bytes(data), LIMIT) is not None
    with pytest.raises(InvalidWorkbookError, match="的数据BadZipFile"):
        safety.preflight(p)


def test_reading_a_workbook_imports_neither_zipfile_nor_an_element_tree(tmp_path):
    # the reason zipparts and bookxml exist (~7 ms of every `xlsheet validate` start); zipfile stays the reader
    # for the unusual package, which must still work
    import os
    import subprocess
    import sys

    odd = tmp_path / "comment.xlsx"
    odd.write_bytes(DEMO.read_bytes()[:-2] + b"\x02\x00hi")  # an archive comment: left to zipfile
    watched = ("zipfile", "xml.etree", "xml.etree.ElementTree", "defusedxml", "defusedxml.ElementTree")
    code = ("import sys\n"
            # an editable install's import hook may have loaded some at start-up: forget them, see who loads them
            f"for m in {watched!r}: sys.modules.pop(m, None)\n"
            "from xlsheet.workbook.reader import read\n"
            f"read({str(DEMO)!r})\n"
            f"print(','.join(m for m in {watched!r} if m in sys.modules))\n"
            f"read({str(odd)!r})\n"
            "print('zipfile' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, XDG_CACHE_HOME=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["", "True"], proc.stdout
