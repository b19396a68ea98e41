"""Optional bar chart of 主动公开 by category (as in seed 003), drawn with matplotlib and a CJK font.

Returns None (no chart) when matplotlib or a CJK font is missing: a report without its chart is better than a
chart with unreadable boxes.
"""
from __future__ import annotations

import io

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "SimHei",
                 "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UKai CN")


def _cjk_font(font_manager):
    for family in _CJK_FAMILIES:
        try:
            path = font_manager.findfont(family, fallback_to_default=False)
            return font_manager.FontProperties(fname=path)
        except ValueError:
            continue
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in path or "wqy" in path.lower() or "simhei" in path.lower():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path)
    return None


def bar_chart(data: list[tuple[str, int]], title: str) -> bytes | None:
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
    fig, ax = plt.subplots(figsize=(6.2, 3.2), dpi=150)
    names = [d[0] for d in data]
    counts = [d[1] for d in data]
    bars = ax.bar(range(len(data)), counts, color="#2F5597")
    ax.set_xticks(range(len(data)))
    ax.set_xticklabels(names, fontproperties=font, fontsize=8, rotation=0 if len(data) <= 6 else 30)
    for bar, c in zip(bars, counts):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), str(c), ha="center", va="bottom", fontsize=8)
    ax.set_title(title, fontproperties=font, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
