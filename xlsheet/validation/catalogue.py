"""The rule catalogue (``catalogue.toml``) as typed objects."""
from __future__ import annotations

import os
from ..memo import memo

from ..record import FrozenRecord, _set

SEVERITIES = ("error", "warning")


class Rule(FrozenRecord):
    """One rule of the catalogue: permanent id, severity, formats, title, message template, check kind, params
    (not compared or hashed)."""

    __slots__ = _fields = ("id", "severity", "formats", "title", "message", "kind", "params")
    _uncompared = ("params",)

    def __init__(self, id: str, severity: str, formats: tuple[str, ...], title: str, message: str, kind: str,
                 params: dict | None = None):
        _set(self, "id", id)
        _set(self, "severity", severity)
        _set(self, "formats", formats)
        _set(self, "title", title)
        _set(self, "message", message)
        _set(self, "kind", kind)
        _set(self, "params", {} if params is None else params)

    def applies_to(self, fmt: str) -> bool:
        return fmt in self.formats


@memo
def load_catalogue() -> tuple[Rule, ...]:
    from ..tomlcache import load

    rules = []
    seen = set()
    for raw in load(os.path.join(os.path.dirname(__file__), "catalogue.toml"))["rule"]:
        raw = dict(raw)
        base = {k: raw.pop(k) for k in ("id", "severity", "formats", "title", "message", "kind")}
        if base["id"] in seen or base["severity"] not in SEVERITIES:
            raise ValueError(f"bad catalogue entry {base['id']}")
        seen.add(base["id"])
        rules.append(Rule(formats=tuple(base.pop("formats")), params=raw, **base))
    return tuple(rules)


def rules_for(fmt: str) -> list[Rule]:
    return [r for r in load_catalogue() if r.applies_to(fmt)]

