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
    code = ("import sys, io, contextlib\nfrom xlsheet.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    code = main()\n"
            f"print(code, [m for m in {OFF_THE_ROLLUP_PATH!r} if m in sys.modules])\n")
    args = ("rollup", str(tmp_path / "units"), "-o", str(tmp_path / "o.xlsx"), "--overwrite", "--jobs", "2")
    for _ in range(2):  # the first run builds the cached blank workbook (openpyxl imports what it needs)
        proc = bare_python(code, tmp_path, *args)
    assert proc.stdout.strip() == "0 []", (proc.stdout, proc.stderr)


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
