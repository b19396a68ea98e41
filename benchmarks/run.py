"""Speed benchmarks of xlsheet against plain anchors, measured side by side in one run on this machine.

Run from the repository root after the README's install (``pip install ".[pandas]"`` for the pandas anchor)::

    python benchmarks/run.py              # the default set, a few minutes
    python benchmarks/run.py --national   # plus 20,000 generated units: per-unit cost, total, peak memory, 150,000
    python benchmarks/run.py --quick      # fewer repetitions (a smoke run)
    python benchmarks/run.py --units 200  # the roll-up measures at these unit counts only (default 200,1000)

Every line prints xlsheet's figure, its anchor's, the ratio and the goal (issue #14); the exit status is 1 when a
goal is missed.  Whole-process figures are medians of interleaved runs (xlsheet, anchor, xlsheet, …), so a busy
machine slows both sides alike.  The checkout's ``xlsheet/`` is what is measured (it shadows an installed copy).
"""
from __future__ import annotations

import argparse
import gc
import os
import resource
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
PY = sys.executable
NATIONAL = 150_000  # reporting units in China per year (issue #14)

CALAMINE_LOOP = """
import os, sys, python_calamine
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    try:
        wb = python_calamine.CalamineWorkbook.from_path(os.path.join(d, n))
        for s in wb.sheet_names:
            wb.get_sheet_by_name(s).to_python()
    except Exception:
        pass
"""
# The console script pip < 25.2 writes into the venv's bin/ (its text, verbatim).  It imports re, and re brings
# enum, functools and collections: ≈ 2–4 ms of every start.  pip ≥ 25.2 writes it without re (see console_script).
OLD_PIP_SCRIPT = """
import re
import sys
from xlsheet.cli import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


def console_script(python: str = PY) -> tuple[str, str]:
    """What ``xlsheet …`` runs: the text of the console script pip wrote beside this interpreter (``bin/xlsheet``),
    and a note saying which it is.  Run with ``-c`` so that the checkout's xlsheet/ (the working directory) is the
    one imported; ``python -m xlsheet`` would add runpy's imports (≈ 3 ms), which the command clerks type does not
    pay.  Without such a script (xlsheet not installed here; Windows, where it is inside xlsheet.exe) the script of
    pip < 25.2, the slower of the two."""
    path = Path(python).parent / "xlsheet"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    if not text.startswith("#!") or "from xlsheet.cli import main" not in text:
        return OLD_PIP_SCRIPT, f"no console script at {path}: pip < 25.2's (imports re) stands in"
    body = text.split("\n", 1)[1]
    kind = "imports re, as pip < 25.2 writes it" if "import re" in body else "without re, as pip ≥ 25.2 writes it"
    return body, f"`xlsheet` is the console script pip wrote here ({kind})"


CONSOLE_SCRIPT, SCRIPT_NOTE = console_script()
# The per-user caches (parsed specs: xlsheet/tomlcache.py; the blank roll-up workbook: xlsheet/county/template.py)
# are warm after a user's first run, as in the measures above; the "cold" lines bypass them, as a first run would.
COLD = ["env", "XLSHEET_NO_CACHE=1"]
PANDAS_LOOP = """
import os, sys, pandas as pd
d = sys.argv[1]
for n in sorted(os.listdir(d)):
    try:
        pd.read_excel(os.path.join(d, n), sheet_name=None, header=None, engine="calamine")
    except Exception:
        pass
"""


class Report:
    def __init__(self):
        self.ok = True

    def line(self, measure: str, ours: str, anchor: str, ratio: float | None, goal: str | None,
             met: bool | None = None) -> None:
        ratio_s = f"{ratio:.2f}" if ratio is not None else "—"
        verdict = "    " if met is None else ("PASS" if met else "FAIL")
        self.ok &= met is not False
        print(f"{verdict} {measure}: xlsheet {ours} | anchor {anchor} | ratio {ratio_s}"
              + (f" (goal {goal})" if goal else ""), flush=True)


def run_proc(cmd, cwd=ROOT) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the process and its waited-for children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def side_by_side(cmds: dict[str, list], runs: int) -> dict[str, tuple[float, float]]:
    """Median wall time and max RSS of each command, runs interleaved, the order rotated each round (a command
    that follows another pays for the first one's exiting processes)."""
    times = {k: [] for k in cmds}
    rss = {k: 0.0 for k in cmds}
    keys = list(cmds)
    for r in range(runs):
        for k in keys[r % len(keys):] + keys[:r % len(keys)]:
            t, m = run_proc(cmds[k])
            times[k].append(t)
            rss[k] = max(rss[k], m)
    return {k: (statistics.median(v), rss[k]) for k, v in times.items()}


def ms(t: float) -> str:
    return f"{t * 1000:.0f} ms"


def bench_validate(rep: Report, runs: int) -> None:
    cmds = {
        "pass": [PY, "-c", "pass"],
        "validate": [PY, "-c", CONSOLE_SCRIPT, "validate", str(DEMO)],
        "cold": COLD + [PY, "-c", CONSOLE_SCRIPT, "validate", str(DEMO)],
        "openpyxl": [PY, "-c", f"import openpyxl; openpyxl.load_workbook({str(DEMO)!r})"],
        "calamine": [PY, "-c", "import python_calamine as c; w = c.CalamineWorkbook.from_path(%r); "
                               "[w.get_sheet_by_name(s).to_python() for s in w.sheet_names]" % str(DEMO)],
    }
    if CONSOLE_SCRIPT != OLD_PIP_SCRIPT:
        cmds["old pip"] = [PY, "-c", OLD_PIP_SCRIPT, "validate", str(DEMO)]
    r = side_by_side(cmds, runs)
    v, p = r["validate"][0], r["pass"][0]
    rep.line("validate (whole process) vs interpreter start `python -c pass`", ms(v), ms(p), v / p, "≤ 3", v <= 3 * p)
    if "old pip" in r:
        rep.line("validate through the console script of pip < 25.2 (imports re) vs `python -c pass`",
                 ms(r["old pip"][0]), ms(p), r["old pip"][0] / p, None)
    rep.line("validate, cold: the first run for a user (no per-user caches: XLSHEET_NO_CACHE=1) vs `python -c pass`",
             ms(r["cold"][0]), ms(p), r["cold"][0] / p, None)
    rep.line("validate (whole process) vs a calamine read of all sheets (process)", ms(v), ms(r["calamine"][0]),
             v / r["calamine"][0], None)
    o = r["openpyxl"]
    rep.line("validate (whole process) vs openpyxl.load_workbook (process)", ms(v), ms(o[0]), v / o[0], "≤ 2",
             v <= 2 * o[0])
    rep.line("validate peak memory vs openpyxl.load_workbook", f"{r['validate'][1]:.0f} MB", f"{o[1]:.0f} MB",
             r["validate"][1] / o[1], "≤ 2", r["validate"][1] <= 2 * o[1])


def bench_report(rep: Report, runs: int) -> None:
    import docx

    from xlsheet import read
    from xlsheet.docx.render import render_docx

    tmp = Path(tempfile.mkdtemp())
    try:
        try:
            render_docx(read(DEMO), tmp / "warm.docx", chart=False)  # imports and template cache warmed
        except ModuleNotFoundError as exc:  # a checkout whose templates/ are only found once installed
            rep.line("report", "skipped", f"cannot render from this checkout ({exc})", None, None)
            return
        ours, anchor = [], []
        for i in range(runs):
            start = time.perf_counter()
            render_docx(read(DEMO), tmp / f"r{i}.docx", chart=False)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            docx.Document(str(tmp / "warm.docx")).save(str(tmp / f"a{i}.docx"))  # python-docx: open + save it
            anchor.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(tmp)
    t, a = statistics.median(ours), statistics.median(anchor)
    rep.line("report: read + render one DOCX in-process (no chart) vs python-docx opening and saving that DOCX",
             ms(t), ms(a), t / a, "< 500 ms absolute", t < 0.5)


def make_units(folder: Path, n: int, seed: int = 14):
    from benchmarks.unitgen import make_batch

    start = time.perf_counter()
    batch = make_batch(folder, n, seed=seed, keep_values=False)
    return batch, time.perf_counter() - start


def bench_rollup(rep: Report, n: int, runs: int) -> None:
    """The roll-up of ``n`` distinct generated units against reading the same files (calamine alone, pandas with
    calamine), whole processes.  The roll-up's own fixed cost — interpreter, worker pool, writing the output
    workbook with openpyxl — is the roll-up of a single unit, printed first."""
    from xlsheet.isolation import cpu_count

    tmp = Path(tempfile.mkdtemp())
    try:
        units = tmp / "units"
        make_units(units, n)
        one_unit = tmp / "one"
        one_unit.mkdir()
        first = sorted(units.iterdir())[0]
        shutil.copy(first, one_unit / first.name)
        jobs = max(2, cpu_count())
        cmds = {
            "jobs1": [PY, "-c", CONSOLE_SCRIPT, "rollup", str(units), "-o", str(tmp / "a.xlsx"), "--jobs", "1",
                      "--overwrite"],
            "jobsN": [PY, "-c", CONSOLE_SCRIPT, "rollup", str(units), "-o", str(tmp / "b.xlsx"), "--jobs", str(jobs),
                      "--overwrite"],
            "calamine": [PY, "-c", CALAMINE_LOOP, str(units)],
            "single": [PY, "-c", CONSOLE_SCRIPT, "rollup", str(one_unit), "-o", str(tmp / "c.xlsx"), "--overwrite"],
            "cold": COLD + [PY, "-c", CONSOLE_SCRIPT, "rollup", str(one_unit), "-o", str(tmp / "d.xlsx"),
                            "--overwrite"],
        }
        try:
            import pandas  # noqa: F401

            cmds["pandas"] = [PY, "-c", PANDAS_LOOP, str(units)]
        except ImportError:
            pass
        r = side_by_side(cmds, runs)
    finally:
        shutil.rmtree(tmp)
    one, many, cal, fixed = r["jobs1"][0], r["jobsN"][0], r["calamine"][0], r["single"][0]
    best = min(one, many)
    rep.line(f"rollup of {n} distinct units, --jobs {jobs} (whole process) vs a bare calamine loop over the same "
             "files (process)", f"{best:.2f} s", f"{cal:.2f} s", best / cal, "≤ 2", best <= 2 * cal)
    rep.line(f"rollup of {n} units, --jobs 1 (whole process) vs the same bare calamine loop", f"{one:.2f} s",
             f"{cal:.2f} s", one / cal, None)
    rep.line(f"rollup of {n} units: its fixed cost (start, workers, output workbook) = roll-up of 1 unit, "
             "vs the whole roll-up", f"{fixed:.2f} s", f"{best:.2f} s", fixed / best, None)
    rep.line("rollup of 1 unit, cold: the first run for a user (no per-user caches: XLSHEET_NO_CACHE=1) vs warm",
             f"{r['cold'][0]:.2f} s", f"{fixed:.2f} s", r["cold"][0] / fixed, None)
    rep.line(f"rollup --jobs {jobs} vs --jobs 1", f"{many:.2f} s", f"{one:.2f} s", many / one, "≤ 1 (never slower)",
             many <= one * 1.05)
    if "pandas" in r:
        pd_t = r["pandas"][0]
        rep.line(f"rollup of {n} units vs pandas.read_excel(engine='calamine') loop (reading only)", f"{best:.2f} s",
                 f"{pd_t:.2f} s", pd_t / best, "≥ 3 × faster", pd_t >= 3 * best)
    else:
        rep.line("rollup vs pandas+calamine", "—", "pandas not installed (pip install '.[pandas]')", None, None)


def bench_copies(rep: Report) -> None:
    """The 雷同 check on 6,000 units sharing one text, and on 60,000: linear means ~10× apart (quadratic: 100×)."""
    from xlsheet.county.aggregate import flag_copies
    from xlsheet.county.units import Unit

    def timed(n: int) -> float:
        best = float("inf")
        for _ in range(3):
            units = [Unit(path=f"u{i}", name=f"u{i}.xlsx", agency=f"第{i}局", format="v2021",
                          fingerprints=(("s1_intro", "same"), ("s5", f"own{i}"))) for i in range(n)]
            gc.collect()  # a collection of earlier garbage must not land inside the timing
            start = time.perf_counter()
            flag_copies(units)
            best = min(best, time.perf_counter() - start)
            assert all(u.copies for u in units)
        return best

    small, big = timed(6000), timed(60000)
    rep.line("雷同 check, 6,000 units sharing one text (in-process; was 6.8 s)", ms(small), "—", None, "< 1 s",
             small < 1.0)
    rep.line("雷同 check, 60,000 units vs 6,000 units sharing one text", ms(big), ms(small), big / small,
             "< 30: linear is 10 plus cache effects, quadratic 100", big / small < 30)


def bench_national(rep: Report, n: int, keep: Path | None) -> None:
    """``n`` generated units rolled up in this process (parent memory = this process; workers are separate)."""
    from xlsheet.county import rollup
    from xlsheet.isolation import cpu_count

    tmp = keep or Path(tempfile.mkdtemp())
    try:
        units = tmp / "units"
        batch, gen = make_units(units, n, seed=150)
        print(f"     generated {n} units in {gen:.0f} s", flush=True)
        jobs = cpu_count()
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()
        roll = rollup([units], tmp / "汇总.xlsx", jobs=jobs, overwrite=True)
        total = time.perf_counter() - start
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = roll.counts()
        assert len(roll.summed) == batch.n_summed, (len(roll.summed), batch.n_summed)
        start = time.perf_counter()
        subprocess.run([PY, "-c", CALAMINE_LOOP, str(units)], check=True)
        cal = time.perf_counter() - start
    finally:
        if keep is None:
            shutil.rmtree(tmp)
    per = total / n
    print(f"     {n} units: {', '.join(f'{k} {v}' for k, v in counts.items() if v)}; summed {len(roll.summed)}",
          flush=True)
    rep.line(f"national scale: {n} units, --jobs {jobs}, total (in-process call) vs a bare calamine loop (process)",
             f"{total:.0f} s ({per * 1000:.2f} ms/unit)", f"{cal:.0f} s ({cal / n * 1000:.2f} ms/unit)", total / cal,
             "≤ 2", total <= 2 * cal)
    rep.line(f"national scale: parent peak memory at {n} units (each worker is capped at 1 GB)",
             f"{parent:.0f} MB", f"{rss0:.0f} MB before the roll-up", parent / max(rss0, 1), "≤ 200 MB",
             parent <= 200)
    est = per * NATIONAL
    rep.line(f"extrapolated to {NATIONAL:,} units on this machine ({jobs} cores)", f"{est / 60:.0f} min",
             "—", None, None)


def compile_checkout() -> str:
    """Write the checkout's bytecode (``__pycache__``), as ``pip install`` does for an installed copy: with
    ``PYTHONDONTWRITEBYTECODE`` set (as in some sandboxes) a checkout is otherwise compiled from source in every
    process — about 40 ms of each xlsheet start and of each roll-up worker's, which no user pays."""
    import compileall

    ok = compileall.compile_dir(str(ROOT / "xlsheet"), quiet=1, force=False)
    return "bytecode of xlsheet/ written" if ok else "bytecode of xlsheet/ could not be written (compiled per run)"


SITE_MODULES_FRESH = 40  # modules loaded by `python -c pass` in a fresh venv of this project: 33 here


def site_note() -> str:
    """How many modules this interpreter loads before any code runs.  ``.pth`` files (editable installs and
    others) can import dozens (``pathlib``, ``typing``, …): the ``python -c pass`` anchor then pays for them and
    xlsheet's own imports of the same modules look free, which flatters the start-up ratio (2.5× in this project's
    developer venv against 7× in a fresh one).  The figures that count are a fresh venv's."""
    out = subprocess.run([PY, "-c", "import sys; print(len(sys.modules))"], capture_output=True, text=True)
    n = int(out.stdout.strip() or 0)
    if n > SITE_MODULES_FRESH:
        return (f"WARNING: this interpreter loads {n} modules at start-up (a fresh venv: ~33) — .pth files make "
                "`python -c pass` slow and xlsheet's imports look free; measure start-up in a fresh venv")
    return f"interpreter start-up loads {n} modules (a fresh venv)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--national", action="store_true", help="also the 20,000-unit run (several minutes)")
    ap.add_argument("--national-units", type=int, default=20_000)
    ap.add_argument("--units", default="200,1000",
                    help="comma-separated unit counts of the roll-up measures (a county; a prefecture-level city)")
    ap.add_argument("--keep", type=Path, help="keep the national run's files in this folder")
    ap.add_argument("--national-only", action="store_true", help="only the national-scale run")
    args = ap.parse_args()
    runs = 5 if args.quick else 15
    rep = Report()
    print(f"xlsheet benchmarks — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows both sides); "
          f"{compile_checkout()}", flush=True)
    print(f"     {site_note()}", flush=True)
    print(f"     {SCRIPT_NOTE}", flush=True)
    if not args.national_only:
        bench_validate(rep, runs)
        bench_report(rep, runs)
        for n in (int(x) for x in args.units.split(",")):
            bench_rollup(rep, n, 3 if args.quick else 5)
        bench_copies(rep)
    if args.national or args.national_only:
        bench_national(rep, args.national_units, args.keep)
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
