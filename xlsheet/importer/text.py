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
# "某局2024年政府信息公开工作年度报告", "2019年某某市人民政府办公厅政府信息公开工作年度报告",
# "某局关于2021年度政府信息公开工作的年度报告"; the text before the year or between year and 政府信息公开 is the agency.
_TITLE = re.compile(r"^(?P<pre>.*?)(?P<year>\d{4})\s*年度?(?P<mid>.{0,40}?)政府信息公开(?:工作)?(?:情况)?的?年度?报告")
# A line before the title that is page furniture, not an agency name (portal breadcrumbs, dates, sources).
_NOT_AGENCY = re.compile(r"[。，；>›»|]|首页|当前位置|您的位置|发布时间|来源|日期|浏览|字号|打印|分享|^\d")
_TITLE_PREFIX = re.compile(r"^(?:标题|题目|文件名称|名称)[：:]")
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


def _title_parts(text: str) -> tuple[str, int] | None:
    m = _TITLE.search(_TITLE_PREFIX.sub("", text))
    if not m:
        return None
    pre = m.group("pre").removesuffix("关于").strip("：:，,")
    mid = m.group("mid").strip("的：:，,")
    return (pre or mid), int(m.group("year"))


def title(paragraphs: list[str]) -> tuple[str, int | None, int]:
    """(agency, year, index of the title's last line).  The title may be split over two lines; an agency on
    the line before a title without one ("关于2021年度政府信息公开工作的年度报告") is taken from there."""
    previous = ""
    lines = [(i, _TITLE_PREFIX.sub("", norm(p).lstrip("·"))) for i, p in enumerate(paragraphs[:15])]
    lines = [(i, t) for i, t in lines if t and not t.startswith("[")]
    for n, (i, text) in enumerate(lines):
        found = _title_parts(text)
        end = i
        if found is None and n + 1 < len(lines) and _title_parts(lines[n + 1][1]) is None:
            found = _title_parts(text + lines[n + 1][1])  # a title split over two lines
            end = lines[n + 1][0]
        if found:
            agency, year = found
            if not agency and len(previous) <= 40 and not _NOT_AGENCY.search(previous):
                agency = previous
            return agency, year, end
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


# A short line that is the portal's page furniture around the article, not the report: the publication line
# (发布时间 … 浏览次数 …), print/close/share links, the site footer (主办单位, ICP备案号, 网站标识码 …).
_FURNITURE = re.compile(r"^[【\[]?(?:发布时间|发布日期|发文日期|信息来源|来源|浏览次数|阅读次数|点击数|访问量|字号|字体|"
                        r"打印|关闭|分享到?|主办单位|主办|承办单位|承办|协办|版权所有|技术支持|联系我们)[】\]]?\s*[：:】\]]"
                        r"|ICP备|公网安备|网站标识码|浏览次数[：:]|【(?:打印|关闭|收藏|大|中|小)")
_FURNITURE_MAX = 120  # a longer line is prose, whatever it starts with


def is_furniture(line: str) -> bool:
    text = line.strip()
    return len(text) <= _FURNITURE_MAX and bool(_FURNITURE.search(text))


def body(lines: list[str]) -> list[str]:
    """Narrative paragraphs: dump artefacts ([image: …], chart data rows with tabs), the portal's page furniture
    (:func:`is_furniture`) and blank lines dropped."""
    out = []
    for line in lines:
        if "\t" in line or line.strip().startswith("[image:") or is_furniture(line):
            continue
        text = _clean(line)
        if text:
            out.append(text)
    return out


_STOP = r"(?=\s*(?:[（(）)，,。；;\n]|邮\s*编|邮政编码|电\s*话|联系电话|传\s*真|电子邮箱|邮箱|$))"
_PERIOD = re.compile(r"(?:自|从)?(\d{4})\s*年\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|—|-|～|~)\s*(?:(\d{4})\s*年\s*)?"
                     r"12\s*月\s*31\s*日")


# "所列数据截止日期为2020年12月31日", "数据统计截止到2020年12月31日": the year's end as the data's cut-off date
_CUTOFF = re.compile(r"截止(?:日期|时间)?\s*(?:为|是|到|至)?\s*(\d{4})\s*年\s*12\s*月\s*31\s*日")


def full_year_period(text: str, year: int) -> bool:
    """Does the preamble state the whole calendar year as the statistical period ("自2020年1月1日起至2020年12月31日
    止", "从2019年1月1日到12月31日止"), or the year's last day as the data's cut-off ("所列数据截止日期为2020年12月
    31日": an annual report's data start with its year)?"""
    flat_text = norm(text)
    for m in _PERIOD.finditer(flat_text):
        if int(m.group(1)) == year and (m.group(2) is None or int(m.group(2)) == year):
            return True
    return any(int(m.group(1)) == year for m in _CUTOFF.finditer(flat_text))


def meta_from_preamble(pre: list[str]) -> dict:
    """Contact details and the portal, wherever the sentence puts them (any order, inside a sentence)."""
    text = "\n".join(pre)
    meta = {}
    patterns = {
        "postcode": r"(?:邮\s*编|邮政编码)[：:]?\s*(\d{6})",
        "phone": r"(?:电\s*话|联系电话|咨询电话)[：:]?\s*([0-9０-９（(][0-9０-９\-－ ()（）]{6,}[0-9０-９])",
        "fax": r"传\s*真[：:]?\s*([0-9０-９（(][0-9０-９\-－ ()（）]{6,}[0-9０-９])",
        "address": r"(?:联系)?地\s*址[：:]\s*(.+?)" + _STOP,
        "email": r"([\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
        "portal_url": r"((?:https?://|www\.)[A-Za-z0-9./?=&_%:#-]+[A-Za-z0-9/])",
        "portal_name": r"(?:在|从|登录|通过|于)“?([^，,。；;\s“”（(]{2,30}?(?:门户网站|政府网站|网站|政务网|信息网|政府网|平台))",
        "contact_office": r"(?:请与(.+?)联系|联系(?:单位|部门)[：:]\s*([^，,。；;\n（(]+))",
        "basis_local": r"(《[^》]*(?:省|市|自治区)[^》]*政府信息公开[^》]*》)",
    }
    for key, pattern in patterns.items():
        m = re.search(pattern, text)
        if m:
            value = next(g for g in m.groups() if g is not None).strip()
            meta[key] = unicodedata.normalize("NFKC", value).strip() if key in ("phone", "fax") else value
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
