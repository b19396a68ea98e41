"""From last year's workbook to this year's: what carries over (FORMAT.md §2.4).

* 基本信息 except year, period and sign-off date (agency, contact details, portal, local legal basis);
* 表三 二、上年结转 per column = last year's 四、结转下年度继续办理 (also across the 2019 → 2021 format change);
* 2019 format → 2019 format: 表二 上一年项目数量 = last year's 上一年项目数量 + 本年增/减;
* the local variant (Jilin line) when this year's format has it.
A blank or text cell last year carries over as blank: nothing is invented.
"""
from __future__ import annotations

from .spec import spec_for_year

CARRY_META = ("agency", "basis_local", "portal_name", "portal_url", "contact_office", "address", "postcode",
              "phone", "fax", "email", "signoff_agency")


def prefill(previous, year: int) -> dict:
    """Keyword arguments for :func:`xlsheet.workbook.build.build_workbook` prefilled from ``previous``."""
    spec = spec_for_year(year)
    meta = {k: previous.meta.get(k) for k in CARRY_META if previous.meta.get(k) not in (None, "")}
    values = {}
    for col in spec.table("t3").value_keys:
        n = previous.number(f"t3.next.{col}")
        if n is not None:
            values[f"t3.carry.{col}"] = n
    if spec.format == previous.spec.format == "v2019":
        for row in ("license", "other_service", "penalty", "coercion", "fee"):
            base, delta = previous.number(f"t2.{row}.prev_count"), previous.number(f"t2.{row}.delta")
            if base is not None and delta is not None:
                values[f"t2.{row}.prev_count"] = base + delta
    variants = [v.key for v in spec.variants if v.key in previous.variants]
    return {"agency": previous.agency, "meta": meta, "values": values, "variants": variants}


def prefill_from_previous(path, year: int) -> dict:
    from .errors import XlsheetError
    from .workbook.reader import read

    previous = read(path)
    if previous.year is not None and previous.year != year - 1:
        raise XlsheetError(f"“{previous.source}”是{previous.year}年度的工作簿，不是{year - 1}年度（上一年度）的")
    return prefill(previous, year)
