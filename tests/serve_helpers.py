"""Helpers shared by the tests of ``xlsheet serve`` (tests/test_serve*.py) and benchmarks/serve_bench.py."""
from __future__ import annotations

import re
import socket
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo_2024.xlsx"
WITH_ERRORS = ROOT / "examples" / "000_德惠市残疾人联合会_2020.xlsx"


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def variant(dst: Path, agency: str, *, src: Path = DEMO, bump: int | None = None, year: int | None = None) -> Path:
    """A copy of the clean demo workbook for another agency (name and sign-off changed: no errors, only the
    warnings that the narrative names another agency).  ``bump`` adds that many to some 表三 figures, which breaks
    勾稽 rules: a workbook with errors of the same year.  ``year``: the report year cell set to it."""
    from openpyxl import load_workbook

    from xlsheet.workbook.reader import read

    loc = read(src).locations
    wb = load_workbook(src)
    for key in ("meta.agency", "meta.signoff_agency"):
        cell = loc[key]
        wb[cell.sheet].cell(cell.row, cell.col).value = agency
    if year is not None:
        cell = loc["meta.year"]
        wb[cell.sheet].cell(cell.row, cell.col).value = year
    if bump:
        for key in ("t3.new.natural", "t3.new.total", "t3.next.natural", "t3.next.total",
                    "t3.total.natural", "t3.total.total"):
            cell = loc[key]
            c = wb[cell.sheet].cell(cell.row, cell.col)
            if isinstance(c.value, (int, float)):
                c.value += bump
    wb.save(dst)
    return dst


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zip_bomb(path: Path) -> Path:
    """A workbook-shaped zip whose sheet inflates 200 MB (refused by the pre-flight ratio check)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (200 * 1024 * 1024))
    return path


def with_dtd(path: Path) -> Path:
    """A workbook-shaped zip carrying an XML entity declaration (billion laughs / XXE shape)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>')
        zf.writestr("xl/workbook.xml", "<workbook/>")
    return path
