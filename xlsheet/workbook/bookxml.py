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
    # One Python call per element start and end (~300 in a unit's workbook.xml, mostly definedName); kept lean:
    # this version measured ~30 % faster than one with nonlocal flags (0.50 vs 0.72 ms on a unit's workbook.xml)
    book = Book()
    ids, sheets, names = book.ids, book.sheets, book.names
    stack: list[str | None] = []  # open elements; None stands for a workbook-scoped definedName at depth 2
    push, pop = stack.append, stack.pop
    text: list[str] = []
    open_name: list = [None, False]  # that definedName's name, and whether its text is still being collected

    def start(tag: str, attrs: dict) -> None:
        open_name[1] = False  # a child element ends the text ElementTree calls .text
        if tag == _NAME:
            if len(stack) == 2 and stack[1] == _NAMES and "localSheetId" not in attrs:
                open_name[0], open_name[1] = attrs.get("name"), True
                text.clear()
                push(None)
                return
        elif tag == _SHEET:
            ids.append((attrs.get(_REL_ID), attrs.get("name")))
            if len(stack) == 2 and stack[1] == _SHEETS:
                sheets.append(attrs.get("name"))
        push(tag)

    def end(_tag: str) -> None:
        open_name[1] = False
        if pop() is None:
            names[open_name[0]] = "".join(text)

    def chars(data: str) -> None:
        if open_name[1]:
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
