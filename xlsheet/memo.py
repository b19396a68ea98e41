"""``functools.lru_cache(maxsize=None)`` and ``functools.cached_property`` for the modules on ``xlsheet validate``'s
path, without importing functools: functools brings collections (with keyword, operator, reprlib), ≈ 1.5 ms of a
≈ 30 ms start-up (issue #14), for two decorators of a few lines.

* :func:`memo`: a function of hashable positional arguments, called once per distinct arguments; ``cache_clear()``
  empties it (as lru_cache's does) and ``cache`` is the dict of results.  Two threads asking for the same new key at
  once may both call the function (lru_cache allows that too); the first result stored wins.
* :class:`cached_property`: computed on first access and kept in the instance's ``__dict__``, which then answers
  every later access (a non-data descriptor, as functools' is).
"""
from __future__ import annotations


def memo(func):
    cache: dict = {}

    def wrapper(*args):
        try:
            return cache[args]
        except KeyError:
            return cache.setdefault(args, func(*args))

    wrapper.__name__, wrapper.__qualname__ = func.__name__, func.__qualname__
    wrapper.__doc__, wrapper.__module__, wrapper.__wrapped__ = func.__doc__, func.__module__, func
    wrapper.cache, wrapper.cache_clear = cache, cache.clear
    return wrapper


class cached_property:  # noqa: N801 - named as the functools class it stands in for
    def __init__(self, func):
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value
