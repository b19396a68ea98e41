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
from ..values import State
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


def _meta_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def context(report: Report) -> dict:
    n, v = {}, {}
    for f in report.spec.fields_for(report.variants):
        cell = report.value(f.key)
        n[f.key] = printed(report, f.key) if cell.state is not State.BLANK else "（未填）"
        v[f.key] = cell.number if cell.is_number else None
    return {"fmt": report.spec.format, "year": report.year, "agency": report.agency,
            "m": {m.key: _meta_text(report.meta.get(m.key)) for m in report.spec.meta}, "n": n, "v": v}


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
