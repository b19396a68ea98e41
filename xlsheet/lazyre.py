"""Regular expressions compiled on first use, not at import: a module of rules that imports in a process which
never runs them (``xlsheet rules``, ``new``, the Excel add-in's start) does not pay for compiling them.

``lazy(pattern, flags)`` returns an object with the methods of :class:`re.Pattern` (``match``, ``search``,
``finditer``, ``sub``…); pass ``.compiled`` where a real pattern object is required (``re.finditer(p, …)``).
"""
from __future__ import annotations

import re


class LazyPattern:
    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0):
        self._source, self._flags, self._compiled = source, flags, None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r})"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(source, flags)
