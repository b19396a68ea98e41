"""Running step 2 (:func:`~xlsheet.county.check.check_unit`) over many units in limited worker processes.

Contract: every unit comes back exactly once, in input order, with a status — a unit whose worker crashes (native
abort, memory limit), exceeds its CPU budget or hangs becomes an ``unreadable`` unit with the reason, and the batch
goes on.  Files are sent in chunks (one round trip for many small files; shrinking towards the end so the workers
finish together) through a sliding window, so the parent holds only a few chunks' results at a time and ``--jobs N``
pays the process start-up once, not per file.  When a chunk fails, its files are retried one per task, so only the
culprit is lost.
"""
from __future__ import annotations

import importlib
from collections import deque

from ..errors import XlsheetError
from ..isolation import IsolatedFailure, LimitedPool, cpu_count
from .check import check_chunk, check_chunk_in_worker
from .units import Unit

UNIT_TIMEOUT = 90.0  # seconds one file may take on its own (a hostile file, retried alone)
CHUNK_SECONDS_PER_UNIT = 2.0  # a chunk's wall-clock budget per file on top of UNIT_TIMEOUT (normal: ~5 ms)
#: Expected CPU seconds to check one ordinary unit file in a warm worker (measured here: ≈ 8–11 ms; lower it with
#: the checks' speed, and the break-even below moves with it).
UNIT_SECONDS = 0.010
#: What one more worker costs the batch's wall clock: its start and first-file warm-up, and its share of the
#: cores the parent needs (pool threads; when this was measured, also the writer's import, which the parent no
#: longer does while workers run: the output package is cached, :mod:`.template`).  Workers are forked from the
#: parent (see ``isolation.LimitedPool(fork_when_alone=True)``), so a start is milliseconds; measured here (2 cores,
#: whole process, medians of 9 interleaved runs): 1 vs 2 workers tie at 20 files (0.735 / 0.751 s), 2 win by 13 %
#: at 50 (1.115 / 0.969 s) — ≈ 0.1 s.  A second worker then starts above 20 files.  (With forkserver workers it
#: was ≈ 0.3 s: a fresh interpreter importing the checks.)
WORKER_START_SECONDS = 0.1
WORKER_MEMORY_MB = 1024
WORKER_CPU_SECONDS = 120  # per chunk (LimitedPool renews the budget for each task): ~64 files of ~5 ms
_PRELOAD = ["xlsheet.county.check", "xlsheet.validation.engine", "xlsheet.workbook.reader"]

def chunk_size(n: int, jobs: int) -> int:
    """Small enough to keep every worker busy to the end, large enough to amortise the round trip."""
    return max(1, min(64, n // (jobs * 4)))


def plan_chunks(todo: list[int], jobs: int) -> list[list[int]]:
    """``todo`` cut into consecutive chunks, each :func:`chunk_size` of what is left after it: the chunks shrink
    towards the end (to single files), so the workers finish within about one file of each other instead of one
    idling while another does a last chunk of up to 64 files."""
    chunks, k = [], 0
    while k < len(todo):
        size = chunk_size(len(todo) - k, jobs)
        chunks.append(todo[k:k + size])
        k += size
    return chunks


def worker_count(units: int, jobs: int, cpus: int | None = None, *, unit_seconds: float = UNIT_SECONDS,
                 start_seconds: float = WORKER_START_SECONDS) -> int:
    """How many workers check ``units`` files soonest: at most ``jobs`` and at most ``cpus`` (default: the CPUs this
    process may use; more workers than cores only share them), at least 1.  With ``k`` workers the checks take
    ``units * unit_seconds / k``; the ``k+1``-th worker saves ``units * unit_seconds / (k * (k + 1))`` and costs
    ``start_seconds``, so it is added only while it saves more than it costs — ``--jobs N`` is then never slower
    than ``--jobs 1`` by design, and a short batch keeps one worker."""
    cap = max(1, min(int(jobs), cpus if cpus is not None else cpu_count()))
    work = max(0, units) * unit_seconds
    k = 1
    while k < cap and work / (k * (k + 1)) > start_seconds:
        k += 1
    return k


def _failed(unit: Unit, exc: IsolatedFailure) -> Unit:
    unit.status, unit.reason = "unreadable", str(exc)
    return unit


def check_units(units: list[Unit], jobs: int = 1, *, isolate: bool = True, totals: bool = False,
                progress=None, idle=None):
    """Yield ``(index, checked unit)`` for every unit of ``units`` still to check (status ``pending``; units
    already ``skipped`` are left alone), in input order; ``progress(done, total)`` is called as they come back.
    ``isolate=False`` runs in this process (only for trusted files: a native crash would end the caller).
    ``idle()`` is called once, when the first files are on their way to the workers: the caller's own preparations
    then overlap the workers' checks instead of following them."""
    todo = [i for i, u in enumerate(units) if u.status == "pending"]
    total, done = len(todo), 0
    if not isolate:
        for i in todo:
            yield i, check_chunk([(units[i].path, units[i].name)], totals)[0]
            done += 1
            if progress:
                progress(done, total)
        return
    jobs = worker_count(total, jobs)
    size = chunk_size(total, jobs)  # the largest chunk (the first)
    chunks = deque(plan_chunks(todo, jobs))
    # Workers forked from this process (no other thread yet, only the file list in memory) start in milliseconds
    # instead of a fresh interpreter's ≈ 0.2 s, and warm: the checks are imported here first.
    for module in _PRELOAD:
        importlib.import_module(module)
    pool = LimitedPool(jobs, memory_mb=WORKER_MEMORY_MB, cpu_seconds=WORKER_CPU_SECONDS,
                       timeout=UNIT_TIMEOUT + CHUNK_SECONDS_PER_UNIT * size, fork_when_alone=True, preload=_PRELOAD)
    single = None
    ok = failed = 0  # tasks that came back / single files whose worker died
    inflight: deque = deque()
    try:
        while chunks or inflight:
            while chunks and len(inflight) < jobs * 3:
                chunk = chunks.popleft()
                items = [(units[i].path, units[i].name) for i in chunk]
                inflight.append((chunk, pool.submit(check_chunk_in_worker, items, totals)))
            if idle is not None:
                idle()
                idle = None
            chunk, future = inflight.popleft()
            try:
                results = list(zip(chunk, pool.result(future)))
                ok += 1
            except IsolatedFailure:
                # The pool was replaced: every chunk still in flight is lost or done; redo the lost ones file by
                # file so that only the culprit fails.
                lost = [(chunk, None)] + list(inflight)
                inflight.clear()
                results = []
                if single is None:
                    single = LimitedPool(1, memory_mb=WORKER_MEMORY_MB, cpu_seconds=WORKER_CPU_SECONDS,
                                         timeout=UNIT_TIMEOUT, preload=_PRELOAD)
                for lost_chunk, fut in lost:
                    if fut is not None and fut.done() and not fut.cancelled() and fut.exception() is None:
                        results += list(zip(lost_chunk, fut.result()))
                        continue
                    for i in lost_chunk:
                        try:
                            one = [(units[i].path, units[i].name)]
                            results.append((i, single.call(check_chunk_in_worker, one, totals)[0]))
                            ok += 1
                        except IsolatedFailure as exc:
                            failed += 1
                            if not ok and failed >= 3:
                                # Not the files: workers cannot start at all (environment, resource limits).
                                raise XlsheetError("无法启动用于逐个检查工作簿的工作进程（已连续失败），汇总已停止；"
                                                   "请检查系统资源或联系技术支持") from None
                            results.append((i, _failed(units[i], exc)))
            for i, unit in results:
                done += 1
                yield i, unit
            if progress:
                progress(done, total)
    finally:
        pool.close()
        if single is not None:
            single.close()
