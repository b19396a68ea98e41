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
