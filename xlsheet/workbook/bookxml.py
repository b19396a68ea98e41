"""What xlsheet needs of ``xl/workbook.xml`` and its relationships, parsed with pyexpat and plain Python handlers.

This replaces ``defusedxml.ElementTree`` / ``xml.etree`` on the read path: those two imports cost ~2.8 ms of every
``xlsheet validate`` start (``-X importtime``), and building a whole tree of workbook.xml (~20 KB, mostly defined
names) only to walk two paths of it cost more CPU per roll-up unit than these handlers (benchmarks/read_unit.py).

Contract (kept equal to the ElementTree code it replaces; tests/test_bookxml.py compares both):
* namespace-aware parse, as ElementTree's (an unbound prefix is an error);
* a DTD (``<!DOCTYPE``) or an entity declaration raises :class:`DTDRefused` — stricter than defusedxml, which
  allowed a DTD without entities; pre-flight refuses such a part anyway;
* results are shared between callers (pre-flight keeps them for identical bytes): treat them as read-only;
* :func:`parse_book`: ``sheets`` — the ``name`` of every ``sheets/sheet`` child of the root, in order (None when
  missing); ``ids`` — (``r:id``, ``name``) of every ``sheet`` element at any depth; ``names`` — workbook-scoped
  defined names (``definedNames/definedName`` without ``localSheetId``): name → text before its first child
  element ("" when none), the last of equal names winning;
* :func:`parse_rels`: (``Id``, ``Type``, ``Target``) of every child of the root, whatever its tag.
"""
from __future__ import annotations

import pyexpat as expat  # the module xml.parsers.expat re-exports, without its packages (see xlsheet.safety)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEETS, _SHEET = _MAIN + "sheets", _MAIN + "sheet"
_NAMES, _NAME = _MAIN + "definedNames", _MAIN + "definedName"
_REL_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class DTDRefused(Exception):
    """The part declares a DTD or an entity (OOXML never does; entity tricks need one)."""


def _refuse(*_args) -> None:
    raise DTDRefused


def _parser():
    # "}" as namespace separator: names read "uri}local", as ElementTree's "{uri}local" without the brace
    p = expat.ParserCreate(None, "}")
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.buffer_text = True
    return p


class Book:
    """workbook.xml as xlsheet reads it (see the module docstring)."""

    __slots__ = ("sheets", "ids", "names")

    def __init__(self):
        self.sheets: list[str | None] = []
        self.ids: list[tuple[str | None, str | None]] = []
        self.names: dict[str, str] = {}


def parse_book(data: bytes) -> Book:
    """Parse workbook.xml; raises ``expat.ExpatError`` (not well-formed) or :class:`DTDRefused`."""
    # Python runs at element starts and in text only: expat appends end tags to ``ends`` itself (list.append, no
    # Python frame), so the depth is starts minus ends.  ~300 elements in a unit's workbook.xml, mostly
    # definedName: ~0.45 ms, where ElementTree's C tree builder takes ~0.25 ms (interleaved, one process) —
    # paid back by the ~3 ms ElementTree and defusedxml cost to import; pre-flight also parses a workbook.xml
    # it has parsed before only once (safety._parsed).
    book = Book()
    ids, sheets = book.ids, book.sheets
    starts: list[None] = []
    ends: list[str] = []
    entries: list[tuple[str | None, list[str]]] = []  # workbook-scoped definedNames, in order, with their text
    collecting: list = [None]  # the text parts of the definedName just opened, until its first child starts
    level1: list = [None]  # the open child of the root

    def start(tag: str, attrs: dict) -> None:
        collecting[0] = None
        depth = len(starts) - len(ends)  # of this element; the root's is 0
        starts.append(None)
        if depth == 1:
            level1[0] = tag
        elif depth == 2:
            if tag == _NAME:
                if level1[0] == _NAMES and "localSheetId" not in attrs:
                    collecting[0] = parts = []
                    entries.append((attrs.get("name"), parts))
                return
            if tag == _SHEET and level1[0] == _SHEETS:
                sheets.append(attrs.get("name"))
        if tag == _SHEET:
            ids.append((attrs.get(_REL_ID), attrs.get("name")))

    def chars(data: str) -> None:
        parts = collecting[0]
        if parts is not None and len(starts) - len(ends) == 3:  # still inside that definedName (not after it)
            parts.append(data)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, ends.append, chars
    p.Parse(data, True)
    book.names.update((name, "".join(parts)) for name, parts in entries)  # in order: the last of equal names wins
    return book


def part_path(target: str) -> str:
    """The zip member that a ``Target`` of workbook.xml's relationships names: absolute (``/xl/…``) or relative to
    ``xl/``."""
    import posixpath

    return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)


def parse_rels(data: bytes) -> list[tuple[str | None, str, str]]:
    """Parse a relationships part; raises ``expat.ExpatError`` or :class:`DTDRefused`."""
    rels: list[tuple[str | None, str, str]] = []
    starts: list[None] = []
    ends: list[str] = []  # appended by expat itself, as in parse_book

    def start(_tag: str, attrs: dict) -> None:
        if len(starts) - len(ends) == 1:
            rels.append((attrs.get("Id"), attrs.get("Type", ""), attrs.get("Target", "")))
        starts.append(None)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, ends.append
    p.Parse(data, True)
    return rels
