"""Pure endpointing: speech probabilities per chunk (and the running transcript) -> turn events.

No audio, no clock, no I/O: `Endpointer.update(prob)` advances by one chunk of `chunk_s` seconds
and returns the events that chunk caused. Silence alone cannot both wait out a thinking pause and
answer fast, so the wait after speech depends on what was said (`classify_turn`): a finished
question ends the turn after ~0.6 s, a neutral text after ~1.7 s, a dangling clause or a lone
"thank you for your time." after ~2.6 s. The text counts only if it covers all speech so far.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from closer import prompts

_LOGGER = logging.getLogger(__name__)

EventKind = Literal["speech_start", "pause", "speech_end", "no_speech", "limit"]
TurnClass = Literal["question", "statement", "dangling", "unknown"]


@dataclass(frozen=True)
class EndpointSettings:
    speech_threshold: float = 0.5  # probability (0..1) at or above which a chunk is speech
    silence_threshold: float = 0.35  # probability (0..1) below which a chunk in speech is silence
    min_speech_s: float = 0.2  # seconds of speech in a row before an answer counts as started
    start_timeout_s: float = 8.0  # seconds from mic open without speech -> no_speech
    max_answer_s: float = 45.0  # seconds from speech start -> limit (answer cut there)
    pause_s: float = 0.3  # seconds of silence that make a pause (the caller re-transcribes)
    question_end_s: float = 0.6  # seconds of silence that end a turn after a finished question
    statement_end_s: float = 0.7  # seconds of silence after a finished statement
    neutral_end_s: float = 1.7  # s of silence, text unknown (> a 1.5 s thinking pause)
    dangling_end_s: float = 2.6  # seconds of silence after a dangling clause or a lone pleasantry

    def end_silence_s(self, turn: TurnClass) -> float:
        return {
            "question": self.question_end_s,
            "statement": self.statement_end_s,
            "dangling": self.dangling_end_s,
            "unknown": self.neutral_end_s,
        }[turn]


@dataclass(frozen=True)
class Event:
    kind: EventKind
    at_s: float  # when it happened, seconds from mic open (speech_start: first speech chunk;
    # speech_end and pause: end of the last speech chunk; no_speech and limit: when decided)


_WORD_RE = re.compile(r"[a-z0-9']+")


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower().replace("’", "'"))


def classify_turn(text: str) -> TurnClass:
    """Say whether `text` reads as a finished turn: question, statement, dangling or unknown."""
    stripped = text.strip().strip('"').rstrip()
    words = _words(stripped)
    if not words:
        return "unknown"
    table = prompts.load("turn")
    joined = " ".join(words)
    if joined in set(table["pleasantries"]):
        return "dangling"
    if stripped.endswith("?"):
        return "question"
    if stripped.endswith(("...", "…", ",", "-", "—", ";", ":")):
        return "dangling"
    if words[-1] in set(table["dangling_last_words"]):
        return "dangling"
    last_sentence = _words(re.split(r"[.!?]\s+", stripped)[-1])
    last_joined = " ".join(last_sentence)
    if len(last_sentence) <= int(table["dangling_opener_max_words"]) and any(
        last_joined == op or last_joined.startswith(op + " ") for op in table["dangling_openers"]
    ):
        return "dangling"
    if stripped.endswith((".", "!")):
        return "statement"
    return "unknown"


class Endpointer:
    """One answer's endpointing state machine, advanced one chunk at a time."""

    def __init__(self, chunk_s: float, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self.chunk_s = chunk_s
        self.t_s = 0.0  # end of the last chunk fed
        self.started_at: float | None = None
        self.done = False
        self._run_start: float | None = None  # first chunk of the current speech run (pre-start)
        self._voiced = False  # hysteresis state after start
        self._last_voice_end = 0.0  # end of the last speech chunk
        self._paused = False  # a pause event was sent for the current silence
        self._text = ""
        self._text_covers_s = -1.0

    @property
    def silence_s(self) -> float:
        """Seconds of silence since the last speech chunk (0 before speech started)."""
        return 0.0 if self.started_at is None else self.t_s - self._last_voice_end

    @property
    def in_pause(self) -> bool:
        return self.started_at is not None and not self._voiced

    @property
    def last_voice_end_s(self) -> float:
        return self._last_voice_end

    def set_text(self, text: str, covers_until_s: float) -> None:
        """The running transcript of the audio up to `covers_until_s` seconds from mic open."""
        self._text = text
        self._text_covers_s = covers_until_s

    def turn_class(self) -> TurnClass:
        """How the current text reads; "unknown" when it misses speech after it was taken."""
        if self._text_covers_s < self._last_voice_end - 1e-9:
            return "unknown"
        return classify_turn(self._text)

    def update(self, prob: float) -> list[Event]:
        """Feed the speech probability of the next chunk; return the events it caused."""
        if self.done:
            return []
        s = self.settings
        start, self.t_s = self.t_s, self.t_s + self.chunk_s
        if self.started_at is None:
            return self._before_start(prob, start)
        events: list[Event] = []
        if prob >= s.speech_threshold:
            self._voiced, self._paused = True, False
        elif prob < s.silence_threshold:
            self._voiced = False
        if self._voiced:
            self._last_voice_end = self.t_s
        elif not self._paused and self.silence_s >= s.pause_s - 1e-9:
            self._paused = True
            events.append(Event("pause", self._last_voice_end))
        if not self._voiced and self.silence_s >= s.end_silence_s(self.turn_class()) - 1e-9:
            _LOGGER.debug("turn ends: %s after %.2f s silence", self.turn_class(), self.silence_s)
            events.append(self._finish("speech_end", self._last_voice_end))
        elif self.t_s - self.started_at >= s.max_answer_s - 1e-9:
            events.append(self._finish("limit", self.t_s))
        return events

    def _before_start(self, prob: float, start: float) -> list[Event]:
        s = self.settings
        if prob >= s.speech_threshold:
            if self._run_start is None:
                self._run_start = start
            if self.t_s - self._run_start >= s.min_speech_s - 1e-9:
                self.started_at = self._run_start
                self._voiced = True
                self._last_voice_end = self.t_s
                return [Event("speech_start", self._run_start)]
        elif prob < s.silence_threshold or self._run_start is None:
            self._run_start = None
        stalled = self._run_start is None or self.t_s - self._run_start > 1.0  # noise, not speech
        if self.t_s >= s.start_timeout_s - 1e-9 and stalled:
            return [self._finish("no_speech", self.t_s)]
        return []

    def _finish(self, kind: EventKind, at_s: float) -> Event:
        self.done = True
        return Event(kind, at_s)


def run_endpointing(
    probs: Iterable[float],
    chunk_s: float,
    settings: EndpointSettings | None = None,
    texts: Sequence[tuple[int, str]] = (),
) -> list[Event]:
    """Run a whole scripted answer: `texts` are (chunk index, transcript covering up to it)."""
    ep = Endpointer(chunk_s, settings)
    pending = sorted(texts)
    events: list[Event] = []
    for i, p in enumerate(probs):
        while pending and pending[0][0] <= i:
            idx, text = pending.pop(0)
            ep.set_text(text, idx * chunk_s)
        events.extend(ep.update(p))
        if ep.done:
            break
    return events
