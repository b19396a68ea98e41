"""Pre-flight checks that refuse corrupt, renamed or hostile files before any reader (calamine, openpyxl,
python-docx) sees them.  The file is read once, into memory (it is at most ``MAX_FILE``); a part larger than 1 MB
streams, a smaller one is read whole; every part is decompressed once.  The file's bytes and workbook.xml as parsed
here are returned in a :class:`Package`, so that a reader need not read or parse them again.

Limits (generous for a real annual-report workbook, which is tens of KB with about 2,000 cells):
* file size ≤ 20 MB; sum of uncompressed parts ≤ 60 MB; ≤ 2000 parts;
* a part larger than 1 MB must not be compressed more than 100:1 (decompression bombs);
* part names are unique (case-insensitively: readers disagree on which of two copies wins);
* every part is read to its end and its CRC-32 checked: a flipped byte or a broken deflate stream is refused
  instead of being read as data.  The packages Office writes are read by :mod:`xlsheet.workbook.zipparts`
  (stricter than zipfile: sizes must not lie, entries must not overlap); anything else by zipfile;
* every XML part must be well-formed (a raw control character such as ``\\x01`` is not) and may carry no DTD
  (<!DOCTYPE / <!ENTITY): OOXML never needs one, and entity tricks (billion laughs, XXE) all need it;
* worksheets are scanned for cell positions (``<c r=…>``, merged ranges, hyperlinks): the area from A1 to the
  farthest one may hold at most ``MAX_SHEET_AREA`` cells, the workbook at most ``MAX_CELLS`` cells, and a numeric
  cell at most ``MAX_NUMBER_CHARS`` characters.  Readers allocate by that area (calamine aborted the process on one
  cell at XFD1048576), so a far cell is refused here.  ``<dimension>`` is never trusted and never used for sizing.
  A worksheet part of normal size (≤ 4 MB) is first proved small by a few C-level regular expression passes after a
  plain well-formedness parse (:func:`_quick_scan`, conservative: anything unusual is not proved); only when that fails
  is it parsed again with the exact streaming scan, which then gives the verdict and the message.
A small XML part byte-identical to one that passed in this process (the theme and styles the units of a roll-up
share) is decompressed and CRC-checked as always but not parsed again: the same bytes get the same verdict.
defusedxml stays installed underneath as a second line of defence.
"""
from __future__ import annotations

import io
import os
import posixpath
import sys
import zlib
# pyexpat is what ``xml.parsers.expat`` re-exports (``from pyexpat import *``): importing it directly skips the
# packages xml and xml.parsers and that module, ≈ 0.5 ms of `xlsheet validate`'s start (in-process, fresh processes).
import pyexpat as expat

from .errors import InvalidWorkbookError, missing_path_message
from .lazyre import lazy
from .workbook.zipparts import BadZipFile, open_simple

MAX_FILE = 20 * 1024 * 1024
MAX_TOTAL = 60 * 1024 * 1024
MAX_PARTS = 2000
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_SHEET_AREA = 200_000   # cells from A1 to the farthest cell of one worksheet (an annual-report table: ~1,000)
MAX_CELLS = 300_000        # <c> elements in the whole workbook
MAX_NUMBER_CHARS = 400     # characters of one numeric cell value (Excel writes at most ~25)
MAX_TEXT = 32767           # characters of one cell's text: Excel's own limit (the reader enforces it)
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384
_CHUNK = 1 << 20
_REF = lazy(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")  # the exact scan only: compiled on first use
_WORKSHEET_REL = ("/worksheet", "/dialogsheet")

# Python refuses int() of more than 4,300 digits (a guard against quadratic parsing).  Text from a workbook is
# bounded by MAX_TEXT, so a run of digits in 正文 costs at most ~1 ms to convert: allow that many, so that checks
# reading numbers out of the clerk's text never fail on a pasted 5,000-digit number.
if hasattr(sys, "get_int_max_str_digits") and 0 < sys.get_int_max_str_digits() < MAX_TEXT + 1:
    sys.set_int_max_str_digits(MAX_TEXT + 1)


class _Refused(Exception):
    """Raised inside the scanner with the Chinese reason (the part name is added by the caller)."""


def _sniff(head: bytes) -> str:
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "这是旧版 .xls / .doc 文件或加密文件，请在 Excel 或 WPS 中“另存为” .xlsx 后再试"
    lowered = head[:512].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "这是网页（HTML）文件被改了扩展名，请在 Excel 或 WPS 中“另存为” .xlsx 后再试"
    if head[:1] in (b"{", b"["):
        return "这是文本数据文件，不是 Excel 工作簿"
    if head.startswith(b"PK"):
        return "文件已损坏或不完整（可能下载或拷贝中断），请重新获取原文件"
    return ("文件内容不是 Excel 工作簿（.xlsx），可能是其他类型的文件被改了扩展名或文件已损坏。请在 Excel 或 WPS 中"
            "打开原文件，“另存为” .xlsx 后再试")


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


class _SheetScan:
    """Expat handlers for one worksheet: track the farthest cell (explicit ``r`` or implied by position)."""

    def __init__(self, sheet: str, budget: list[int]):
        self.sheet, self.budget = sheet, budget
        self.row = self.col = 0
        self.max_row = self.max_col = 0
        self.numeric = False
        self.in_v = False
        self.v_len = 0
        self.ref = ""

    def _far(self, ref: str) -> None:
        raise _Refused(f"的工作表“{self.sheet}”在 {ref} 处有内容，使用范围远超年报表格（每个工作表从 A1 起最多 "
                       f"{MAX_SHEET_AREA:,} 个单元格），已拒绝读取。请在 Excel 或 WPS 中删除远处多余的单元格内容"
                       "（或整行、整列）后保存再试")

    def _reach(self, row: int, col: int, ref: str) -> None:
        if row > EXCEL_ROWS or col > EXCEL_COLS:
            self._far(ref)
        if row > self.max_row or col > self.max_col:
            self.max_row, self.max_col = max(self.max_row, row), max(self.max_col, col)
            if self.max_row * self.max_col > MAX_SHEET_AREA:
                self._far(ref)

    def _corner(self, ref: str) -> tuple[int, int]:
        m = _REF.fullmatch(ref.strip())
        if m is None:
            self._far(ref[:40])
        return int(m[2]), col_number(m[1])

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.budget[0] -= 1
            if self.budget[0] < 0:
                raise _Refused(f"的单元格过多（超过 {MAX_CELLS:,} 个），不是年报工作簿应有的规模，已拒绝读取")
            ref = attrs.get("r")
            if ref:
                self.row, self.col = self._corner(ref)
            else:
                self.col += 1
                ref = f"第{self.row}行第{self.col}列"
            self.ref = ref
            self._reach(self.row, self.col, ref)
            self.numeric = attrs.get("t", "n") == "n"
        elif local == "row":
            r = attrs.get("r")
            if r is not None and not (r.isdigit() and len(r) <= 7):
                self._far(f"第{r[:20]}行")
            self.row = int(r) if r is not None else self.row + 1
            self.col = 0
        elif local == "v":
            self.in_v, self.v_len = True, 0
        elif local in ("mergeCell", "hyperlink"):
            # openpyxl materialises every cell of a merged range or a hyperlink's range
            for part in (attrs.get("ref") or "").split(":"):
                if part:
                    self._reach(*self._corner(part), ref=attrs.get("ref", "")[:40])

    def end(self, name: str) -> None:
        if self.in_v and name.rpartition(":")[2] == "v":
            self.in_v = False

    def chars(self, data: str) -> None:
        if self.in_v and self.numeric:
            self.v_len += len(data)
            if self.v_len > MAX_NUMBER_CHARS:
                raise _Refused(f"的工作表“{self.sheet}”单元格 {self.ref} 中的数字超过 {MAX_NUMBER_CHARS} 位，"
                               "超出可处理的范围，已拒绝读取。请核对后重新填写")


def _spaced(kind: str) -> str:
    """``kind`` as it follows a Chinese word: "不是 Excel 工作簿" (a space before Latin letters), "不是名单工作簿"."""
    return " " + kind if kind[:1].isascii() else kind


def _no_dtd(*_args) -> None:
    raise _Refused("含有 XML 实体声明（DTD），这是恶意文件的特征，已拒绝读取")


def _parser(scan: _SheetScan | None):
    p = expat.ParserCreate()
    p.StartDoctypeDeclHandler = _no_dtd
    p.EntityDeclHandler = _no_dtd
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if scan is not None:
        p.buffer_text = True
        p.StartElementHandler = scan.start
        p.EndElementHandler = scan.end
        p.CharacterDataHandler = scan.chars
    return p


class Package:
    """What pre-flight keeps of a workbook it passed, so that its reader need not open the file again.

    ``data``: the file's bytes; ``book``: ``xl/workbook.xml`` as :func:`~xlsheet.workbook.bookxml.parse_book`
    read it (None when the package has none, or when only a namespace-aware parse found it malformed);
    ``parts``: sheet name → its worksheet part (``xl/worksheets/sheet3.xml``), as workbook.xml and its
    relationships point."""

    __slots__ = ("data", "book", "parts")

    def __init__(self, data: bytes):
        self.data, self.book, self.parts = data, None, {}


# workbook.xml and its rels as parsed in this process, by parser and bytes: the units of a roll-up made from one
# template often share them byte for byte, and the same bytes parse to the same result (shared, read-only).
# Bounded like _PASSED.  Saves the "workbook.xml + rels" stage of benchmarks/read_unit.py --stages (~0.6 ms per
# generated unit, which all share one workbook.xml); Excel-saved units may differ there (window sizes, active tab).
_PARSED: dict[tuple, object] = {}


def _parsed(parse, data: bytes):
    key = (parse, data)
    found = _PARSED.get(key)
    if found is None:
        found = parse(data)  # a part that fails to parse is never kept
        if len(data) <= _PASSED_BYTES:
            if len(_PARSED) >= _PASSED_PARTS:
                _PARSED.clear()
            _PARSED[key] = found
    return found


def _prove(zf, name: str, parse, proved: set[str]):
    """Part ``name`` as ``parse`` reads it, added to ``proved``; None when it fails (damaged or hostile XML or zip
    data: the main pass says so precisely, in part order)."""
    try:
        parsed = _parsed(parse, zf.read(name))
    except Exception:
        return None
    proved.add(name)
    return parsed


def _worksheets(zf, names: set[str], pkg: Package, proved: set[str]) -> dict[str, str]:
    """part name → sheet name, for the worksheets workbook.xml points at (plus any part under xl/worksheets/).
    Fills ``pkg.book``.  workbook.xml and its relationships, once read and parsed here without error, are added
    to ``proved``: this parse refuses a DTD and entity declarations as the main pass does, and a namespace-aware
    parse that succeeded is at least as strict as the main pass's plain well-formedness parse, so the main pass
    need not parse them again (it still reads them to their end, for the CRC).  A failure here is left for the
    main pass, which reports parts in their zip order."""
    found = {n: posixpath.basename(n) for n in names  # xl/worksheets/*.xml, one level deep
             if n.startswith("xl/worksheets/") and n.endswith(".xml") and len(n) > 18 and "/" not in n[14:]}
    if "xl/workbook.xml" not in names:
        return found
    from .workbook.bookxml import parse_book, parse_rels, part_path

    book = _prove(zf, "xl/workbook.xml", parse_book, proved)
    if book is None:
        return found
    pkg.book = book
    if "xl/_rels/workbook.xml.rels" not in names:
        return found
    rels = _prove(zf, "xl/_rels/workbook.xml.rels", parse_rels, proved)
    if rels is None:
        return found
    targets = {}
    for rid, kind, target in rels:
        if kind.endswith(_WORKSHEET_REL):
            part = part_path(target)
            targets[rid] = part
            found.setdefault(part, posixpath.basename(part))
    for rid, sheet in book.ids:
        part = targets.get(rid)
        if part:
            found[part] = sheet or found.get(part, part)
    return found


# The quick proof that a worksheet is small (see _quick_scan).  On bytes: every '<' of a well-formed part without
# comments, CDATA or processing instructions starts a tag, and a tag cannot contain '<'; attribute values hold no
# '<' and (when no single quote is inside a tag) no '"'.  Compiled on first use (keeps `validate`'s start short).
_QUICK_MAX = 4 * 1024 * 1024  # larger worksheet parts are scanned by the streaming handlers only
# Everything unusual that starts a tag: a comment, CDATA, DTD or processing instruction after the declaration;
# a <v> with more than MAX_NUMBER_CHARS bytes or with a child; a <row> without a plain r="digits".  One literal
# first character, so the engine skips to candidates in C.
_Q_ODD_TAG = lazy(rb"<(?:[!?]|v(?:\s[^>]*)?>(?:[^<]{%d}|[^<]*<[^/])" % (MAX_NUMBER_CHARS + 1)
                  + rb'|row(?=[\s/>])(?![^>]*?\sr="\d{1,7}"))')
_Q_QUOTE_IN_TAG = lazy(rb"'[^<]*>")  # a single quote inside a tag (or in text before a '>': unusual)
_Q_PREFIXED = lazy(rb":(?:c|row|v|mergeCell|hyperlink)(?=[\s/>])")  # e.g. <x:c …> (or such text: unusual)
# Every cell tag, with its plain reference when it has one (empty groups when not).  A match cannot start inside
# an attribute value: a value's closing quote is followed by whitespace, '/' or '>', never by a reference.
_Q_CELL = lazy(rb'<c(?=[\s/>])(?:[^>]*?\sr="\$?([A-Z]{1,3})\$?(\d{1,7})")?')
# Every merged range and hyperlink tag, with the one or two corners of its plain ref (empty groups when not).
_Q_RANGE = lazy(rb'<(?:mergeCell|hyperlink)(?=[\s/>])'
                rb'(?:[^>]*?\sref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?")?')
_Q_DECL = lazy(rb'<\?xml[^>]*?encoding=["\'](?![Uu][Tt][Ff]-?8["\'])')


def _col_key(letters: bytes) -> tuple[int, bytes]:
    # bijective base 26 in A–Z only: a longer name is a farther column, names of one length sort as they read
    return len(letters), letters


def _quick_scan(data: bytes, budget: list[int]) -> bool:
    """True when the well-formed worksheet ``data`` provably passes every check of :class:`_SheetScan` (then its
    cells are taken from ``budget``); False when it cannot be proved this way — then the exact streaming scan
    decides.  A few passes of regular expressions in C instead of a Python call per element.  Conservative by
    construction: anything unusual (another encoding, comments, CDATA, processing instructions, namespace
    prefixes on the elements scanned, an attribute in single quotes, a cell or row without a plain ``r``, a
    merged range or hyperlink without a plain ``ref``, a ``<v>`` with more than ``MAX_NUMBER_CHARS`` bytes or with
    a child element, a far corner, too many cells) answers False."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if not data.startswith(b"<", start) or b"\x00" in data[:4]:
        return False
    pos = start
    if data.startswith(b"<?xml", start):
        if _Q_DECL.match(data, start):  # declared in an encoding other than UTF-8
            return False
        pos = data.find(b"?>", start) + 2  # the declaration's quotes are not a tag's
    if _Q_ODD_TAG.search(data, pos) or _Q_PREFIXED.search(data, pos):
        return False
    quote = data.find(b"'", pos)
    if quote >= 0 and _Q_QUOTE_IN_TAG.search(data, quote):
        return False
    cells = _Q_CELL.findall(data, start)
    if len(cells) > budget[0]:
        return False
    cols: set[bytes] = set()
    rows: set[bytes] = set()
    if cells:
        c, r = zip(*cells)
        cols.update(c)
        rows.update(r)
    # merged ranges and hyperlinks follow sheetData: search from the first of them (a match starts with one)
    first = min((i for i in (data.find(b"<mergeCell", pos), data.find(b"<hyperlink", pos)) if i >= 0), default=-1)
    if first >= 0:
        for c1, r1, c2, r2 in _Q_RANGE.findall(data, first):
            cols.add(c1), cols.add(c2 or c1)
            rows.add(r1), rows.add(r2 or r1)
    if b"" in cols:  # a tag without a plain reference
        return False
    if cols:
        max_row = max(map(int, rows))
        max_col = col_number(max(cols, key=_col_key).decode())
        if max_row > EXCEL_ROWS or max_col > EXCEL_COLS or max_row * max_col > MAX_SHEET_AREA:
            return False
    budget[0] -= len(cells)
    return True


def _stream(zf, info, parser, kept: list[bytes] | None) -> None:
    first = True
    with zf.open(info) as part:
        while True:
            chunk = part.read(_CHUNK)
            if kept is not None:
                kept.append(chunk)
            if first and info.filename.endswith(".vml"):
                lowered = chunk[:4096].lower()
                if b"<!doctype" in lowered or b"<!entity" in lowered:
                    _no_dtd()
            first = False
            if parser is not None:
                parser.Parse(chunk, not chunk)
            if not chunk:
                break


def _read_part(zf, info, sheet: str | None, budget: list[int]) -> None:
    """Read ``info`` to its end (the reader verifies the CRC there), checking XML parts as described above."""
    name = info.filename
    is_xml = name.endswith((".xml", ".rels"))
    if info.file_size > _CHUNK:
        # A large part streams (a far cell may be refused before its end); a worksheet of normal size is kept
        # whole, parsed for well-formedness alone, then proved small by _quick_scan; only when that fails is
        # it parsed again with the exact streaming scan.
        quick = is_xml and sheet is not None and info.file_size <= _QUICK_MAX
        parser = _parser(_SheetScan(sheet, budget) if sheet is not None and not quick else None) if is_xml else None
        kept: list[bytes] | None = [] if quick else None
        try:
            _stream(zf, info, parser, kept)
        except Exception:
            if kept:  # report what the exact scan would have met first, streaming (e.g. a far cell before bad XML)
                _parser(_SheetScan(sheet, budget)).Parse(b"".join(kept), False)
            raise
        if kept is None:
            return
        data = b"".join(kept)
    else:
        # One read of the whole (small) part: the same bytes and the same CRC verdict as one streamed chunk.
        data = zf.read(info)
        if name.endswith(".vml"):
            lowered = data[:4096].lower()
            if b"<!doctype" in lowered or b"<!entity" in lowered:
                _no_dtd()
        if not is_xml:
            return
        key = (len(data), info.CRC)
        seen = _PASSED.get(key)
        if seen is not None and seen[0] == data:  # the very bytes passed before: the same verdict, not re-parsed
            if sheet is None:
                return
            if seen[1] is not None and seen[1] <= budget[0]:
                budget[0] -= seen[1]
                return
        if sheet is None:
            _parser(None).Parse(data, True)
            _remember(key, data, None)
            return
        try:
            _parser(None).Parse(data, True)
        except Exception:
            _parser(_SheetScan(sheet, budget)).Parse(data, False)  # a far cell before the bad XML is said first
            raise
    # a worksheet, well-formed: proved small, or scanned exactly (which then gives the verdict and the message)
    before = budget[0]
    if _quick_scan(data, budget):
        _remember((len(data), info.CRC), data, before - budget[0])  # a large part is never kept (see _remember)
        return
    _parser(_SheetScan(sheet, budget)).Parse(data, True)


# Small XML parts that passed in this process, by (size, CRC-32): their bytes, and for a worksheet proved by
# _quick_scan its number of cells (None for other parts).  Parts shared by the units of one roll-up (the theme,
# styles, an unchanged sheet of the template) are then checked once: a part is skipped only when its bytes are
# identical to a part that passed, and expat's verdict on the same bytes is the same (well-formed, no DTD); a
# worksheet's cells are still taken from this workbook's budget.  Bounded: emptied when full.
_PASSED: dict[tuple[int, int], tuple[bytes, int | None]] = {}
_PASSED_PARTS = 64
_PASSED_BYTES = 256 * 1024  # per part


def _remember(key: tuple[int, int], data: bytes, cells: int | None) -> None:
    if len(data) <= _PASSED_BYTES:
        if len(_PASSED) >= _PASSED_PARTS:
            _PASSED.clear()
        _PASSED[key] = (data, cells)


def read_part(data: bytes, name: str) -> bytes:
    """Part ``name`` of the package ``data`` that :func:`preflight` passed, opened as pre-flight opens it: by
    :mod:`xlsheet.workbook.zipparts` when it can (no ``import zipfile`` on ``validate``'s path), else by zipfile.
    Raises KeyError for a part that is not there."""
    zf = open_simple(data, _CHUNK)
    if zf is None:
        import zipfile

        zf = zipfile.ZipFile(io.BytesIO(data))
    with zf:
        return zf.read(name)


def read_file(name: str, shown: str | None = None, kind: str = "Excel 工作簿") -> bytes:
    """The bytes of file ``name`` (``shown``: its name in messages), refused with :class:`InvalidWorkbookError`
    unless it is a regular file of 1 byte to ``MAX_FILE``.  Opened without waiting (``O_NONBLOCK``) and its type
    checked on the open descriptor: a named pipe called ``x.xlsx`` would otherwise block the reader until someone
    writes to it (a roll-up's worker then waits out its wall clock), and a check of the path before opening it
    could be raced.  OSError (missing, no permission, a loop of links) is the caller's to word."""
    import stat

    shown = shown or os.path.basename(name)
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with open(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InvalidWorkbookError(f"“{shown}”不是普通文件（可能是管道、设备或文件夹），不是{_spaced(kind)}")
        _check_size(info.st_size, shown, kind)  # an empty or too large file is refused unread
        data = fh.read(MAX_FILE + 1)
    _check_size(len(data), shown, kind)  # and one that changed since its size was taken, by what was read
    return data


def _check_size(size: int, shown: str, kind: str) -> None:
    """Refuse a file of ``size`` bytes that is empty or larger than ``MAX_FILE``."""
    if size == 0:
        raise InvalidWorkbookError(f"“{shown}”是空文件（0 字节），可能保存或拷贝未完成。请在 Excel 或 WPS 中重新保存"
                                   "（或重新获取原文件）后再试")
    if size > MAX_FILE:
        raise InvalidWorkbookError(f"“{shown}”过大（{size // 1024 // 1024} MB），年报{kind}不应超过 20 MB")


def preflight(path: str | os.PathLike, required: tuple[str, ...] = ("[Content_Types].xml", "xl/workbook.xml"),
              kind: str = "Excel 工作簿", data: bytes | None = None) -> Package:
    """Raise :class:`InvalidWorkbookError` (Chinese message) unless ``path`` is a sane OOXML zip package.  The file
    is read once, into memory; ``data``, when given, is its content already read by the caller (then ``path``
    names it in messages and is not opened).  Returns a :class:`Package`: the file's bytes and workbook.xml as
    parsed here, so that a reader need not read the file or parse workbook.xml again."""
    name = os.fspath(path)
    shown = os.path.basename(name.rstrip("/" + os.sep)) or name  # "examples/" names the folder, not ""
    if data is None:
        if not os.path.exists(name):
            raise InvalidWorkbookError(missing_path_message(name, name))
        if os.path.isdir(name):
            raise InvalidWorkbookError(f"“{shown}”是文件夹，不是{_spaced(kind)}")
        data = read_file(name, shown, kind)  # a regular file, neither empty nor too large
    else:
        _check_size(len(data), shown, kind)
    head = data[:1024]
    pkg = Package(data)
    errors = (BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError)
    zf = open_simple(data, _CHUNK)  # the packages Office writes; anything else is left to zipfile, as before
    if zf is None:
        import zipfile

        errors += (zipfile.BadZipFile,)
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
            raise InvalidWorkbookError(f"无法打开“{shown}”：{_sniff(head)}") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise InvalidWorkbookError(f"“{shown}”内部部件过多（{len(infos)} 个），已拒绝读取")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            raise InvalidWorkbookError(
                f"“{shown}”解压后过大（{total // 1024 // 1024} MB），疑似“压缩炸弹”，已拒绝读取")
        for i in infos:
            if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise InvalidWorkbookError(
                    f"“{shown}”中的部件 {i.filename} 压缩比异常（{i.file_size // max(i.compress_size, 1)}:1），"
                    "疑似“压缩炸弹”，已拒绝读取")
        names = {i.filename for i in infos}
        seen: set[str] = set()
        for i in infos:  # OPC part names are unique, case-insensitively; readers disagree on which copy wins
            if i.filename.lower() in seen:
                raise InvalidWorkbookError(f"“{shown}”中的部件 {i.filename} 重复出现，文件已损坏或被改动，已拒绝读取")
            seen.add(i.filename.lower())
            if i.flag_bits & 0x1:  # zipfile would raise RuntimeError (a password is required) on reading it
                raise InvalidWorkbookError(f"“{shown}”中的部件 {i.filename} 已加密，无法读取。请在 Excel 或 WPS 中打开后"
                                           "另存为不加密的 .xlsx 再试")
        missing = [r for r in required if r not in names]
        if missing:
            raise InvalidWorkbookError(f"“{shown}”不是{_spaced(kind)}（缺少 {', '.join(missing)}），可能是其他 Office 文件改了扩展名")
        budget = [MAX_CELLS]
        current = ""
        proved: set[str] = set()
        try:
            sheets = _worksheets(zf, names, pkg, proved)
            pkg.parts = {sheet: part for part, sheet in sheets.items()}
            for i in infos:
                current = i.filename
                sheet = sheets.get(i.filename)
                if sheet is None and i.filename in proved:
                    continue  # read to its end and parsed in _worksheets
                _read_part(zf, i, sheet, budget)
        except _Refused as exc:
            where = "" if str(exc).startswith("的") else f"的部件 {current} "
            raise InvalidWorkbookError(f"“{shown}”{where}{exc}") from None
        except expat.ExpatError as exc:
            raise InvalidWorkbookError(
                f"“{shown}”已损坏：部件 {current} 不是有效的 XML（第 {exc.lineno} 行第 {exc.offset + 1} 列有不允许的"
                "字符或结构错误）。请重新获取原文件，或在 Excel / WPS 中打开后另存为 .xlsx 再试") from None
        except errors as exc:
            detail = "校验和不符" if "CRC" in str(exc) else type(exc).__name__
            raise InvalidWorkbookError(
                f"“{shown}”已损坏（部件 {current or '?'} 的数据{detail}），可能是下载或拷贝中断，请重新获取原文件") from None
    return pkg
