"""Replay a recording through `closer.turn.listen.listen` deterministically, in lockstep.

Live, segments are transcribed in a worker thread while the mic keeps delivering chunks; how far
the speech has gone on when a result arrives depends on the machine. For tests of the turn
decision that must not depend on load, `lockstep()` swaps the worker for one that finishes each
job at once (a machine infinitely faster than speech). The real timing is measured through the
PulseAudio room (tests/test_e2e_pulse.py, scripts/bench_live.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from typing import Any

import numpy as np

from closer.turn import live_transcript
from closer.turn.listen import Answer, ListenSettings, listen
from fakes import ArrayMicrophone


class SyncExecutor(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@contextlib.contextmanager
def lockstep() -> Iterator[None]:
    real = live_transcript.make_executor
    live_transcript.make_executor = SyncExecutor
    try:
        yield
    finally:
        live_transcript.make_executor = real


def replay(audio: np.ndarray, transcriber: Any, vad: Any = None,
           settings: ListenSettings | None = None, trailing_s: float = 6.0) -> Answer:
    """listen() over `audio` then `trailing_s` of silence, in lockstep."""
    with lockstep():
        return listen(ArrayMicrophone(audio, trailing_s=trailing_s), transcriber,
                      settings or ListenSettings(), vad=vad)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edits, reference words): Levenshtein over lower-case words, punctuation ignored."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1], len(ref)
