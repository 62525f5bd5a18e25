"""Templates with `{slot}`s, filled only when every slot they name has a value (pure)."""

from __future__ import annotations

import re

_SLOT = re.compile(r"\{(\w+)\}")


def slots_of(template: str) -> set[str]:
    return set(_SLOT.findall(template))


def usable(templates: list[str], values: dict[str, str]) -> list[str]:
    """The templates whose slots all have a (non-empty) value, keeping those naming the most slots:
    what is known gets said ("I'm Dana, Head of Data" rather than only the role)."""
    fits = [t for t in templates if all(values.get(s) for s in slots_of(t))]
    if not fits:
        return []
    most = max(len(slots_of(t)) for t in fits)
    return [t for t in fits if len(slots_of(t)) == most]


def fill(template: str, values: dict[str, str]) -> str:
    return _SLOT.sub(lambda m: values[m.group(1)], template)
