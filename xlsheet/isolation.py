"""Run untrusted work (reading, validating, rendering one workbook) in worker processes with limits, so that a
hostile or broken file costs one worker, never the caller: a crash, a memory blow-up or a hang becomes an
:class:`IsolatedFailure` the caller turns into a status row or an HTTP error.

Contract of :func:`run_isolated`: ``fn`` must be a picklable top-level function and its arguments and result
picklable.  Workers are started by ``forkserver`` (Linux) or ``spawn`` (elsewhere), not by forking the caller,
so they do not inherit its memory or its threads (a web server's).  The one exception is asked for by the caller:
``LimitedPool(fork_when_alone=True)`` forks the caller directly (≈ 5 ms instead of ≈ 0.2 s for a fresh
interpreter that imports the checks) when, at that moment, it runs no other thread — forking a process with
threads can copy a lock some thread holds — and the caller knows its memory is small (the roll-up, before any
unit is checked); such workers are a :class:`xlsheet.forkpool.ForkPool`, which does not import
``concurrent.futures`` or ``multiprocessing`` (≈ 35 ms of the roll-up's start-up).  Each worker runs with
``RLIMIT_AS`` = ``memory_mb`` and ``RLIMIT_CPU`` = ``cpu_seconds`` where the OS has them (POSIX), and a wall-clock
``timeout`` enforced by the parent on every OS.  :class:`LimitedPool` keeps ``jobs`` such workers alive for many
calls and replaces a worker that died.
"""
from __future__ import annotations

import os
import sys

DEFAULT_MEMORY_MB = 1024
DEFAULT_CPU_SECONDS = 60
DEFAULT_TIMEOUT = 90.0


class IsolatedFailure(Exception):
    """The worker died (crash, memory limit, CPU limit) or did not answer in time.  ``str()`` is Chinese."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind  # "crash" | "timeout"


_PR_SET_PDEATHSIG, _SIGKILL = 1, 9  # <linux/prctl.h>; signal 9 on every POSIX system


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started its pool dies.  A worker whose caller was killed (``kill -9``
    on a roll-up, a server stopped hard) otherwise lives on until its task ends — forever when that task hangs in
    I/O (a stalled network share), which neither RLIMIT_CPU (no CPU is used) nor the caller's wall clock (the
    caller is gone) ends.

    * A worker of the executor (forkserver or spawn; ``parent`` 0): multiprocessing gives it a sentinel that
      reaches end of file when the caller dies; a daemon thread waits on it and leaves.  The kernel's
      parent-death signal would not do here: a forkserver worker's parent is the forkserver, which lives on while
      the worker holds its "alive" pipe.
    * A worker forked from the caller (``parent``: the caller's pid, taken before the fork), Linux: the kernel
      kills it when its parent dies (PR_SET_PDEATHSIG); if the parent died before that was asked for, leave now.
      Elsewhere nothing is done: an idle worker still leaves at the end of its task pipe."""
    if not parent:
        multiprocessing = sys.modules.get("multiprocessing")
        caller = multiprocessing.parent_process() if multiprocessing is not None else None
        if caller is not None:
            import threading

            def watch() -> None:
                caller.join()  # returns when the sentinel reaches end of file: the caller is gone
                os._exit(1)

            threading.Thread(target=watch, name="xlsheet-parent-watch", daemon=True).start()
        return
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to be had (a static interpreter): as on other systems
        return
    if os.getppid() != parent:
        os._exit(1)


def _limit(memory_mb: int, cpu_seconds: int, parent: int = 0) -> None:
    """Pool initializer: end with the caller (see :func:`_die_with_parent`), cap the worker's address space and
    CPU time (POSIX; silently absent elsewhere)."""
    _die_with_parent(parent)
    try:
        import resource
    except ImportError:  # Windows: only the parent's wall-clock timeout applies
        return
    for which, value in ((resource.RLIMIT_AS, memory_mb * 1024 * 1024), (resource.RLIMIT_CPU, cpu_seconds)):
        try:
            soft, hard = resource.getrlimit(which)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def _renew_cpu_budget(cpu_seconds: int) -> None:
    """Give the task about to run ``cpu_seconds`` of CPU from now: RLIMIT_CPU counts a process's whole life, so
    a long-lived worker (a server's, a big roll-up's) would otherwise be killed on an innocent file once its
    earlier tasks had used up the budget."""
    try:
        import resource
    except ImportError:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = int(usage.ru_utime + usage.ru_stime) + cpu_seconds + 1
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (want, hard))
    except (ValueError, OSError):
        pass


def _budgeted(cpu_seconds: int, fn, args):
    """What a worker runs for each task: renew the CPU budget, then the task."""
    _renew_cpu_budget(cpu_seconds)
    return fn(*args)


def _may_fork() -> bool:
    """Whether forking this process is safe now: the OS forks (POSIX) and no other Python thread runs (without
    the threading module imported, none can)."""
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


def _context():
    # forkserver keeps start-up cheap on Linux; spawn is the portable fallback (Windows, macOS default).
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _failure(future, exc: Exception, timeout: float) -> IsolatedFailure | None:
    """What ``exc`` from ``future`` means: the wall clock ran out, a worker died (or a MemoryError under the memory
    cap), or — None — the task's own exception.  Each pool's own classes tell (the executor's are imported already
    when it made ``future``)."""
    from . import forkpool

    if isinstance(future, forkpool.Future):
        timed_out, died = isinstance(exc, forkpool.Timeout), isinstance(exc, (forkpool.Broken, MemoryError))
    else:
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        timed_out, died = isinstance(exc, FutureTimeout), isinstance(exc, (BrokenProcessPool, MemoryError))
    if timed_out:
        return IsolatedFailure(f"处理超时（超过 {timeout:g} 秒），已中止", "timeout")
    if died:
        return IsolatedFailure("处理该文件时工作进程异常退出（文件可能损坏、过大或含恶意内容）", "crash")
    return None


class LimitedPool:
    """``jobs`` worker processes with memory and CPU limits.  :meth:`call` runs one task and returns its result or
    raises :class:`IsolatedFailure`; a dead or hung pool is replaced, so later calls still work."""

    def __init__(self, jobs: int = 1, *, memory_mb: int = DEFAULT_MEMORY_MB, cpu_seconds: int = DEFAULT_CPU_SECONDS,
                 timeout: float = DEFAULT_TIMEOUT, fork_when_alone: bool = False, preload: tuple[str, ...] = ()):
        self.jobs = max(1, int(jobs))
        self.fork_when_alone = fork_when_alone  # see the module docstring; decided each time workers start
        # Modules a forkserver imports once for all the workers it starts.  Set only when workers do start from a
        # forkserver: a forked worker has the caller's modules already, and merely setting the preload imports
        # multiprocessing.forkserver and its resource tracker (≈ 3–10 ms of the roll-up's start-up, -X importtime).
        self.preload = list(preload)
        self.memory_mb, self.cpu_seconds, self.timeout = memory_mb, cpu_seconds, timeout
        self._pool = None

    def _executor(self):
        if self._pool is None:
            limits = (self.memory_mb, self.cpu_seconds)
            if self.fork_when_alone and _may_fork():
                from .forkpool import ForkPool

                # a forked worker's parent is this process (asked for before it can die: see _die_with_parent)
                self._pool = ForkPool(self.jobs, initializer=_limit, initargs=limits + (os.getpid(),))
                return self._pool
            from concurrent.futures import ProcessPoolExecutor

            context = _context()
            if self.preload and context.get_start_method() == "forkserver":
                context.set_forkserver_preload(self.preload)
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context, initializer=_limit,
                                             initargs=limits)
        return self._pool

    def _reset(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if hasattr(pool, "terminate"):  # a ForkPool
            pool.terminate()
            return
        for proc in list(getattr(pool, "_processes", {}).values()):
            try:
                proc.kill()  # a hung worker would otherwise keep shutdown() waiting
            except OSError:
                pass
        pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, fn, *args):
        """Schedule ``fn(*args)``; returns a future.  Use :meth:`result` to collect it with the limits applied."""
        return self._executor().submit(_budgeted, self.cpu_seconds, fn, args)

    def result(self, future):
        """The future's result, or :class:`IsolatedFailure` when its worker died or exceeded the wall clock."""
        try:
            return future.result(timeout=self.timeout)
        except Exception as exc:
            failure = _failure(future, exc, self.timeout)
            if failure is None:
                raise
            self._reset()
            raise failure from None

    def call(self, fn, *args):
        """Run ``fn(*args)`` in a worker and return its result (or raise :class:`IsolatedFailure`)."""
        return self.result(self.submit(fn, *args))

    def close(self) -> None:
        if self._pool is not None:
            # the executor waits for running tasks (its default, wait=True); a ForkPool kills a worker still in one,
            # whose result nobody can collect any more
            self._pool.shutdown()
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_isolated(fn, *args, memory_mb: int = DEFAULT_MEMORY_MB, cpu_seconds: int = DEFAULT_CPU_SECONDS,
                 timeout: float = DEFAULT_TIMEOUT):
    """Run ``fn(*args)`` once in a fresh limited worker; see the module docstring."""
    with LimitedPool(1, memory_mb=memory_mb, cpu_seconds=cpu_seconds, timeout=timeout) as pool:
        return pool.call(fn, *args)


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
