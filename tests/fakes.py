"""Test fakes for the three protocols (closer.interfaces): a speaker that records what it would
say, a VAD that returns scripted probabilities, a microphone that plays an array.

They live under tests/ because no command uses them; the real adapters are in closer.audio and
closer.speech.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator

import numpy as np

from closer.interfaces import CHUNK_SAMPLES
from closer.settings import SAMPLE_RATE_HZ


class FakeSpeaker:
    """Records what would have been said; for tests of the drills."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


class ScriptedVad:
    """A VadModel that returns given probabilities in order, then `after` (for tests)."""

    def __init__(self, probs: Iterable[float], after: float = 0.0) -> None:
        self._probs = list(probs)
        self._after = after
        self._i = 0

    def reset(self) -> None:
        self._i = 0

    def probability(self, chunk: np.ndarray) -> float:
        p = self._probs[self._i] if self._i < len(self._probs) else self._after
        self._i += 1
        return p


class ArrayMicrophone:
    """Plays 16 kHz samples as mic chunks, then silence until closed or `trailing_s` runs out."""

    def __init__(self, samples_16k: np.ndarray, realtime: bool = False,
                 trailing_s: float = 60.0) -> None:
        self.samples = np.asarray(samples_16k, dtype=np.float32).reshape(-1)
        self.realtime = realtime
        self.trailing_s = trailing_s
        self._stop = threading.Event()

    def chunks(self) -> Iterator[np.ndarray]:
        self._stop.clear()
        n_audio = -(-len(self.samples) // CHUNK_SAMPLES)
        n_total = n_audio + int(self.trailing_s * SAMPLE_RATE_HZ / CHUNK_SAMPLES)
        chunk_s = CHUNK_SAMPLES / SAMPLE_RATE_HZ
        t0 = time.monotonic()
        for i in range(n_total):
            if self._stop.is_set():
                return
            if self.realtime:
                delay = t0 + (i + 1) * chunk_s - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            chunk = np.zeros(CHUNK_SAMPLES, dtype=np.float32)
            if i < n_audio:
                part = self.samples[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES]
                chunk[:len(part)] = part
            yield chunk

    def close(self) -> None:
        self._stop.set()
