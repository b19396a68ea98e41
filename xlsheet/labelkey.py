"""Comparing table labels the way a reader does.

:func:`label_key` is what the importer matches rows and columns by: width of brackets and digits (NFKC), spaces
and line breaks, 、/，/./． variants, quotation marks, the leading enumerator ("一、", "（三）", "1.", "（6）") and a
few typos and local wordings seen in published reports are ignored, so a row is found whatever the clerk typed.
:func:`same_label` is what LAYOUT-LABELS tolerates: only width ("第二十条第(一)项" = "第二十条第（一）项") and
whitespace; a typo or a comma for 、 is still reported there.
"""
from __future__ import annotations

import unicodedata

from .lazyre import lazy

# Typos and local wordings seen in published reports → the official wording (compared after punctuation removal).
KNOWN_VARIANTS = (
    ("无不正当理由", "无正当理由"),  # seed 003
    ("不予以公开", "不予公开"),
    ("总数", "总计"),  # "（七）总数"
    ("合计", "总计"),
    ("结转下一年度", "结转下年度"),
    ("政府信息公开申请数", "政府信息公开申请数量"),
    ("数量量", "数量"),
)
_SPACE = lazy(r"[\s\u3000\u00a0\u200b]+")
_PUNCT = lazy(r"[、，,.．。:：;；“”\"'‘’「」()（）〔〕\[\]【】<>《》/／·•\-－—_]")
_NUM = r"(?:[一二三四五六七八九十]{1,3}|\d{1,2})"
# A leading enumerator: "(一)", "(6)" (brackets are half-width after NFKC), "一、", "1.", "1、"; never "2020年".
_ENUM = lazy(rf"^(?:\({_NUM}\)|{_NUM}[、.,:])+")


def flat(text: str | None) -> str:
    """NFKC (half-width brackets and digits), no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def label_key(text: str | None, *, keep_enumerator: bool = False) -> str:
    """The comparable form of a label (see the module docstring)."""
    t = flat(text)
    if not keep_enumerator:
        t = _ENUM.sub("", t)
    t = _PUNCT.sub("", t)
    for wrong, right in KNOWN_VARIANTS:
        t = t.replace(wrong, right)
    return t


def same_label(a: str | None, b: str | None) -> bool:
    """True when two labels differ only in character width (half-width brackets and digits) and whitespace:
    what LAYOUT-LABELS tolerates.  Typos, 、 written as ， and other wordings are real label defects there, even
    though the importer matches rows through them (:func:`label_key`)."""
    return flat(a) == flat(b)
