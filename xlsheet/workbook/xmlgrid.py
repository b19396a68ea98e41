"""A worksheet's grid straight from the XML bytes that pre-flight already decompressed and checked, without a
second reader: the same values and types python-calamine's ``to_python(skip_empty_area=False)`` gives, from a
few C-level regular expressions over the part and one small Python step per non-empty cell.

Conservative by construction: only what is provably simple is read here; anything else raises
:class:`Declined` for the whole sheet (``FileSource.grid`` then reads it with calamine, exactly as before).
Read here:

* cells written ``<c r="B7" s="3" t="…">`` (attributes in this order, ``s`` and ``t`` optional, nothing else);
* numbers (``t`` absent or ``"n"``) in plain decimal notation, as float, when the cell's style has a number
  format that is provably not a date or time (built-in ids 0–13, 37–44, 48, 49, or a custom code without
  date/time letters outside quotes, ``General`` and non-elapsed brackets); in a date format (built-in, or a
  custom code of date/time parts only), a whole-day serial from 1900-03-01 on as ``datetime.date`` (workbooks in
  the 1900 date system only);
* ``t="s"`` shared strings made of one plain ``<t>`` or of ``<r>`` runs (``<rPr>`` ignored, a trailing
  ``<phoneticPr/>`` ignored), no ``<rPh>``; ``t="inlineStr"`` of the same shapes; ``t="str"`` formula text;
* ``t="b"`` booleans written 0 or 1; a formula ``<f>`` before the value (its text is not a value);
* XML's five entities and numeric character references.

Declined: ``t="e"`` / ``t="d"`` / an unknown type, a time, a fractional or early date serial, a duration
(``[h]``) or unknown style, ``_xHHHH_`` escapes, a carriage return, whitespace at either end of a ``<t>``
without ``xml:space="preserve"`` (calamine trims it), phonetic runs, whitespace between elements, an element or
attribute not listed above, two cells at one address, a malformed ``<dimension>``, a part that does not look
like a plain worksheet.  Empty cells (no value, an empty ``<v>``) read as "".  The sheet must already have
passed :func:`xlsheet.safety._quick_scan` (plain ``r`` on every cell, UTF-8, no comments, CDATA, prefixes or
single-quoted attributes, area within limits).  ``tests/test_xmlgrid.py`` compares every accepted case with
calamine itself.
"""
from __future__ import annotations

import re
from xml.parsers import expat

# ---- cells ---------------------------------------------------------------------------------------------------
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?'
             rb'(?:/>|>(?:<v>([^<]*)</v>|<is><t>([^<]*)</t></is>|(.*?))</c>)', re.S)
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?"/>')
# a cell that reads as "": no value, an empty <v>, a formula without a cached result; of a known type (calamine
# refuses a sheet with an unknown one, even on an empty cell)
_TYPES = (b"", b"n", b"s", b"b", b"e", b"str", b"inlineStr", b"d")
_EMPTY = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?(?: t="(?:n|s|b|e|str|inlineStr|d)")?'
                    rb'(?:/>|>(?:<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))?(?:<v></v>|<v/>)?</c>)')
_REF = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"')
# the rest of a cell's content, when not a bare <v> or a one-run <is>: an optional formula, then an optional value
_F_V = re.compile(rb'(?:<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<v/>)?')
_IS = re.compile(rb"<is>(.*)</is>", re.S)
_NUMBER = re.compile(rb"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?")
_SHARED_INDEX = re.compile(rb"[0-9]{1,9}")

# ---- rich text (shared string items and inline strings) ------------------------------------------------------
_T = rb'<t( xml:space="preserve")?(?:>([^<]*)</t>|/>)'
_RUN = rb"<r>(?:<rPr/>|<rPr>(?:[^<]|<(?!/?(?:[\w.\-]+:|(?:rPr|rPh|r|t|si|is)[\s/>])))*</rPr>)?" + _T + rb"</r>"
_PHONETIC_PR = rb"(?:<phoneticPr(?:\s[^>]*)?/>)?"
_ITEM = re.compile(rb"(?:" + _T + rb"|(?:" + _RUN + rb")+)" + _PHONETIC_PR)
_RUN_TEXT = re.compile(_RUN)
_T_ONLY = re.compile(_T)
_SI_TAG = re.compile(rb"<si(?=[\s/>])")
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_SST = re.compile(rb"<sst(?:\s[^>]*)?(?:/>|>(.*)</sst>)", re.S)

# ---- styles --------------------------------------------------------------------------------------------------
_CELL_XFS = re.compile(rb"<cellXfs(?:\s[^>]*)?(?:/>|>(.*?)</cellXfs>)", re.S)
_XF_TAG = re.compile(rb"<xf(?=[\s/>])")
_XF = re.compile(rb"<xf(\s[^>]*?)?/?>")
_NUM_FMT_ID = re.compile(rb'\snumFmtId="([0-9]{1,9})"')
_NUM_FMTS = re.compile(rb"<numFmts(?:\s[^>]*)?(?:/>|>(.*?)</numFmts>)", re.S)
_NUM_FMT = re.compile(rb"<numFmt(\s[^>]*?)/?>")
_FORMAT_CODE = re.compile(rb'\sformatCode="([^"]*)"')
# quoted text, brackets other than an elapsed-time [h] / [mm] / [ss] (colour, condition, locale), and the word
# General (e.g. "+General;-General;0", a number format xlsheet itself writes)
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[(?![hHmMsS]+\])[^\]]*\]|(?i:general)')
_DATE_LETTERS = frozenset("dmyhsegbnaDMYHSEGBNA")
_ESCAPED = re.compile(r"\\.")
_DATE_ONLY = re.compile(r"[yYmMdDhHsS:/\-., ]*[yYmMdD][yYmMdDhHsS:/\-., ]*")
#: built-in number formats that are plainly numeric (no date/time): General, 0, 0.00, #,##0, %, fractions, scientific,
#: accounting, ##0.0E+0 and @
_PLAIN_BUILTIN = frozenset([*range(0, 14), *range(37, 45), 48, 49])
#: built-in formats calamine reads as a date or a date and time (46, [h]:mm:ss, is a duration: not here)
_DATE_BUILTIN = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
NUMBER, DATE = 1, 2  # what a style makes of a number: a float, or a date when the serial is a whole day
#: whole-day serials read as dates here: from 1900-03-01 (below, Excel's 1900 leap-year bug) to 9999-12-31
_DAYS = range(61, 2958466)
_EPOCH = None

_XESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")

_DECL_OTHER = re.compile(rb'<\?xml[^>]*?encoding=["\'](?![Uu][Tt][Ff]-?8["\'])')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:sst|si|r|rPh|t|cellXfs|xf|numFmts|numFmt|sheetData)(?=[\s/>])")

_COLS: dict[bytes, int] = {}


class Declined(Exception):
    """The part holds something this module does not read exactly like calamine: use calamine."""


def _plain(data: bytes) -> bytes:
    """``data`` when it is UTF-8 XML without comments, CDATA, processing instructions or a namespace prefix on the
    elements read here (any of which would let a pattern count or read what calamine does not)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if (b"<!" in data or b"<?" in data[2:] or b"\x00" in data[:4] or (data.startswith(b"<?") and _DECL_OTHER.match(data))
            or _PREFIXED.search(data)):
        raise Declined
    return data


def _resolve(raws: list[bytes]) -> list[str]:
    """Character data with entities or character references (``raws``: each from a well-formed part, without
    '<') → str, all in one C-level parse: a sheet written by openpyxl holds thousands of ``&#27491;``."""
    doc = b"<a><b>" + b"</b><b>".join(raws) + b"</b></a>"
    out: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = len(doc) + 1  # each element's text arrives whole, at its end tag
    parser.CharacterDataHandler = out.append
    parser.EndElementHandler = len  # any C callable: its presence makes expat deliver the text at each end tag
    parser.Parse(doc, True)
    if len(out) != len(raws):  # an empty text (not expected: each holds a reference)
        raise Declined
    return out


def _checked(s: str, trimmed: bool = False) -> str:
    """``s`` unless calamine would read it differently: a carriage return (XML rewrites a raw one, calamine
    and the XML parser may not agree on one written as a reference), Excel's ``_xHHHH_`` escapes, and — for the
    text of a ``<t>`` without ``xml:space="preserve"`` (``trimmed``), which calamine trims — whitespace at
    either end (str.isspace is at least as wide as what calamine trims: declining more is safe)."""
    if "\r" in s or ("_x" in s and _XESCAPE.search(s)) or (trimmed and s and (s[0].isspace() or s[-1].isspace())):
        raise Declined
    return s


def text(raw: bytes, trimmed: bool = False) -> str:
    """XML character data → str: UTF-8, entities and character references resolved (see :func:`_checked`)."""
    if b"\r" in raw:
        raise Declined
    return _checked(_resolve([raw])[0] if b"&" in raw else raw.decode("utf-8"), trimmed)


def rich_text(item: bytes) -> str:
    """The text of a shared string item or an inline string's content (see the module docstring)."""
    if not _ITEM.fullmatch(item):
        raise Declined
    if item.startswith(b"<t"):
        preserve, raw = _T_ONLY.match(item).groups()
        return text(raw or b"", not preserve)
    return "".join(text(raw or b"", not preserve) for preserve, raw in _RUN_TEXT.findall(item))


class SharedStrings:
    """The shared string table; each item is converted on first use (raising :class:`Declined` for one not read
    here, or for an index past the end, which calamine refuses)."""

    def __init__(self, data: bytes | None):
        self.items: list[bytes] = []
        self._done: dict[int, str] = {}
        if data is None:
            return
        m = _SST.search(_plain(data))
        if m is None:
            raise Declined
        body = m[1] or b""
        found = _SI.findall(body)
        if len(found) != len(_SI_TAG.findall(body)):
            raise Declined
        self.items = found

    def get(self, index: int) -> str:
        done = self._done.get(index)
        if done is None:
            if index >= len(self.items):
                raise Declined  # calamine refuses the sheet: let it say so
            done = self._done[index] = rich_text(self.items[index])
        return done


def _custom_kind(code: str) -> int:
    """NUMBER for a custom format provably not a date or time (no date/time letter outside quotes and
    brackets), DATE for one made of date and time parts only (y m d h s, separators, escaped literals), 0
    otherwise."""
    rest = _QUOTED_OR_BRACKETED.sub("", code)
    if not (_DATE_LETTERS & set(rest)):
        return NUMBER
    # a backslash makes the next character literal (LibreOffice writes yyyy\-mm\-dd)
    return DATE if _DATE_ONLY.fullmatch(_ESCAPED.sub("", rest)) else 0


def number_kinds(data: bytes | None, dates: bool = True) -> list[int]:
    """For each cellXfs entry of styles.xml: NUMBER or DATE (see :func:`_custom_kind`), 0 when not understood
    (and for DATE too when not ``dates``: a workbook in the 1904 date system)."""
    if data is None:
        return []
    data = _plain(data)
    custom: dict[int, int] = {}
    m = _NUM_FMTS.search(data)
    if m is not None:
        for attrs in _NUM_FMT.findall(m[1] or b""):
            fid, code = _NUM_FMT_ID.search(attrs), _FORMAT_CODE.search(attrs)
            if fid is None or code is None:
                raise Declined
            if int(fid[1]) < 164:
                raise Declined  # a built-in format redefined: readers disagree on which wins
            custom[int(fid[1])] = _custom_kind(text(code[1]))
    m = _CELL_XFS.search(data)
    if m is None:
        return []
    body = m[1] or b""
    xfs = _XF.findall(body)
    if len(xfs) != len(_XF_TAG.findall(body)):
        raise Declined
    out = []
    for attrs in xfs:
        fid = _NUM_FMT_ID.search(attrs)
        n = -1 if fid is None else int(fid[1])
        kind = custom[n] if n in custom else NUMBER if n in _PLAIN_BUILTIN else DATE if n in _DATE_BUILTIN else 0
        out.append(kind if dates or kind != DATE else 0)
    return out


def _col(letters: bytes) -> int:
    n = _COLS.get(letters)
    if n is None:
        n = 0
        for ch in letters:
            n = n * 26 + ch - 64
        _COLS[letters] = n
    return n


def _number(v: bytes, style: bytes | None, styles: list[int]):
    if not _NUMBER.fullmatch(v):
        raise Declined
    if style is None:
        return float(v)
    i = int(style)
    kind = styles[i] if i < len(styles) else 0
    if kind == NUMBER:
        return float(v)
    if kind == DATE:
        # calamine gives a date for a whole-day serial (a time, a date and time or a duration otherwise: declined)
        x = float(v)
        if x.is_integer() and int(x) in _DAYS:
            global _EPOCH
            if _EPOCH is None:
                import datetime

                _EPOCH = (datetime.date(1899, 12, 30), datetime.timedelta)
            return _EPOCH[0] + _EPOCH[1](days=int(x))
    raise Declined  # a style not understood, or a date this module does not convert


def _cell_values(cells: list[tuple], strings: SharedStrings, styles: list[int]) -> dict[tuple[int, int], object]:
    """(row, column) → value of the non-empty cells among ``cells`` (tuples of :data:`_CELL`), one by one."""
    values: dict[tuple[int, int], object] = {}
    deferred: list[tuple[tuple[int, int], bytes]] = []  # (cell, text with references), resolved in one parse
    cols = _COLS
    for letters, row, style, kind, v, inline, other in cells:
        if inline:
            if kind != b"inlineStr" or b"\r" in inline:
                raise Declined
            if b"&" in inline:
                deferred.append(((int(row), cols.get(letters) or _col(letters)), inline))
                continue
            value = _checked(inline.decode("utf-8"), True)
        elif v:
            value = _value(kind, v, style, strings, styles)
        elif other:
            if kind == b"inlineStr":
                m = _IS.fullmatch(other)
                if m is None:
                    raise Declined
                value = rich_text(m[1])
            else:
                m = _F_V.fullmatch(other)
                if m is None:
                    raise Declined
                if not m[1] and kind in _TYPES:
                    continue
                value = _value(kind, m[1], style, strings, styles)
        elif kind in _TYPES:
            continue
        else:
            raise Declined  # an unknown type, even without a value: calamine refuses the sheet
        if value != "":
            values[(int(row), cols.get(letters) or _col(letters))] = value
    if deferred:
        for (key, _), value in zip(deferred, _resolve([raw for _, raw in deferred])):
            values[key] = _checked(value, True)
    return values


def sheet_grid(data: bytes, strings: SharedStrings, styles: list[int]) -> list[list]:
    """The grid of the worksheet part ``data`` from A1 (rows of values, "" for empty), or raise :class:`Declined`."""
    dim = data.find(b"<dimension")
    if dim >= 0 and not _DIMENSION.match(data, dim):
        raise Declined  # calamine parses <dimension> and refuses the sheet on a malformed one: let it say so
    start = data.find(b"<sheetData")
    if start < 0 or data.find(b"<sheetData", start + 1) >= 0 or b":sheetData" in data:
        raise Declined
    if data.startswith(b"<sheetData/>", start):
        return []
    if not data.startswith(b"<sheetData>", start):
        raise Declined
    end = data.rfind(b"</sheetData>")
    if end < start:
        raise Declined
    body = data[start + 11:end]
    n_cells = body.count(b"<c")
    if len(set(_REF.findall(body))) != n_cells:
        # two cells at one address (which one a reader keeps is its own business), or a cell not written
        # <c r="…" — "<c" counts more than the cells only when an element such as <color> is there too
        raise Declined
    # Empty cells (most of a template: blank inputs, formulas whose result was never cached) go in one C-level
    # pass; every other cell is taken by _CELL — a cell neither pattern took would silently go missing, hence
    # the count.
    rest, n_empty = _EMPTY.subn(b"", body)
    cells = _CELL.findall(rest)
    if n_empty + len(cells) != n_cells:
        raise Declined
    values = _cell_values(cells, strings, styles)
    if not values:
        return []
    n_rows = max(r for r, _ in values)
    n_cols = max(c for _, c in values)
    grid = [[""] * n_cols for _ in range(n_rows)]
    for (r, c), val in values.items():
        grid[r - 1][c - 1] = val
    return grid


def _value(kind: bytes, v: bytes, style: bytes | None, strings: SharedStrings, styles: list[int]):
    if kind == b"s":
        if not _SHARED_INDEX.fullmatch(v):
            raise Declined
        return strings.get(int(v))
    if kind == b"" or kind == b"n":
        return _number(v, style or None, styles)
    if kind == b"str":
        return text(v)
    if kind == b"b" and (v == b"0" or v == b"1"):
        return v == b"1"
    raise Declined
