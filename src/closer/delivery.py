"""Delivery figures from audio and word timings: pace, fillers, pauses, uptalk.

Definitions (seconds, words per minute). A recording may hold a whole mock interview, so every
figure counts the candidate's speech only:
- turns: runs of words whose gaps are at most `TurnSettings.turn_gap_s` (5 s). A longer silence
  is a turn boundary (the interviewer's question, a break), not the candidate's pause: the live
  drill ends a turn after about 3 s of silence whatever was said, and thinking pauses run to 2 s,
  so 5 s leaves room for a long hesitation (which the tone check still flags from 3 s) while an
  interviewer's turn (a question, then a reaction) is longer.
- duration_s: the whole recording (the transcript's duration, else the audio's, else the words').
- speech_s: the sum over turns of first word start to last word end (silence before, between
  and after turns excluded; a one-turn close is first word to last word, as before).
- words_per_minute: words / speech_s * 60 (0 when there are no words).
- filler_count: words in prompts/speech.toml `fillers` ("ummm" folds to "umm").
- longest_pause_s: the largest gap between one word's end and the next word's start inside a
  turn.
- uptalk_count / statement_count: statements are sentences not ending in "?" (the last run of
  words counts even without punctuation); uptalk is a pitch rise at a statement's end
  (`count_uptalk`, pure, over the numpy YIN pitch track of `closer.audio.pitch`; praat-parselmouth
  is
  its reference in tests only, and importing it cost ~63 MB of resident memory).
  Pitch is tracked only around statement ends (`pitch_near`), so long-form scoring
  (`closer.speech.longform`) collects it block by block and calls `from_pitch`.
"""

from __future__ import annotations

import bisect
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


@dataclass(frozen=True)
class TurnSettings:
    turn_gap_s: float = 5.0  # seconds of silence between words beyond which a new turn starts


@functools.cache
def _fillers() -> frozenset[str]:
    return frozenset(str(f) for f in prompts.load("speech")["fillers"])


def _bare(word: str) -> str:
    return re.sub(r"[^a-z']", "", word.lower())


def is_filler(word: str) -> bool:
    bare = _bare(word)
    folded = re.sub(r"(.)\1{2,}", r"\1\1", bare)  # "ummmm" -> "umm", "hmmmm" -> "hmm"
    return bool(bare) and (bare in _fillers() or folded in _fillers())


def speech_turns(words: Sequence[Word], turns: TurnSettings = TurnSettings(),
                 ) -> list[tuple[float, float]]:
    """(start, end) of each run of words with no silence longer than `turns.turn_gap_s`."""
    spans: list[tuple[float, float]] = []
    for w in words:
        if spans and w.start - spans[-1][1] <= turns.turn_gap_s:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w.end))
        else:
            spans.append((w.start, w.end))
    return spans


def speech_seconds(words: Sequence[Word], turns: TurnSettings = TurnSettings()) -> float:
    """Seconds inside the candidate's turns (pauses inside a turn count, gaps between do not)."""
    return sum(max(end - start, 0.0) for start, end in speech_turns(words, turns))


def longest_pause_s(words: Sequence[Word], turns: TurnSettings = TurnSettings()) -> float:
    """The longest silence between two words of one turn (turn boundaries are not pauses)."""
    gaps = (b.start - a.end for a, b in itertools.pairwise(words))
    return max((g for g in gaps if 0 < g <= turns.turn_gap_s), default=0.0)


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
    """How many statements end on a rising pitch. f0 <= 0 or NaN marks unvoiced frames.

    Frames are put in time order once and each statement's window found by bisection: an hour
    has thousands of statements and tens of thousands of frames.
    """
    order = sorted(range(len(times)), key=lambda i: times[i])
    if len(f0_hz) != len(times):
        raise ValueError("times and f0_hz differ in length")
    ts = [times[i] for i in order]
    fs = [f0_hz[i] for i in order]
    count = 0
    for end in statement_ends:
        lo = bisect.bisect_left(ts, end - settings.window_s)
        hi = bisect.bisect_right(ts, end + settings.tail_s)
        voiced = [f for f in fs[lo:hi] if f > 0 and not math.isnan(f)]
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
    """(times in s, f0 in Hz, 0 when unvoiced) from `closer.audio.pitch.track`; the thin adapter."""
    from closer.audio import pitch

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
            settings: UptalkSettings = UptalkSettings(),
            turns: TurnSettings = TurnSettings()) -> Delivery:
    """The delivery of one recording held in memory (a close, a drill answer)."""
    ends = statement_end_times(transcript.words)
    times: list[float] = []
    f0: list[float] = []
    # a pitch track needs a few periods of the lowest pitch
    if audio is not None and ends and len(audio) > 3 * SAMPLE_RATE_HZ / settings.pitch_floor_hz:
        times, f0 = pitch_near(audio, ends, settings)
    duration = transcript.duration_s
    if duration is None and audio is not None:
        duration = len(audio) / SAMPLE_RATE_HZ
    return from_pitch(transcript, times, f0, duration, settings, turns)


def from_pitch(transcript: Transcript, times: Sequence[float], f0_hz: Sequence[float],
               duration_s: float | None = None, settings: UptalkSettings = UptalkSettings(),
               turns: TurnSettings = TurnSettings()) -> Delivery:
    """The delivery from words and a pitch track around statement ends (no audio needed)."""
    words = transcript.words
    duration = transcript.duration_s if transcript.duration_s is not None else duration_s
    if duration is None:
        duration = words[-1].end if words else 0.0
    speech = speech_seconds(words, turns)
    wpm = len(words) * 60.0 / speech if speech > 0 else 0.0
    ends = statement_end_times(words)
    uptalk = count_uptalk(times, f0_hz, ends, settings) if ends and len(times) else 0
    return Delivery(duration_s=float(duration), speech_s=float(speech),
                    words_per_minute=float(wpm),
                    filler_count=sum(1 for w in words if is_filler(w.text)),
                    longest_pause_s=float(longest_pause_s(words, turns)),
                    uptalk_count=uptalk, statement_count=len(ends))
