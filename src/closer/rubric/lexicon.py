"""The rubric's phrase lists, read once from `prompts/phrases*.toml` and compiled to regexes.

The lists are spread over several prompt files by check (`_FILES`); they merge into one namespace
and a name may be defined in one file only (tables such as `[compose]` merge key by key).

Every list entry is a regex fragment over normalised text; a list compiles to one alternation
wrapped in word boundaries. A name in `[compose]` is a concept built from other lists: its template
("{verbs} {objects}") has each `{list}` replaced by that list's alternation.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from closer import prompts
from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)


_FILES = ("phrases", "phrases_next_step", "phrases_trial_close", "phrases_tone",
          "phrases_objection")


@functools.cache
def phrases() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for name in _FILES:
        for key, value in prompts.load(name).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                clash = merged[key].keys() & value.keys()
                if clash:
                    raise UserError(f"prompts/{name}.toml redefines {key}.{sorted(clash)}")
                merged[key] = {**merged[key], **value}
            elif key in merged:
                raise UserError(f"prompts/{name}.toml redefines {key}")
            else:
                merged[key] = value
    return merged


@functools.cache
def model_lines() -> dict[str, Any]:
    return prompts.load("model_lines")


def _alternation(name: str) -> str:
    return "|".join(f"(?:{e})" for e in phrases()[name])


def _body(name: str) -> str:
    template = phrases().get("compose", {}).get(name)
    if template is None:
        return _alternation(name)
    return re.sub(r"\{(\w+)\}", lambda m: f"(?:{_alternation(m.group(1))})", template)


@functools.cache
def pattern(name: str, anchored: bool = False) -> re.Pattern[str]:
    """One compiled alternation for the list (or composed concept) `name`; `anchored` matches
    only at the start."""
    body = _body(name)
    prefix = "^" if anchored else r"(?<![\w'])"
    return re.compile(rf"{prefix}(?:{body})(?![\w'])")


@functools.cache
def contractions() -> tuple[tuple[re.Pattern[str], str], ...]:
    table = phrases()["contractions"]
    return tuple((re.compile(rf"(?<![\w']){k}(?![\w'])"), v) for k, v in table.items())


def find(name: str, text: str) -> re.Match[str] | None:
    return pattern(name).search(text)


def has(name: str, text: str) -> bool:
    return pattern(name).search(text) is not None


def find_all(name: str, text: str) -> list[str]:
    return [m.group(0).strip(" ,") for m in pattern(name).finditer(text)]
