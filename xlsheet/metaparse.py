"""Parsing of 基本信息 entries: years and dates as clerks type them (numbers, Excel dates, "2021年1月15日")."""
from __future__ import annotations

import datetime as dt
import unicodedata

from .lazyre import lazy

_DATE = lazy(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?$")


def parse_year(raw: object) -> int | str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        return int(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().removesuffix("年度").removesuffix("年").strip()
    return int(text) if len(text) == 4 and text.isdecimal() else str(raw)  # isdecimal: what \d matches


def parse_date(raw: object) -> dt.date | str | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 < raw < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))  # an Excel serial the reader did not convert
    m = _DATE.match(unicodedata.normalize("NFKC", str(raw)).strip())
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return str(raw)
    return str(raw)


def parse_text(raw: object) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a 邮编 or phone typed as a number
    text = str(raw).strip()
    return text or None


def parse_meta(kind: str, raw: object):
    if kind == "year":
        return parse_year(raw)
    if kind == "date":
        return parse_date(raw)
    return parse_text(raw)
