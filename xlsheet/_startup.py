"""Start-up cost control for the command line.

numpy: openpyxl's ``compat/numbers.py`` imports numpy when it is installed (≈ 140 ms, half of importing openpyxl)
only to accept numpy scalars as cell values.  xlsheet never gives openpyxl a numpy value (it does not use numpy at
all), so the command line (:func:`hide_numpy_from_openpyxl`, a whole process of ours) lets openpyxl believe numpy
is absent, exactly as on a machine without it: openpyxl then writes ints, floats and Decimals as before and only a
numpy scalar would be refused.  The library never does this (its caller may hand openpyxl numpy values).

gettext: argparse looks each of its English words up with gettext (:func:`words_as_written`).
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


def words_as_written() -> None:
    """For the command line's own process only: argparse's words (``usage: ``, ``the following arguments are
    required: %s``…) reach it as written, without gettext.  argparse passes each through ``gettext`` (domain
    ``messages``), which imports locale and searches the locale folders on every call: ≈ 1.7 ms of parsing
    ``xlsheet validate``'s arguments (3 ms → 1.2 ms, best of 15 processes).  Python ships no catalogue of argparse's
    words, so gettext returns them unchanged; and xlsheet.cli.chinese puts Chinese in their place by matching the
    English (a catalogue in another language would defeat it).  ``ngettext`` answers as gettext's fallback does."""
    import argparse

    argparse._ = _as_written
    argparse.ngettext = _as_written_n


def _as_written(message: str) -> str:
    return message


def _as_written_n(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural
