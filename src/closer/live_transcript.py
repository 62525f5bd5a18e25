"""The transcript of an answer, built while the candidate speaks.

The answer is cut into segments at pauses of `commit_s` or more (cut inside the silence, so no
word straddles two segments: nothing is repeated across a pause and nothing falls between). Each
segment is transcribed once, in one worker thread, while the candidate goes on talking; so when
they stop, only the last segment is left to decode, and it usually is already done, because it
was sent at the first `pause_s` of the final silence. Between cuts, the segment so far is
transcribed at each pause for the turn decision (a provisional result); when that pause grows
into a cut, the provisional result becomes the segment's final one.

Every segment goes through the same `Transcriber` as `closer score`, so the live transcript of an
answer agrees with scoring its saved recording.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer.interfaces import Transcriber
from closer.types import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)


@dataclass
class _Job:
    start_s: float  # seconds from mic open
    end_s: float
    future: Future[Transcript]

    def result(self) -> Transcript | None:
        try:
            return self.future.result()
        except Exception as exc:  # a failed segment is decoded again at the end
            _LOGGER.debug("segment %.2f-%.2f s failed: %s", self.start_s, self.end_s, exc)
            return None


class LiveTranscript:
    """Segments of one answer, transcribed in the background (see the module docstring).

    `audio(from_s, to_s)` returns the mic audio between two times (seconds from mic open);
    `origin_s` is where the answer's saved audio starts, so word times are relative to it.
    """

    def __init__(self, transcriber: Transcriber, audio: Callable[[float, float], np.ndarray],
                 origin_s: float) -> None:
        self._transcriber = transcriber
        self._audio = audio
        self.origin_s = origin_s
        self.boundary_s = origin_s  # start of the segment that is not final yet
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="closer-segment")
        self._final: list[_Job] = []
        self._provisional: _Job | None = None
        self.wanted = False  # a pause came while the worker was busy: transcribe when free

    @property
    def busy(self) -> bool:
        jobs = [*self._final, *([self._provisional] if self._provisional else [])]
        return any(not j.future.done() for j in jobs)

    def _submit(self, start_s: float, end_s: float) -> _Job:
        audio = self._audio(start_s, end_s)
        return _Job(start_s, end_s, self._pool.submit(self._transcriber.transcribe, audio))

    def on_pause(self, now_s: float) -> None:
        """A pause began: transcribe the open segment up to `now_s` unless the worker is busy."""
        if self.busy:
            self.wanted = True
            return
        self.wanted = False
        self._provisional = self._submit(self.boundary_s, now_s)

    def on_long_pause(self, voice_end_s: float, cut_s: float) -> None:
        """The pause after `voice_end_s` is long enough to cut (at `cut_s`, inside the pause):
        the open segment becomes final."""
        p = self._provisional
        if p is not None and p.start_s == self.boundary_s and p.end_s >= voice_end_s - 1e-9:
            job = p  # sent during this very pause: it covers the segment exactly
        else:
            job = self._submit(self.boundary_s, cut_s)
        self._final.append(job)
        self._provisional = None
        self.boundary_s = job.end_s
        self.wanted = False

    def text(self) -> tuple[str, float]:
        """(the transcript so far, seconds from mic open it covers), from finished jobs only."""
        parts: list[str] = []
        covers = self.origin_s
        for job in self._final:
            if not job.future.done():
                return " ".join(parts), covers
            t = job.result()
            parts.append(t.text if t else "")
            covers = job.end_s
        p = self._provisional
        if p is not None and p.future.done() and p.start_s == self.boundary_s:
            t = p.result()
            parts.append(t.text if t else "")
            covers = p.end_s
        return " ".join(s for s in parts if s), covers

    def final(self, to_s: float, voice_end_s: float) -> Transcript:
        """The whole answer up to `to_s`: final segments plus the last one (reusing the pause's
        provisional result when no speech followed it)."""
        p = self._provisional
        last = (p if p is not None and p.start_s == self.boundary_s
                and p.end_s >= voice_end_s - 1e-9 else None)
        if last is None and to_s > self.boundary_s + 1e-9:
            last = self._submit(self.boundary_s, to_s)
        jobs = [*self._final, *([last] if last else [])]
        segments: list[tuple[float, Transcript]] = []
        for job in jobs:
            t = job.result()
            if t is None:  # decode it once more, in this thread
                t = self._transcriber.transcribe(self._audio(job.start_s, job.end_s))
            segments.append((job.start_s - self.origin_s, t))
        return join(segments, to_s - self.origin_s)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def join(segments: list[tuple[float, Transcript]], duration_s: float) -> Transcript:
    """One transcript from (offset in seconds, transcript of that segment) pairs."""
    text = " ".join(t.text.strip() for _, t in segments if t.text.strip())
    words = tuple(Word(w.text, w.start + off, w.end + off, w.probability)
                  for off, t in segments for w in t.words)
    return Transcript(text, words, duration_s)
