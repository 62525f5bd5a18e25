"""Voice commands between hands-free drills: "again", "next", "harder", "stop" (pure parsing).

The words live in `prompts/voice_commands.toml`. Matching ignores case and punctuation and finds
whole words or phrases anywhere in what was heard, so "okay next one", "let's stop" and
"again please" all work; when several commands are heard, the last one said wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from closer import prompts

Command = Literal["again", "next", "harder", "stop"]
COMMANDS: tuple[Command, ...] = ("again", "next", "harder", "stop")

_WORD = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def command_words() -> dict[str, list[str]]:
    """The command phrases from voice_commands.toml, keyed by command."""
    return {name: list(words) for name, words in prompts.load("voice_commands")["commands"].items()}


def parse_command(heard: str, words: Mapping[str, Sequence[str]] | None = None) -> Command | None:
    """Return the command in `heard`, or None when no command word was said."""
    table = words if words is not None else command_words()
    tokens = _words(heard)
    best: tuple[int, Command] | None = None
    for name in COMMANDS:
        for phrase in table.get(name, ()):
            target = _words(phrase)
            if not target:
                continue
            n = len(target)
            for i in range(len(tokens) - n + 1):
                if tokens[i:i + n] == target:
                    end = i + n
                    if best is None or end > best[0]:
                        best = (end, name)
    return None if best is None else best[1]
