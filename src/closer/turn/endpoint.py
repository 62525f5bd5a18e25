"""Pure endpointing: speech probabilities per chunk (and the running transcript) -> turn events.

No audio, no clock, no I/O: `Endpointer.update(prob)` advances by one chunk of `chunk_s` seconds
and returns the events that chunk caused. The VAD hysteresis lives here; when the silence after
speech is long enough is `closer.turn.decide`'s call, from what the running transcript says
(`set_text`, which counts only if it covers all speech so far), how the last words were said
(`set_ending`) and the silence so far. `finish_now()` ends the answer at once (the Enter key).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from closer.turn.decide import Decision, Evidence, TurnSettings, decide
from closer.turn.prosody import Ending
from closer.turn.reading import Reading, read

_LOGGER = logging.getLogger(__name__)

EventKind = Literal["speech_start", "pause", "speech_end", "no_speech", "limit", "manual"]


@dataclass(frozen=True)
class EndpointSettings:
    speech_threshold: float = 0.5  # probability (0..1) at or above which a chunk is speech
    silence_threshold: float = 0.35  # probability (0..1) below which a chunk in speech is silence
    min_speech_s: float = 0.2  # seconds of speech in a row before an answer counts as started
    start_timeout_s: float = 8.0  # seconds from mic open without speech -> no_speech
    max_answer_s: float = 45.0  # seconds from speech start -> limit (answer cut there)
    pause_s: float = 0.3  # seconds of silence that make a pause (the caller re-transcribes)
    turn: TurnSettings = field(default_factory=TurnSettings)  # when a silence ends the turn


@dataclass(frozen=True)
class Event:
    kind: EventKind
    at_s: float  # when it happened, seconds from mic open (speech_start: first speech chunk;
    # speech_end and pause: end of the last speech chunk; no_speech and limit: when decided)


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
        self._reading: Reading | None = None
        self._text = ""
        self._text_covers_s = -1.0
        self._last_word_end_s: float | None = None
        self._ending: Ending | None = None
        self._ending_at_s = -1.0

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

    def set_text(self, text: str, covers_until_s: float,
                 last_word_end_s: float | None = None) -> None:
        """The running transcript of the audio up to `covers_until_s` seconds from mic open
        (and where its last word ends, when known)."""
        if text != self._text or self._reading is None:
            self._reading, self._text = read(text), text
        self._text_covers_s = covers_until_s
        self._last_word_end_s = last_word_end_s

    def set_ending(self, ending: Ending, voice_end_s: float) -> None:
        """How the speech that stopped at `voice_end_s` ended (pitch, fade)."""
        self._ending, self._ending_at_s = ending, voice_end_s

    def evidence(self) -> Evidence:
        """What is known now; text or prosody from before the latest speech does not count."""
        covers = self._text_covers_s >= self._last_voice_end - 1e-9
        fresh = abs(self._ending_at_s - self._last_voice_end) < 1e-6
        untranscribed = (self._last_voice_end - self._last_word_end_s
                         if covers and self._last_word_end_s is not None else None)
        return Evidence(self.silence_s, self._reading if covers else None,
                        self._ending if fresh else None, untranscribed)

    def decision(self) -> Decision:
        return decide(self.evidence(), self.settings.turn)

    def finish_now(self) -> Event:
        """End the answer at once (the candidate pressed Enter)."""
        started = self.started_at is not None
        return self._finish("manual", self._last_voice_end if started else self.t_s)

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
        decision = None if self._voiced else self.decision()
        if decision is not None and decision.end:
            _LOGGER.debug("turn ends after %.2f s of silence: %s", self.silence_s, decision.why)
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


@dataclass(frozen=True)
class TraceText:
    """The running transcript as the listener saw it before chunk `chunk`."""

    chunk: int
    text: str
    covers_s: float  # seconds from mic open the text covers
    last_word_end_s: float | None = None


@dataclass(frozen=True)
class TraceEnding:
    """How the speech that stopped at `voice_end_s` ended, known before chunk `chunk`."""

    chunk: int
    voice_end_s: float
    pitch_change_st: float | None
    energy_drop_db: float


@dataclass
class Trace:
    """What one live answer fed the turn decision: enough to replay it without audio or model."""

    chunk_s: float
    probs: list[float] = field(default_factory=list)
    texts: list[TraceText] = field(default_factory=list)
    endings: list[TraceEnding] = field(default_factory=list)


def replay_trace(trace: Trace, settings: EndpointSettings | None = None) -> list[Event]:
    """Run a recorded answer through a fresh Endpointer (pure: the same trace, the same events)."""
    ep = Endpointer(trace.chunk_s, settings)
    texts, endings = sorted(trace.texts, key=lambda t: t.chunk), list(trace.endings)
    events: list[Event] = []
    for i, p in enumerate(trace.probs):
        while texts and texts[0].chunk <= i:
            t = texts.pop(0)
            ep.set_text(t.text, t.covers_s, t.last_word_end_s)
        while endings and endings[0].chunk <= i:
            e = endings.pop(0)
            ep.set_ending(Ending(e.pitch_change_st, e.energy_drop_db), e.voice_end_s)
        events.extend(ep.update(p))
        if ep.done:
            break
    return events


def run_endpointing(
    probs: Iterable[float],
    chunk_s: float,
    settings: EndpointSettings | None = None,
    texts: Sequence[tuple[int, str]] = (),
) -> list[Event]:
    """Run a whole scripted answer: `texts` are (chunk index, transcript covering up to it)."""
    trace = Trace(chunk_s, list(probs), [TraceText(i, t, i * chunk_s) for i, t in texts])
    return replay_trace(trace, settings)
