"""The few WordprocessingML snippets the report is made of, as strings: every piece of text goes through
:func:`escape`, so nothing a clerk types can become markup.  Elements are parsed with python-docx's hardened
parser (``docx.oxml.parse_xml``: no entities, no network) when they are put into the document.
"""
from __future__ import annotations

from xml.sax.saxutils import escape as _escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'


def escape(text: str) -> str:
    """Text for an element or a double-quoted attribute."""
    return _escape(text, {'"': "&quot;"})


def rfonts(name: str) -> str:
    """All four font slots, so Word uses the CJK font for Chinese (w:eastAsia) and for everything else too."""
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def run(text: str, rpr: str = "") -> str:
    """One run; line breaks in ``text`` become ``w:br``."""
    if not text:
        return ""
    pieces = [f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n")]
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}{"<w:br/>".join(pieces)}</w:r>'


def paragraph(style: str, content: str = "", ppr: str = "", *, ns: bool = True) -> str:
    """A paragraph of style id ``style``; ``content`` is run XML, ``ppr`` extra paragraph properties in schema
    order after w:pStyle (e.g. keepNext, w:ind, w:jc)."""
    return f'<w:p{" " + W if ns else ""}><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'
