"""Pre-flight beyond the hostile corpus of test_hostile.py: a part larger than 1 MB streams (instead of one whole
read), and a worksheet of that size gets the same verdicts as a small one; a zip-encrypted part is refused in
Chinese."""
from __future__ import annotations

import random
import string
import zipfile

import pytest

from tests import hostile
from tests.conftest import EXAMPLES
from xlsheet import safety
from xlsheet.errors import InvalidWorkbookError

DEMO = EXAMPLES / "demo_2024.xlsx"


def _bloated(dst, tail: bytes = b""):
    """表三 with 300 extra rows of random inline text (well over 1 MB, barely compressible) and ``tail`` rows."""
    rng = random.Random(14)
    rows = []
    for r in range(100, 400):
        cells = "".join(f'<c r="{col}{r}" t="inlineStr"><is><t>{"".join(rng.choices(string.ascii_letters, k=400))}'
                        "</t></is></c>" for col in "ABCDEFGHIJ")
        rows.append(f'<row r="{r}">{cells}</row>')
    extra = "".join(rows).encode() + tail
    path = hostile.patch_sheet(DEMO, dst, "表三", lambda x: x.replace(b"</sheetData>", extra + b"</sheetData>", 1))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(hostile.sheet_part(path, "表三")).file_size > safety._CHUNK
    return path


def test_a_large_worksheet_part_passes(tmp_path):
    pkg = safety.preflight(_bloated(tmp_path / "big.xlsx"))
    assert pkg.book is not None and pkg.data


@pytest.mark.parametrize("tail,words", [
    (b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', "远超"),
    (b'<row r="401"><c r="A401"><v>' + b"9" * 500 + b"</v></c></row>", "数字超过"),
    (b'<row r="401"><c r="A401"><v>1</v></c></row>\x01', "不是有效的 XML"),
], ids=["far cell", "long number", "control byte"])
def test_a_large_worksheet_part_is_refused_like_a_small_one(tail, words, tmp_path):
    with pytest.raises(InvalidWorkbookError, match=words):
        safety.preflight(_bloated(tmp_path / "big.xlsx", tail))


def test_a_zip_encrypted_part_is_refused_in_chinese(tmp_path):
    # zipfile raises RuntimeError (a password is required) for such a part: it escaped pre-flight as a traceback
    data = bytearray(DEMO.read_bytes())
    for magic, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local headers, then the central directory
        at = data.find(magic)
        while at >= 0:
            data[at + flags_at] |= 0x1
            at = data.find(magic, at + 4)
    bad = tmp_path / "encrypted.xlsx"
    bad.write_bytes(bytes(data))
    with zipfile.ZipFile(bad) as zf:
        assert all(i.flag_bits & 0x1 for i in zf.infolist())
    with pytest.raises(InvalidWorkbookError, match="已加密"):
        safety.preflight(bad)


def _verdict(path) -> str:
    try:
        safety.preflight(path)
    except InvalidWorkbookError as exc:
        return str(exc)
    return "passed"


@pytest.mark.parametrize("cells", [10, 200, 1_000, None])
def test_parts_seen_before_get_the_same_verdict(cells, monkeypatch, tmp_path):
    # a part byte-identical to one that passed is not parsed again, but its cells still count against this
    # workbook's budget: warm and cold verdicts must agree, budget or not
    far = hostile.far_cell(DEMO, tmp_path / "far.xlsx", "XFD1048576")  # shares all but one sheet with DEMO
    if cells is not None:
        monkeypatch.setattr(safety, "MAX_CELLS", cells)
    cold = []
    for path in (DEMO, far):
        safety._PASSED.clear()
        cold.append(_verdict(path))
    safety._PASSED.clear()
    monkeypatch.setattr(safety, "MAX_CELLS", 10 ** 9)
    _verdict(DEMO)  # warms the cache with every part of DEMO
    assert safety._PASSED
    if cells is not None:
        monkeypatch.setattr(safety, "MAX_CELLS", cells)
    else:
        monkeypatch.undo()
    assert [_verdict(DEMO), _verdict(far)] == cold
    assert cold[1] != "passed"
    assert ("单元格过多" in cold[0]) == (cells is not None and cells < 1_000)  # DEMO holds 200–1,000 cells
