"""Render workbooks as a clerk sees them printed (LibreOffice → PDF → PNG), for the README pictures and for
looking at layout changes:  python -m tests.render_workbook OUTDIR

Writes OUTDIR/new.xlsx (xlsheet new), OUTDIR/filled.xlsx (the demo with 表三 一、本年新收 自然人 typed 13 instead of
12) and OUTDIR/filled_校验.xlsx (validate --write of it), their PDFs and one PNG per printed page (OUTDIR/png/<name>/<name>-<page>.png).
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.lo import to_pdf, to_png
from xlsheet.cli import main as cli
from xlsheet.workbook import names


def render(out: Path, dpi: int = 70) -> dict[str, list[Path]]:
    out.mkdir(parents=True, exist_ok=True)
    examples = Path(__file__).resolve().parent.parent / "examples"
    new, filled = out / "new.xlsx", out / "filled.xlsx"
    cli(["new", "--year", "2024", "--agency", "某市某区某局", "-o", str(new), "--overwrite"])
    wb = load_workbook(examples / "demo_2024.xlsx")
    sheet, ref = wb.defined_names[names.input_name("t3.new.natural")].attr_text.split("!")
    wb[sheet.strip("'")][ref.replace("$", "")] = 13
    wb.save(filled)
    cli(["validate", str(filled), "--write"])
    pages = {}
    for book in (new, filled, out / "filled_校验.xlsx"):
        pdf = to_pdf(book, out / "pdf")
        pages[book.stem] = to_png(pdf, out / "png" / book.stem / book.stem, dpi=dpi)  # own folder: no prefix clash
    return pages


if __name__ == "__main__":
    for stem, pngs in render(Path(sys.argv[1])).items():
        print(stem, *[p.name for p in pngs])
