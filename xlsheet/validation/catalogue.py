"""The rule catalogue (``catalogue.toml``) as typed objects."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue: permanent id, severity, formats, title, message template, check kind, params."""

    id: str
    severity: str
    formats: tuple[str, ...]
    title: str
    message: str
    kind: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def applies_to(self, fmt: str) -> bool:
        return fmt in self.formats


@lru_cache(maxsize=None)
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

