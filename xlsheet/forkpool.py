"""Worker processes forked straight from the caller, talking through two pipes each with pickle: what
:class:`xlsheet.isolation.LimitedPool` runs on when it may fork its caller (``fork_when_alone``, POSIX).

Why not ``concurrent.futures.ProcessPoolExecutor`` on a fork context, as before: importing it costs ≈ 35 ms
(concurrent.futures with logging and traceback ≈ 16 ms, multiprocessing with socket and its reduction helpers
≈ 20 ms; medians of 30 interleaved ``python -c "import …"`` runs): a 1-unit roll-up went from ≈ 141 to ≈ 97 ms
(whole process, medians of 20 interleaved runs).  This module imports only os, the C pickler, select and struct.

Contract — that of the executor as LimitedPool uses it: :meth:`ForkPool.submit` returns a :class:`Future`;
``future.result(timeout)`` returns the task's result or re-raises its exception (also one raised while pickling
the result, e.g. a MemoryError under the worker's memory cap), and raises :class:`Timeout` when ``timeout``
seconds pass first; when a worker dies (native crash, CPU limit, killed), every unfinished task of the pool fails
with :class:`Broken` and the pool takes no more tasks (the caller starts a new one).  ``initializer(*initargs)``
runs in each worker before its first task.  For a single-threaded caller only (the roll-up's parent): tasks are
handed to idle workers while the caller submits or waits for a result, and a worker never runs code of the
caller's after its task loop (it leaves with ``os._exit``).
"""
from __future__ import annotations

import os
import select
import struct
import sys
import time

try:  # the C pickler itself: pickle.py around it costs ≈ 2 ms more to import (-X importtime), for names unused here
    from _pickle import dumps, loads
except ImportError:  # an interpreter without the accelerator
    from pickle import dumps, loads

_HEAD = struct.Struct("<Q")  # message length
_PARENT_FDS: set[int] = set()  # every pool's parent-side pipe ends: a new worker closes them (see _start)


class Broken(Exception):
    """A worker of the pool died, so the pool's unfinished tasks are lost."""


class Timeout(TimeoutError):
    """The result did not come in time (the pool's own, never a task's TimeoutError passed back)."""


class Future:
    """One submitted task.  ``cancelled()`` is always False (a broken pool fails its tasks with :class:`Broken`)."""

    def __init__(self, pool: "ForkPool", task: bytes):
        self._pool, self._task = pool, task
        self._done, self._value, self._error = False, None, None

    def done(self) -> bool:
        return self._done

    def cancelled(self) -> bool:
        return False

    def result(self, timeout: float | None = None):
        self._pool._wait(self, timeout)
        if self._error is not None:
            raise self._error
        return self._value

    def exception(self, timeout: float | None = None):
        self._pool._wait(self, timeout)
        return self._error

    def _finish(self, value=None, error: BaseException | None = None) -> None:
        self._done, self._value, self._error, self._task = True, value, error, None


class _Worker:
    def __init__(self, pid: int, tasks: int, results: int):
        self.pid, self.tasks, self.results = pid, tasks, results  # tasks: write end; results: read end
        self.future: Future | None = None


def _write(fd: int, data: bytes) -> None:
    view = memoryview(_HEAD.pack(len(data)) + data)  # slices of a view: a big message is not copied per write
    while view:
        view = view[os.write(fd, view):]


def _read(fd: int) -> bytes | None:
    """One message from ``fd``, or None at end of file (the other side closed or died)."""
    head = _read_exactly(fd, _HEAD.size)
    return None if head is None else _read_exactly(fd, _HEAD.unpack(head)[0])


def _read_exactly(fd: int, n: int) -> bytes | None:
    parts, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _serve(tasks: int, results: int, initializer, initargs) -> None:
    """A worker's life: the initializer, then tasks until the pool closes its pipe."""
    if initializer is not None:
        initializer(*initargs)
    while True:
        data = _read(tasks)
        if data is None:
            return
        try:
            fn, args = loads(data)
            out = (True, fn(*args))
        except BaseException as exc:  # the caller gets the task's exception, as from the executor
            out = (False, exc)
        try:
            payload = dumps(out)
        except BaseException as exc:  # an unpicklable result, or no memory left to pickle it
            payload = dumps((False, exc))
        _write(results, payload)


class ForkPool:
    """``jobs`` worker processes forked from the caller on the first :meth:`submit` (see the module docstring)."""

    def __init__(self, jobs: int, *, initializer=None, initargs: tuple = ()):
        self.jobs, self.initializer, self.initargs = jobs, initializer, initargs
        self._workers: list[_Worker] = []
        self._queue: list[Future] = []  # submitted, not yet handed to a worker (oldest first)
        self._broken = False

    def submit(self, fn, *args) -> Future:
        if self._broken:
            raise Broken("the pool is broken")
        future = Future(self, dumps((fn, args)))
        self._queue.append(future)
        if not self._workers:
            for _ in range(self.jobs):
                self._workers.append(self._start())
        self._dispatch()
        return future

    def _start(self) -> _Worker:
        for stream in (sys.stdout, sys.stderr):  # or the worker's copy of a buffered line could be printed twice
            try:
                stream.flush()
            except (AttributeError, ValueError, OSError):
                pass
        task_r, task_w = os.pipe()
        result_r, result_w = os.pipe()
        code = 1
        try:
            pid = os.fork()
        except OSError:  # no process to be had (a limit on processes): the caller sees the error
            for fd in (task_r, task_w, result_r, result_w):
                os.close(fd)
            raise
        if pid == 0:  # the worker: never returns into the caller's code
            try:
                for fd in _PARENT_FDS | {task_w, result_r}:  # or a worker would keep another's pipe open
                    os.close(fd)
                # results go through the pipe; a worker holding the caller's stdout would keep whoever reads the
                # caller's output (`| tee`, a subprocess pipe) waiting for the worker too, were the caller killed
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.close(devnull)
                _serve(task_r, result_w, self.initializer, self.initargs)
                code = 0
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        _PARENT_FDS.update((task_w, result_r))
        return _Worker(pid, task_w, result_r)

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.future is None:
                worker.future = self._queue.pop(0)
                try:
                    _write(worker.tasks, worker.future._task)
                except OSError:  # the worker is gone: its end of file is seen by _wait
                    pass

    def _wait(self, future: Future, timeout: float | None) -> None:
        """Hand out tasks and collect results until ``future`` is done; :class:`Timeout` after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not future._done:
            busy = {w.results: w for w in self._workers if w.future is not None}
            if not busy:  # only after close(): nothing will finish it
                future._finish(error=Broken("the pool is closed"))
                break
            poll = select.poll()
            for fd in busy:
                poll.register(fd, select.POLLIN)
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready = poll.poll(None if left is None else left * 1000)
            if not ready:
                if left == 0.0:
                    raise Timeout
                continue
            for fd, _ in ready:
                worker = busy[fd]
                try:
                    data = _read(fd)
                    ok, value = loads(data) if data is not None else (None, None)
                except Exception:  # a result that cannot be read back is a worker that failed
                    data = None
                if data is None:
                    self._break()
                    return
                done, worker.future = worker.future, None
                done._finish(value if ok else None, None if ok else value)
            self._dispatch()

    def _break(self) -> None:
        """A worker died: every unfinished task fails, and the remaining workers are stopped."""
        self._broken = True
        for future in [w.future for w in self._workers if w.future is not None] + self._queue:
            future._finish(error=Broken("a worker process died"))
        self._queue = []
        self.terminate()

    def terminate(self) -> None:
        """Kill every worker at once (a hung one would never read the end of its pipe) and reap them."""
        self.shutdown(kill=True)

    def shutdown(self, kill: bool = False) -> None:
        """Close the pipes (an idle worker then leaves), kill the workers still in a task — nobody can read their
        results any more, and a hung one would never leave — or all of them (``kill``), and reap them all."""
        workers, self._workers = self._workers, []
        for worker in workers:
            for fd in (worker.tasks, worker.results):
                _PARENT_FDS.discard(fd)
                os.close(fd)
            if worker.future is not None or kill:
                try:
                    os.kill(worker.pid, 9)  # SIGKILL (9 on every POSIX system; the signal module costs an import)
                except OSError:
                    pass
            if worker.future is not None:
                worker.future._finish(error=Broken("the pool is closed"))
        for future in self._queue:
            future._finish(error=Broken("the pool is closed"))
        self._queue = []
        for worker in workers:
            try:
                os.waitpid(worker.pid, 0)
            except ChildProcessError:
                pass
