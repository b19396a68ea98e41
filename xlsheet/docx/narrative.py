"""Section texts of the report: the clerk's words verbatim, or the default wording from ``templates/``.

The clerk's text is never rendered as a template (``{{ 7*7 }}`` stays literally ``{{ 7*7 }}``); the default
templates are rendered in a jinja2 sandbox with StrictUndefined, from the report's own figures, so text and
tables cannot disagree.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..report import Report
from ..resources import resource_file
from ..values import State, format_number
from .tables import printed
from .text import paragraphs


@lru_cache(maxsize=1)
def _env():
    from jinja2 import FunctionLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    def load(name):
        path = resource_file("templates", name)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return SandboxedEnvironment(loader=FunctionLoader(load), undefined=StrictUndefined, autoescape=False,
                                keep_trailing_newline=False)


LAW_FULL = "《中华人民共和国政府信息公开条例》"
LAW_SHORT = "《条例》"
#: How the law is named at its first mention, introducing the short name used after it.
LAW_FIRST = f"{LAW_FULL}（以下简称{LAW_SHORT}）"


def missing(what: str) -> str:
    """What a draft prints for a value nobody filled in: never empty brackets or a silent gap."""
    return f"【待填写：{what}】"


def _meta_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def meta_texts(report: Report) -> dict[str, str]:
    """基本信息 as printed: a required field left empty is 【待填写：label】, an optional one is ''."""
    out = {}
    for m in report.spec.meta:
        text = _meta_text(report.meta.get(m.key))
        out[m.key] = text or (missing(m.label) if m.required else "")
    return out


def figure_label(report: Report, key: str) -> str:
    """How a placeholder names a table figure: ``表三 row / column``."""
    f = report.spec.fields[key]
    return f"{report.spec.table(f.table).sheet} {f.describe(report.year)}"


def figure_text(report: Report, key: str) -> str:
    """A table figure for the wording: as printed in the table, or 【待填写：表三 row / column】 when blank."""
    if report.value(key).state is State.BLANK:
        return missing(figure_label(report, key))
    return printed(report, key)


def context(report: Report) -> dict:
    """What the default templates see (templates/README.md): fmt, year, agency, m, n, v, law, total(),
    after_fee."""
    n, v = {}, {}
    for f in report.spec.fields_for(report.variants):
        n[f.key] = figure_text(report, f.key)
        v[f.key] = report.number(f.key)

    def total(*keys: str) -> str:
        numbers = [v.get(k) for k in keys]
        if any(x is None for x in numbers):  # one placeholder for the one figure printed: the sum of all
            return missing("与".join(figure_label(report, k) for k in keys) + ("之和" if len(keys) > 1 else ""))
        return format_number(sum(numbers))

    m = meta_texts(report)
    return {"fmt": report.spec.format, "year": report.year or missing("报告年度"), "agency": m["agency"],
            "m": m, "n": n, "v": v, "law": LAW_FIRST, "total": total, "after_fee": False}


def default_text(name: str, report: Report, ctx: dict | None = None) -> list[str]:
    """Paragraphs of the default wording for narrative field ``name``."""
    template = _env().get_template(f"{name}.j2")
    return paragraphs(template.render(**(ctx or context(report))))


def field_text(report: Report, key: str, ctx: dict | None = None) -> tuple[list[str], bool]:
    """(paragraphs, came from the clerk) for one narrative field."""
    own = report.text(key)
    if own:
        return paragraphs(own), True
    return default_text(key, report, ctx), False


def chart_data(report: Report) -> list[tuple[str, int]]:
    """Parse the optional 主动公开分类统计 field: one "类别：数量" per line; lines that do not parse are skipped."""
    import re

    out = []
    for line in paragraphs(report.text("s2_chart")):
        m = re.match(r"^(.+?)\s*[：:]\s*(\d+)\s*[条件项]?$", line)
        if m:
            out.append((m.group(1).strip(), int(m.group(2))))
    return out
