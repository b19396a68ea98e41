"""Issue 9 class 1 target (run: ``python benchmarks/hostile.py``; exit 1 when missed): a tiny workbook with one
cell at XFD1048576 or ZZ100000 in 表三 is refused by ``xlsheet validate`` (a whole process, exit 2) in < 1 s and
< 200 MB peak RSS — before the fix calamine aborted on the first (549,755,813,888-byte allocation) and took 15 s and
2.7 GB on the second.  The files are made by the test suite's hostile-file generator."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402

LIMIT_S, LIMIT_MB = 1.0, 200


def _proc(cmd) -> tuple[int, float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return os.waitstatus_to_exitcode(status), time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> int:
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for ref in ("XFD1048576", "ZZ100000"):
            path = hostile.far_cell(ROOT / "examples" / "demo_2024.xlsx", Path(tmp) / f"{ref}.xlsx", ref)
            code, seconds, mb = min((_proc([sys.executable, "-m", "xlsheet", "validate", str(path)])
                                     for _ in range(3)), key=lambda r: r[1])
            ok = code == 2 and seconds < LIMIT_S and mb < LIMIT_MB
            missed += not ok
            print(f"{'ok ' if ok else 'MISSED'} far cell {ref}: exit {code}, {seconds:.2f} s, {mb:.0f} MB "
                  f"(target: exit 2, < {LIMIT_S:g} s, < {LIMIT_MB} MB)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
