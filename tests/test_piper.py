"""Piper's joe voice, rendered for real from the package's files (no network): every interviewer
line of prompts/ synthesizes and transcribes back to its words, the pace follows --rate as
espeak-ng's does, questions end as questions, sentences are apart, pieces come as they are made.

Rendered lines are kept in the product's own voice cache under tests/.cache/voices (or
$CLOSER_TEST_CACHE), keyed by everything that shapes them, so only the first run pays Piper.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

import numpy as np
import pytest

import audio_fixtures
from closer import prompts
from closer.audio.decode import resample
from closer.settings import SAMPLE_RATE_HZ, TtsSettings
from closer.speech import piper
from closer.speech.cache import VoiceCache
from closer.speech.tts import Speech

GOAL_WER = 0.10
_NUMBERS = {"2": "two", "3": "three", "1": "one", "4": "four", "5": "five", "b2b": "b to b"}


# What a scenario fills into the [scenario] lines (prompts/interviewer.toml), for the voice tests.
SCENARIO_SAMPLE = {"role": "data engineer", "company": "Acme Analytics", "name": "Dana Whitfield",
                   "title": "head of data", "next_step": "a panel interview with the CTO"}


def interviewer_lines() -> list[str]:
    """Every line the interviewer can say (prompts/interviewer.toml), `{skill}` filled in with
    each skill and a scenario's slots with SCENARIO_SAMPLE."""
    spec = prompts.load("interviewer")
    skills = spec["skills"]
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "skills":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and "{skill}" in node:
            out.extend(node.format(skill=s) for s in skills)
        elif isinstance(node, str):
            out.append(node.format(**SCENARIO_SAMPLE))  # the [scenario] lines, filled in

    walk(spec)
    return out


@lru_cache(maxsize=4)
def speech(rate_wpm: int = 160, voice: str = "piper") -> Speech:
    cache = VoiceCache(audio_fixtures.cache_root() / "voices", limit_files=2000)
    return Speech(TtsSettings(rate_wpm=rate_wpm, voice=voice), cache=cache)


def words(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    tokens = re.findall(r"[a-z0-9']+", text)
    return " ".join(_NUMBERS.get(t, t) for t in tokens).split()


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def loud_frames(samples: np.ndarray, rate: int, below_peak_db: float = 35.0) -> np.ndarray:
    """Which 10 ms frames are within `below_peak_db` of the loudest (True: sound)."""
    n = rate // 100
    frames = samples[: samples.size // n * n].reshape(-1, n)
    power = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return power > power.max() * 10 ** (-below_peak_db / 20)


def span_s(samples: np.ndarray, rate: int) -> float:
    """First to last sound of a line, seconds."""
    loud = np.flatnonzero(loud_frames(samples, rate))
    return (loud[-1] - loud[0] + 1) / 100


def test_every_prompt_line_is_spoken_by_joe() -> None:
    lines = interviewer_lines()
    assert len(lines) > 40 and not any("{" in line for line in lines)
    for line in lines:
        samples, rate = speech().render(line)
        assert rate == 22_050 and samples.dtype == np.float32
        seconds = span_s(samples, rate)
        assert 0.15 * len(line.split()) < seconds < 0.6 * len(line.split()) + 0.5, line
        assert float(np.abs(samples).max()) <= piper.PEAK + 0.01  # headroom for resampling


@pytest.mark.model
def test_interviewer_lines_transcribe_back_to_their_words(transcriber) -> None:
    errors = total = 0
    worst: list[tuple[float, str, str]] = []
    pad = np.zeros(SAMPLE_RATE_HZ // 4, np.float32)
    for line in interviewer_lines():
        samples, rate = speech().render(line)
        heard = transcriber.transcribe(np.concatenate([pad, resample(samples, rate,
                                                                     SAMPLE_RATE_HZ), pad]))
        said, got = words(line), words(heard.text)
        errors += edit_distance(said, got)
        total += len(said)
        worst.append((edit_distance(said, got) / len(said), line, heard.text))
    wer = errors / total
    worst.sort(reverse=True)
    assert wer <= GOAL_WER, f"WER {wer:.1%} over {total} words; worst: {worst[:3]}"


def test_rate_means_the_same_words_a_minute_as_espeak() -> None:
    lines = interviewer_lines()[:12]
    for rate_wpm in (130, 200):
        paces = []
        for voice in ("piper", "espeak"):
            seconds = sum(span_s(*speech(rate_wpm, voice).render(line)) for line in lines)
            paces.append(sum(len(line.split()) for line in lines) / seconds * 60)
        piper_wpm, espeak_wpm = paces
        assert piper_wpm == pytest.approx(espeak_wpm, rel=0.12), (rate_wpm, paces)
    assert piper.length_scale(130) > piper.length_scale(160) > piper.length_scale(200)
    assert piper.LENGTH_SCALE_LIMITS[0] == piper.length_scale(10_000)


OCTAVE_FOLD = 1.8  # a frame this far above the line's median pitch is an octave error


@lru_cache(maxsize=8)
def _mean_render(text: str) -> tuple[np.ndarray, int]:
    """joe's line with Piper's sampling noise off: the voice's mean prosody, the same on every
    run. The product's renders sample noise (VITS), which moves a line's final pitch by about
    10 % from one render to the next (a cached statement once read 93 Hz against 87 Hz for its
    question), too much for a fixed margin on a single render."""
    from piper import SynthesisConfig

    from closer.speech import voices

    voice = voices.default_piper()
    assert voice is not None, "joe's voice package is part of the pinned dependencies"
    engine = piper.PiperEngine(voice, rate_wpm=160, volume=1.0)
    config = SynthesisConfig(length_scale=engine.length_scale, volume=piper.PEAK,
                             noise_scale=0.0, noise_w_scale=0.0)
    chunks = engine.wait().synthesize(text, syn_config=config)
    return np.concatenate([c.audio_float_array for c in chunks]), engine.rate_hz


def _final_pitch(text: str) -> float:
    from closer.audio.pitch import PitchSettings, track

    samples, rate = _mean_render(text)
    _times, f0 = track(samples, rate, PitchSettings(ceiling_hz=260.0))
    voiced = f0[f0 > 0]
    # A creaky final syllable can make the tracker jump an octave up (233 Hz for joe's ~100 Hz
    # statement ending, seen once in a fresh clone): fold such frames back down before reading.
    median = float(np.median(voiced))
    voiced = np.where(voiced > OCTAVE_FOLD * median, voiced / 2, voiced)
    return float(np.median(voiced[-max(8, voiced.size // 6):]))


def test_a_yes_no_question_ends_higher_than_the_statement() -> None:
    # Measured with the noise off: 105 against 88 Hz and 100 against 82 Hz (ratios 1.19, 1.22).
    for text in ("Is there anything you'd like to ask me", "Do you have any questions for me"):
        assert _final_pitch(text + "?") > 1.08 * _final_pitch(text + "."), text


def test_sentences_are_apart_and_the_first_sound_is_not_late() -> None:
    samples, rate = speech().render("That's all I had. What questions do you have for me?")
    loud = loud_frames(samples, rate, below_peak_db=40.0)
    on = np.flatnonzero(loud)
    assert on[0] <= 12  # Piper's own lead-in, not a gap before the line (10 ms frames)
    gaps = np.diff(on)
    assert (gaps.max() - 1) / 100 >= 0.3  # a pause between the sentences
    one, _ = speech().render("That's all I had.")
    assert np.max(np.diff(np.flatnonzero(loud_frames(one, rate, 40.0)))) - 1 < 25  # none inside


def test_long_sentences_are_made_in_clauses_and_questions_kept() -> None:
    text = ("For example: Based on what we've talked about today, is there any reason why you "
            "wouldn't feel comfortable passing me on to the next round?")
    pieces = piper.pieces(text)
    assert [p for p, _ in pieces] == [
        "For example: Based on what we've talked about today,",
        "is there any reason why you wouldn't feel comfortable passing me on to the next round?"]
    assert [new for _, new in pieces] == [True, False]
    assert all(len(p.split()) <= piper.MAX_WORDS for p, _ in pieces)
    assert piper.pieces("That's all I had. What questions do you have for me?") == [
        ("That's all I had.", True), ("What questions do you have for me?", True)]
    assert piper.pieces("Short, with a comma, stays whole.") == [
        ("Short, with a comma, stays whole.", True)]


def test_the_first_sentence_comes_before_the_rest_is_made() -> None:
    fresh = Speech(TtsSettings(voice="piper"), cache=None)
    fresh.ready()
    text = ("We still have two candidates to talk to this week. I'll share feedback with the "
            "recruiter after that. Then we decide.")
    start = time.monotonic()
    stream = fresh.stream(text)
    next(stream)
    first = time.monotonic() - start
    rest = sum(1 for _ in stream)
    whole = time.monotonic() - start
    assert rest == 2 and first < 0.6 * whole
