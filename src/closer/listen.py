"""Listen for one answer at the mic: VAD, endpointing, running transcript, final transcript.

`listen()` reads chunks until the endpointer says the turn is over (or nothing was said, or the
answer limit). At each pause of `pause_s` it re-transcribes the answer so far in a worker thread;
the text lets the endpointer end a finished question after a short silence and wait out a
dangling clause, and when no speech followed it is already the final transcript, so the verdict
can follow the end of speech at once. Half-duplex is the caller's job: open the mic only after
the assistant has finished speaking.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer.endpoint import Endpointer, EndpointSettings, Event
from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES, Microphone, Transcriber
from closer.settings import SAMPLE_RATE_HZ
from closer.types import Transcript

if TYPE_CHECKING:
    import numpy as np

    from closer.vad import VadModel

_LOGGER = logging.getLogger(__name__)

CHUNK_S = CHUNK_SAMPLES / SAMPLE_RATE_HZ


@dataclass(frozen=True)
class ListenSettings:
    start_timeout_s: float = 8.0  # no speech this long after the mic opens -> Answer.no_speech
    max_answer_s: float = 45.0  # seconds from speech start; cut there, Answer.cut_at_limit
    speech_threshold: float = 0.5  # VAD probability (0..1) that starts speech
    silence_threshold: float = 0.35  # VAD probability (0..1) under which speech is silence
    min_speech_s: float = 0.2  # seconds of speech in a row before an answer counts as started
    pause_s: float = 0.3  # seconds of silence that trigger a re-transcription
    question_end_s: float = 0.6  # seconds of silence that end a finished question
    statement_end_s: float = 0.7  # seconds of silence that end a finished statement
    neutral_end_s: float = 1.7  # seconds of silence when the text is not known yet (> 1.5 s)
    dangling_end_s: float = 2.6  # seconds after a dangling clause or a lone "thank you."
    pre_roll_s: float = 0.3  # seconds kept before the detected speech start
    tail_s: float = 0.25  # seconds kept after the last speech chunk
    status_interval_s: float = 0.1  # seconds between on_status calls

    def endpoint_settings(self) -> EndpointSettings:
        return EndpointSettings(
            speech_threshold=self.speech_threshold, silence_threshold=self.silence_threshold,
            min_speech_s=self.min_speech_s, start_timeout_s=self.start_timeout_s,
            max_answer_s=self.max_answer_s, pause_s=self.pause_s,
            question_end_s=self.question_end_s, statement_end_s=self.statement_end_s,
            neutral_end_s=self.neutral_end_s, dangling_end_s=self.dangling_end_s)


@dataclass(frozen=True)
class ListenStatus:
    state: str  # "listening" (waiting for speech) | "hearing" (answer underway) | "thinking"
    elapsed_s: float  # seconds since the mic opened
    level_dbfs: float  # loudest chunk since the last status, dBFS (-100 for digital silence)
    remaining_s: float | None  # seconds left before max_answer_s; None before speech starts


@dataclass(frozen=True)
class Answer:
    audio: np.ndarray  # 16 kHz float32: speech start .. end, with a little padding
    transcript: Transcript  # word times relative to `audio`
    reaction_s: float | None  # mic open -> speech start; None when nothing was said
    no_speech: bool  # nothing said within start_timeout_s
    cut_at_limit: bool
    device_error: str | None  # one sentence when the device failed mid-answer (audio kept)


def level_dbfs(chunk: np.ndarray) -> float:
    """RMS level of `chunk` in dBFS, floored at -100."""
    import numpy as np

    rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64)))) if len(chunk) else 0.0
    return max(-100.0, 20.0 * math.log10(rms)) if rms > 0 else -100.0


class _Partials:
    """One worker thread re-transcribing the answer so far; keeps the freshest result."""

    def __init__(self, transcriber: Transcriber) -> None:
        self._transcriber = transcriber
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="closer-partial")
        self._future: Future[Transcript] | None = None
        self._future_covers = 0.0
        self.wanted = False  # a pause came while busy: transcribe again when free
        self.latest: Transcript | None = None
        self.latest_covers = -1.0  # seconds from mic open the latest result covers

    @property
    def busy(self) -> bool:
        return self._future is not None and not self._future.done()

    def submit(self, audio: np.ndarray, covers_s: float) -> None:
        if self.busy:
            self.wanted = True
            return
        self.wanted = False
        self._future = self._pool.submit(self._transcriber.transcribe, audio)
        self._future_covers = covers_s

    def poll(self, wait: bool = False) -> bool:
        """Collect a finished result (waiting for it if `wait`); True when a new one arrived."""
        if self._future is None or not (wait or self._future.done()):
            return False
        future, self._future = self._future, None
        try:
            self.latest = future.result()
        except Exception as exc:  # a failed partial only costs speed; the final one retries
            _LOGGER.debug("partial transcription failed: %s", exc)
            return False
        self.latest_covers = self._future_covers
        return True

    def covering(self, until_s: float) -> Transcript | None:
        """A result (finished or still running) that covers speech up to `until_s`."""
        if self._future is not None and self._future_covers >= until_s:
            self.poll(wait=True)
        return self.latest if self.latest is not None and self.latest_covers >= until_s else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class _Run:
    """The state of one `listen()` call: every chunk since the mic opened, and the outcome."""

    def __init__(self, settings: ListenSettings) -> None:
        self.settings = settings
        self.chunks: list[np.ndarray] = []
        self.start_s: float | None = None
        self.end: Event | None = None

    def audio(self, from_s: float, to_s: float) -> np.ndarray:
        import numpy as np

        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        whole = np.concatenate(self.chunks)
        a = max(0, round(from_s * SAMPLE_RATE_HZ))
        b = min(len(whole), round(to_s * SAMPLE_RATE_HZ))
        return whole[a:max(a, b)].copy()

    def answer_from_s(self) -> float:
        return max(0.0, (self.start_s or 0.0) - self.settings.pre_roll_s)


def listen(mic: Microphone, transcriber: Transcriber, settings: ListenSettings | None = None,
           on_status: Callable[[ListenStatus], None] | None = None,
           vad: VadModel | None = None) -> Answer:
    """Record one answer from `mic` and transcribe it (see the module docstring)."""
    import numpy as np

    settings = settings or ListenSettings()
    if vad is None:
        from closer.vad import SileroVad

        vad = SileroVad()
    vad.reset()
    ep = Endpointer(CHUNK_S, settings.endpoint_settings())
    run = _Run(settings)
    partials = _Partials(transcriber)
    status_every = max(1, round(settings.status_interval_s / CHUNK_S))
    loudest = -100.0
    device_error: str | None = None
    stream = mic.chunks()
    try:
        for chunk in stream:
            run.chunks.append(np.asarray(chunk, dtype=np.float32).reshape(-1))
            loudest = max(loudest, level_dbfs(chunk))
            if partials.poll() and partials.latest is not None:
                ep.set_text(partials.latest.text, partials.latest_covers)
                _LOGGER.debug("partial to %.2f s: %r", partials.latest_covers,
                              partials.latest.text)
            for event in ep.update(vad.probability(chunk)):
                if event.kind == "speech_start":
                    run.start_s = event.at_s
                elif event.kind == "pause":
                    partials.submit(run.audio(run.answer_from_s(), ep.t_s), ep.t_s)
                else:
                    run.end = event
            if partials.wanted and not partials.busy and ep.in_pause:
                partials.submit(run.audio(run.answer_from_s(), ep.t_s), ep.t_s)
            if on_status and len(run.chunks) % status_every == 0:
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
        answer = _finish(run, ep, partials, transcriber, device_error, on_status)
        _LOGGER.debug("answer ready %.3f s after the turn was over", time.monotonic() - t_end)
        return answer
    finally:
        partials.shutdown()


def _status(ep: Endpointer, run: _Run, loudest: float) -> ListenStatus:
    if run.start_s is None:
        return ListenStatus("listening", ep.t_s, loudest, None)
    remaining = max(0.0, ep.settings.max_answer_s - (ep.t_s - run.start_s))
    return ListenStatus("hearing", ep.t_s, loudest, remaining)


def _finish(run: _Run, ep: Endpointer, partials: _Partials, transcriber: Transcriber,
            device_error: str | None,
            on_status: Callable[[ListenStatus], None] | None) -> Answer:
    import numpy as np

    s = run.settings
    if run.start_s is None:
        return Answer(np.zeros(0, dtype=np.float32), Transcript("", (), 0.0), None,
                      no_speech=device_error is None, cut_at_limit=False, device_error=device_error)
    if on_status:
        on_status(ListenStatus("thinking", ep.t_s, -100.0, None))
    cut = run.end is not None and run.end.kind == "limit"
    voice_end = ep.last_voice_end_s
    to_s = ep.t_s if cut else min(ep.t_s, voice_end + s.tail_s)
    audio = run.audio(run.answer_from_s(), to_s)
    transcript = None if cut or device_error else partials.covering(voice_end)
    if transcript is None:
        transcript = transcriber.transcribe(audio)
    else:
        _LOGGER.debug("final transcript ready from the pause at %.2f s", partials.latest_covers)
    duration = len(audio) / SAMPLE_RATE_HZ
    words = tuple(w for w in transcript.words if w.start < duration)
    return Answer(audio, Transcript(transcript.text, words, duration), run.start_s,
                  no_speech=False, cut_at_limit=cut, device_error=device_error)
