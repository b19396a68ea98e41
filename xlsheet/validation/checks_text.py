"""Checks of the narrative against the tables and against the agency itself (regex on standard phrasing).

Only standard phrasings are matched ("收到申请15件", "主动公开信息共计3575条", "未收到…申请"), so a match is a strong
signal; approximate wording ("10余条") is deliberately not compared.
"""
from __future__ import annotations

from ..lazyre import escape, lazy
from .registry import check

# Longest chain of jurisdiction segments: 淄博市张店区残疾人联合会 → 淄博市张店区 (see _jurisdiction).
_JURIS_SUFFIXES = ("自治区", "自治州", "自治县", "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡", "街道")
_JURIS = lazy(r"^((?:[\u4e00-\u9fa5]{1,8}?(?:" + "|".join(_JURIS_SUFFIXES) + "))+)")
_ORG_SUFFIX = r"(?:服务中心|中心|局|委员会|办公室|联合会|人民政府|政府|院|所|站|队|厅|处|委|办)"
_NOT_ORG = ("网站", "门户", "路", "街", "号", "大楼")  # a place or a website named after the jurisdiction, not a unit
_SELF = {"局": "局", "委": "委", "中心": "中心", "会": "会", "院": "院"}


# Sentences every report shares (the preamble's legal basis, structure, statistical period, where the electronic
# version is, contact line; the statutory 信息处理费 sentence; "无其他需要报告的事项"): not what the clerk wrote.
_STANDARD = lazy(
    r"^(?:本(?:年度)?报告)?[^。]{0,20}(?:根据|依据|按照)《中华人民共和国政府信息公开条例》[^。]{0,80}(?:编制|要求|规定)|"
    r"六(?:个)?部分组成|统计期限|所列数据|电子版|如对本报告有|请与.{0,30}联系|"
    r"联系(?:方式|地址|电话)|(?:地址|邮编|电话|传真|电子邮箱)[：:]|《政府信息公开信息处理费管理办法》|"
    r"^(?:本年度)?(?:我[局委办中心]?)?(?:无|没有)(?:其他)?需要报告的(?:其他)?事项|^无$")
_SENTENCE = lazy(r"[^。！？；\n]+[。！？；]?")


def clerk_text(text: str) -> str:
    """``text`` without the standard sentences every report shares (see _STANDARD): what the clerk wrote."""
    return "".join(s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text or ""))
                   if s and not _STANDARD.search(s))


def _texts(ctx, keys=None):
    """(field label, text) of the narrative fields (all, or ``keys``), skipping empty ones."""
    r = ctx.report  # once per validation: a dozen checks walk the narrative
    texts = ctx.once("_narrative_texts", lambda: [(f, t) for f in r.spec.narrative if (t := r.text(f.key))])
    return texts if keys is None else [(f, t) for f, t in texts if f.key in keys]


def _loc(ctx, f):
    return ctx.report.locations.get(f"text.{f.key}")


def _sentence(text: str, m: re.Match) -> str:
    start = max(text.rfind("。", 0, m.start()) + 1, m.start() - 30)
    return text[start:m.end()].strip()


_ACTIVE = lazy(r"主动公开[^。；，,\d]{0,15}?(\d+)\s*(?:条|件)")


@check("text_active_count")
def text_active_count(rule, ctx):
    r = ctx.report
    key = rule.params["key"]
    if key not in r.values or ctx.number(key) is None:
        return
    table = ctx.number(key)
    for f, text in _texts(ctx, {"preamble", "s1_intro", "s1_active"}):
        if "主动公开" not in text:
            continue  # every match begins with it (and the pattern is compiled only when needed)
        for m in _ACTIVE.finditer(text):
            if int(m.group(1)) != table:
                yield ctx.finding(rule, location=_loc(ctx, f), cells=[_loc(ctx, f), r.locations.get(key)],
                                  phrase=m.group(0), table=table, left=int(m.group(1)), right=table,
                                  diff=int(m.group(1)) - table)


_N = r"[^。；，,\d]"


def _phrase(needles: tuple[str, ...], tail: str, keys: tuple[str, ...], what: str, before: str = ""):
    """(pattern, table keys, what it is called, needles): the pattern is ``before`` (zero-width), one of the
    literal ``needles``, then ``tail``, so a text holding none of the needles cannot match it and is not searched
    (the pattern is compiled only when some text holds one)."""
    return lazy(before + "(?:" + "|".join(map(escape, needles)) + ")" + tail), keys, what, needles


# (pattern, table keys summed — "@prefix" = every 表三 row whose key starts with prefix —, what it is called, needles)
_REQUEST_PHRASES = [
    _phrase(("新收", "收到"), rf"{_N}{{0,16}}?申请{_N}{{0,4}}?(\d+)\s*件", ("t3.new.total",), "本年新收"),
    _phrase(("受理",), rf"{_N}{{0,12}}?申请{_N}{{0,4}}?(\d+)\s*件", ("t3.new.total",), "本年新收"),
    _phrase(("上年结转",), rf"{_N}{{0,8}}?(\d+)\s*件", ("t3.carry.total",), "上年结转"),
    _phrase(("办结", "办理完结", "答复"), rf"{_N}{{0,6}}?(\d+)\s*件", ("t3.total.total",), "办理结果总计"),
    _phrase(("结转下年度",), rf"{_N}{{0,8}}?(\d+)\s*件", ("t3.next.total",), "结转下年度继续办理"),
    _phrase(("予以公开",), rf"[和及、与或]部分公开{_N}{{0,4}}?(\d+)\s*件", ("t3.open.total", "t3.partial.total"),
            "予以公开与部分公开之和"),
    _phrase(("予以公开",), rf"(?![和及、与或]部分公开){_N}{{0,4}}?(\d+)\s*件", ("t3.open.total",), "予以公开"),
    _phrase(("部分公开",), rf"{_N}{{0,4}}?(\d+)\s*件", ("t3.partial.total",), "部分公开", before="(?<![和及、与或])"),
    _phrase(("不予公开",), rf"{_N}{{0,4}}?(\d+)\s*件", ("@deny_",), "不予公开各项之和"),
    _phrase(("无法提供",), rf"{_N}{{0,4}}?(\d+)\s*件", ("@none_",), "无法提供各项之和"),
    _phrase(("不予处理",), rf"{_N}{{0,4}}?(\d+)\s*件", ("@skip_",), "不予处理各项之和"),
]
# 表二: counts per category, decisions, fees (wording of the 2021 format; keys absent in a format are skipped)
_T2_PHRASES = [
    _phrase(("制发规章", "出台规章", "印发规章"), rf"{_N}{{0,4}}?(\d+)\s*件", ("t2.reg.made",), "规章本年制发件数"),
    _phrase(("制发", "出台", "印发"), rf"(?:行政)?规范性文件{_N}{{0,4}}?(\d+)\s*件", ("t2.norm.made",),
            "行政规范性文件本年制发件数"),
    _phrase(("废止规章",), rf"{_N}{{0,4}}?(\d+)\s*件", ("t2.reg.repealed",), "规章本年废止件数"),
    _phrase(("废止",), rf"(?:行政)?规范性文件{_N}{{0,4}}?(\d+)\s*件", ("t2.norm.repealed",),
            "行政规范性文件本年废止件数"),
    _phrase(("现行有效规章",), rf"{_N}{{0,4}}?(\d+)\s*件", ("t2.reg.valid",), "规章现行有效件数"),
    _phrase(("现行有效",), rf"(?:的)?(?:行政)?规范性文件{_N}{{0,4}}?(\d+)\s*件", ("t2.norm.valid",),
            "行政规范性文件现行有效件数"),
    _phrase(("行政许可",), rf"{_N}{{0,6}}?(\d+)\s*件", ("t2.license.decisions",), "行政许可处理决定数量"),
    _phrase(("行政处罚",), rf"{_N}{{0,6}}?(\d+)\s*件", ("t2.penalty.decisions",), "行政处罚处理决定数量"),
    _phrase(("行政强制",), rf"{_N}{{0,6}}?(\d+)\s*件", ("t2.coercion.decisions",), "行政强制处理决定数量"),
    _phrase(("行政事业性收费",), r"[^。；，,]{0,10}?(\d+(?:\.\d+)?)\s*万元", ("t2.fee.amount",), "本年收费金额（万元）"),
]
# 表四: counts of 行政复议 and 行政诉讼
_T4_PHRASES = [
    _phrase(("行政复议",), rf"(?!后){_N}{{0,8}}?(\d+)\s*(?:件|起)", ("t4.review.total",), "行政复议总计"),
    _phrase(("行政诉讼",), rf"{_N}{{0,8}}?(\d+)\s*(?:件|起)", ("t4.direct.total", "t4.after_review.total"),
            "行政诉讼总计（未经复议直接起诉与复议后起诉之和）"),
]
_UPHELD = lazy(r"均(?:获|被|予)?维持|全部(?:被|获)?维持|未被纠错|无被纠错|没有被纠错|未被(?:撤销|确认违法)")
_UPHELD_NEEDLES = ("维持", "纠错", "未被")  # every alternative holds one
_NO_LITIGATION = lazy(r"未(?:发生|出现|收到|有)[^。；]{0,10}?(?:行政复议|行政诉讼|复议|诉讼)")
_T4_GROUPS = {"review": "行政复议", "direct": "未经复议直接起诉", "after_review": "复议后起诉"}


def _expanded(spec, keys) -> tuple[list[str], bool]:
    """``keys`` with each "@prefix" replaced by the 表三 总计 cells of the rows it names, and whether all of them
    are inputs of ``spec`` — once per spec (see Spec.cached)."""
    def build():
        expanded = []
        for key in keys:
            if key.startswith("@"):
                rows = [row.key for row in spec.table("t3").data_rows() if row.key.startswith(key[1:])]
                expanded += [f"t3.{row}.total" for row in rows]
            else:
                expanded.append(key)
        return expanded, bool(expanded) and all(k in spec.fields for k in expanded)

    return spec.cached("text_phrase_keys", keys, build)


def _table_value(ctx, keys):
    """The sum of ``keys`` (see _REQUEST_PHRASES), or None when a key is missing from the format or not a
    number."""
    expanded, known = _expanded(ctx.report.spec, keys)
    if not known:
        return None, list(expanded)
    nums = [ctx.number(k) for k in expanded]
    return (None if None in nums else sum(nums)), list(expanded)


def _said(digits: str):
    """The number a phrase states (``\\d+``, or ``\\d+.\\d+`` for 万元): an int when whole, else a Decimal.  A short
    run of digits is read with ``int`` — the value ``Decimal`` would give, and decimal is not imported for it (≈ 1.5
    ms of start-up); a long one (``int`` refuses over 4300 digits) goes through Decimal as the fractions do."""
    if len(digits) <= 18 and "." not in digits:
        return int(digits)
    from decimal import Decimal

    said = Decimal(digits)
    return int(said) if said == said.to_integral_value() else said


def _quantities(rule, ctx, phrases, fields=None):
    """Every number stated in standard phrasing in the narrative that differs from the table."""
    r = ctx.report
    for f, text in _texts(ctx, fields):
        for pattern, keys, what, needles in phrases:
            if not any(n in text for n in needles):
                continue  # the pattern begins with a needle: no match possible (and no need to compile it)
            matches = list(pattern.finditer(text))
            if not matches:
                continue  # nothing said: the table's figure is not needed (looking it up has no effect)
            table, expanded = _table_value(ctx, keys)
            if table is None:
                continue
            for m in matches:
                said = _said(m.group(1))
                if said != table:
                    yield ctx.finding(rule, location=_loc(ctx, f), cells=[_loc(ctx, f)] + [r.locations.get(k)
                                                                                          for k in expanded],
                                      phrase=m.group(0), what=what, table=table, left=said, right=table,
                                      diff=said - table)


@check("text_request_count")
def text_request_count(rule, ctx):
    yield from _quantities(rule, ctx, _REQUEST_PHRASES, {"preamble", "s1_intro", "s1_request"})


@check("text_t2_count")
def text_t2_count(rule, ctx):
    yield from _quantities(rule, ctx, _T2_PHRASES, {"preamble", "s1_intro", "s1_active"})


@check("text_t4_count")
def text_t4_count(rule, ctx):
    yield from _quantities(rule, ctx, _T4_PHRASES)


@check("text_t4_upheld")
def text_t4_upheld(rule, ctx):
    """"均获维持/全部维持/未被纠错" while 表四 has 结果纠正 or 尚未审结 cases."""
    open_cases = []
    for group, what in _T4_GROUPS.items():
        for col, word in (("corrected", "结果纠正"), ("pending", "尚未审结")):
            n = ctx.number(f"t4.{group}.{col}")
            if n:
                open_cases.append(f"{what}{word} {n} 件")
    if not open_cases:
        return
    for f, text in _texts(ctx):
        m = _UPHELD.search(text) if any(n in text for n in _UPHELD_NEEDLES) else None
        if m:
            yield ctx.finding(rule, location=_loc(ctx, f), phrase=_sentence(text, m), cases="、".join(open_cases))


_NO_REQUEST = lazy(r"(?:未收到|没有收到|未接到|无)[^。；]{0,16}?(?:依申请公开|公开申请|申请)")


@check("text_no_request")
def text_no_request(rule, ctx):
    r = ctx.report
    new, carry = ctx.number("t3.new.total"), ctx.number("t3.carry.total")
    if new is None or carry is None or (new == 0 and carry == 0):
        return
    for f, text in _texts(ctx, {"preamble", "s1_intro", "s1_request"}):
        m = _NO_REQUEST.search(text) if "申请" in text else None  # every match ends in 申请 / 申请公开
        if m:
            yield ctx.finding(rule, location=_loc(ctx, f), cells=[_loc(ctx, f), r.locations.get("t3.new.total")],
                              phrase=_sentence(text, m), new=new, carry=carry)


@check("text_no_litigation")
def text_no_litigation(rule, ctx):
    """"未发生行政复议/诉讼" while 表四 has cases: only the kinds the sentence names (复议, 诉讼 or both)."""
    for f, text in _texts(ctx):
        # every match ends in 复议 or 诉讼: a text with neither is not searched (nor the pattern compiled)
        m = _NO_LITIGATION.search(text) if "复议" in text or "诉讼" in text else None
        if not m:
            continue
        phrase = _sentence(text, m)
        tail = text[m.start():m.end() + 12]
        groups = []
        if "复议" in tail:
            groups.append("review")
        if "诉讼" in tail:
            groups += ["direct", "after_review"]
        for group in groups:
            n = ctx.number(f"t4.{group}.total")
            if n:
                yield ctx.finding(rule, location=_loc(ctx, f), phrase=phrase, what=_T4_GROUPS[group], table=n)


def _jurisdiction(agency: str) -> str:
    """What ``_JURIS.match(agency)`` captures ("" for no match), without compiling it (its CJK range costs ~1 ms
    to compile, in every validation).  The regex's search order, step by step: each segment is the fewest (1–8)
    CJK characters followed by a suffix; segments repeat while one follows, and nothing after the repetition can
    fail, so the engine never backtracks into an earlier segment.  tests/test_validation.py compares the two."""
    end, n = 0, len(agency)
    while True:
        seg = None
        for k in range(1, 9):
            if end + k > n or not "\u4e00" <= agency[end + k - 1] <= "\u9fa5":
                break
            seg = next((end + k + len(s) for s in _JURIS_SUFFIXES if agency.startswith(s, end + k)), None)
            if seg is not None:
                break
        if seg is None:
            return agency[:end]
        end = seg


@check("text_other_agency")
def text_other_agency(rule, ctx):
    r = ctx.report
    agency = r.agency
    prefix = _jurisdiction(agency)
    rest = agency[len(prefix):]
    # A government's report names its own departments legitimately; only departments' reports are checked.
    if len(prefix) < 2 or not rest or rest.endswith("政府"):
        return
    known = " ".join(str(r.meta.get(k) or "") for k in ("address", "contact_office", "portal_name"))
    pattern = lazy(escape(prefix) + r"([\u4e00-\u9fa5]{1,14}?" + _ORG_SUFFIX + ")")
    seen = set()
    for f, text in _texts(ctx):
        if prefix not in text:
            continue  # every match begins with the prefix (and the pattern is compiled only when needed)
        for m in pattern.finditer(text):
            name, tail = prefix + m.group(1), m.group(1)
            if (name in seen or agency.startswith(name) or name in agency or name in known
                    or tail.endswith("政府") or any(w in tail for w in _NOT_ORG)
                    or tail[0] == rest[0]):  # same first character: the agency's own abbreviation or sub-unit (残联办公室)
                continue
            seen.add(name)
            yield ctx.finding(rule, location=_loc(ctx, f), field=f.label, found=name, agency=agency)


def _level(agency: str) -> str:
    prefix = _jurisdiction(agency)
    for suffix in ("县", "区"):
        if prefix.endswith(suffix):
            return suffix
    return ""


@check("text_wrong_level")
def text_wrong_level(rule, ctx):
    r = ctx.report
    agency = r.agency
    if not agency:
        return
    wrong = []
    level = _level(agency)
    if level == "区":
        wrong += ["全县", "我县", "本县", "县“", "县政府"]
    elif level == "县":
        wrong += ["全区", "我区", "本区", "区政府"]
    for word, unit in _SELF.items():
        if unit not in agency:
            wrong += [f"我{word}", f"本{word}", f"全{word}"]
    wrong = [w for w in wrong if w not in agency]
    for f, text in _texts(ctx):
        found = [w for w in wrong if w in text]
        if found:
            yield ctx.finding(rule, location=_loc(ctx, f), field=f.label, found="”“".join(found), agency=agency)


# A module pattern (lazyre: its compiled program comes from the per-user cache) rather than re.findall's per-process
# compilation, ≈ 0.3 ms of every `xlsheet validate`.
_YEAR = lazy(r"(?<!\d)(20\d{2})\s*年")


@check("text_wrong_year")
def text_wrong_year(rule, ctx):
    r = ctx.report
    if r.year is None:
        return
    for f, text in _texts(ctx):
        years = sorted({int(y) for y in _YEAR.findall(text) if int(y) > r.year + 1})
        if years:
            yield ctx.finding(rule, location=_loc(ctx, f), field=f.label, found="、".join(f"{y}年" for y in years),
                              year=r.year)


_PLACEHOLDERS = lazy(
    r"下载\s*[（(]\s*[)）]|[（(]\s*[)）]|(?:电话|地址|邮编|网址|传真|邮箱)[：:]\s*(?=[，。；,;、）)]|$)|[Xx×＿_]{3,}")
#: Every alternative of _PLACEHOLDERS holds one of these: a text with none is not searched (nor the pattern compiled).
_PLACEHOLDER_NEEDLES = ("(", "（", "电话", "地址", "邮编", "网址", "传真", "邮箱", "X", "x", "×", "＿", "_")


@check("text_placeholder")
def text_placeholder(rule, ctx):
    for f, text in _texts(ctx):
        if not any(n in text for n in _PLACEHOLDER_NEEDLES):
            continue
        for m in _PLACEHOLDERS.finditer(text):
            yield ctx.finding(rule, location=_loc(ctx, f), field=f.label, found=_sentence(text, m))
            break


_DOC_NUMBER = lazy(r"[\u4e00-\u9fa5]{1,8}(?:[\[【(（]\s*(?:19|20)\d{2}\s*[\]】)）]\s*\d+\s*号"
                   r"|〔(?:19|20)\d{2}(?=\d)\d*\s*号?|函(?:19|20)\d{2}\d+\s*号)")


@check("text_brackets")
def text_brackets(rule, ctx):
    # [2020]3号 / 【2020】3号 / (2020)3号, and garbled ones with the bracket lost: 〔202130号, 函202130 号
    for f, text in _texts(ctx):
        if "号" not in text and "〔" not in text:
            continue  # every alternative holds 号 or 〔 (and the pattern is compiled only when needed)
        for m in _DOC_NUMBER.finditer(text):
            yield ctx.finding(rule, location=_loc(ctx, f), field=f.label, found=m.group(0))


@check("text_fee")
def text_fee(rule, ctx):
    r = ctx.report
    if "信息处理费" not in r.text("s6") + r.text("s6_fee"):
        key = "s6_fee" if "text.s6_fee" in r.locations else "s6"
        yield ctx.finding(rule, location=r.locations.get(f"text.{key}"))


@check("text_required")
def text_required(rule, ctx):
    key = rule.params["key"]
    if not ctx.report.text(key) and f"text.{key}" not in ctx.report.unread:  # unread: READ-MISSING says so
        yield ctx.finding(rule, location=ctx.report.locations.get(f"text.{key}"))


@check("text_empty")
def text_empty(rule, ctx):
    r = ctx.report
    subsections = [f for f in r.spec.narrative if f.section == "s1" and f.heading]
    s1_whole = r.text("s1_intro") and not any(r.text(f.key) for f in subsections)
    for f in r.spec.narrative:
        if f.key in ("preamble", "s6_fee", "s5", "s2_chart") or r.text(f.key):
            continue
        if f.key == "s1_intro" or (f.section == "s1" and s1_whole):
            continue  # an intro alone may carry the whole section 一
        yield ctx.finding(rule, location=r.locations.get(f"text.{f.key}"), label=f.label)
