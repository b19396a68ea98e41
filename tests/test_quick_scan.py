"""The quick proof that a worksheet is small (``safety._quick_scan``) against the exact streaming scan
(``safety._SheetScan``): the quick proof may answer True only for a sheet the exact scan accepts, and it must then
take exactly as many cells from the workbook's budget.  Checked on the hostile corpus (``tests/hostile.py``), on
hypothesis-generated sheet XML (cells anywhere, odd attribute orders, prefixes, quotes, long numbers, merged
ranges, hyperlinks, comments…), and — so that the property is not won by always answering False — it must prove
every worksheet of the example workbooks and of generated units."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile
from tests.conftest import EXAMPLES
from xlsheet import safety

DEMO = EXAMPLES / "demo_2024.xlsx"


def _exact(data: bytes, budget: int) -> int | None:
    """Cells left in the budget after the exact scan, or None when it refuses (or the XML is not well-formed)."""
    left = [budget]
    try:
        safety._parser(safety._SheetScan("表", left)).Parse(data, True)
    except (safety._Refused, expat.ExpatError):
        return None
    return left[0]


def _well_formed(data: bytes) -> bool:
    try:
        safety._parser(None).Parse(data, True)
    except (safety._Refused, expat.ExpatError):
        return False
    return True


def _agree(data: bytes, budget: int = safety.MAX_CELLS) -> bool:
    """Assert the quick proof is sound on ``data`` (which is well-formed); returns its answer."""
    left = [budget]
    proved = safety._quick_scan(data, left)
    if proved:
        assert _exact(data, budget) == left[0], data[:300]
    else:
        assert left[0] == budget  # an unproved sheet takes nothing: the exact scan counts it
    return proved


def _sheets(path) -> list[bytes]:
    with zipfile.ZipFile(path) as zf:
        return [zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]


# ----- the hostile corpus ---------------------------------------------------------------------------------------
def _far_merge(demo, p):
    return hostile.patch_sheet(demo, p, "表二", lambda x: x.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A200:XFD1048576"/></mergeCells>', 1))


HOSTILE = {
    "far XFD1048576": lambda d, p: hostile.far_cell(d, p, "XFD1048576"),
    "far ZZ100000": lambda d, p: hostile.far_cell(d, p, "ZZ100000", sheet="基本信息"),
    "far row, no dimension": lambda d, p: hostile.far_cell(d, p, "A1048576", sheet="正文", dimension=False),
    "area just over": lambda d, p: hostile.far_cell(d, p, "T10001"),      # 20 × 10,001 > 200,000
    "area just under": lambda d, p: hostile.far_cell(d, p, "T9999"),      # 20 × 9,999 < 200,000
    "beyond Excel": lambda d, p: hostile.far_cell(d, p, "XFE1"),
    "lying dimension": lambda d, p: hostile.huge_dimension(d, p),
    "far merge": _far_merge,
    "far merge column": lambda d, p: hostile.insert_raw(d, p, "表二", b"</sheetData>",
                                                        b'<mergeCells><mergeCell ref="A1:XFD2"/></mergeCells>'),
    "far merge row": lambda d, p: hostile.insert_raw(d, p, "表二", b"</sheetData>",
                                                     b'<mergeCells><mergeCell ref="A1:B1048576"/></mergeCells>'),
    "far hyperlink": lambda d, p: hostile.insert_raw(d, p, "表二", b"</sheetData>",
                                                     b'<hyperlinks><hyperlink ref="XFD1"/></hyperlinks>'),
    "shadowed reference": lambda d, p: hostile.insert_raw(d, p, "表三", b"<sheetData>",
                                                          b"<row r=\"7\"><c a=' r=\"A1\"' r=\"XFD1048576\"/></row>"),
    "5000 digits": lambda d, p: hostile.set_number(d, p, "表三", "D8", "9" * 5000),
    "401 digits": lambda d, p: hostile.set_number(d, p, "表三", "D8", "9" * 401),
    "400 digits": lambda d, p: hostile.set_number(d, p, "表三", "D8", "9" * 400),
    "long text": lambda d, p: hostile.set_text(d, p, "正文", "B4", "字" * 5000),
    "quote in text": lambda d, p: hostile.set_text(d, p, "正文", "B4", "it's > 5 <x r='XFD1'/>"),
    "comment in sheet": lambda d, p: hostile.insert_raw(d, p, "表三", b"<sheetData>",
                                                        b'<!-- <c r="XFD1048576"/> -->'),
    "prefixed far cell": lambda d, p: hostile.insert_raw(d, p, "表三", b"<sheetData>",
                                                         b'<row r="7"><x:c r="XFD1048576"/></row>'),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_quick_scan_is_sound_on_the_hostile_corpus(kind, tmp_path):
    bad = HOSTILE[kind](DEMO, tmp_path / "bad.xlsx")
    for data in _sheets(bad):
        if _well_formed(data):
            _agree(data)
            _agree(data, budget=50)  # a small budget: the cell count must be refused alike


# ----- generated sheet XML --------------------------------------------------------------------------------------
def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# Positions: mostly near A1 (up to 300 × 700, so the area limit itself is sometimes crossed), one in twenty far
# in its column, its row or both (past the area limit, at Excel's last cell, beyond it, more than 7 digits).
NEAR_COLS, NEAR_ROWS = st.integers(1, 300), st.integers(0, 700)
FAR_COLS = st.one_of(st.integers(1, 20_000), st.sampled_from([16_384, 16_385, 18_278]))
FAR_ROWS = st.one_of(st.integers(1, 2_000_000),
                     st.sampled_from([9_999, 10_000, 10_001, 1_048_576, 1_048_577, 9_999_999, 12_345_678]))
WS = st.sampled_from([" ", " ", " ", "\t", "\n", "\r\n", "  "])
DECOY = st.sampled_from(['a>b', ' r=', 'A1', '&quot;', 'x r=&quot;A1&quot;', '1:2', 'r'])
# an attribute in single quotes that holds what looks like a plain reference (only in a weird sheet)
SHADOW = st.sampled_from(['xr=\' r="A1"\'', 'xr=\' r="1"\'', "xr=' ref=\"A1\"'", "xr='>'"])


def odd(draw, weird: bool, choices: list, plain):
    """``plain`` in a plain sheet; in a weird one, mostly plain, sometimes one of ``choices``."""
    return draw(st.sampled_from([plain] * 6 + choices)) if weird else plain


@st.composite
def ref(draw, weird: bool) -> str:
    far = draw(st.integers(0, 19)) == 0
    far_col, far_row = (draw(st.sampled_from([(True, False), (False, True), (True, True)])) if far
                        else (False, False))
    col, row = _letters(draw(FAR_COLS if far_col else NEAR_COLS)), draw(FAR_ROWS if far_row else NEAR_ROWS)
    style = odd(draw, weird, ["dollar", "lower", "zero", "space", "entity", "empty"], "plain")
    return {"plain": f"{col}{row}", "dollar": f"${col}${row}", "lower": f"{col.lower()}{row}",
            "zero": f"{col}0{row}", "space": f" {col}{row}", "entity": f"&#{ord(col[0])};{col[1:]}{row}",
            "empty": ""}[style]


def attr(draw, weird: bool, name: str, value: str) -> str:
    quote = odd(draw, weird, ["'"], '"')
    eq = odd(draw, weird, [" = "], "=")
    return f"{name}{eq}{quote}{value}{quote}"


@st.composite
def cell(draw, weird: bool) -> str:
    attrs = []
    if odd(draw, weird, [False], True):
        attrs.append(attr(draw, weird, "r", draw(ref(weird))))
    kind = draw(st.sampled_from([None, "n", "s", "str", "inlineStr", "b"]))
    if kind:
        attrs.append(attr(draw, weird, "t", kind))
    if draw(st.booleans()):
        attrs.append(attr(draw, weird, "s", str(draw(st.integers(0, 9)))))
    if draw(st.integers(0, 5)) == 0:
        attrs.append(attr(draw, weird, "xr", draw(DECOY)))
    if weird and draw(st.integers(0, 3)) == 0:
        attrs.append(draw(SHADOW))
    attrs = draw(st.permutations(attrs))
    tag = odd(draw, weird, ["x:c", "cx"], "c")
    head = "<" + tag + "".join(draw(WS) + a for a in attrs)
    body = draw(st.sampled_from(["", "v", "v", "is", "f"] + (["long", "vchild"] if weird else [])))
    if body == "":
        return head + draw(st.sampled_from(["/>", " />"]))
    if body == "v":
        inner = f"<v>{draw(st.integers(-10 ** 30, 10 ** 30))}</v>"
    elif body == "long":
        n = draw(st.sampled_from([399, 400, 401, 402, 5000]))
        inner = "<v>" + draw(st.sampled_from(["9", "&#57;", " "])) * n + "</v>"
    elif body == "vchild":
        inner = "<v>1<!---->" + "9" * draw(st.integers(0, 450)) + "</v>"
    elif body == "f":
        inner = "<f>SUM('表三'!A1:B2)&gt;0</f><v>1</v>"
    else:
        inner = "<is><t>it's a &lt;c r=\"XFD1\"&gt;</t></is>"
    return head + ">" + inner + f"</{tag}>"


@st.composite
def row(draw, weird: bool) -> str:
    attrs = []
    r = odd(draw, weird, ["none", "x", "big", "zero"], "n")
    if r != "none":
        value = {"n": str(draw(st.one_of(NEAR_ROWS, FAR_ROWS))), "x": "x", "big": "12345678", "zero": "007"}[r]
        attrs.append(attr(draw, weird, "r", value))
    if draw(st.booleans()):
        attrs.append(attr(draw, weird, "spans", "1:4"))
    if weird and draw(st.integers(0, 3)) == 0:
        attrs.append(draw(SHADOW))
    attrs = draw(st.permutations(attrs))
    tag = odd(draw, weird, ["x:row"], "row")
    cells = draw(st.lists(cell(weird), max_size=5))
    return "<" + tag + "".join(draw(WS) + a for a in attrs) + ">" + "".join(cells) + f"</{tag}>"


@st.composite
def ranged(draw, weird: bool, tag: str) -> str:
    a, b = draw(ref(weird)), draw(ref(weird))
    value = draw(st.sampled_from([f"{a}:{b}", a])) if not weird else \
        draw(st.sampled_from([f"{a}:{b}", a, f"{a}:", f"{a}:{b}:{a}", f"{a} :{b}"]))
    extra = attr(draw, weird, "r:id", "rId1") if tag == "hyperlink" and draw(st.booleans()) else ""
    name = odd(draw, weird, [f"x:{tag}"], tag)
    shadow = " " + draw(SHADOW) if weird and draw(st.integers(0, 3)) == 0 else ""
    attrs = draw(st.permutations([attr(draw, weird, "ref", value), extra, shadow]))
    return f"<{name} {' '.join(a for a in attrs if a)}/>"


@st.composite
def worksheet(draw) -> bytes:
    """A worksheet, plain (every reference plain, only positions vary — the quick proof should often hold) or
    weird (now and then a construct the quick proof must decline or see through)."""
    weird = draw(st.booleans())
    rows = "".join(draw(st.lists(row(weird), max_size=6)))
    merges = draw(st.lists(ranged(weird, "mergeCell"), max_size=3))
    links = draw(st.lists(ranged(weird, "hyperlink"), max_size=2))
    unusual = odd(draw, weird, ["<!-- x -->", "<![CDATA[<c r='XFD1'/>]]>", "<?pi x?>"], "")
    body = (f'<sheetData>{unusual}{rows}</sheetData>'
            + (f'<mergeCells>{"".join(merges)}</mergeCells>' if merges else "")
            + (f'<hyperlinks>{"".join(links)}</hyperlinks>' if links else ""))
    root = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<dimension ref="A1:B2"/>{body}</worksheet>')
    decl = draw(st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
                                 "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0"?>',
                                 '<?xml version="1.0" encoding="ISO-8859-1"?>']))
    text = decl + root
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16"]))
    if encoding == "utf-16" and decl:
        text = text.replace(decl, '<?xml version="1.0" encoding="UTF-16"?>')
    return text.encode(encoding)


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=worksheet(), budget=st.sampled_from([safety.MAX_CELLS, 0, 3, 10]))
def test_quick_scan_is_sound_on_generated_sheets(data, budget):
    if _well_formed(data):
        _agree(data, budget)


def test_generated_sheets_exercise_both_answers():
    # the property above proves nothing if the generator never yields a sheet the quick proof accepts (or never
    # one it declines): draw a fixed sample and require both
    from hypothesis import find

    proved = find(worksheet(), lambda d: _well_formed(d) and b"<c " in d
                  and safety._quick_scan(d, [safety.MAX_CELLS]), settings=settings(database=None, derandomize=True))
    declined = find(worksheet(), lambda d: _well_formed(d) and _exact(d, safety.MAX_CELLS) is not None
                    and not safety._quick_scan(d, [safety.MAX_CELLS]),
                    settings=settings(database=None, derandomize=True))
    assert proved and declined


# ----- the quick proof must hold for normal sheets ----------------------------------------------------------------
def test_quick_scan_proves_every_example_sheet():
    books = sorted(EXAMPLES.glob("*.xlsx"))
    assert books
    for book in books:
        sheets = _sheets(book)
        assert sheets, book
        for data in sheets:
            assert _agree(data), (book.name, data[:200])


def test_quick_scan_proves_every_generated_unit_sheet(tmp_path):
    from benchmarks.unitgen import make_batch

    batch = make_batch(tmp_path / "units", 24, seed=14, keep_values=False)
    checked = 0
    for path in sorted(Path(batch.folder).glob("*.xlsx")):
        if batch.expected[path.name] == "unreadable":
            continue
        for data in _sheets(path):
            assert _agree(data), path.name
            checked += 1
    assert checked > 50
