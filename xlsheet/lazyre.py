"""Regular expressions compiled on first use, not at import, and from a cache of compiled programs.

``lazy(pattern, flags)`` returns an object with the methods of :class:`re.Pattern` (``match``, ``search``,
``finditer``, ``sub``…); pass ``.compiled`` where a real pattern object is required (``re.finditer(p, …)``).  A
module of rules that imports in a process which never runs them (``xlsheet rules``, ``new``, the Excel add-in's
start) does not pay for compiling them.

Compiling is paid once per machine, not once per process: sre's compiler is Python, 0.05–0.5 ms a pattern (a class
of CJK characters builds a 64K-entry table), and ``xlsheet validate`` compiled 13 of these patterns, ≈ 3.3 ms of a
≈ 90 ms run.  :func:`compile_cached` keeps what the compiler produces — the program as a list of ints and the
group tables — in one ``marshal`` blob in the user's cache folder (:mod:`xlsheet.tomlcache`), named after the
interpreter and the sre engine (``_sre.MAGIC``, ``CODESIZE``), and builds a pattern found there with
``_sre.compile``, the call that ends :func:`re.compile` — so it is the very object ``re.compile`` returns (``==``
compares the programs).  A new pattern is compiled as ``re.compile`` does, checked equal to ``re.compile``'s result
and only then added.  Any surprise (another Python implementation or version, no cache folder, a damaged blob: sre
validates every program it is given) falls back to :func:`re.compile`.
"""
from __future__ import annotations

# ``re`` itself is imported only to compile a pattern the cache does not hold: a process whose patterns all come
# from the cache (a warm `xlsheet validate`) never imports it, nor enum with it (≈ 2.5 ms of start-up).

#: (source, flags) → the arguments of ``_sre.compile`` after the source — (flags, code, groups, groupindex,
#: indexgroup) — marshalled on their own, so that reading the blob (every pattern a machine has met) unpacks only
#: the patterns used (44 patterns: 0.4 ms as one structure).  None until the blob is read, at the first
#: compilation in the process.
_programs: dict | None = None
_MAX_PROGRAMS = 500  # more (patterns of many versions of xlsheet): start afresh


class LazyPattern:
    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, source: str, flags: int = 0):
        self._source, self._flags, self._compiled = source, flags, None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = compile_cached(self._source, self._flags)
        return self._compiled

    def __getattr__(self, name):
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source!r})"


def lazy(source: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(source, flags)


# re.escape's table, copied: building a pattern from literal text needs no ``re`` (see above).
_SPECIAL = {i: "\\" + chr(i) for i in b"()[]{}?*+-|^$\\.&~# \t\n\r\v\f"}


def escape(text: str) -> str:
    """``re.escape(text)`` for a str, without importing ``re``."""
    return text.translate(_SPECIAL)


def _blob() -> str | None:
    import os
    import sys

    import _sre

    from .tomlcache import cache_dir

    folder = cache_dir()
    name = f"re-{sys.implementation.cache_tag}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal"
    return os.path.join(folder, name) if folder else None


def compile_cached(source: str | bytes, flags: int = 0) -> re.Pattern:
    """``re.compile(source, flags)``, from the cache of compiled programs when it holds this pattern (see the
    module docstring)."""
    global _programs
    import _sre
    import marshal

    flags = int(flags)
    if _programs is None:
        from .tomlcache import read_blob

        blob = _blob()
        stored = read_blob(blob) if blob else None
        _programs = stored if isinstance(stored, dict) and len(stored) <= _MAX_PROGRAMS else {}
    program = _programs.get((source, flags))
    if program is not None:
        try:
            return _sre.compile(source, *marshal.loads(program))
        except Exception:  # damaged, or not a program of this engine (sre refuses it): compile afresh below
            pass
    import re

    pattern = re.compile(source, flags)
    blob = _blob()
    program = _program(source, flags) if blob else None
    if program is not None and _sre.compile(source, *program) == pattern:
        from .tomlcache import write_blob

        _programs[(source, flags)] = marshal.dumps(program)
        write_blob(blob, _programs)
    return pattern


def _program(source, flags: int) -> tuple | None:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the source (None where re's internals are not
    those of CPython 3.11+)."""
    try:
        from re import _compiler, _parser

        parsed = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        # the code holds re's named opcode constants (int subclasses marshal cannot store): plain ints
        return (int(flags | parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1, groupindex,
                tuple(indexgroup))
    except Exception:
        return None
