"""Typography and page geometry of the report (GB/T 9704-2012 practice, FORMAT.md §4): names, sizes and the
type area in one place.  Lengths on the page are twips (1/20 pt, 1/1440 inch), as WordprocessingML stores them.
"""
from __future__ import annotations

import math

TITLE = ("方正小标宋简体", 22)  # 2号
H1 = ("黑体", 16)  # 一、 3号黑体
H2 = ("楷体_GB2312", 16)  # （一） 3号楷体
BODY = ("仿宋_GB2312", 16)  # 3号仿宋
TABLE = ("仿宋_GB2312", 10.5)  # 五号
CAPTION = ("仿宋_GB2312", 14)  # 4号: chart caption
PAGE_NUMBER = ("宋体", 14)  # 4号半角宋体
DRAFT = ("黑体", 14)  # the 草稿 mark in the header
DRAFT_COLOR = "C00000"
LANGUAGE = "zh-CN"

#: Font names a clerk's Windows PC is likely to have when the GB2312-era names are missing (w:altName).
ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
PAGE_MM = (210, 297)
CHARS_PER_LINE = 28  # 版心: 28 characters of 3号 a line …
LINES_PER_PAGE = 22  # … and 22 lines a page
PAGE_NUMBER_GAP_MM = 7  # the page number's 一字线 sits 7 mm below the type area


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_TW = tuple(mm_to_twips(x) for x in PAGE_MM)
MARGINS_TW = {side: mm_to_twips(mm) for side, mm in MARGINS_MM.items()}
TEXT_WIDTH_TW = PAGE_TW[0] - MARGINS_TW["left"] - MARGINS_TW["right"]
TEXT_HEIGHT_TW = PAGE_TW[1] - MARGINS_TW["top"] - MARGINS_TW["bottom"]
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]

#: Line pitch of the document grid: 22 lines fill the 225 mm type area (rounded down so all 22 fit).
LINE_PITCH_TW = TEXT_HEIGHT_TW // LINES_PER_PAGE


#: Character spacing of 3号 text (twips, negative = condensed): 16 pt glyphs on a 15.75 pt pitch, so 28 characters
#: fill the 156 mm line (justified text stretches the rest).  Done with w:spacing rather than the character grid
#: of ``w:docGrid w:type="linesAndChars"``: LibreOffice 7.4 (our --pdf and preview engine) misreads any negative
#: w:charSpace and sets 12–15 characters a line, and a positive one cannot make the pitch smaller than the font.
CONDENSE_TW = -math.ceil(BODY[1] * 20 - TEXT_WIDTH_TW / CHARS_PER_LINE)


def half_points(size_pt: float) -> int:
    return int(round(size_pt * 2))


#: Height of the page-number line (exact): the 4号 size plus 2 pt.
PAGE_NUMBER_LINE_TW = half_points(PAGE_NUMBER[1]) * 10 + 40
