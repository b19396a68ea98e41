"""Text the program writes into a file: the one place that makes a clerk's (or a hostile file's) text safe.

Every write path uses these helpers — ``new`` / ``new --from`` / ``import`` (the template builder), ``validate
--write`` / ``run`` (the 校验结果 sheet and notes), the roll-up's 汇总情况 sheet — so that:

* characters XML 1.0 cannot hold are removed (:func:`clean_text`): control characters such as the vertical tab
  Excel stores as ``_x000B_`` when a clerk pastes from a web page, lone surrogates, U+FFFE/U+FFFF.  openpyxl raises
  ``IllegalCharacterError`` on them and Word refuses the document; :func:`count_illegal` lets the caller say how
  many were removed (the validator reports them as ``TEXT-CONTROL-CHARS``);
* text is stored as text, never as a formula (:func:`set_cell` / :func:`write_text_cell`): openpyxl turns any str
  beginning with ``=`` into a live formula, so ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` typed into 机关名称
  would run in the clerk's Excel.  The cell's type is forced to string, whatever the text begins with;
* text longer than Excel's cell limit (32,767 characters) is cut there (Excel would refuse to open the file).
"""
from __future__ import annotations

from .lazyre import lazy

#: Everything outside XML 1.0 ``Char`` (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]),
#: written as the complement's ranges: the same set, but compiled in ~0.1 ms instead of ~5 ms (a negated class
#: over the whole of Unicode makes the regex compiler build a large bitmap on every start).  Compiled on first use.
ILLEGAL = lazy("[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]")
#: Excel's limit for the text of one cell.
MAX_CELL_TEXT = 32767


def clean_text(text: str) -> str:
    """``text`` without XML-illegal characters."""
    # every illegal character is unprintable (Cc, Cs, or the noncharacters U+FFFE/U+FFFF, Cn): a printable text
    # has none, and the pattern is compiled only for text that might
    return text if text.isprintable() else ILLEGAL.sub("", text)


def count_illegal(*values) -> int:
    """How many XML-illegal characters the strings in ``values`` hold (dicts, lists and tuples are walked)."""
    n = 0
    for v in values:
        if isinstance(v, str):
            n += 0 if v.isprintable() else len(ILLEGAL.findall(v))  # see clean_text
        elif isinstance(v, dict):
            n += count_illegal(*v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            n += count_illegal(*v)
    return n


def as_cell_text(text: str) -> str:
    """What a str becomes in a cell: cleaned and cut to Excel's limit (use :func:`set_cell` to store it)."""
    return clean_text(text)[:MAX_CELL_TEXT]


def set_cell(cell, value):
    """Store ``value`` in an openpyxl ``cell``: a str is cleaned and always stored as a string (never a formula);
    other values (numbers, dates, None) as they are.  Returns the cell."""
    if isinstance(value, str):
        cell.value = as_cell_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def write_text_cell(ws, row: int, column: int, value):
    """``ws.cell(row, column, value)`` through :func:`set_cell`; returns the cell."""
    return set_cell(ws.cell(row=row, column=column), value)
