"""What xlsheet needs of ``xl/workbook.xml`` and its relationships, parsed with pyexpat and plain Python handlers.

This replaces ``defusedxml.ElementTree`` / ``xml.etree`` on the read path: those two imports cost ~2.8 ms of every
``xlsheet validate`` start (``-X importtime``), and building a whole tree of workbook.xml (~20 KB, mostly defined
names) only to walk two paths of it cost more CPU per roll-up unit than these handlers (benchmarks/read_unit.py).

Contract (kept equal to the ElementTree code it replaces; tests/test_bookxml.py compares both):
* namespace-aware parse, as ElementTree's (an unbound prefix is an error);
* a DTD (``<!DOCTYPE``) or an entity declaration raises :class:`DTDRefused` — stricter than defusedxml, which
  allowed a DTD without entities; pre-flight refuses such a part anyway;
* :func:`parse_book`: ``sheets`` — the ``name`` of every ``sheets/sheet`` child of the root, in order (None when
  missing); ``ids`` — (``r:id``, ``name``) of every ``sheet`` element at any depth; ``names`` — workbook-scoped
  defined names (``definedNames/definedName`` without ``localSheetId``): name → text before its first child
  element ("" when none), the last of equal names winning;
* :func:`parse_rels`: (``Id``, ``Type``, ``Target``) of every child of the root, whatever its tag.
"""
from __future__ import annotations

from xml.parsers import expat

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
    book = Book()
    stack: list[str] = []
    text: list[str] | None = None  # the open definedName's text (at depth 2), None when none is open
    collecting = False  # until the open definedName's first child element
    name = None

    def start(tag: str, attrs: dict) -> None:
        nonlocal text, collecting, name
        collecting = False
        if tag == _SHEET:
            book.ids.append((attrs.get(_REL_ID), attrs.get("name")))
            if len(stack) == 2 and stack[1] == _SHEETS:
                book.sheets.append(attrs.get("name"))
        elif tag == _NAME and len(stack) == 2 and stack[1] == _NAMES and attrs.get("localSheetId") is None:
            text, collecting, name = [], True, attrs.get("name")
        stack.append(tag)

    def end(_tag: str) -> None:
        nonlocal text, collecting
        stack.pop()
        collecting = False
        if text is not None and len(stack) == 2:
            book.names[name] = "".join(text)
            text = None

    def chars(data: str) -> None:
        if collecting:
            text.append(data)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.Parse(data, True)
    return book


def parse_rels(data: bytes) -> list[tuple[str | None, str, str]]:
    """Parse a relationships part; raises ``expat.ExpatError`` or :class:`DTDRefused`."""
    rels: list[tuple[str | None, str, str]] = []
    depth = 0

    def start(_tag: str, attrs: dict) -> None:
        nonlocal depth
        if depth == 1:
            rels.append((attrs.get("Id"), attrs.get("Type", ""), attrs.get("Target", "")))
        depth += 1

    def end(_tag: str) -> None:
        nonlocal depth
        depth -= 1

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    p.Parse(data, True)
    return rels
