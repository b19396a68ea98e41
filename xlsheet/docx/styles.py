"""The report's own ``styles.xml`` and ``fontTable.xml``, generated from :mod:`.fonts`.

Why generated rather than python-docx's default trimmed: the default is 164 styles (Calibri, MS Mincho, blue
headings, an 11 pt Normal, latent styles for Word 2010) in which nothing is ours; trimming it would still leave
its fonts and numbering in docDefaults and theme references.  Generating the few styles the report uses from
the typography table keeps one source for fonts and sizes, and makes the file small enough to read.

Headings are real heading styles (built-in names ``heading 1`` / ``heading 2`` with ``w:outlineLvl``), so Word's
navigation pane and outline view show 一、… and （一）…; runs carry no direct formatting.  Only styles the
document refers to are written (:func:`styles_xml` takes the ids found in the parts).
"""
from __future__ import annotations

from . import fonts
from .oxml import W, escape, rfonts

NORMAL, TITLE, H1, H2 = "Normal", "Title", "Heading1", "Heading2"
TABLE_TEXT, FIGURE, CAPTION, SIGNOFF = "TableText", "Figure", "Caption", "Signoff"
HEADER, FOOTER, TABLE_NORMAL = "Header", "Footer", "TableNormal"

_LINE = f'<w:spacing w:before="0" w:after="0" w:line="{fonts.LINE_PITCH_TW}" w:lineRule="exact"/>'
_NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
_OFF_GRID = '<w:snapToGrid w:val="0"/>'  # text in other sizes than 3号 keeps its own pitch (tables, title)


def _rpr(font: tuple[str, float], color: str | None = None, bold: bool | None = None) -> str:
    hp = fonts.half_points(font[1])
    b = "" if bold is None else ("<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>')
    c = f'<w:color w:val="{color}"/>' if color else ""
    if font[1] == fonts.BODY[1]:  # 3号 text: 28 characters a line (fonts.CONDENSE_TW)
        c += f'<w:spacing w:val="{fonts.CONDENSE_TW}"/>'
    return f'<w:rPr>{rfonts(font[0])}{b}{c}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr>'


def _style(sid: str, name: str, ppr: str, rpr: str, *, based_on: str | None = NORMAL, nxt: str | None = None,
           default: bool = False, ui: int | None = None) -> str:
    flag = ' w:default="1"' if default else ""
    parts = [f'<w:style w:type="paragraph" w:styleId="{sid}"{flag}>', f'<w:name w:val="{escape(name)}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if nxt:
        parts.append(f'<w:next w:val="{nxt}"/>')
    if ui is not None:
        parts.append(f'<w:uiPriority w:val="{ui}"/>')
    parts.append('<w:qFormat/>')
    parts.append(f"<w:pPr>{ppr}</w:pPr>{rpr}</w:style>")
    return "".join(parts)


def _paragraph_styles() -> dict[str, str]:
    body_indent = f'<w:ind w:firstLineChars="200" w:firstLine="{fonts.BODY[1] * 2 * 20}"/>'
    keep = "<w:keepNext/><w:keepLines/>"
    return {
        # Body text: 3号仿宋, justified (两端对齐), 2-character first-line indent, one grid line per line.
        # No hanging punctuation: the right edge of the type area stays straight.
        NORMAL: _style(NORMAL, "Normal", f'<w:overflowPunct w:val="0"/>{_LINE}{body_indent}<w:jc w:val="both"/>',
                       _rpr(fonts.BODY),
                       based_on=None, default=True),
        TITLE: _style(TITLE, "Title", f'{keep}{_OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="720" '
                      f'w:lineRule="exact"/>{_NO_INDENT}<w:jc w:val="center"/>', _rpr(fonts.TITLE, bold=False),
                      nxt=NORMAL, ui=10),
        # 一、 3号黑体 and （一） 3号楷体, not bold, with outline levels 1 and 2; kept with what follows.
        H1: _style(H1, "heading 1", f'{keep}<w:outlineLvl w:val="0"/>', _rpr(fonts.H1, "000000", bold=False),
                   nxt=NORMAL, ui=9),
        H2: _style(H2, "heading 2", f'{keep}<w:outlineLvl w:val="1"/>', _rpr(fonts.H2, "000000", bold=False),
                   nxt=NORMAL, ui=9),
        TABLE_TEXT: _style(TABLE_TEXT, "表格文字", f'{_OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="240" '
                           f'w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="center"/>', _rpr(fonts.TABLE)),
        FIGURE: _style(FIGURE, "图", f'<w:keepNext/>{_OFF_GRID}<w:spacing w:before="120" w:after="0" w:line="240" '
                       f'w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="center"/>', _rpr(fonts.BODY), nxt=CAPTION),
        CAPTION: _style(CAPTION, "caption", f'{_OFF_GRID}<w:spacing w:before="60" w:after="120" w:line="240" '
                        f'w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="center"/>', _rpr(fonts.CAPTION), ui=35),
        SIGNOFF: _style(SIGNOFF, "落款", f'{_NO_INDENT}<w:jc w:val="right"/>', _rpr(fonts.BODY)),
        HEADER: _style(HEADER, "header", f'{_OFF_GRID}<w:spacing w:before="0" w:after="0" w:line="240" '
                       f'w:lineRule="auto"/>{_NO_INDENT}<w:jc w:val="center"/>',
                       _rpr(fonts.DRAFT, fonts.DRAFT_COLOR), ui=99),
        FOOTER: _style(FOOTER, "footer", f'{_OFF_GRID}<w:spacing w:before="0" w:after="0" '
                       f'w:line="{fonts.PAGE_NUMBER_LINE_TW}" w:lineRule="exact"/>{_NO_INDENT}',
                       _rpr(fonts.PAGE_NUMBER), ui=99),
    }


_TABLE_NORMAL = (f'<w:style w:type="table" w:default="1" w:styleId="{TABLE_NORMAL}"><w:name w:val="Normal Table"/>'
                 '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
                 '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
                 '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')

#: Every style the report can use (ids), for tests and for :func:`styles_xml`.
ALL = (NORMAL, TITLE, H1, H2, TABLE_TEXT, FIGURE, CAPTION, SIGNOFF, HEADER, FOOTER)


def styles_xml(used: set[str] | None = None) -> str:
    """styles.xml with docDefaults (3号仿宋, zh-CN) and the paragraph styles in ``used`` (all when None), plus
    Normal (the base of all) and the default table style."""
    defs = _paragraph_styles()
    wanted = [sid for sid in ALL if used is None or sid in used or sid == NORMAL]
    lang = f'<w:lang w:val="{fonts.LANGUAGE}" w:eastAsia="{fonts.LANGUAGE}" w:bidi="ar-SA"/>'
    hp = fonts.half_points(fonts.BODY[1])
    defaults = (f'<w:docDefaults><w:rPrDefault><w:rPr>{rfonts(fonts.BODY[0])}<w:kern w:val="2"/>'
                f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>{lang}</w:rPr></w:rPrDefault>'
                '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>'
                '</w:docDefaults>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>{defaults}'
            f'{"".join(defs[s] for s in wanted)}{_TABLE_NORMAL}</w:styles>')


def used_fonts() -> list[str]:
    """Every font name the styles use, in the order of the typography table."""
    names = []
    for font in (fonts.BODY, fonts.TITLE, fonts.H1, fonts.H2, fonts.TABLE, fonts.CAPTION, fonts.PAGE_NUMBER,
                 fonts.DRAFT):
        if font[0] not in names:
            names.append(font[0])
    return names


_FONT_META = {  # charset 86 = GB2312; family and pitch as Word records them for these fonts
    "仿宋_GB2312": ("modern", "fixed"), "楷体_GB2312": ("modern", "fixed"), "黑体": ("modern", "fixed"),
    "宋体": ("auto", "variable"), "方正小标宋简体": ("script", "default"),
}


def font_table_xml(names: list[str] | None = None) -> str:
    """fontTable.xml declaring the fonts the report uses, with the common Windows substitute as w:altName."""
    out = []
    for name in names or used_fonts():
        family, pitch = _FONT_META.get(name, ("auto", "default"))
        alt = fonts.ALT_NAMES.get(name)
        out.append(f'<w:font w:name="{escape(name)}">{f"<w:altName w:val={chr(34)}{alt}{chr(34)}/>" if alt else ""}'
                   f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts {W}>{"".join(out)}</w:fonts>'
