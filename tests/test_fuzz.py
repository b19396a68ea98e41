"""Fuzz (issue 9): random mutations of a valid workbook — cell values, XML bytes, zip entries — go through
validate, validate --write, report and new --from; every run must end in exit 0, 1 or 2 (never 3, never a crash), inside a
worker with a 1 GB memory limit and a 60 s clock (xlsheet.isolation).  About 45 s in CI; the examples are
derandomised so CI is reproducible; FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 hunts longer with fresh examples."""
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_worker, hostile
from tests.conftest import EXAMPLES
from xlsheet.isolation import IsolatedFailure, LimitedPool

DEMO = EXAMPLES / "demo_2024.xlsx"
EXAMPLES_PER_KIND = int(os.environ.get("FUZZ_EXAMPLES", "80"))
FUZZ = settings(max_examples=EXAMPLES_PER_KIND, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# cells clerks type into: 基本信息 (agency, year, dates, sign-off), 正文, 表二, 表三, 表四
CELLS = [("基本信息", c) for c in ("B4", "B5", "B6", "B7", "B9", "B17", "B18")] + \
        [("正文", c) for c in ("B4", "B5", "B7", "B12")] + \
        [("表二", "B11"), ("表三", "D8"), ("表三", "J30"), ("表四", "A8")]
TEXTS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["=1+1", "=HYPERLINK(\"x\")", "+2", "-5", "@A1", "_x000B_", "20244", "-1", "9" * 5000,
                     "1e308", "１２", "104.85万元", "2025年1月20日", "{{ 7*7 }}", "\u0000", "\ud800"]),
    st.integers(min_value=-10 ** 30, max_value=10 ** 30).map(str),
)
NUMBERS = st.one_of(st.integers(min_value=-10 ** 20, max_value=10 ** 20).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.sampled_from(["1e308", "-1e308", "45292", "2958466", "-700000", "1E+400", "x", ""]))


@pytest.fixture(scope="module")
def pool():
    # one worker for the whole module: LimitedPool gives every call its own 60 s CPU budget
    with LimitedPool(1, memory_mb=1024, cpu_seconds=60, timeout=60) as workers:
        yield workers


def _check(pool, path, out_dir):
    try:
        results = pool.call(fuzz_worker.run_commands, str(path), str(out_dir))
    except IsolatedFailure as exc:
        pytest.fail(f"{exc.kind}: {exc}")
    for name, code, err in results:
        assert code in (0, 1, 2), (name, code, err)
        if code == 2:
            assert err.startswith("错误：") and "Traceback" not in err and "Warning" not in err, (name, err)


def _xml_text(text: str) -> str:
    # a cell's text as an XML writer would escape it; characters XML cannot hold are what Excel writes as _xHHHH_
    from xml.sax.saxutils import escape

    return "".join(ch if ch in "\t\n\r" or (" " <= ch and ch not in "\ufffe\uffff" and not "\ud800" <= ch <= "\udfff")
                   else f"_x{ord(ch):04X}_" for ch in escape(text))


@FUZZ
@given(cell=st.sampled_from(CELLS), text=TEXTS, number=NUMBERS, as_number=st.booleans())
def test_fuzz_cell_values(pool, tmp_path_factory, cell, text, number, as_number):
    tmp = tmp_path_factory.mktemp("cells")
    sheet, ref = cell
    if as_number:
        path = hostile.set_number(DEMO, tmp / "f.xlsx", sheet, ref, number.replace("<", ""))
    else:
        path = hostile.set_text(DEMO, tmp / "f.xlsx", sheet, ref, _xml_text(text), raw=True)
    _check(pool, path, tmp)


XML_PARTS = [name for name, _ in hostile.members(DEMO) if name.endswith((".xml", ".rels"))]
OPS = st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"])


@FUZZ
@given(part=st.sampled_from(XML_PARTS), op=OPS, at=st.floats(0, 1), blob=st.binary(min_size=1, max_size=40),
       length=st.integers(1, 400))
def test_fuzz_xml_bytes(pool, tmp_path_factory, part, op, at, blob, length):
    tmp = tmp_path_factory.mktemp("xml")
    items = [(n, hostile.mutate_bytes(d, op, at, blob, length) if n == part else d) for n, d in hostile.members(DEMO)]
    _check(pool, hostile.write_members(tmp / "f.xlsx", items), tmp)


@FUZZ
@given(op=st.sampled_from(["drop", "rename", "duplicate", "junk", "raw"]), index=st.integers(0, 50),
       at=st.floats(0, 1), blob=st.binary(min_size=1, max_size=40), raw_op=OPS)
def test_fuzz_zip_entries(pool, tmp_path_factory, op, index, at, blob, raw_op):
    tmp = tmp_path_factory.mktemp("zip")
    items = hostile.members(DEMO)
    name, data = items[index % len(items)]
    if op == "drop":
        items.remove((name, data))
    elif op == "rename":
        items[index % len(items)] = (name.replace(".xml", ".xm_") if at < 0.5 else name.upper(), data)
    elif op == "duplicate":
        items.append((name, hostile.mutate_bytes(data, "delete", at, blob, 100)))
    elif op == "junk":
        items.append((f"xl/{blob.hex()[:12]}.xml", blob))
    path = hostile.write_members(tmp / "f.xlsx", items)
    if op == "raw":  # damage the package itself: headers, directory, compressed data
        path.write_bytes(hostile.mutate_bytes(path.read_bytes(), raw_op, at, blob, 64))
    _check(pool, path, tmp)
