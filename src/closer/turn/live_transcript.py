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
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer.interfaces import Transcriber
from closer.types import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Heard:
    """The live transcript at one moment (times in seconds from mic open)."""

    text: str
    covers_s: float  # the audio up to here has been transcribed
    last_word_end_s: float | None  # where the last transcribed word ends; None: no words


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


def make_executor() -> Executor:
    """The one worker thread that transcribes segments (tests patch this factory to replay a
    recording in lockstep: a job finishes before the next chunk is read)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="closer-segment")


class LiveTranscript:
    """Segments of one answer, transcribed in the background (see the module docstring).

    `audio(from_s, to_s)` returns the mic audio between two times (seconds from mic open);
    `origin_s` is where the answer's saved audio starts, so word times are relative to it.
    """

    def __init__(self, transcriber: Transcriber, audio: Callable[[float, float], np.ndarray],
                 origin_s: float, min_segment_s: float = 1.5) -> None:
        self._transcriber = transcriber
        self.min_segment_s = min_segment_s  # seconds of audio before a pause may cut it off
        self._audio = audio
        self.origin_s = origin_s
        self.boundary_s = origin_s  # start of the segment that is not final yet
        self._pool = make_executor()
        self._final: list[_Job] = []
        self._provisional: _Job | None = None
        self.wanted = False  # a pause came while the worker was busy: transcribe when free
        self._empty = False  # the open segment holds no speech yet (just after a cut)

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

    def on_speech(self, resume_s: float, pre_roll_s: float) -> None:
        """Speech resumed at `resume_s`: a segment that holds nothing yet starts `pre_roll_s`
        before it, not at the cut. Whisper given a long silence in front of a sentence tends to
        write the sentence twice."""
        if self._empty and self.boundary_s < resume_s - pre_roll_s:
            self.boundary_s = resume_s - pre_roll_s
        self._empty = False

    def on_long_pause(self, voice_end_s: float, cut_s: float) -> None:
        """The pause after `voice_end_s` is long enough to cut (at `cut_s`, inside the pause):
        the open segment becomes final, unless it is shorter than `min_segment_s` (a lone
        "so, um," transcribed on its own makes Whisper loop: "So um. So um. So um.")."""
        if voice_end_s - self.boundary_s < self.min_segment_s:
            return
        p = self._provisional
        if p is not None and p.start_s == self.boundary_s and p.end_s >= voice_end_s - 1e-9:
            job = p  # sent during this very pause: it covers the segment exactly
        else:
            job = self._submit(self.boundary_s, cut_s)
        self._final.append(job)
        self._provisional = None
        self.boundary_s = job.end_s
        self._empty = True  # the new segment holds only silence so far
        self.wanted = False

    def heard(self) -> Heard:
        """The transcript so far, from finished jobs only, and what it covers."""
        parts: list[str] = []
        covers, last_word = self.origin_s, None
        jobs = [*self._final]
        p = self._provisional
        if p is not None and p.start_s == self.boundary_s:
            jobs.append(p)
        for job in jobs:
            if not job.future.done():
                break
            t = job.result()
            if t is not None and t.text.strip():
                parts.append(t.text.strip())
                if t.words:
                    last_word = job.start_s + t.words[-1].end
            covers = job.end_s
        text = ""
        for part in parts:
            text = join_text(text, part)
        return Heard(text, covers, last_word)

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


_END_PUNCT = ".?!…"


def join_text(before: str, after: str) -> str:
    """Two segments' texts as one. Whisper punctuates each segment as if it were whole, so a
    segment that stops mid-clause ("Is there any reason why?") loses its closing mark and the
    next one its capital: "Is there any reason why you wouldn't...". Finished ones stay apart,
    unless the next one opens in lower case: Whisper heard it as the rest of a sentence
    ("...putting me forward?" + "to the hiring manager." is one question)."""
    before, after = before.strip(), after.strip()
    if not before or not after:
        return before or after
    from closer.turn.reading import open_reason, opens_frame

    if after[:1].islower():
        if before.endswith("?") and after.endswith("."):
            after = after[:-1] + "?"  # a question carried on is still a question
        return f"{before.rstrip(_END_PUNCT).rstrip()} {after}"
    why = open_reason(before)
    if why is None or why == "only a pleasantry so far":
        return f"{before} {after}"
    first = after.split(maxsplit=1)[0]
    if first[:1].isupper() and first not in ("I", "I'm", "I'd", "I've", "I'll"):
        after = after[0].lower() + after[1:]
    frame = opens_frame(before)
    before = before.rstrip(_END_PUNCT).rstrip()
    if frame and not before.endswith(","):
        before += ","  # "So given all of that." frames what follows
    return f"{before} {after}"


def join(segments: list[tuple[float, Transcript]], duration_s: float) -> Transcript:
    """One transcript from (offset in seconds, transcript of that segment) pairs."""
    text = ""
    for _, t in segments:
        text = join_text(text, t.text)
    words = tuple(Word(w.text, w.start + off, w.end + off, w.probability)
                  for off, t in segments for w in t.words)
    return Transcript(text, words, duration_s)
