"""Where a drill reports what happens: JSON Lines for programs, plain lines for people.

`--json` writes one JSON object a line to stdout and nothing else: {"event": "say"}, {"event":
"listening"} (only once the assistant has finished speaking and the mic opens), {"event":
"heard"}, {"event": "note"} and finally {"event": "result"} (plus {"event": "summary"} for
sessions). The human sink prints the same as readable lines.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, TextIO


class EventSink(Protocol):
    def say(self, text: str, who: str) -> None: ...
    def listening(self) -> None: ...
    def heard(self, transcript: str) -> None: ...
    def note(self, text: str) -> None: ...
    def result(self, result: dict[str, Any], text: str) -> None: ...
    def summary(self, summary: dict[str, Any], text: str) -> None: ...


class DictSink:
    """The events as the dicts `--json` prints, handed to `_emit` (one place shapes them)."""

    def _emit(self, obj: dict[str, Any]) -> None:
        raise NotImplementedError

    def say(self, text: str, who: str) -> None:
        self._emit({"event": "say", "who": who, "text": text})

    def listening(self) -> None:
        self._emit({"event": "listening"})

    def heard(self, transcript: str) -> None:
        self._emit({"event": "heard", "transcript": transcript})

    def note(self, text: str) -> None:
        self._emit({"event": "note", "text": text})

    def result(self, result: dict[str, Any], text: str) -> None:
        self._emit({"event": "result", **result})

    def summary(self, summary: dict[str, Any], text: str) -> None:
        self._emit({"event": "summary", **summary})


class JsonLinesSink(DictSink):
    """One JSON object per line on `out`, flushed at once so a reader sees events live."""

    def __init__(self, out: TextIO) -> None:
        self._out = out

    def _emit(self, obj: dict[str, Any]) -> None:
        self._out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self._out.flush()


class HumanSink:
    """Readable lines: who says what, then the verdict text."""

    def __init__(self, out: TextIO, enter_ends: bool = False) -> None:
        self._out = out
        self._enter_ends = enter_ends  # the listening line says Enter ends the answer

    def _print(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()

    def say(self, text: str, who: str) -> None:
        self._print(f"{who.capitalize()}: {text}")

    def listening(self) -> None:
        self._print("(your turn - speak now; press Enter when you are done)" if self._enter_ends
                    else "(your turn - speak now)")

    def heard(self, transcript: str) -> None:
        self._print(f"You: {transcript or '(nothing heard)'}")

    def note(self, text: str) -> None:
        self._print(f"Note: {text}")

    def result(self, result: dict[str, Any], text: str) -> None:
        self._print("")
        self._print(text)
        self._print("")

    def summary(self, summary: dict[str, Any], text: str) -> None:
        self._print(text)


class RecordingSink(DictSink):
    """Keeps every event as a dict (tests and embedding)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def _emit(self, obj: dict[str, Any]) -> None:
        self.events.append(obj)
