"""Delivery figures from audio and word timings: pace, fillers, pauses, uptalk.

Definitions (seconds, words per minute):
- duration_s: the whole recording (the transcript's duration, else the audio's, else the words').
- speech_s: first word start to last word end (lead-in and trailing silence excluded).
- words_per_minute: words / speech_s * 60 (0 when there are no words).
- filler_count: words in prompts/speech.toml `fillers` ("ummm" folds to "umm").
- longest_pause_s: the largest gap between one word's end and the next word's start.
- uptalk_count / statement_count: statements are sentences not ending in "?" (the last run of
  words counts even without punctuation); uptalk is a pitch rise at a statement's end
  (`count_uptalk`, pure, over the numpy YIN pitch track of `closer.pitch`; praat-parselmouth is
  its reference in tests only, and importing it cost ~63 MB of resident memory).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer import prompts
from closer.settings import SAMPLE_RATE_HZ
from closer.types import Delivery, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class UptalkSettings:
    window_s: float = 0.6  # seconds of pitch before a statement's end that are inspected
    tail_s: float = 0.1  # seconds after the last word's end still inspected (timing slack)
    min_voiced_frames: int = 6  # frames (10 ms each) of voiced pitch needed to judge
    rise_semitones: float = 2.0  # final part above the earlier part by this much = uptalk
    pitch_step_s: float = 0.01  # pitch tracker time step
    pitch_floor_hz: float = 75.0
    pitch_ceiling_hz: float = 500.0


@functools.cache
def _fillers() -> frozenset[str]:
    return frozenset(str(f) for f in prompts.load("speech")["fillers"])


def _bare(word: str) -> str:
    return re.sub(r"[^a-z']", "", word.lower())


def is_filler(word: str) -> bool:
    bare = _bare(word)
    folded = re.sub(r"(.)\1{2,}", r"\1\1", bare)  # "ummmm" -> "umm", "hmmmm" -> "hmm"
    return bool(bare) and (bare in _fillers() or folded in _fillers())


def longest_pause_s(words: Sequence[Word]) -> float:
    gaps = (b.start - a.end for a, b in itertools.pairwise(words))
    return max((g for g in gaps if g > 0), default=0.0)


def statement_end_times(words: Sequence[Word]) -> list[float]:
    """End times of sentences that do not end in '?' (a trailing unpunctuated run counts)."""
    ends: list[float] = []
    for i, w in enumerate(words):
        text = w.text.strip()
        last = i == len(words) - 1
        if text.endswith("?"):
            continue
        if text.endswith((".", "!")) or (last and not is_filler(text)):
            ends.append(w.end)
    return ends


def count_uptalk(times: Sequence[float], f0_hz: Sequence[float], statement_ends: Sequence[float],
                 settings: UptalkSettings = UptalkSettings()) -> int:
    """How many statements end on a rising pitch. f0 <= 0 or NaN marks unvoiced frames."""
    count = 0
    for end in statement_ends:
        voiced = [f for t, f in zip(times, f0_hz, strict=True)
                  if end - settings.window_s <= t <= end + settings.tail_s and f > 0
                  and not math.isnan(f)]
        if len(voiced) < settings.min_voiced_frames:
            continue
        third = max(len(voiced) // 3, 1)
        early = sorted(voiced[:len(voiced) - third])
        final = sorted(voiced[len(voiced) - third:])
        rise = 12 * math.log2(final[len(final) // 2] / early[len(early) // 2])
        if rise >= settings.rise_semitones:
            count += 1
    return count


def pitch_track(audio: np.ndarray, settings: UptalkSettings = UptalkSettings(),
                rate: int = SAMPLE_RATE_HZ) -> tuple[list[float], list[float]]:
    """(times in s, f0 in Hz, 0 when unvoiced) from `closer.pitch.track`; the thin adapter."""
    from closer import pitch

    times, f0 = pitch.track(audio, rate, pitch.PitchSettings(
        floor_hz=settings.pitch_floor_hz, ceiling_hz=settings.pitch_ceiling_hz,
        hop_s=settings.pitch_step_s))
    return times.tolist(), f0.tolist()


def pitch_near(audio: np.ndarray, ends: Sequence[float],
               settings: UptalkSettings = UptalkSettings()) -> tuple[list[float], list[float]]:
    """Pitch only around statement ends: uptalk looks nowhere else, and tracking the whole
    recording cost more than the rest of delivery put together."""
    margin_s = 0.05  # room for the tracker's 40 ms analysis window at each edge
    times: list[float] = []
    f0: list[float] = []
    for end in ends:
        start_s = max(end - settings.window_s - margin_s, 0.0)
        lo = int(start_s * SAMPLE_RATE_HZ)
        hi = min(int((end + settings.tail_s + margin_s) * SAMPLE_RATE_HZ), len(audio))
        if hi - lo <= 3 * SAMPLE_RATE_HZ / settings.pitch_floor_hz:
            continue
        t, f = pitch_track(audio[lo:hi], settings)
        times += [start_s + x for x in t]
        f0 += f
    return times, f0


def measure(audio: np.ndarray | None, transcript: Transcript,
            settings: UptalkSettings = UptalkSettings()) -> Delivery:
    words = transcript.words
    duration = transcript.duration_s
    if duration is None:
        duration = (len(audio) / SAMPLE_RATE_HZ if audio is not None
                    else (words[-1].end if words else 0.0))
    speech = max(words[-1].end - words[0].start, 0.0) if words else 0.0
    wpm = len(words) * 60.0 / speech if speech > 0 else 0.0
    ends = statement_end_times(words)
    uptalk = 0
    # a pitch track needs a few periods of the lowest pitch
    if audio is not None and ends and len(audio) > 3 * SAMPLE_RATE_HZ / settings.pitch_floor_hz:
        times, f0 = pitch_near(audio, ends, settings)
        uptalk = count_uptalk(times, f0, ends, settings)
    return Delivery(duration_s=float(duration), speech_s=float(speech),
                    words_per_minute=float(wpm),
                    filler_count=sum(1 for w in words if is_filler(w.text)),
                    longest_pause_s=float(longest_pause_s(words)),
                    uptalk_count=uptalk, statement_count=len(ends))
