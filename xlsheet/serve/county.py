"""The county office's own 基本信息 and 正文 for its roll-up: which fields the officer's form asks for (labels and
kinds from the layout spec of the year, never re-typed here), reading the posted form, and turning the saved texts
into the ``meta`` / ``narrative`` prefill of :func:`xlsheet.jobs.county`."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

#: 基本信息 the roll-up cannot sum (agency, contact, portal, sign-off) and the 正文 sections only the county can
#: write (五 is required by 条例第五十条; 六's fee statement is required by the 2021 format).
META_KEYS = ("agency", "contact_office", "address", "postcode", "phone", "email", "portal_name", "portal_url",
             "signoff_agency", "signoff_date")
TEXT_KEYS = ("s5", "s6_fee")
MAX_TEXT = 4000


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str  # text | date | long (a 正文 section)
    required: bool


def fields(year: int) -> list[FormField]:
    """The form's fields for report ``year``, in the workbook's order."""
    from ..spec import spec_for_year

    spec = spec_for_year(year)
    out = [FormField(m.key, m.label, "date" if m.kind == "date" else "text", m.required)
           for m in spec.meta if m.key in META_KEYS]
    out += [FormField(n.key, n.label, "long", True) for n in spec.narrative if n.key in TEXT_KEYS]
    return out


def read_form(year: int, data) -> tuple[dict, list[str]]:
    """({key: text} of the non-blank fields, [Chinese problems]) from the posted form ``data``."""
    saved, problems = {}, []
    for f in fields(year):
        value = str(data.get(f.key, "")).replace("\r\n", "\n").strip()[:MAX_TEXT]
        if not value:
            continue
        if value.startswith("="):  # a text must never become a formula in the workbook
            problems.append(f"“{f.label}”不能以“=”开头。")
            continue
        if f.kind == "date":
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                problems.append(f"“{f.label}”应为日期，如 2025-01-20。")
                continue
        saved[f.key] = value
    return saved, problems


def prefill(year: int, saved: dict) -> tuple[dict, dict]:
    """(meta, narrative) for :func:`xlsheet.jobs.county` from the saved texts (dates as dates)."""
    kinds = {f.key: f.kind for f in fields(year)}
    meta, narrative = {}, {}
    for key, value in saved.items():
        if kinds.get(key) == "long":
            narrative[key] = value
        elif kinds.get(key) == "date":
            meta[key] = datetime.date.fromisoformat(value)
        elif key in kinds:
            meta[key] = value
    return meta, narrative
