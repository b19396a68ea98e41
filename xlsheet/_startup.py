"""Start-up cost control for the command line.

openpyxl's ``compat/numbers.py`` imports numpy when it is installed (≈ 140 ms, half of importing openpyxl) only to
accept numpy scalars as cell values.  xlsheet never gives openpyxl a numpy value (it does not use numpy at all), so
the command line (:func:`hide_numpy_from_openpyxl`, a whole process of ours) lets openpyxl believe numpy is absent,
exactly as on a machine without it: openpyxl then writes ints, floats and Decimals as before and only a numpy scalar
would be refused.  The library never does this (its caller may hand openpyxl numpy values).
"""
from __future__ import annotations

import sys


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
