"""closer.delivery: pace, fillers, pauses and the pure uptalk decision over synthetic contours."""

from __future__ import annotations

import math

import numpy as np
import pytest

from closer.delivery import (
    TurnSettings,
    UptalkSettings,
    count_uptalk,
    is_filler,
    longest_pause_s,
    measure,
    pitch_track,
    speech_seconds,
    speech_turns,
    statement_end_times,
)
from closer.types import Transcript, Word

RATE = 16_000


def words(*spec: tuple[str, float, float]) -> tuple[Word, ...]:
    return tuple(Word(t, s, e) for t, s, e in spec)


def contour(start_hz: float, end_hz: float, t0: float = 0.0, t1: float = 1.0, step: float = 0.01,
            ) -> tuple[list[float], list[float]]:
    n = round((t1 - t0) / step)
    times = [t0 + i * step for i in range(n + 1)]
    f0 = [start_hz * (end_hz / start_hz) ** (i / n) for i in range(n + 1)]  # linear in semitones
    return times, f0


# --- count_uptalk (pure) --------------------------------------------------------------------

def test_flat_statement_is_not_uptalk() -> None:
    t, f = contour(180, 180)
    assert count_uptalk(t, f, [1.0]) == 0


def test_falling_statement_is_not_uptalk() -> None:
    t, f = contour(220, 150)
    assert count_uptalk(t, f, [1.0]) == 0


def test_rise_of_four_semitones_is_uptalk() -> None:
    t, f = contour(180, 180 * 2 ** (4 / 12), t0=0.4)  # only the end rises
    t = [i * 0.01 for i in range(40)] + t[1:]
    f = [180.0] * 40 + f[1:]
    assert count_uptalk(t, f, [1.0]) == 1


@pytest.mark.parametrize(("semitones", "expected"), [(1.0, 0), (2.5, 0), (4.5, 1), (8.0, 1)])
def test_rise_threshold(semitones: float, expected: int) -> None:
    # a steady glide over the 0.6 s window: its final third sits about half the glide above the
    # median of the rest, so the default 2-semitone threshold falls between 2.5 and 4.5
    t, f = contour(160, 160 * 2 ** (semitones / 12), t0=0.0, t1=0.6)
    assert count_uptalk(t, f, [0.6]) == expected
    assert count_uptalk(t, f, [0.6], UptalkSettings(rise_semitones=semitones / 4)) == 1


def test_only_statements_near_their_end_are_judged() -> None:
    t1, f1 = contour(150, 150, 0.0, 1.0)  # flat first statement
    t2, f2 = contour(150, 260, 1.0, 2.0)  # rising second statement
    t, f = t1 + t2[1:], f1 + f2[1:]
    assert count_uptalk(t, f, [1.0]) == 0
    assert count_uptalk(t, f, [2.0]) == 1
    assert count_uptalk(t, f, [1.0, 2.0]) == 1


def test_unvoiced_frames_are_ignored_and_too_few_means_no_judgement() -> None:
    t, f = contour(150, 300)
    sparse = [x if i % 20 == 0 else 0.0 for i, x in enumerate(f)]  # ~3 voiced frames per window
    assert count_uptalk(t, sparse, [1.0]) == 0
    with_nan = [math.nan if i % 2 else x for i, x in enumerate(f)]
    assert count_uptalk(t, with_nan, [1.0]) == 1


def test_no_statements_no_uptalk() -> None:
    t, f = contour(150, 300)
    assert count_uptalk(t, f, []) == 0
    assert count_uptalk([], [], [1.0]) == 0


# --- word-level figures ---------------------------------------------------------------------

@pytest.mark.parametrize(("word", "filler"), [
    ("Um,", True), ("uh", True), ("Ummm...", True), ("hmm", True), ("Hmmmm?", True), ("er", True),
    ("umbrella", False), ("under", False), ("her", False), ("like", False), ("", False),
    ("...", False),
])
def test_is_filler(word: str, filler: bool) -> None:
    assert is_filler(word) is filler


def test_longest_pause() -> None:
    ws = words(("a", 0.0, 0.3), ("b", 0.4, 0.8), ("c", 2.3, 2.6), ("d", 2.5, 2.9))
    assert longest_pause_s(ws) == pytest.approx(1.5)
    assert longest_pause_s(ws[:1]) == 0.0
    assert longest_pause_s(()) == 0.0


def test_statement_end_times() -> None:
    ws = words(("I", 0, 0.2), ("enjoyed", 0.2, 0.6), ("this.", 0.6, 1.0), ("What's", 1.2, 1.5),
               ("next?", 1.5, 1.9), ("Thanks", 2.0, 2.4), ("again", 2.4, 2.8))
    assert statement_end_times(ws) == [1.0, 2.8]
    assert statement_end_times(words(("Next?", 0, 1))) == []
    assert statement_end_times(words(("So", 0, 0.5), ("um", 0.5, 1))) == []


def test_measure_from_words_only() -> None:
    ws = words(("Um,", 1.0, 1.3), ("what's", 1.4, 1.7), ("the", 1.7, 1.8), ("next", 1.8, 2.1),
               ("step?", 2.1, 2.5), ("Uh,", 4.0, 4.3), ("thanks.", 4.4, 5.0))
    d = measure(None, Transcript("...", ws, duration_s=6.0))
    assert d.duration_s == 6.0
    assert d.speech_s == pytest.approx(4.0)
    assert d.words_per_minute == pytest.approx(7 * 60 / 4.0)
    assert d.filler_count == 2
    assert d.longest_pause_s == pytest.approx(1.5)
    assert (d.uptalk_count, d.statement_count) == (0, 1)


def test_measure_empty_transcript_and_audio_duration() -> None:
    d = measure(np.zeros(RATE * 2, np.float32), Transcript("", (), duration_s=None))
    assert (d.duration_s, d.speech_s, d.words_per_minute, d.filler_count, d.longest_pause_s) == (
        2.0, 0.0, 0.0, 0, 0.0)
    assert measure(None, Transcript("")).duration_s == 0.0


# --- the parselmouth adapter ------------------------------------------------------------------

def _glide(start_hz: float, end_hz: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    hz = start_hz * (end_hz / start_hz) ** (t / seconds)
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    return (0.3 * np.sin(phase) + 0.1 * np.sin(2 * phase)).astype(np.float32)


def test_pitch_track_follows_a_tone() -> None:
    times, f0 = pitch_track(_glide(200, 200, 1.0))
    voiced = [f for f in f0 if f > 0]
    assert len(times) == len(f0) > 50
    assert np.median(voiced) == pytest.approx(200, rel=0.03)


def test_measure_counts_a_rising_statement_end() -> None:
    flat, rising = _glide(160, 160, 1.2), _glide(160, 260, 1.2)
    audio = np.concatenate([flat, np.zeros(RATE // 2, np.float32), rising])
    ws = words(("This", 0.0, 0.5), ("is", 0.5, 0.8), ("flat.", 0.8, 1.2),
               ("This", 1.7, 2.2), ("rises.", 2.2, 2.9))
    d = measure(audio, Transcript("This is flat. This rises.", ws, duration_s=len(audio) / RATE))
    assert (d.uptalk_count, d.statement_count) == (1, 2)


# --- turns: speech only -----------------------------------------------------------------------

def test_a_long_silence_is_a_turn_boundary_not_a_pause() -> None:
    # two answers (a 2 s thinking pause inside the first), 12 s of interviewer between them
    ws = words(("I", 1.0, 1.2), ("led", 1.2, 1.6), ("it.", 1.6, 2.0), ("Then", 4.0, 4.4),
               ("shipped.", 4.4, 5.0), ("What's", 17.0, 17.4), ("next?", 17.4, 18.0))
    assert speech_turns(ws) == [(1.0, 5.0), (17.0, 18.0)]
    d = measure(None, Transcript("...", ws, duration_s=20.0))
    assert d.speech_s == pytest.approx(5.0)
    assert d.words_per_minute == pytest.approx(7 * 60 / 5.0)
    assert d.longest_pause_s == pytest.approx(2.0)
    assert longest_pause_s(ws, TurnSettings(turn_gap_s=20.0)) == pytest.approx(12.0)


@pytest.mark.parametrize(("gap", "turns"), [(4.9, 1), (5.0, 1), (5.1, 2)])
def test_turn_gap_threshold(gap: float, turns: int) -> None:
    ws = words(("a", 0.0, 1.0), ("b", 1.0 + gap, 2.0 + gap))
    assert len(speech_turns(ws)) == turns
    assert speech_seconds(ws) == pytest.approx(2.0 + gap if turns == 1 else 2.0)


def test_count_uptalk_does_not_depend_on_frame_order() -> None:
    t, f = contour(150, 260, 0.0, 1.0)
    assert count_uptalk(t[::-1], f[::-1], [1.0]) == count_uptalk(t, f, [1.0]) == 1
