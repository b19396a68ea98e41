"""What keeps the roll-up's fixed cost (a roll-up of one unit) small: modules its parent process does not import.
Speed itself is measured in benchmarks/run.py (the 1-unit roll-up line), not here."""
from benchmarks.unitgen import make_batch
from tests.test_startup import bare_python

#: Modules ``xlsheet rollup`` must not import (medians of 30 interleaved ``python -c "import …"`` runs, after re):
#: concurrent.futures with logging and traceback ≈ 16 ms and multiprocessing with socket ≈ 20 ms — the workers are
#: forked by xlsheet/forkpool.py —; secrets with random ≈ 2.5 ms (-X importtime) for a temporary file's name;
#: pickle.py ≈ 2 ms around the C pickler that forkpool uses; heapq ≈ 1 ms for the most common year.
OFF_THE_ROLLUP_PATH = ("concurrent.futures", "multiprocessing", "logging", "socket", "traceback", "secrets",
                       "random", "tempfile", "pickle", "heapq")


def test_the_rollup_as_the_program_keeps_heavy_modules_off_its_path(tmp_path):
    make_batch(tmp_path / "units", 3, seed=3, keep_values=False)
    # the program ends with os._exit (see the next test): the modules are listed on the way out
    code = ("import os, sys\nend = os._exit\n"
            "def ending(code):\n"
            f"    print(code, [m for m in {OFF_THE_ROLLUP_PATH!r} if m in sys.modules], file=sys.stderr)\n"
            "    sys.stderr.flush(); end(code)\n"
            "os._exit = ending\n"
            "from xlsheet.cli import main\n"
            "sys.exit(main())\n")
    args = ("rollup", str(tmp_path / "units"), "-o", str(tmp_path / "o.xlsx"), "--overwrite", "--jobs", "2")
    for _ in range(2):  # the first run builds the cached blank workbook (openpyxl imports what it needs)
        proc = bare_python(code, tmp_path, *args)
    assert proc.stderr.strip() == "0 []", (proc.stdout, proc.stderr)


def test_the_default_year_is_the_most_common_and_the_first_of_a_tie():
    from xlsheet.county import Tally, Unit

    def tally(years):
        t = Tally("汇总")
        for i, year in enumerate(years):
            t.add(Unit(path=f"u{i}", name=f"u{i}.xlsx", status="errors", year=year, digest=f"d{i}"))
        return t.default_year()

    assert tally([]) is None and tally([None]) is None
    assert tally([2023, 2024, 2024]) == 2024 and tally([2024, 2023, 2023, None, None, None]) == 2023
    assert tally([2023, 2024, 2024, 2023]) == 2023 and tally([2024, 2023, 2023, 2024]) == 2024


def test_the_rollup_as_the_program_ends_at_once_with_its_output_complete(tmp_path):
    """The roll-up, as the program, ends with os._exit (no interpreter clean-up) once its workbook is written and
    its workers reaped: same exit code and output as the in-process call, a complete workbook with the same sums,
    and no worker left running."""
    import os

    from openpyxl import load_workbook

    batch = make_batch(tmp_path / "units", 4, seed=5, keep_values=False)
    probe = ("import os, sys\n"
             "end = os._exit\n"
             "def ending(code):\n"
             "    try:\n"
             "        os.waitpid(-1, os.WNOHANG)\n"
             "        sys.stderr.write('worker left running')\n"
             "    except ChildProcessError:\n"
             "        pass\n"
             "    sys.stderr.write(f'os._exit({{code}})'); sys.stderr.flush(); end(code)\n"
             "os._exit = ending\n"
             "from xlsheet.cli import main\n"
             "sys.exit(main({argv}))\n")
    outs = {}
    for how in ("called", "program"):
        out = tmp_path / f"{how}.xlsx"
        argv = ["rollup", str(batch.folder), "-o", str(out), "--jobs", "2"]
        proc = (bare_python(probe.format(argv=repr(argv)), tmp_path) if how == "called"
                else bare_python(probe.format(argv=""), tmp_path, *argv))
        assert proc.returncode == 0, proc.stderr
        outs[how] = proc
        book = load_workbook(out)
        sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}
        outs[how + " sheets"] = {k: v for k, v in sheets.items() if k != "汇总情况"}  # names carry the path
    assert outs["called"].stderr == "" and outs["program"].stderr == "os._exit(0)"
    assert outs["program"].stdout.replace("program.xlsx", "called.xlsx") == outs["called"].stdout != ""
    assert outs["program sheets"] == outs["called sheets"]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
