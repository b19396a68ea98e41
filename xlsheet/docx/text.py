"""Turning text into something safe for a DOCX: characters XML 1.0 cannot hold are removed (and counted)."""
from __future__ import annotations

import re

# Everything outside XML 1.0 Char, including lone surrogates (which silently truncate a docxtpl document).
_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> tuple[str, int]:
    """(text without XML-invalid characters, how many were removed)."""
    cleaned, n = _INVALID.subn("", text)
    return cleaned, n


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a clerk's multi-line cell text (blank lines dropped, each line trimmed)."""
    return [line.strip(" \u3000\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if line.strip(" \u3000\t")]
