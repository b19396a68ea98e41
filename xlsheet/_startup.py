"""Start-up cost control, applied once when :mod:`xlsheet` is first imported.

``dataclasses`` imports ``inspect`` at module level (≈ 6 ms and its tokenizer regexes, a sixth of ``xlsheet
validate``'s own time) but only calls ``inspect.signature`` for a dataclass without a docstring.  When xlsheet is the
first to import ``dataclasses``, it is given a stand-in that imports the real ``inspect`` on first attribute access,
so nothing changes for code that uses it; ``sys.modules`` keeps no trace of the stand-in.

openpyxl's ``compat/numbers.py`` imports numpy when it is installed (≈ 140 ms, half of importing openpyxl) only to
accept numpy scalars as cell values.  xlsheet never gives openpyxl a numpy value (it does not use numpy at all), so
the command line (:func:`hide_numpy_from_openpyxl`, a whole process of ours) lets openpyxl believe numpy is absent,
exactly as on a machine without it: openpyxl then writes ints, floats and Decimals as before and only a numpy scalar
would be refused.  The library never does this (its caller may hand openpyxl numpy values).
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


class _NumpyHiddenFromOpenpyxl:
    """Meta-path finder: ``import numpy`` fails while (and only while) ``openpyxl.compat.numbers`` is executing for
    the first time and numpy has not been imported yet; any other import of numpy, before or after, is untouched.
    Nothing is put into ``sys.modules``."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "numpy" and "numpy" not in sys.modules:
            compat = sys.modules.get("openpyxl.compat.numbers")
            if compat is not None and not hasattr(compat, "NUMPY"):  # its module body is running now
                raise ModuleNotFoundError("numpy is not offered to openpyxl (xlsheet._startup)", name="numpy")
        return None

    @staticmethod
    def invalidate_caches():
        pass


def hide_numpy_from_openpyxl() -> None:
    """For the command line only (see the module docstring): openpyxl, when this process first imports it, is
    loaded as without numpy.  No effect when openpyxl is already loaded; numpy stays importable for anyone else."""
    if "openpyxl" in sys.modules or any(isinstance(f, _NumpyHiddenFromOpenpyxl) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _NumpyHiddenFromOpenpyxl())
