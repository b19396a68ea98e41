"""Turning text into something safe for a DOCX: characters XML 1.0 cannot hold are removed (and counted)."""
from __future__ import annotations

# Everything outside XML 1.0 Char, including lone surrogates: the one set every write path removes.
from ..textsafe import ILLEGAL as _INVALID


def clean(text: str) -> tuple[str, int]:
    """(text without XML-invalid characters, how many were removed)."""
    cleaned, n = _INVALID.subn("", text)
    return cleaned, n


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a clerk's multi-line cell text (blank lines dropped, each line trimmed)."""
    return [line.strip(" \u3000\t") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if line.strip(" \u3000\t")]
