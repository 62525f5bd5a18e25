"""The degradations measure what they claim: level, SNR, RT60, band edges, determinism.

The input is a seeded speech-like signal (harmonic bursts at a 120 Hz voice pitch with pauses
between them), so these tests need no TTS and run in well under a second.
"""

from __future__ import annotations

import numpy as np
import pytest

import degrade as dg

RATE = dg.RATE_HZ


def speechlike(seed: int = 1, seconds: float = 4.0) -> np.ndarray:
    """Syllable-like bursts of a 120 Hz harmonic voice (up to 7 kHz), 0.3 s pauses, 0.5 s pads."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    voice = sum(np.sin(2 * np.pi * 120 * k * t + rng.uniform(0, 6.3)) / k for k in range(1, 59))
    envelope = np.zeros_like(t)
    start = 0.5
    while start < seconds - 0.8:
        length = rng.uniform(0.15, 0.35)
        burst = (t >= start) & (t < start + length)
        envelope[burst] = np.sin(np.pi * (t[burst] - start) / length) * rng.uniform(0.5, 1.0)
        start += length + (0.3 if rng.uniform() < 0.3 else 0.05)
    audio = voice * envelope + 0.02 * rng.standard_normal(t.size) * envelope
    return (0.3 * audio / np.max(np.abs(audio))).astype(np.float32)


def band_energy(audio: np.ndarray, low: float, high: float) -> float:
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(audio.size, 1 / RATE)
    return float(spectrum[(freqs >= low) & (freqs < high)].sum())


def schroeder_rt60(ir: np.ndarray, rate: int = RATE) -> float:
    """RT60 from the backward-integrated energy decay, fitted between -5 and -25 dB (T20 x 3)."""
    energy = np.cumsum((ir.astype(np.float64) ** 2)[::-1])[::-1]
    decay_db = 10 * np.log10(energy / energy[0])
    fit = (decay_db <= -5) & (decay_db >= -25)
    slope, _ = np.polyfit(np.arange(ir.size)[fit] / rate, decay_db[fit], 1)
    return -60.0 / slope


def snr_db(speech: np.ndarray, noisy: np.ndarray) -> float:
    residual = noisy.astype(np.float64) - speech.astype(np.float64)
    return 10 * np.log10(dg.active_power(speech) / np.mean(residual**2))


@pytest.mark.parametrize("target", [-45.0, -30.0])
def test_quiet_sets_the_active_speech_level(target: float) -> None:
    out = dg.quiet(speechlike(), rms_dbfs=target)
    assert abs(dg.active_rms_dbfs(out) - target) < 0.5


def test_active_power_ignores_the_pauses() -> None:
    audio = speechlike()
    padded = np.concatenate([np.zeros(5 * RATE, np.float32), audio])
    assert abs(dg.active_rms_dbfs(padded) - dg.active_rms_dbfs(audio)) < 0.1


def test_clipped_drives_peaks_past_full_scale() -> None:
    audio = speechlike()
    out = dg.clipped(audio, drive_db=12.0)
    assert np.max(np.abs(out)) == pytest.approx(1.0)
    at_rail = np.mean(np.abs(out) >= 0.999)
    assert 0.001 < at_rail < 0.3, at_rail  # clipped peaks, not a square wave
    # below the knee the waveform is the input scaled by 12 dB over its peak
    gain = 10 ** (12 / 20) / np.max(np.abs(audio))
    small = np.abs(audio) * gain < 0.5
    assert np.allclose(out[small], audio[small] * gain, atol=1e-5)


@pytest.mark.parametrize("rt60", [0.3, 0.5, 0.8])
def test_room_impulse_response_decays_at_its_rt60(rt60: float) -> None:
    ir = dg.room_impulse_response(rt60, seed=7)
    assert schroeder_rt60(ir) == pytest.approx(rt60, rel=0.10)
    drr = 10 * np.log10(ir[0] ** 2 / np.sum(ir[1:] ** 2))
    assert 0.0 <= drr <= 3.0, drr


def test_echo_adds_a_tail_at_a_comparable_level() -> None:
    audio = speechlike()
    out = dg.echo(audio, rt60_s=0.5, seed=3)
    assert abs(dg.active_rms_dbfs(out) - dg.active_rms_dbfs(audio)) < 1.0
    silent_after = audio.size - int(0.45 * RATE)  # the 0.5 s trailing pad now rings
    tail = 10 * np.log10(np.mean(out[silent_after:silent_after + 800] ** 2) + 1e-20)
    assert tail > dg.active_rms_dbfs(audio) - 40, tail
    assert np.max(np.abs(out - audio)) > 0.01


@pytest.mark.parametrize("kind", ["pink", "babble"])
@pytest.mark.parametrize("target", [15.0, 5.0])
def test_noise_sits_at_its_snr(kind: str, target: float) -> None:
    audio = speechlike()
    out = dg.noise(audio, kind, snr_db=target, seed=11)
    assert abs(snr_db(audio, out) - target) < 0.5


def test_pink_noise_falls_3_db_per_octave() -> None:
    pink = dg.pink_noise(RATE * 8, seed=2)
    per_octave = [band_energy(pink, f, 2 * f) for f in (250, 500, 1000, 2000)]
    # 1/f power: every octave holds the same energy
    assert max(per_octave) / min(per_octave) < 10 ** (1.0 / 10)


def test_babble_is_speech_shaped_and_continuous() -> None:
    audio = speechlike()
    babble = dg.babble_noise(audio.size, [audio], seed=5)
    assert band_energy(babble, 100, 4000) > 10 * band_energy(babble, 4000, 8000)
    frames = babble[: babble.size // 320 * 320].reshape(-1, 320)
    frame_db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-20)
    assert frame_db.min() > -20, "babble has gaps"  # eight talkers fill each other's pauses


def test_babble_from_other_sources_differs() -> None:
    audio = speechlike(1)
    own = dg.noise(audio, "babble", seed=5)
    other = dg.noise(audio, "babble", seed=5, sources=[speechlike(2), speechlike(3)])
    assert not np.array_equal(own, other)


def test_phone_band_removes_lows_and_highs() -> None:
    audio = speechlike()
    out = dg.phone_band(audio)
    for low, high in ((0, 300), (3400, 8000)):
        drop = 10 * np.log10(band_energy(out, low, high) / band_energy(audio, low, high) + 1e-30)
        assert drop <= -20, (low, high, drop)
    kept = 10 * np.log10(band_energy(out, 500, 3000) / band_energy(audio, 500, 3000))
    assert kept > -1.0, kept


def test_combined_speech_is_quiet_and_noise_15_db_below() -> None:
    audio = speechlike()
    seed = 42
    out = dg.combined(audio, seed)
    speech = dg.quiet(dg.phone_band(dg.echo(audio, seed=seed)), -45.0)
    assert abs(dg.active_rms_dbfs(speech) + 45.0) < 0.5
    assert abs(snr_db(speech, out) - 15.0) < 0.5


def test_combined_uses_both_noise_kinds() -> None:
    assert {dg.combined_noise_kind(s) for s in range(4)} == {"pink", "babble"}


def test_registry_names() -> None:
    assert set(dg.DEGRADATIONS) == {"quiet", "clipped", "echo", "pink", "babble", "phone",
                                    "combined"}


@pytest.mark.parametrize("name", sorted(dg.DEGRADATIONS))
def test_degradations_are_deterministic_and_keep_the_shape(name: str) -> None:
    audio = speechlike()
    fn = dg.DEGRADATIONS[name]
    first, again = fn(audio, 123), fn(audio.copy(), 123)
    assert first.dtype == np.float32 and first.shape == audio.shape
    assert np.all(np.isfinite(first))
    assert first.tobytes() == again.tobytes()
    assert not np.array_equal(first, audio)
    if name in {"echo", "pink", "babble", "combined"}:
        assert first.tobytes() != fn(audio, 124).tobytes()


def test_silence_stays_finite() -> None:
    silence = np.zeros(RATE, np.float32)
    for name, fn in dg.DEGRADATIONS.items():
        assert np.all(np.isfinite(fn(silence, 1))), name


def test_stereo_is_refused() -> None:
    with pytest.raises(ValueError):
        dg.quiet(np.zeros((2, 100), np.float32))
