"""Value classes that behave like dataclasses without ``dataclasses``' cost at import.

``@dataclass`` writes and compiles the source of ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and the
frozen ``__setattr__`` of every class when its module is imported: 1–2 ms a class, and ``xlsheet validate``
imported 22 of them (a sixth of its own time).  A class here writes its ``__init__`` by hand, names its fields in
``_fields`` (in ``__init__``'s positional order) and gets from its base what the dataclass gave:

* :class:`Record` (``@dataclass``): ``__repr__`` ``Name(field=value, …)``; ``__eq__``: an object of the same class
  whose fields (all but ``_uncompared``) are equal, else ``NotImplemented``; not hashable;
* :class:`FrozenRecord` (``@dataclass(frozen=True)``): the same, plus ``__hash__`` of the compared fields, and
  assigning or deleting an attribute raises ``dataclasses.FrozenInstanceError``; pickling and ``copy`` restore
  the object without assigning;
* both: ``replace(**changes)``, a new object with some fields changed (``dataclasses.replace``).

Subclasses that need no instance ``__dict__`` declare ``__slots__`` (a frozen one sets them with
``object.__setattr__``).  A frozen class built by the hundred in every process may instead set its whole
``__dict__`` at once, ``object.__setattr__(self, "__dict__", {…every field…})``: one such call costs as much as one
per field (``xlsheet.spec.model.Cell``).
"""
from __future__ import annotations

_set = object.__setattr__


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _uncompared: tuple[str, ...] = ()
    _compared: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._compared = tuple(n for n in cls._fields if n not in cls._uncompared)

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"

    def _key(self) -> tuple:
        return tuple([getattr(self, n) for n in self._compared])

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return self._key() == other._key()
        return NotImplemented

    __hash__ = None  # mutable: like a dataclass with eq, not hashable

    def replace(self, **changes):
        """A new object of this class with the fields in ``changes`` replaced (``dataclasses.replace``)."""
        return type(self)(**{**{n: getattr(self, n) for n in self._fields}, **changes})


class FrozenRecord(Record):
    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._key())

    def __setattr__(self, name, value):
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __setstate__(self, state):
        # pickle / copy: the default restores __slots__ by assignment, which a frozen object refuses
        attrs, slots = state if isinstance(state, tuple) else (state, None)
        for source in (attrs, slots):
            for name, value in (source or {}).items():
                _set(self, name, value)
