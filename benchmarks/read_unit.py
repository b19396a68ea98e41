"""Per-unit cost of reading a unit workbook (issue #14: roll-up at the speed of reading), side by side in one
process: a bare python-calamine read of all sheets (the anchor), pre-flight alone, ``FileSource`` + the grids of
all sheets with the fast grid (``xlsheet.workbook.xmlgrid``) and with it switched off (every sheet via calamine,
as before), and ``check_unit`` both ways.  CPU time of this process, minimum of interleaved loops::

    python benchmarks/read_unit.py [--units 200] [--loops 7]
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
    fast_grid = FileSource.fast_grid

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

    def fast(on: bool):
        FileSource.fast_grid = fast_grid if on else (lambda self, sheet: None)

    runs = [("calamine, all sheets (anchor)", calamine, True), ("preflight", checked, True),
            ("FileSource + grids, fast grid", source, True), ("FileSource + grids, calamine", source, False),
            ("check_unit, fast grid", check_unit, True), ("check_unit, calamine", check_unit, False)]
    best = {name: float("inf") for name, _, _ in runs}
    for _ in range(args.loops):
        for name, fn, on in runs:
            fast(on)
            start = time.process_time()
            for path in files:
                fn(path)
            best[name] = min(best[name], time.process_time() - start)
    fast(True)
    anchor = best[runs[0][0]]
    for name, _, _ in runs:
        print(f"{name:32s} {best[name] / len(files) * 1000:6.2f} ms/unit  {best[name] / anchor:4.2f}× anchor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
