"""closer.audio.gain: the gain decision (pure), batch normalisation and the streaming tracker."""

from __future__ import annotations

import numpy as np
import pytest

from closer.audio.gain import (
    SILENT_DBFS,
    GainSettings,
    GainTracker,
    decide,
    frame_levels,
    measure,
    normalize,
)

RATE = 16_000


def dbfs(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(np.square(x, dtype=np.float64))))


def voice(rms_dbfs: float, seconds: float = 2.0, seed: int = 0) -> np.ndarray:
    """Syllable-like bursts (a 4 Hz on/off envelope over a harmonic tone) at an active RMS."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((140, 280, 420, 700), 1))
    envelope = (np.sin(2 * np.pi * 4 * t) > 0).astype(float)
    x = tone * envelope
    active = x[envelope > 0]
    return (x * 10 ** (rms_dbfs / 20) / np.sqrt(np.mean(active**2))).astype(np.float32)


def room(seconds: float, level_dbfs: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * RATE)) * 10 ** (level_dbfs / 20)).astype(np.float32)


def speech_in_room(speech_dbfs: float, floor_dbfs: float) -> np.ndarray:
    s = voice(speech_dbfs)
    pad = np.zeros(RATE, np.float32)
    clean = np.concatenate([pad, s, pad])
    return clean + room(len(clean) / RATE, floor_dbfs)


# --- decide (pure) ---------------------------------------------------------------------------

def test_nothing_or_digital_silence_is_left_alone() -> None:
    assert decide(np.zeros(0), SILENT_DBFS).gain_db == 0.0
    assert decide(np.full(50, SILENT_DBFS), SILENT_DBFS).gain_db == 0.0


@pytest.mark.parametrize(("speech", "floor", "gain"), [
    (-45.0, -80.0, 25.0),  # a quiet laptop mic in a quiet room: up to the target
    (-20.0, -70.0, 0.0),  # already at the target
    (-10.0, -60.0, -10.0),  # a hot mic comes down
    (-75.0, -100.0, 40.0),  # capped at +40 dB
    (-45.0, -58.0, 18.0),  # a noisy quiet mic: the floor may only rise to -40 dBFS
    (-25.0, -38.0, 0.0),  # noisy speech at a working level: no lift and no cut
])
def test_speech_gain(speech: float, floor: float, gain: float) -> None:
    levels = np.array([floor] * 30 + [speech] * 30)
    got = decide(levels, peak_dbfs=speech + 6)
    assert got.speech_dbfs == pytest.approx(speech)
    assert got.floor_dbfs == pytest.approx(floor)
    assert got.gain_db == pytest.approx(gain)


def test_peaks_limit_the_gain() -> None:
    levels = np.array([-80.0] * 30 + [-45.0] * 30)
    assert decide(levels, peak_dbfs=-10.0).gain_db == pytest.approx(9.0)  # peak to -1 dBFS


@pytest.mark.parametrize("floor", [-90.0, -60.0, -40.0, -20.0, -5.0])
def test_noise_only_is_never_lifted(floor: float) -> None:
    levels = floor + np.random.default_rng(0).uniform(-2, 2, 100)  # no frame stands out
    got = decide(levels, peak_dbfs=floor + 10)
    assert got.speech_dbfs is None and got.snr_db is None
    assert got.gain_db <= 0.0
    assert floor + got.gain_db <= max(floor, -40.0) + 2.5


def test_idle_lift_for_the_live_path_stays_below_speech_level() -> None:
    settings = GainSettings(idle_floor_dbfs=-55.0)
    got = decide(np.full(50, -85.0), -80.0, settings)
    assert got.gain_db == pytest.approx(30.0)  # the floor to -55 dBFS, far below -20 speech
    assert decide(np.full(50, -30.0), -20.0, settings).gain_db == pytest.approx(-20.0)  # min gain


def test_too_little_speech_is_noise() -> None:
    levels = np.array([-70.0] * 100 + [-30.0] * 3)  # 3 frames (~0.1 s): a click, not speech
    assert decide(levels, -25.0).speech_dbfs is None


def test_frame_levels() -> None:
    x = np.concatenate([np.zeros(512), np.full(512, 0.1), np.full(300, 0.1)])
    part = -20 + 10 * np.log10(300 / 512)  # a trailing part frame, zero-padded
    assert frame_levels(x).tolist() == pytest.approx([SILENT_DBFS, -20.0, part])
    assert frame_levels(np.zeros(100)).size == 0


# --- normalize (batch) -----------------------------------------------------------------------

@pytest.mark.parametrize(("speech", "floor"), [(-45.0, -75.0), (-30.0, -70.0), (-12.0, -60.0)])
def test_normalize_brings_speech_to_the_target(speech: float, floor: float) -> None:
    audio = speech_in_room(speech, floor)
    out, gain = normalize(audio)
    assert out.dtype == np.float32 and out.shape == audio.shape
    assert gain == pytest.approx(-20.0 - measure(audio).speech_dbfs, abs=0.1)
    assert measure(out).speech_dbfs == pytest.approx(-20.0, abs=1.0)


@pytest.mark.parametrize("level", [-80.0, -60.0, -45.0, -30.0, -10.0])
def test_normalize_never_lifts_noise(level: float) -> None:
    noise = room(4.0, level, seed=7)
    out, gain = normalize(noise)
    assert gain <= 0.0
    assert dbfs(out) <= max(level, -40.0) + 1.0


def test_normalize_keeps_clipped_speech_in_range() -> None:
    hot = np.clip(voice(-3.0) * 4, -1, 1)
    out, gain = normalize(hot)
    assert gain < 0 and np.abs(out).max() <= 1.0


# --- GainTracker (streaming) -----------------------------------------------------------------

def stream(tracker: GainTracker, audio: np.ndarray, chunk: int = 512) -> np.ndarray:
    return np.concatenate([tracker.process(audio[i:i + chunk])
                           for i in range(0, len(audio), chunk)])


def test_tracker_lifts_a_quiet_voice_within_half_a_second() -> None:
    audio = speech_in_room(-45.0, -75.0)
    tracker = GainTracker()
    out = stream(tracker, audio)
    speech = slice(RATE + RATE // 2, 3 * RATE)  # from 0.5 s into the speech
    assert measure(out[speech]).speech_dbfs == pytest.approx(-20.0, abs=3.0)
    assert tracker.floor_dbfs == pytest.approx(-75.0, abs=2.0)
    assert tracker.heard_s == pytest.approx(4.0, abs=0.05)


@pytest.mark.parametrize("level", [-85.0, -60.0, -40.0, -20.0])
def test_tracker_keeps_noise_below_speech_level(level: float) -> None:
    out = stream(GainTracker(), room(6.0, level, seed=3))
    assert dbfs(out[RATE:]) <= max(-50.0, min(level, -40.0)) + 1.0


def test_tracker_is_deterministic_and_resets() -> None:
    audio = speech_in_room(-40.0, -70.0)
    tracker = GainTracker()
    first = stream(tracker, audio)
    tracker.reset()
    assert tracker.gain_db == 0.0
    np.testing.assert_array_equal(stream(tracker, audio), first)


def test_tracker_attack_is_fast_and_release_slower() -> None:
    tracker = GainTracker(GainSettings(attack_s=0.05, release_s=0.3))
    stream(tracker, speech_in_room(-45.0, -75.0))  # gain near +25 dB
    before = tracker.gain_db
    tracker.process(voice(-5.0, seconds=0.2)[:512])  # suddenly loud
    assert tracker.gain_db < before - 5.0


def test_leading_digital_silence_does_not_set_the_floor() -> None:
    """A mic that starts with exact zeros (a device starting, a page's mic before the browser
    feeds it) then gives the room's hum: the floor is the hum, not -100 dBFS."""
    zeros = np.zeros(4 * RATE, np.float32)
    tracker = GainTracker()
    out = stream(tracker, np.concatenate([zeros, speech_in_room(-25.0, -73.0)]))
    assert tracker.floor_dbfs == pytest.approx(-73.0, abs=2.0)
    assert tracker.heard_s == pytest.approx(4.0, abs=0.05)  # the zeros are not history
    np.testing.assert_array_equal(out[: 4 * RATE], 0.0)


def test_digital_silence_after_sound_still_counts() -> None:
    """A gate that closes between words sends zeros in the pauses: those are the floor."""
    gated = voice(-25.0, seconds=4.0)  # the envelope's off half is exact zeros
    tracker = GainTracker()
    stream(tracker, gated)
    assert tracker.floor_dbfs == SILENT_DBFS
