"""`closer mic-check`: the pure decision over chunk levels, and the command through an array mic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from closer import cli
from closer.audio import mic
from closer.commands.devices import LevelThresholds, judge_mic
from fakes import ArrayMicrophone

T = LevelThresholds()


def take(floor: float, speech: float | None, n_floor: int = 60, n_speech: int = 40,
         peak: float = 0.3, clipped: int = 0) -> tuple[list[float], list[float]]:
    rms = [floor] * n_floor + ([speech] * n_speech if speech is not None else [])
    peaks = [peak] * (len(rms) - clipped) + [1.0] * clipped
    return rms, peaks


@pytest.mark.parametrize(("floor", "speech", "clipped", "verdict"), [
    (-75.0, -45.0, 0, "ok"),  # a quiet but clear laptop mic passes
    (-70.0, -20.0, 0, "ok"),
    (-90.0, -55.0, 0, "ok"),  # faint but 35 dB clear of the room: the gain lifts it
    (-100.0, -80.0, 0, "silent"),
    (-65.0, None, 0, "no_speech"),  # only the room, nobody spoke
    (-80.0, None, 0, "silent"),  # a dead-quiet input with nothing in it
    (-35.0, None, 0, "no_speech"),
    (-60.0, -15.0, 10, "clipping"),
    (-60.0, -15.0, 1, "ok"),  # one clipped chunk in 100 is not clipping
    (-90.0, -62.0, 0, "faint"),  # beyond what the gain can lift
    (-50.0, -42.0, 0, "no_speech"),  # 8 dB: nothing stands out of the floor by 10 dB
    (-40.0, -29.0, 0, "noisy"),  # 11 dB SNR, speech at a working level: a quieter room
    (-55.0, -44.0, 0, "noisy"),  # 11 dB SNR with faint speech: move closer
])
def test_judge_mic(floor, speech, clipped, verdict):
    report = judge_mic(*take(floor, speech, clipped=clipped))
    assert report.verdict == verdict, report.sentence
    assert report.passed == (verdict == "ok")
    assert report.sentence.endswith(".") and "\n" not in report.sentence
    assert report.floor_dbfs == pytest.approx(floor, abs=0.5)
    if verdict in ("ok", "noisy", "faint"):
        assert report.speech_dbfs == pytest.approx(speech)
        assert report.snr_db == pytest.approx(speech - floor)
        assert f"SNR {speech - floor:.0f} dB" in report.sentence


def test_advice_names_the_fix():
    assert "quieter room" in judge_mic(*take(-40.0, -29.0)).sentence
    assert "move closer" in judge_mic(*take(-55.0, -44.0)).sentence
    assert "raise the input gain" in judge_mic(*take(-90.0, -62.0)).sentence
    assert "lower its input gain" in judge_mic(*take(-60.0, -15.0, clipped=10)).sentence


def test_no_chunks_is_silent():
    report = judge_mic([], [])
    assert report.verdict == "silent" and report.floor_dbfs is None and report.snr_db is None


@pytest.mark.parametrize(("floor", "snr", "share"), list(itertools.product(
    [-100.0, -90.0, -80.0, -70.0, -60.0, -50.0, -40.0, -30.0],
    [0.0, 5.0, 9.0, 11.0, 13.0, 20.0, 30.0, 45.0],
    [0.05, 0.3, 0.6])))
def test_every_combination_gives_one_consistent_verdict(floor, snr, share):
    n = 100
    n_speech = round(n * share)
    rms, peaks = take(floor, floor + snr, n - n_speech, n_speech)
    report = judge_mic(rms, peaks)
    speech = floor + snr
    heard = snr >= T.speech_margin_db and n_speech * 0.032 >= T.min_speech_s
    if max(rms) < T.silent_dbfs:
        expected = "silent"
    elif not heard:
        expected = "no_speech"
    elif speech < T.too_faint_dbfs:
        expected = "faint"
    elif snr < T.min_snr_db:
        expected = "noisy"
    else:
        expected = "ok"
    assert report.verdict == expected, (floor, snr, share, report.sentence)


def test_thresholds_are_honoured():
    rms, peaks = take(-75.0, -45.0)
    assert judge_mic(rms, peaks, LevelThresholds(min_snr_db=40.0)).verdict == "noisy"
    assert judge_mic(rms, peaks, LevelThresholds(too_faint_dbfs=-40.0)).verdict == "faint"


# --- the command, through an array microphone ------------------------------------------------

def said(speech_dbfs: float, floor_dbfs: float, seconds: float = 3.0) -> np.ndarray:
    rng = np.random.default_rng(11)
    n = int(seconds * 16000)
    t = np.arange(n) / 16000
    voice = np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 3 * t) > 0) * (t > 1.0)
    voice *= 10 ** (speech_dbfs / 20) * np.sqrt(2)
    return (voice + rng.normal(0, 10 ** (floor_dbfs / 20), n)).astype(np.float32)


@pytest.mark.parametrize(("speech", "floor", "code", "words"), [
    (-45.0, -75.0, 0, ("fine", "SNR 30 dB")),  # quiet but clear
    (-20.0, -70.0, 0, ("fine",)),
    (-30.0, -38.0, 1, ("Only background",)),
    (-29.0, -40.0, 1, ("quieter room",)),
])
def test_mic_check_command(monkeypatch, capsys, speech, floor, code, words):
    audio = said(speech, floor)
    monkeypatch.setattr(mic, "make_microphone", lambda wanted: ArrayMicrophone(audio))
    assert cli.main(["mic-check", "--seconds", "3"]) == code
    out = capsys.readouterr().out
    assert all(w in out for w in words), out
    assert out.count("\n") == 1
