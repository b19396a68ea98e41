"""Top-level functions for tests/test_isolation.py (worker processes must be able to import them)."""
import os
import time


def square(n):
    return n * n


def allocate(mb):
    block = bytearray(mb * 1024 * 1024)
    return len(block)


def abort():
    os.abort()


def sleep(seconds):
    time.sleep(seconds)
    return seconds


def burn(seconds):
    """Busy-loop for ``seconds`` of CPU time."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return seconds


#: Set by a test in the parent after this module is imported: a forked worker sees the parent's value, a worker
#: started by forkserver imports the module afresh and sees None.
PARENT_MARK = None


def parent_mark():
    return PARENT_MARK


class Unpicklable(Exception):
    """An exception pickle cannot rebuild in the parent (its __init__ needs two arguments)."""

    def __init__(self, a, b):
        super().__init__(a)


def fail(kind):
    if kind == "value":
        raise ValueError("bad input")
    if kind == "timeout":
        raise TimeoutError("the task's own")
    raise Unpicklable("x", "y")


def pid():
    return os.getpid()


def stdout_target():
    """What the worker's file descriptor 1 is (Linux: /proc), after printing to it."""
    print("a worker's print", flush=True)
    return os.readlink("/proc/self/fd/1")


def pid_then_hang(path, seconds):
    """Write this worker's pid to ``path``, then block as a task stuck in I/O would (no CPU used)."""
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(seconds)
    return seconds
