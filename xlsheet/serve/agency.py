"""Whether the workbook a unit's link uploaded is that unit's, for the year being collected: a clerk may upload a
neighbour's file, one office's workbook may come in through another's link, or last year's file may be sent
again.  Said as a warning, not refused: the roster often holds a short name (教育局) and the workbook the full one
(示例市示例区教育局), so only names that share nothing in that way are flagged."""
from __future__ import annotations


def _plain(name: str) -> str:
    # letters and digits only (CJK included): spaces, brackets and punctuation do not make two names differ
    return "".join(ch for ch in name if ch.isalnum())


def agency_mismatch(roster: str, workbook: str | None) -> str | None:
    """The sentence saying that the workbook's 机关名称 ``workbook`` is not the roster's ``roster``, or None when
    it is (either contains the other, ignoring spaces and punctuation) or the workbook names none (the
    META-REQUIRED error says so)."""
    a, b = _plain(roster or ""), _plain(workbook or "")
    if not a or not b or a in b or b in a:
        return None
    return (f"工作簿中的机关名称为“{workbook}”，与本单位“{roster}”不一致：是否上传了其他单位的工作簿？"
            "如果是，请上传本单位的工作簿；如果名单中的名称有误，请告知政务公开办")


def year_note(year: int | None, collected: int | None) -> str | None:
    """The sentence when a unit's workbook is for report ``year`` while the office collects mostly ``collected``
    (the year most units' uploads are for; None before any); None when they agree or either is unknown."""
    if year is None or collected is None or year == collected:
        return None
    return (f"这是{year}年度的工作簿，而各单位上传的主要是{collected}年度的报告：如果报告年度填错了，请在“基本信息”中"
            "改正后重新上传")
