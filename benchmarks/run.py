"""Speed targets (run: ``python benchmarks/run.py``; exit 1 when a target is missed).

* validate: ``xlsheet validate`` as a whole process ≤ 2 × a bare ``python -c "import openpyxl;
  openpyxl.load_workbook(F)"`` process on the same file (median of N runs each, interleaved), in time and in peak
  memory (RSS).
* report: generating one DOCX in-process (chart excluded) < 0.5 s (median).
* rollup: ``xlsheet.rollup`` over 200 unit workbooks ≥ 3 × faster than a plain ``pandas.read_excel`` loop over
  the same files (needs pandas; skipped when the rollup module is absent).
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "examples" / "demo_2024.xlsx"


def _proc(cmd) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped by wait4
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def bench_validate(runs: int = 9) -> tuple[bool, str]:
    ours, bare = [], []
    for _ in range(runs):
        ours.append(_proc([sys.executable, "-m", "xlsheet", "validate", str(DEMO)]))
        bare.append(_proc([sys.executable, "-c", f"import openpyxl; openpyxl.load_workbook({str(DEMO)!r})"]))
    a, b = statistics.median(t for t, _ in ours), statistics.median(t for t, _ in bare)
    ma, mb = max(m for _, m in ours), max(m for _, m in bare)
    ok = a <= 2 * b and ma <= 2 * mb
    return ok, (f"validate: {a * 1000:.0f} ms vs bare openpyxl load {b * 1000:.0f} ms (ratio {a / b:.2f}, target ≤ 2); "
                f"peak memory {ma:.0f} MB vs {mb:.0f} MB (target ≤ 2×)")


def bench_report(runs: int = 15) -> tuple[bool, str]:
    from xlsheet import read
    from xlsheet.docx.render import render_docx

    report = read(DEMO)
    tmp = Path(tempfile.mkdtemp())
    render_docx(report, tmp / "warm.docx", chart=False)  # imports and template cache warmed
    times = []
    for i in range(runs):
        start = time.perf_counter()
        render_docx(read(DEMO), tmp / f"r{i}.docx", chart=False)
        times.append(time.perf_counter() - start)
    shutil.rmtree(tmp)
    t = statistics.median(times)
    return t < 0.5, f"report: read + render one DOCX in-process {t * 1000:.0f} ms (target < 500 ms)"


def bench_rollup(n: int = 200) -> tuple[bool, str] | None:
    try:
        import pandas as pd

        from xlsheet.rollup import rollup
    except ImportError as exc:
        return None if "rollup" in str(exc) else (True, f"rollup: skipped ({exc})")
    tmp = Path(tempfile.mkdtemp())
    units = tmp / "units"
    units.mkdir()
    for i in range(n):
        shutil.copy(DEMO, units / f"unit{i:03d}.xlsx")
    def pandas_loop(engine):
        start = time.perf_counter()
        for p in sorted(units.glob("*.xlsx")):
            pd.read_excel(p, sheet_name=None, header=None, engine=engine)
        return time.perf_counter() - start

    t_pandas = pandas_loop("openpyxl")  # pandas' default .xlsx engine today (it warns it will change)
    try:
        t_pandas_calamine = pandas_loop("calamine")
    except ImportError:
        t_pandas_calamine = None
    start = time.perf_counter()
    rollup(sorted(units.glob("*.xlsx")), tmp / "汇总.xlsx", year=2024, agency="汇总")
    t_ours = time.perf_counter() - start
    shutil.rmtree(tmp)
    ratio = t_pandas / t_ours
    extra = (f"; for information, pandas with engine='calamine' reads (no validation) in {t_pandas_calamine:.2f} s"
             if t_pandas_calamine is not None else "")
    return ratio >= 3, (f"rollup: {n} workbooks read, validated and summed in {t_ours:.2f} s vs a plain "
                        f"pandas.read_excel loop (default engine openpyxl) {t_pandas:.2f} s ({ratio:.1f}× faster, "
                        f"target ≥ 3×){extra}")


def main() -> int:
    ok = True
    for bench in (bench_validate, bench_report, bench_rollup):
        outcome = bench()
        if outcome is None:
            continue
        passed, line = outcome
        ok &= passed
        print(("PASS " if passed else "FAIL ") + line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
