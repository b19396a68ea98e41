"""The roll-up's workers forked from the caller (xlsheet.forkpool, through LimitedPool(fork_when_alone=True)) keep
the isolation contract of the executor they replace: results in order, the task's own exception passed through, a
crash, a memory blow-up, a CPU overrun or a hang is one IsolatedFailure and the pool goes on — and starting them
imports neither concurrent.futures nor multiprocessing."""
import os
import subprocess
import sys

import pytest

from tests import isolated_tasks as t
from xlsheet.isolation import IsolatedFailure, LimitedPool

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking the caller is POSIX only")


def forked(jobs=1, **kw):
    return LimitedPool(jobs, fork_when_alone=True, **kw)


def test_results_come_back_in_order_from_several_workers():
    with forked(2) as pool:
        futures = [pool.submit(t.square, n) for n in range(20)]
        assert [pool.result(f) for f in futures] == [n * n for n in range(20)]
        assert len({pool.call(t.pid) for _ in range(4)} - {os.getpid()}) >= 1
        assert pool.call(t.allocate, 8) == 8 * 1024 * 1024  # a result bigger than a pipe's buffer: bytes count


def test_big_arguments_and_results_cross_the_pipes():
    with forked(1) as pool:
        assert pool.call(len, b"x" * (3 << 20)) == 3 << 20


def test_the_task_exception_is_the_callers_and_the_pool_goes_on():
    with forked(1) as pool:
        with pytest.raises(ValueError, match="bad input"):
            pool.call(t.fail, "value")
        with pytest.raises(TimeoutError, match="the task's own"):  # not the wall clock: the pool goes on as is
            pool.call(t.fail, "timeout")
        assert pool.call(t.square, 5) == 25
        with pytest.raises(IsolatedFailure) as exc:  # cannot be rebuilt here: as if the worker had died
            pool.call(t.fail, "unpicklable")
        assert exc.value.kind == "crash"
        assert pool.call(t.square, 6) == 36


def test_a_native_crash_fails_the_unfinished_tasks_and_a_new_pool_takes_over():
    with forked(2) as pool:
        first = pool.submit(t.sleep, 0.5)
        crash = pool.submit(t.abort)
        later = pool.submit(t.square, 2)
        with pytest.raises(IsolatedFailure) as exc:
            pool.result(crash)
        assert exc.value.kind == "crash" and "异常退出" in str(exc.value)
        assert all(f.done() and not f.cancelled() and f.exception() is not None for f in (first, later))
        assert pool.call(t.square, 3) == 9


def test_memory_cpu_and_wall_clock_limits_hold_in_forked_workers():
    with forked(1, memory_mb=300, cpu_seconds=2, timeout=1.5) as pool:
        with pytest.raises(IsolatedFailure) as exc:
            pool.call(t.allocate, 2048)
        assert exc.value.kind == "crash"
        assert [pool.call(t.burn, 1.2) for _ in range(2)] == [1.2, 1.2]  # each task its own CPU budget
        with pytest.raises(IsolatedFailure) as exc:
            pool.call(t.sleep, 30)
        assert exc.value.kind == "timeout" and "超时（超过 1.5 秒）" in str(exc.value)
        assert pool.call(t.sleep, 0) == 0
    with forked(1, cpu_seconds=1, timeout=30) as pool:
        with pytest.raises(IsolatedFailure):
            pool.call(t.burn, 5)  # SIGXCPU
        assert pool.call(t.square, 4) == 16


def test_closing_reaps_every_worker_and_a_second_pool_does_not_hold_the_firsts_pipes():
    outer = forked(1)
    outer_pid = outer.call(t.pid)
    inner = forked(1)
    inner_pid = inner.call(t.pid)  # forked while outer's pipes are open: it must not keep them
    outer.close()
    inner.close()
    for pid in (outer_pid, inner_pid):
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped by close()


def test_forked_workers_import_neither_concurrent_futures_nor_multiprocessing():
    code = ("import sys\nfrom tests import isolated_tasks as t\nfrom xlsheet.isolation import LimitedPool\n"
            "with LimitedPool(2, fork_when_alone=True) as pool:\n"
            "    assert pool.call(t.square, 3) == 9\n"
            "print([m for m in ('concurrent.futures', 'multiprocessing', 'threading') if m in sys.modules])\n")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=root,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join([root] + [p for p in sys.path if p])))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_closing_does_not_wait_for_a_task_nobody_can_collect():
    import time

    pool = forked(1, timeout=60)
    pool.submit(t.sleep, 30)  # e.g. the caller stopped early (an exception, Ctrl-C) with a chunk in flight
    start = time.monotonic()
    pool.close()
    assert time.monotonic() - start < 5


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="/proc: Linux")
def test_a_worker_does_not_hold_the_callers_stdout():
    """Were the caller killed, a worker still blocked would keep the caller's stdout open, and whoever reads the
    caller's output (`| tee`, a subprocess pipe) would wait for it too: a worker's stdout is /dev/null."""
    code = ("import sys\nfrom tests import isolated_tasks as t\nfrom xlsheet.isolation import LimitedPool\n"
            "with LimitedPool(1, fork_when_alone=True) as pool:\n"
            "    print(pool.call(t.stdout_target))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "/dev/null\n"  # the worker's print went nowhere; the caller's own print came through
