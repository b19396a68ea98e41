"""Start-up cost control, applied once when :mod:`xlsheet` is first imported.

``dataclasses`` imports ``inspect`` at module level (≈ 6 ms and its tokenizer regexes, a sixth of ``xlsheet
validate``'s own time) but only calls ``inspect.signature`` for a dataclass without a docstring.  When xlsheet is the
first to import ``dataclasses``, it is given a stand-in that imports the real ``inspect`` on first attribute access,
so nothing changes for code that uses it; ``sys.modules`` keeps no trace of the stand-in.
"""
from __future__ import annotations

import sys
import types


class _LazyModule(types.ModuleType):
    def __getattr__(self, attr):
        import importlib

        real = importlib.import_module(self.__name__)
        return getattr(real, attr)


def import_dataclasses_lazily() -> None:
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    sys.modules["inspect"] = _LazyModule("inspect")
    try:
        import dataclasses  # noqa: F401  (binds the stand-in as its ``inspect``)
    finally:
        del sys.modules["inspect"]  # any later ``import inspect`` gets the real module
