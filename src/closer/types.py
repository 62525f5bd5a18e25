"""Plain value types shared by the rubric, the transcriber and the drills.

They hold no behaviour beyond conversion to JSON so that every decision in closer can be a
pure function over them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Round = Literal["first", "second", "final"]
ROUNDS: tuple[Round, ...] = ("first", "second", "final")
CHECKS: tuple[str, ...] = ("next_step", "trial_close", "confident_tone")


@dataclass(frozen=True)
class Word:
    """One transcribed word with its timing in seconds from the start of the audio."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Transcript:
    """What the candidate said: the text, word timings (empty for typed text) and audio length."""

    text: str
    words: tuple[Word, ...] = ()
    duration_s: float | None = None


@dataclass(frozen=True)
class Delivery:
    """How it was said, measured from audio.

    All fields are plain numbers so the rubric stays pure.
    """

    duration_s: float
    speech_s: float
    words_per_minute: float
    filler_count: int
    longest_pause_s: float
    uptalk_count: int = 0
    statement_count: int = 0

    def to_json(self) -> dict[str, float | int]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class CheckResult:
    """One rubric check: did it pass, which words decided it, and what to say instead."""

    passed: bool
    evidence: str | None = None
    tip: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "evidence": self.evidence, "tip": self.tip}


@dataclass(frozen=True)
class Verdict:
    """The rubric's answer for one close."""

    round: Round
    checks: dict[str, CheckResult]
    score: int
    order_ok: bool | None
    notes: tuple[str, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks.values())

    def checks_json(self) -> dict[str, dict[str, object]]:
        return {name: self.checks[name].to_json() for name in CHECKS}
