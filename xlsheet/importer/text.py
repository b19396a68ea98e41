"""Reading the text of a published report: title, sections 一–六 (matched loosely), preamble contact details,
sign-off, and a chart's data table left in the text.  Dump artefacts ([bookmark: …], [image: …]) are dropped."""
from __future__ import annotations

import re
import unicodedata

from ..dump import Dump, norm
from ..metaparse import parse_date

_SECTION_WORDS = {"s1": "总体情况", "s2": "主动公开政府信息情况", "s3": "收到和处理", "s4": "行政复议",
                  "s5": "存在的主要问题", "s6": "其他需要报告的事项"}
_NUMERAL = r"[一二三四五六1-6]"  # section level only: （一） and （1） are sub-headings
_HEADING = re.compile(rf"^\s*(?:\[bookmark:[^\]]*\])?\s*{_NUMERAL}\s*[、.．]?\s*(.{{0,40}})$")
_TITLE = re.compile(r"^(.*?)(\d{4})\s*年度?\s*政府信息公开工作年度报告")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ARTIFACT = re.compile(r"^\[bookmark:[^\]]*\]")


def _clean(line: str) -> str:
    return _ARTIFACT.sub("", line).strip()


def _section_of(line: str) -> str | None:
    m = _HEADING.match(line)
    if not m:
        return None
    rest = norm(m.group(1))
    for key, word in _SECTION_WORDS.items():
        if word in rest:
            return key
    return None


def title(paragraphs: list[str]) -> tuple[str, int | None, int]:
    """(agency, year, index of the title's last line)."""
    previous = ""
    for i, p in enumerate(paragraphs[:12]):
        text = norm(p).lstrip("·")
        m = _TITLE.search(text)
        if m:
            return (m.group(1) or previous), int(m.group(2)), i
        if text:
            previous = text
    return "", None, -1


def sections(dump: Dump, start: int) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"pre": []}
    current = "pre"
    for kind, idx in dump.order:
        if kind != "p" or idx <= start:
            continue
        line = dump.paragraphs[idx]
        key = _section_of(line)
        if key and key not in out:
            current = key
            out[key] = []
            continue
        out.setdefault(current, []).append(line)
    return out


def body(lines: list[str]) -> list[str]:
    """Narrative paragraphs: dump artefacts ([image: …], chart data rows with tabs) and blank lines dropped."""
    out = []
    for line in lines:
        if "\t" in line or line.strip().startswith("[image:"):
            continue
        text = _clean(line)
        if text:
            out.append(text)
    return out


def meta_from_preamble(pre: list[str]) -> dict:
    text = "\n".join(pre)
    meta = {}
    patterns = {
        "postcode": r"邮\s*编[：:]?\s*(\d{6})",
        "phone": r"(?:电话|联系电话)[：:]\s*([0-9０-９][0-9０-９\-－ ]{6,}[0-9０-９])",
        "address": r"地址[：:]\s*([^（(，,。；;\n]+)",
        "email": r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
        "portal_url": r"((?:https?://|www\.)[A-Za-z0-9./?=&_%:-]+)",
        "contact_office": r"请与(.+?)联系",
        "basis_local": r"(《[^》]*(?:省|市|自治区)[^》]*政府信息公开[^》]*》)",
    }
    for key, pattern in patterns.items():
        m = re.search(pattern, text)
        if m:
            meta[key] = unicodedata.normalize("NFKC", m.group(1)).strip() if key == "phone" else m.group(1).strip()
    return meta


def chart_rows(lines: list[str]) -> str | None:
    """A chart's data table left in the text (seed 003): a row of category names, then a row of counts."""
    rows = [[c.strip() for c in line.split("\t") if c.strip()] for line in lines if "\t" in line]
    for names, counts in zip(rows, rows[1:]):
        if len(names) == len(counts) * 1 and all(c.isdigit() for c in counts):
            return "\n".join(f"{n}：{c}" for n, c in zip(names, counts))
    for row in rows:  # names and counts on one line: 履职依据 会议公开 … 1 3 …
        half = len(row) // 2
        if half and len(row) % 2 == 0 and all(c.isdigit() for c in row[half:]) and not any(
                c.isdigit() for c in row[:half]):
            return "\n".join(f"{n}：{c}" for n, c in zip(row[:half], row[half:]))
    return None


def signoff(lines: list[str]) -> tuple[list[str], str | None, object]:
    body = [line for line in lines if line.strip()]
    agency, date = None, None
    if body and _DATE_LINE.match(body[-1].strip()):
        date = parse_date(body[-1].strip())
        body = body[:-1]
        if body and len(body[-1].strip()) <= 40 and not re.search(r"[。，；]", body[-1]):
            agency = body[-1].strip()
            body = body[:-1]
    return body, agency, date
