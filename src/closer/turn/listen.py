"""Listen for one answer at the mic: VAD, turn-taking, the transcript built while they speak.

`listen()` reads chunks until the turn is over (`closer.turn.endpoint` + `closer.turn`), nothing was
said, the answer limit is reached, or `stop()` says the candidate pressed Enter. At each pause
it transcribes the answer's open segment in a worker (`closer.turn.live_transcript`) and measures
how
the last words ended (`closer.turn.prosody`), so the turn decision reads what was said and how;
a pause of `commit_s` makes the segment before it final. When the candidate stops, only the tail
is left to decode, and usually it is already done. Half-duplex is the caller's job: open the mic
only after the assistant has finished speaking.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES, Microphone, Transcriber
from closer.settings import SAMPLE_RATE_HZ
from closer.turn.decide import TurnSettings
from closer.turn.endpoint import Endpointer, EndpointSettings, Event, Trace, TraceEnding, TraceText
from closer.turn.live_transcript import LiveTranscript
from closer.types import Transcript

if TYPE_CHECKING:
    import numpy as np

    from closer.audio.vad import VadModel

_LOGGER = logging.getLogger(__name__)

CHUNK_S = CHUNK_SAMPLES / SAMPLE_RATE_HZ


@dataclass(frozen=True)
class ListenSettings:
    start_timeout_s: float = 8.0  # no speech this long after the mic opens -> Answer.no_speech
    max_answer_s: float = 45.0  # seconds from speech start; cut there, Answer.cut_at_limit
    speech_threshold: float = 0.5  # VAD probability (0..1) that starts speech
    silence_threshold: float = 0.35  # VAD probability (0..1) under which speech is silence
    min_speech_s: float = 0.2  # seconds of speech in a row before an answer counts as started
    pause_s: float = 0.25  # seconds of silence that send the open segment to be transcribed
    commit_s: float = 0.6  # seconds of silence that make a safe cut between two segments
    min_segment_s: float = 1.5  # seconds: a shorter segment is not cut off, it joins the next
    turn: TurnSettings = field(default_factory=TurnSettings)  # when a silence ends the turn
    pre_roll_s: float = 0.3  # seconds kept before the detected speech start
    tail_s: float = 0.25  # seconds kept after the last speech chunk
    status_interval_s: float = 0.1  # seconds between on_status calls

    def endpoint_settings(self) -> EndpointSettings:
        return EndpointSettings(
            speech_threshold=self.speech_threshold, silence_threshold=self.silence_threshold,
            min_speech_s=self.min_speech_s, start_timeout_s=self.start_timeout_s,
            max_answer_s=self.max_answer_s, pause_s=self.pause_s, turn=self.turn)


@dataclass(frozen=True)
class ListenStatus:
    state: str  # "listening" (waiting for speech) | "hearing" (answer underway) | "thinking"
    elapsed_s: float  # seconds since the mic opened
    level_dbfs: float  # loudest chunk since the last status, dBFS (-100 for digital silence)
    remaining_s: float | None  # seconds left before max_answer_s; None before speech starts
    transcript: str = ""  # the live transcript so far (finished segments; the page shows it)


@dataclass(frozen=True)
class Answer:
    audio: np.ndarray  # 16 kHz float32: speech start .. end, with a little padding
    transcript: Transcript  # word times relative to `audio`
    reaction_s: float | None  # mic open -> speech start; None when nothing was said
    no_speech: bool  # nothing said within start_timeout_s
    cut_at_limit: bool
    device_error: str | None  # one sentence when the device failed mid-answer (audio kept)
    ended_by: str = "silence"  # "silence" | "limit" | "enter" | "device" | "no_speech"
    silence_waited_s: float = 0.0  # seconds of silence after the last speech before it ended
    trace: Trace | None = None  # what the turn decision saw (closer.turn.endpoint.replay_trace)


def level_dbfs(chunk: np.ndarray) -> float:
    """RMS level of `chunk` in dBFS, floored at -100."""
    import numpy as np

    rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64)))) if len(chunk) else 0.0
    return max(-100.0, 20.0 * math.log10(rms)) if rms > 0 else -100.0


class _Run:
    """The state of one `listen()` call: every chunk since the mic opened, and the outcome."""

    def __init__(self, settings: ListenSettings, transcriber: Transcriber) -> None:
        import numpy as np

        self.settings = settings
        self.transcriber = transcriber
        self._buf = np.zeros(SAMPLE_RATE_HZ * 8, dtype=np.float32)  # grows by doubling
        self.n = 0  # samples received
        self.chunks = 0
        self.start_s: float | None = None
        self.end: Event | None = None
        self.live: LiveTranscript | None = None
        self.committed_pause = False  # the current pause already made a cut
        self.trace = Trace(CHUNK_S)

    def append(self, chunk: np.ndarray) -> None:
        import numpy as np

        if self.n + len(chunk) > len(self._buf):
            self._buf = np.concatenate([self._buf, np.zeros_like(self._buf)])
        self._buf[self.n:self.n + len(chunk)] = chunk
        self.n += len(chunk)
        self.chunks += 1

    def audio(self, from_s: float, to_s: float) -> np.ndarray:
        a = max(0, round(from_s * SAMPLE_RATE_HZ))
        b = min(self.n, round(to_s * SAMPLE_RATE_HZ))
        return self._buf[a:max(a, b)].copy()

    def answer_from_s(self) -> float:
        return max(0.0, (self.start_s or 0.0) - self.settings.pre_roll_s)


def listen(mic: Microphone, transcriber: Transcriber, settings: ListenSettings | None = None,
           on_status: Callable[[ListenStatus], None] | None = None,
           vad: VadModel | None = None, stop: Callable[[], bool] | None = None) -> Answer:
    """Record one answer from `mic` and transcribe it (see the module docstring)."""
    import numpy as np

    settings = settings or ListenSettings()
    if vad is None:
        from closer.audio.vad import NormalizedVad

        vad = NormalizedVad()
    vad.reset()
    ep = Endpointer(CHUNK_S, settings.endpoint_settings())
    run = _Run(settings, transcriber)
    status_every = max(1, round(settings.status_interval_s / CHUNK_S))
    loudest = -100.0
    device_error: str | None = None
    stream = mic.chunks()
    try:
        for chunk in stream:
            chunk = np.asarray(chunk, dtype=np.float32).reshape(-1)
            run.append(chunk)
            loudest = max(loudest, level_dbfs(chunk))
            _step(run, ep, vad.probability(chunk))
            if run.end is None and stop is not None and stop():
                run.end = ep.finish_now()
            if on_status and run.chunks % status_every == 0:
                on_status(_status(ep, run, loudest))
                loudest = -100.0
            if run.end is not None:
                _LOGGER.debug("turn over at %.2f s (%s, last voice %.2f s)", ep.t_s,
                              run.end.kind, ep.last_voice_end_s)
                break
    except DeviceError as exc:
        device_error = str(exc)
        _LOGGER.debug("device failed after %.2f s: %s", ep.t_s, exc)
    finally:
        stream_close = getattr(stream, "close", None)
        if stream_close:
            stream_close()
        mic.close()
    t_end = time.monotonic()
    try:
        answer = _finish(run, ep, device_error, on_status)
        _LOGGER.debug("answer ready %.3f s after the turn was over", time.monotonic() - t_end)
        return answer
    finally:
        if run.live is not None:
            run.live.shutdown()


def _step(run: _Run, ep: Endpointer, prob: float) -> None:
    """Feed one chunk's speech probability; keep the live transcript and the evidence fresh."""
    from closer.turn.prosody import ending

    s, live = run.settings, run.live
    was_paused = ep.in_pause
    if live is not None and was_paused:
        heard = live.heard()  # what finished in the background counts for this chunk
        ep.set_text(heard.text, heard.covers_s, heard.last_word_end_s)
        last = run.trace.texts[-1] if run.trace.texts else None
        if last is None or (last.text, last.covers_s) != (heard.text, heard.covers_s):
            run.trace.texts.append(TraceText(len(run.trace.probs), heard.text, heard.covers_s,
                                             heard.last_word_end_s))
    run.trace.probs.append(prob)
    events = ep.update(prob)
    if live is not None and was_paused and not ep.in_pause:
        live.on_speech(ep.t_s - ep.chunk_s, s.pre_roll_s)
    for event in events:
        if event.kind == "speech_start":
            run.start_s = event.at_s
            run.live = LiveTranscript(run.transcriber, run.audio, run.answer_from_s(),
                                      s.min_segment_s)
        elif event.kind == "pause" and live is not None:
            run.committed_pause = False
            live.on_pause(ep.t_s)
            end = ep.last_voice_end_s
            tail = run.audio(max(0.0, end - 0.7), end)
            e = ending(tail, len(tail) / SAMPLE_RATE_HZ)
            ep.set_ending(e, end)
            run.trace.endings.append(TraceEnding(len(run.trace.probs), end, e.pitch_change_st,
                                                 e.energy_drop_db))
        elif event.kind != "pause":
            run.end = event
    if live is None or run.end is not None or not ep.in_pause:
        return
    if live.wanted and not live.busy:
        live.on_pause(ep.t_s)
    if not run.committed_pause and ep.silence_s >= s.commit_s - 1e-9:
        end = ep.last_voice_end_s
        live.on_long_pause(end, min(ep.t_s, end + s.tail_s))
        run.committed_pause = True


def _status(ep: Endpointer, run: _Run, loudest: float) -> ListenStatus:
    if run.start_s is None:
        return ListenStatus("listening", ep.t_s, loudest, None)
    remaining = max(0.0, ep.settings.max_answer_s - (ep.t_s - run.start_s))
    heard = run.live.heard().text if run.live is not None else ""
    return ListenStatus("hearing", ep.t_s, loudest, remaining, heard)


_ENDED_BY = {"speech_end": "silence", "limit": "limit", "manual": "enter"}


def _finish(run: _Run, ep: Endpointer, device_error: str | None,
            on_status: Callable[[ListenStatus], None] | None) -> Answer:
    import numpy as np

    s = run.settings
    if run.start_s is None or run.live is None:
        return Answer(np.zeros(0, dtype=np.float32), Transcript("", (), 0.0), None,
                      no_speech=device_error is None, cut_at_limit=False, device_error=device_error,
                      ended_by="device" if device_error else "no_speech")
    if on_status:
        on_status(ListenStatus("thinking", ep.t_s, -100.0, None))
    kind = run.end.kind if run.end is not None else "device"
    voice_end = ep.last_voice_end_s
    to_s = min(ep.t_s, voice_end + s.tail_s) if kind == "speech_end" else ep.t_s
    from_s = run.answer_from_s()
    audio = run.audio(from_s, to_s)
    transcript = run.live.final(to_s, voice_end if kind == "speech_end" else to_s)
    duration = len(audio) / SAMPLE_RATE_HZ
    words = tuple(w for w in transcript.words if w.start < duration)
    return Answer(audio, Transcript(transcript.text, words, duration), run.start_s,
                  no_speech=False, cut_at_limit=kind == "limit", device_error=device_error,
                  ended_by="device" if device_error else _ENDED_BY.get(kind, kind),
                  silence_waited_s=ep.t_s - voice_end, trace=run.trace)
