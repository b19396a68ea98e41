"""Import a published report (its text dump, or a .docx in the official layout) into workbook data.

Tolerant by design: section headings are matched loosely ("1、 总体情况", "一、2020年政府信息公开总体情况"), table
rows are matched by position when the grid has the official shape and by fuzzy label otherwise, old labels
(e.g. 2019 headers under the 2021 format) are kept as label overrides so the validator can point at them, and
every number is kept exactly as published: a clean number becomes a number, anything else ("　0", "104.85万元")
stays the text that was printed, a missing cell stays blank.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .dump import Dump, norm, spec_table_cells
from .errors import NotAReportError
from .metaparse import parse_date
from .spec import Spec, load_spec, spec_for_year

_SECTION_WORDS = {"s1": "总体情况", "s2": "主动公开政府信息情况", "s3": "收到和处理", "s4": "行政复议",
                  "s5": "存在的主要问题", "s6": "其他需要报告的事项"}
_NUMERAL = r"[一二三四五六1-6]"  # section level only: （一） and （1） are sub-headings
_HEADING = re.compile(rf"^\s*(?:\[bookmark:[^\]]*\])?\s*{_NUMERAL}\s*[、.．]?\s*(.{{0,40}})$")
_TITLE = re.compile(r"^(.*?)(\d{4})\s*年度?\s*政府信息公开工作年度报告")
_PUBLISH = re.compile(r"(\d{4})年本行政区域（或本部门）政府信息公开发布总数量（非新闻类、消息类）[：:]\s*(\S*)")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ARTIFACT = re.compile(r"^\[bookmark:[^\]]*\]")


@dataclass
class Imported:
    spec: Spec
    year: int
    agency: str
    variants: set[str] = field(default_factory=set)
    meta: dict = field(default_factory=dict)
    narrative: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def published_value(text: str, kind: str):
    """A cell as published → what a clerk would have typed: a clean number as a number, else the text."""
    if text is None or text == "":
        return None
    plain = text.lstrip("+") if kind == "delta" else text
    if re.fullmatch(r"-?\d+(\.\d+)?", plain):
        try:
            d = Decimal(plain)
        except InvalidOperation:  # pragma: no cover
            return text
        return int(d) if d == d.to_integral_value() else float(d)
    return text


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


def _title(paragraphs: list[str]) -> tuple[str, int | None, int]:
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


def _sections(dump: Dump, start: int) -> dict[str, list[str]]:
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


def _body(lines: list[str]) -> list[str]:
    """Narrative paragraphs: dump artefacts ([image: …], chart data rows with tabs) and blank lines dropped."""
    out = []
    for line in lines:
        if "\t" in line or line.strip().startswith("[image:"):
            continue
        text = _clean(line)
        if text:
            out.append(text)
    return out


def _meta_from_preamble(pre: list[str]) -> dict:
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


def _chart_rows(lines: list[str]) -> str | None:
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


def _signoff(lines: list[str]) -> tuple[list[str], str | None, object]:
    body = [line for line in lines if line.strip()]
    agency, date = None, None
    if body and _DATE_LINE.match(body[-1].strip()):
        date = parse_date(body[-1].strip())
        body = body[:-1]
        if body and len(body[-1].strip()) <= 40 and not re.search(r"[。，；]", body[-1]):
            agency = body[-1].strip()
            body = body[:-1]
    return body, agency, date


def _classify(tables: list[list[list[str]]]) -> dict[str, list[list[str]]]:
    found = {}
    for t in tables:
        text = "".join(norm(c) for row in t for c in row)
        if "第二十条" in text and "t2" not in found:
            found["t2"] = t
        elif "本年新收" in text and "t3" not in found:
            found["t3"] = t
        elif "行政复议" in text and "行政诉讼" in text and "t4" not in found:
            found["t4"] = t
    return found


def _row_label(cells) -> str:
    return next((norm(c) for c in reversed(cells) if norm(c) and not re.fullmatch(r"[\d.+\-]*", norm(c))), "")


def _import_table(imp: Imported, table, rows: list[list[str]], year: int) -> None:
    shape = spec_table_cells(table, frozenset())
    spec_rows = table.rows_for(frozenset())
    # The Jilin 发布总数量 line is a one-cell row (read separately); drop it before aligning rows.
    rows = [r for r in rows if not (len(r) == 1 and _PUBLISH.match(norm(r[0])))]
    positional = len(rows) == len(spec_rows)
    if not positional:
        imp.problems.append(f"{table.title}：行数为 {len(rows)}，规定格式为 {len(spec_rows)}，已按栏目名称匹配")
    used = set()
    for i, (srow, cells) in enumerate(zip(spec_rows, shape)):
        if positional:
            found = rows[i]
        elif srow.role == "data":
            want = norm(next(c.label() for c in reversed(srow.cells) if not c.is_input))
            scored = [(difflib.SequenceMatcher(None, want, _row_label(r)).ratio(), j) for j, r in enumerate(rows)
                      if j not in used]
            best = max(scored, default=(0, -1))
            if best[0] < 0.6:
                imp.problems.append(f"{table.title}：未找到“{want}”一行，按空白处理")
                continue
            used.add(best[1])
            found = rows[best[1]]
        else:
            continue
        inputs = [c for c in cells if c is not None and c.is_input]
        if len(found) == len(cells):
            pairs = list(zip(cells, found))
        else:
            # A merge misaligned or value cells missing in the published table: labels from the left,
            # values from the right, and whatever is missing stays blank.
            n_labels = len(cells) - len(inputs)
            values = found[n_labels:][-len(inputs):] if inputs else []
            values = [""] * (len(inputs) - len(values)) + values if len(found) > n_labels else [""] * len(inputs)
            pairs = list(zip(inputs, values))
            if srow.role == "data":
                imp.problems.append(f"{table.title}：“{_row_label(found[:1]) or srow.key}”一行有 {len(found)} 个单元格，"
                                    f"规定格式为 {len(cells)} 个")
        for cell, text in pairs:
            if cell is None:
                continue
            if cell.is_input:
                value = published_value(text, cell.kind)
                if value is not None:
                    imp.values[cell.key] = value
            elif norm(text) != norm(cell.label(year)):
                imp.labels[(table.key, cell.row, cell.col)] = text


def _split_s1(imp: Imported, lines: list[str]) -> None:
    """Section 一: lines under a heading that is exactly one of the spec's sub-headings (（一）主动公开 …) go to
    that field (a report generated by xlsheet); everything else stays in the overview."""
    headings = {norm(f.heading): f.key for f in imp.spec.narrative if f.section == "s1" and f.heading}
    target = "s1_intro"
    parts: dict[str, list[str]] = {}
    for line in lines:
        key = headings.get(norm(line))
        if key:
            target = key
            parts.setdefault(key, [])
            continue
        parts.setdefault(target, []).append(line)
    for key, body in parts.items():
        if body:
            imp.narrative[key] = "\n".join(body)


def import_dump(dump: Dump, *, fmt: str | None = None) -> Imported:
    agency, year, title_end = _title(dump.paragraphs)
    if year is None:
        raise NotAReportError("未能从标题中识别报告年度：这不像是政府信息公开工作年度报告"
                              "（标题应形如“某某局2024年政府信息公开工作年度报告”）")
    spec = load_spec(fmt) if fmt else spec_for_year(year)
    imp = Imported(spec=spec, year=year, agency=agency)
    tables = _classify(dump.tables)
    for key in ("t2", "t3", "t4"):
        if key not in tables:
            imp.problems.append(f"未找到{spec.table(key).title}的表格")
            continue
        _import_table(imp, spec.table(key), tables[key], year)
    everything = [c for t in dump.tables for r in t for c in r] + dump.paragraphs
    for text in everything:
        m = _PUBLISH.search(norm(text))
        if m:
            imp.variants.add("jilin")
            value = published_value(m.group(2), "count")
            if value is not None:
                imp.values["t2.publish.total"] = value
            break
    sections = _sections(dump, title_end)
    imp.meta.update(_meta_from_preamble(sections.get("pre", [])))
    pre = _body(sections.get("pre", []))
    if pre:
        imp.narrative["preamble"] = "\n".join(pre)
    if sections.get("s1"):
        _split_s1(imp, _body(sections["s1"]))
    if sections.get("s5"):
        imp.narrative["s5"] = "\n".join(_body(sections["s5"]))
    chart = _chart_rows(sections.get("s6", []))
    if chart:
        imp.narrative["s2_chart"] = chart
    body, signoff_agency, signoff_date = _signoff(_body(sections.get("s6", [])))
    if body:
        imp.narrative["s6"] = "\n".join(body)
    if signoff_agency:
        imp.meta["signoff_agency"] = signoff_agency
    imp.meta["signoff_date"] = signoff_date  # None when the report has no date: never invent one
    if not signoff_agency:
        imp.meta["signoff_agency"] = None
    imp.meta.setdefault("period_start", None)
    imp.meta.setdefault("period_end", None)
    if re.search(r"(\d{4})年1月1日起?至\1年12月31日", "".join(sections.get("pre", []))):
        import datetime as dt

        imp.meta["period_start"], imp.meta["period_end"] = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return imp


def import_docx(path) -> Imported:
    from .dump import dump_docx
    from .safety import preflight

    preflight(path, required=("[Content_Types].xml", "word/document.xml"), kind="Word 文档（.docx）")
    try:
        dump = dump_docx(path)
    except Exception as exc:  # python-docx / lxml on a damaged package
        from .errors import InvalidWorkbookError

        raise InvalidWorkbookError(f"无法读取 Word 文档（{type(exc).__name__}），文件可能已损坏") from None
    return import_dump(dump)


def write_imported(imp: Imported, path, *, overwrite: bool = False):
    """Write imported data as an xlsheet workbook (the format of the imported report, labels as published)."""
    from .workbook.create import new_workbook

    return new_workbook(path, imp.year, imp.agency, variants=imp.variants, overwrite=overwrite, spec=imp.spec,
                        meta=imp.meta, narrative=imp.narrative, values=imp.values, labels=imp.labels)
