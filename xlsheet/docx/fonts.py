"""Typography of the report (GB/T 9704 practice, FORMAT.md §4): names and sizes in one place."""
TITLE = ("方正小标宋简体", 22)  # 2号
H1 = ("黑体", 16)  # 一、 3号黑体
H2 = ("楷体_GB2312", 16)  # （一） 3号楷体
BODY = ("仿宋_GB2312", 16)  # 3号仿宋
TABLE = ("仿宋_GB2312", 10.5)  # 五号
PAGE_NUMBER = ("宋体", 14)  # 4号
LINE_PITCH_PT = 28  # fixed line spacing: 22 lines per page on the 225 mm type area
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = 210 - 28 - 26


def rfonts_xml(name: str) -> str:
    """All four font slots, so Word uses the CJK font for Chinese (w:eastAsia) and for everything else too."""
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'


def set_run_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), name)
