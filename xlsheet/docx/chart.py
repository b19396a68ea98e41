"""Optional bar chart of 主动公开 by category (as in seed 003), drawn with matplotlib in the document's fonts.

The figure is drawn at the size it is printed (:data:`WIDTH_MM` wide), so its 五号 labels are 五号 on paper; its
title is not in the picture but a caption paragraph under it (``caption`` style, see ``render``).  The font is
the first of the document's own faces that is installed (仿宋 first, as the body), else a CJK face with the same
role.  Returns None (no chart) when matplotlib or a CJK font is missing: a report without its chart is better
than a chart with unreadable boxes.
"""
from __future__ import annotations

import io

from . import fonts

WIDTH_MM = 140
HEIGHT_MM = 75
DPI = 220
#: The body's 仿宋 under its names on Windows/macOS, then Linux faces of the same style, then any CJK face.
_CJK_FAMILIES = (fonts.BODY[0], "仿宋", "FangSong", "STFangsong", "AR PL UKai CN", "Noto Serif CJK SC",
                 "Source Han Serif SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei",
                 "PingFang SC")


def _cjk_font(font_manager):
    for family in _CJK_FAMILIES:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
            return font_manager.FontProperties(fname=path)
        except ValueError:
            continue
    for path in font_manager.findSystemFonts():  # matplotlib's cache can predate the fonts
        low = path.lower()
        if any(k in low for k in ("ukai", "notoserifcjk", "notosanscjk", "wqy", "simhei", "simfang")):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path)
    return None


def caption(year, data: list[tuple[str, int]]) -> str:
    return f"图1　{year}年主动公开政府信息分类统计（共{sum(n for _, n in data)}条）"


def bar_chart(data: list[tuple[str, int]]) -> bytes | None:
    """PNG of the bars (category: count), or None without matplotlib or a CJK font."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import font_manager
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    font = _cjk_font(font_manager)
    if font is None or not data:
        return None
    size = fonts.TABLE[1]  # 五号 on paper
    fig, ax = plt.subplots(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
    names = [d[0] for d in data]
    counts = [d[1] for d in data]
    bars = ax.bar(range(len(data)), counts, color="#4D4D4D", width=0.6)
    ax.set_xticks(range(len(data)))
    ax.set_xticklabels(names, fontproperties=font, fontsize=size, rotation=0 if len(data) <= 5 else 30,
                       ha="center" if len(data) <= 5 else "right")
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
        label.set_fontsize(size)
    for bar, c in zip(bars, counts):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), str(c), ha="center", va="bottom",
                fontproperties=font, fontsize=size)
    ax.set_ylabel("条数", fontproperties=font, fontsize=size)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(counts + [1]) * 1.18)
    fig.tight_layout(pad=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
