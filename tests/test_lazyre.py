"""Patterns built from the cache of compiled programs (xlsheet.lazyre) are the patterns re.compile builds."""
import importlib
import marshal
import re

import pytest

from xlsheet import lazyre

#: The modules that define lazy patterns (at module level or in tables of them).
MODULES = ("xlsheet.values", "xlsheet.metaparse", "xlsheet.labelkey", "xlsheet.textsafe", "xlsheet.safety",
           "xlsheet.validation.assess", "xlsheet.validation.checks_text")


def _lazy_patterns() -> list[lazyre.LazyPattern]:
    found = []
    for name in MODULES:
        for value in vars(importlib.import_module(name)).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                for part in item if isinstance(item, tuple) else [item]:
                    if isinstance(part, lazyre.LazyPattern) and part not in found:
                        found.append(part)
    return found


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("XLSHEET_NO_CACHE", raising=False)
    monkeypatch.setattr(lazyre, "_programs", None)  # as in a new process
    return tmp_path / "xlsheet"


def test_every_pattern_from_the_cache_is_the_compiled_pattern(fresh_cache, monkeypatch):
    patterns = _lazy_patterns()
    assert len(patterns) > 20
    expected = [re.compile(p._source, p._flags) for p in patterns]
    assert [lazyre.compile_cached(p._source, p._flags) for p in patterns] == expected  # compiled, then stored
    (blob,) = fresh_cache.glob("re-*.marshal")
    monkeypatch.setattr(lazyre, "_programs", None)  # the next process reads the blob …

    def no_compiling(*args):
        raise AssertionError("compiled although the cache holds the pattern")

    monkeypatch.setattr(re, "compile", no_compiling)  # … and compiles nothing
    from_cache = [lazyre.compile_cached(p._source, p._flags) for p in patterns]
    monkeypatch.undo()
    assert from_cache == expected
    for got, want in zip(from_cache, expected):
        assert (got.pattern, got.flags, got.groups, got.groupindex) == (want.pattern, want.flags, want.groups,
                                                                        want.groupindex)


def test_a_damaged_or_foreign_cache_falls_back_to_compiling(fresh_cache, monkeypatch):
    source = r"(?P<n>\d+)\s*件"
    lazyre.compile_cached(source)
    (blob,) = fresh_cache.glob("re-*.marshal")
    blob.write_bytes(b"\x00damaged")
    monkeypatch.setattr(lazyre, "_programs", None)
    assert lazyre.compile_cached(source) == re.compile(source)
    # a program sre refuses (another engine's code under the same name)
    monkeypatch.setattr(lazyre, "_programs", {(source, 0): marshal.dumps((32, [1, 2, 3], 1, {"n": 1}, (None, "n")))})
    assert lazyre.compile_cached(source) == re.compile(source)
    with pytest.raises(re.error):  # an invalid pattern raises as re.compile does
        lazyre.compile_cached("(")


def test_no_cache_folder_means_plain_compiling(tmp_path, monkeypatch):
    monkeypatch.setenv("XLSHEET_NO_CACHE", "1")
    monkeypatch.setattr(lazyre, "_programs", None)
    assert lazyre.compile_cached("a+b", re.I) == re.compile("a+b", re.I)
    assert lazyre._programs == {}
