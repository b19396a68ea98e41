"""A report published as a portal web page (.html/.htm) → the :class:`~xlsheet.dump.Dump` shape.

Encoding: a byte-order mark, then the declared charset (``<meta charset>`` / ``http-equiv``), then UTF-8, then
GB18030 (a superset of GBK and GB2312, which portals often declare wrongly).  Parsed with lxml.html, offline (no
network, no external entities).  Data tables are ``<table>`` elements without nested tables; a table that holds
other tables is page layout and is read as paragraphs.  rowspan/colspan are resolved into grid columns, so the
importer can match columns by geometry; a cell below a rowspan becomes a continuation (empty in ``tables``).
"""
from __future__ import annotations

import codecs
import re

from ..dump import Dump, SrcCell

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "section", "article", "center",
           "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "table", "tbody", "thead", "tfoot", "body"}
_SKIP = {"script", "style", "head", "title", "noscript", "template", "iframe", "object"}


def decode(data: bytes) -> str:
    """Bytes of a web page → text (see the module docstring for the order tried)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace").lstrip("\ufeff")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
        declared = "gb18030"
    candidates = [declared] if declared else []
    candidates += [e for e in ("utf-8", "gb18030") if e not in candidates]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _text(el) -> str:
    """A cell's text: <br> and block children become line breaks."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br":
            parts.append("\n")
        elif tag in _BLOCKS and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def table_grid(table) -> list[list[SrcCell]]:
    """Rows of a <table> with rowspan/colspan resolved into grid columns."""
    rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
    pending: dict[int, tuple[int, SrcCell]] = {}  # column → (rows still covered, the rowspan cell)
    out = []
    for tr in rows:
        cells: list[SrcCell] = []
        col = 0

        def flush_pending():
            nonlocal col
            while col in pending:
                left, origin = pending[col]
                cells.append(SrcCell(origin.text, col, origin.span, cont=True))
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, origin)
                col += origin.span

        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            flush_pending()
            cell = SrcCell(_text(td), col, _span(td, "colspan"))
            cells.append(cell)
            rowspan = _span(td, "rowspan")
            if rowspan > 1:
                pending[col] = (rowspan - 1, cell)
            col += cell.span
        flush_pending()
        for c in sorted(k for k in pending if k > col):  # rowspans to the right of a short row
            col = c
            flush_pending()
        out.append(cells)
    return out


def _owner(el):
    """The nearest enclosing <table> of ``el``."""
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _is_data_table(table) -> bool:
    """A table of figures, not page layout: no nested table and more than one cell in some row (portals wrap
    whole articles in one-cell tables)."""
    if any(t is not table for t in table.iter("table")):
        return False
    return any(sum(1 for td in tr if isinstance(td.tag, str) and td.tag in ("td", "th")) > 1
               for tr in table.iter("tr"))


def parse_html(data: bytes) -> Dump:
    """Paragraphs and data tables of a web page in document order."""
    import lxml.html

    text = decode(data)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=True))
    except Exception:  # lxml on an empty or hopeless page
        return Dump()
    dump = Dump()
    buf: list[str] = []

    def flush():
        line = re.sub(r"[ \t\r\f\v\n]+", " ", "".join(buf)).strip()
        buf.clear()
        if line:
            dump.paragraphs.append(line)
            dump.order.append(("p", len(dump.paragraphs) - 1))

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "table" and _is_data_table(node):
            flush()
            grid = table_grid(node)
            if any(c.text for row in grid for c in row):
                dump.grids.append(grid)
                dump.tables.append([["" if c.cont else c.text for c in row] for row in grid])
                dump.order.append(("t", len(dump.tables) - 1))
            return
        block = tag in _BLOCKS
        if block or tag == "br":
            flush()
        if node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    title = root.findtext(".//title")
    if title and title.strip() and not dump.paragraphs:
        dump.paragraphs.append(title.strip())
        dump.order.insert(0, ("p", 0))
    return dump
