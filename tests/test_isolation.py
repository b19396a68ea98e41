"""Worker processes with limits: a crash, a memory blow-up or a hang is one IsolatedFailure, and the pool goes on."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import isolated_tasks as t
from xlsheet.isolation import IsolatedFailure, LimitedPool, run_isolated

ROOT = Path(__file__).resolve().parent.parent


def test_result_comes_back():
    assert run_isolated(t.square, 7) == 49


def test_native_crash_is_a_failure_and_the_pool_recovers():
    with LimitedPool(1) as pool:
        with pytest.raises(IsolatedFailure) as exc:
            pool.call(t.abort)
        assert exc.value.kind == "crash" and "异常退出" in str(exc.value)
        assert pool.call(t.square, 3) == 9


def test_memory_limit_is_enforced_in_the_worker_only():
    with LimitedPool(1, memory_mb=300) as pool:
        with pytest.raises(IsolatedFailure):
            pool.call(t.allocate, 2048)
        assert pool.call(t.allocate, 10) == 10 * 1024 * 1024


def test_wall_clock_timeout_kills_a_hung_worker():
    with LimitedPool(1, timeout=1.0) as pool:
        with pytest.raises(IsolatedFailure) as exc:
            pool.call(t.sleep, 30)
        assert exc.value.kind == "timeout" and "超时" in str(exc.value)
        assert pool.call(t.sleep, 0) == 0


def test_cpu_budget_is_per_task_not_per_worker_life():
    # three tasks of 1.2 s each in one worker with a 2 s budget: each gets its own budget...
    with LimitedPool(1, cpu_seconds=2, timeout=30) as pool:
        assert [pool.call(t.burn, 1.2) for _ in range(3)] == [1.2] * 3
        # ...and one task over budget is stopped (SIGXCPU), the pool then goes on
        with pytest.raises(IsolatedFailure):
            pool.call(t.burn, 6)
        assert pool.call(t.square, 4) == 16


def test_fork_when_alone_forks_the_caller_only_without_other_threads():
    """The roll-up's pool forks its parent (workers inherit imported modules: the mark set here) while no other
    thread runs; with a thread running it starts workers the safe way (a fresh process: no mark); the memory limit
    holds in a forked worker too."""
    import threading

    from tests import isolated_tasks

    isolated_tasks.PARENT_MARK = "parent"
    try:
        with LimitedPool(1, memory_mb=512, fork_when_alone=True) as pool:
            assert pool.call(isolated_tasks.parent_mark) == "parent"
            with pytest.raises(IsolatedFailure):
                pool.call(isolated_tasks.allocate, 2048)
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)
        other.start()
        try:
            with LimitedPool(1, fork_when_alone=True) as pool:
                assert pool.call(isolated_tasks.parent_mark) is None
        finally:
            stop.set()
            other.join()
        with LimitedPool(1) as pool:  # the default never forks the caller
            assert pool.call(isolated_tasks.parent_mark) is None
    finally:
        isolated_tasks.PARENT_MARK = None


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie (dead, not yet reaped by a container's init) counts as gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states from /proc (Linux)")
@pytest.mark.parametrize("fork", [True, False], ids=["forked", "forkserver"])
def test_a_worker_hung_in_a_task_dies_with_its_killed_parent(tmp_path, fork):
    # The parent is killed hard (as `kill -9` or a stopped service would) while its worker blocks in a task that
    # uses no CPU: neither RLIMIT_CPU nor the parent's wall clock can end it; the kernel's parent-death signal does.
    pidfile = tmp_path / "worker.pid"
    script = ("import sys; sys.path.insert(0, %r)\n"
              "from tests import isolated_tasks as t\n"
              "from xlsheet.isolation import LimitedPool\n"
              "pool = LimitedPool(1, fork_when_alone=%r, timeout=300)\n"
              "pool.call(t.pid_then_hang, %r, 300)\n") % (str(ROOT), fork, str(pidfile))
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while not (pidfile.exists() and pidfile.read_text()):
            assert parent.poll() is None and time.monotonic() < deadline, "the worker never started its task"
            time.sleep(0.05)
        worker = int(pidfile.read_text())
        assert worker != parent.pid and _alive(worker)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 20
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(worker):
        os.kill(worker, 9)
        pytest.fail("the worker outlived its killed parent")
