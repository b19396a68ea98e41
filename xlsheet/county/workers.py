"""Running step 2 (:func:`~xlsheet.county.check.check_unit`) over many units in limited worker processes.

Contract: every unit comes back exactly once, in input order, with a status — a unit whose worker crashes (native
abort, memory limit), exceeds its CPU budget or hangs becomes an ``unreadable`` unit with the reason, and the batch
goes on.  Files are sent in chunks (one round trip for many small files) through a sliding window, so the parent
holds only a few chunks' results at a time and ``--jobs N`` pays the process start-up once, not per file.  When a
chunk fails, its files are retried one per task, so only the culprit is lost.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from typing import Callable, Iterator

from ..errors import XlsheetError
from ..isolation import IsolatedFailure, LimitedPool
from .check import check_chunk, check_chunk_in_worker
from .units import Unit

UNIT_TIMEOUT = 90.0  # seconds one file may take on its own (a hostile file, retried alone)
CHUNK_SECONDS_PER_UNIT = 2.0  # a chunk's wall-clock budget per file on top of UNIT_TIMEOUT (normal: ~5 ms)
MIN_UNITS_PER_WORKER = 500  # measured here: 2 workers lose at 200 files, win at 2,000
WORKER_MEMORY_MB = 1024
WORKER_CPU_SECONDS = 120  # per chunk (LimitedPool renews the budget for each task): ~64 files of ~5 ms
_PRELOAD = ["xlsheet.county.check", "xlsheet.validation.engine", "xlsheet.workbook.reader"]

Progress = Callable[[int, int], None]


def chunk_size(n: int, jobs: int) -> int:
    """Small enough to keep every worker busy to the end, large enough to amortise the round trip."""
    return max(1, min(64, n // (jobs * 4)))


def _failed(unit: Unit, exc: IsolatedFailure) -> Unit:
    unit.status, unit.reason = "unreadable", str(exc)
    return unit


def check_units(units: list[Unit], jobs: int = 1, *, isolate: bool = True, totals: bool = False,
                progress: Progress | None = None) -> Iterator[tuple[int, Unit]]:
    """Yield ``(index, checked unit)`` for every unit of ``units`` still to check (status ``pending``; units
    already ``skipped`` are left alone), in input order.  ``isolate=False`` runs in this
    process (only for trusted files: a native crash would end the caller)."""
    todo = [i for i, u in enumerate(units) if u.status == "pending"]
    total, done = len(todo), 0
    if not isolate:
        for i in todo:
            yield i, check_chunk([(units[i].path, units[i].name)], totals)[0]
            done += 1
            if progress:
                progress(done, total)
        return
    # An extra worker pays for its start (fork, warm-up, a share of the parent's time) only with enough files to
    # share: below MIN_UNITS_PER_WORKER files each, fewer workers are used, so --jobs N is never slower than 1.
    jobs = max(1, min(jobs, total // MIN_UNITS_PER_WORKER))
    size = chunk_size(total, jobs)
    chunks = deque(todo[k:k + size] for k in range(0, total, size))
    if "forkserver" in multiprocessing.get_all_start_methods():
        multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)  # workers start warm
    pool = LimitedPool(jobs, memory_mb=WORKER_MEMORY_MB, cpu_seconds=WORKER_CPU_SECONDS,
                       timeout=UNIT_TIMEOUT + CHUNK_SECONDS_PER_UNIT * size)
    single = None
    ok = failed = 0  # tasks that came back / single files whose worker died
    inflight: deque = deque()
    try:
        while chunks or inflight:
            while chunks and len(inflight) < jobs * 3:
                chunk = chunks.popleft()
                items = [(units[i].path, units[i].name) for i in chunk]
                inflight.append((chunk, pool.submit(check_chunk_in_worker, items, totals)))
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
                                         timeout=UNIT_TIMEOUT)
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
