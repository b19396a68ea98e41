"""Per-unit cost of reading a unit workbook (issue #14: roll-up at the speed of reading), side by side in one
process: a bare python-calamine read of all sheets (the anchor), pre-flight alone, ``FileSource`` + the grids of
all sheets, and ``check_unit`` (read, validate, fingerprints).  CPU time of this process, minimum of interleaved
loops; where a unit's time goes, for work on issue #14.  ``--stages`` adds pre-flight's stages, each timed alone on
the same parts (their sum exceeds pre-flight's figure: pre-flight skips parts it has passed before)::

    python benchmarks/read_unit.py [--units 200] [--loops 7] [--stages]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--loops", type=int, default=7)
    ap.add_argument("--stages", action="store_true", help="also time pre-flight's stages one by one")
    args = ap.parse_args()

    import python_calamine

    from benchmarks.unitgen import make_batch
    from xlsheet.county.check import check_unit
    from xlsheet.errors import XlsheetError
    from xlsheet.safety import preflight
    from xlsheet.workbook.source import FileSource

    folder = Path(tempfile.mkdtemp(prefix="xlsheet-read-unit-")) / "units"
    make_batch(folder, args.units, seed=14, keep_values=False)
    files = sorted(str(p) for p in folder.glob("*.xlsx"))

    def calamine(path):
        try:
            book = python_calamine.CalamineWorkbook.from_path(path)
            for name in book.sheet_names:
                book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            book.close()
        except Exception:
            pass

    def checked(path):
        try:
            preflight(path)
        except XlsheetError:
            pass

    def source(path):
        try:
            src = FileSource(path)
        except XlsheetError:
            return
        for name in src.sheet_names():
            try:
                src.grid(name)
            except XlsheetError:
                pass
        src.close()

    runs = [("calamine, all sheets (anchor)", calamine), ("preflight", checked),
            ("FileSource + grids", source), ("check_unit", check_unit)]
    if args.stages:
        runs[2:2] = _stages(files)
    best = {name: float("inf") for name, _ in runs}
    for _ in range(args.loops):
        for name, fn in runs:
            start = time.process_time()
            for path in files:
                fn(path)
            best[name] = min(best[name], time.process_time() - start)
    anchor = best[runs[0][0]]
    for name, _ in runs:
        print(f"{name:32s} {best[name] / len(files) * 1000:6.2f} ms/unit  {best[name] / anchor:4.2f}× anchor")
    return 0


def _stages(files: list[str]) -> list:
    """(name, per-file function) for pre-flight's stages, over the parts of the files pre-flight passes."""
    from xlsheet import safety
    from xlsheet.workbook.bookxml import parse_book, parse_rels
    from xlsheet.workbook.zipparts import open_simple

    data, parts = {}, {}
    for path in files:
        with open(path, "rb") as fh:
            raw = fh.read()
        try:
            safety.preflight(path, data=raw)
        except Exception:
            continue
        zf = open_simple(raw, safety._CHUNK)
        if zf is not None:
            data[path], parts[path] = raw, [(i.filename, zf.read(i)) for i in zf.infolist()]

    def unzip(path):
        if path in data:
            zf = open_simple(data[path], safety._CHUNK)
            for info in zf.infolist():
                zf.read(info)

    def book(path):
        for name, xml in parts.get(path, ()):
            if name == "xl/workbook.xml":
                parse_book(xml)
            elif name == "xl/_rels/workbook.xml.rels":
                parse_rels(xml)

    def well_formed(path):
        for name, xml in parts.get(path, ()):
            if name.endswith((".xml", ".rels")) and not name.startswith("xl/workbook.xml"):
                safety._parser(None).Parse(xml, True)

    def quick(path):
        budget = [safety.MAX_CELLS]
        for name, xml in parts.get(path, ()):
            if name.startswith("xl/worksheets/"):
                safety._quick_scan(xml, budget)

    return [("  stage: unzip (inflate + CRC)", unzip), ("  stage: workbook.xml + rels", book),
            ("  stage: expat, other XML parts", well_formed), ("  stage: quick sheet proof", quick)]


if __name__ == "__main__":
    sys.exit(main())
