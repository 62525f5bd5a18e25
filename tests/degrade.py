"""Bad microphones and rooms in numpy: the degradations of issue 7, seeded and deterministic.

Every function takes 16 kHz mono float32 and returns 16 kHz mono float32 of the same length, so the
degraded fixtures (tests/speech_fixtures.py) and scripts/bench.py can stack them freely. Randomness
comes only from `np.random.default_rng(seed)` with an explicit seed: the same seed gives the same
bytes on every machine, which is what lets a fixture cache be keyed by a hash of its inputs.

Levels are judged on *active* speech (`active_power`: 20 ms frames within 30 dB of the loudest),
the way a listener would: a clip with long pauses is not "quieter" than the same words said
without them. No scipy: the venv does not carry it, and FFT masks and FFT convolution are enough.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

RATE_HZ = 16_000
_FRAME_S = 0.02


def _mono(audio: np.ndarray) -> np.ndarray:
    """The input as a 1-D float32 array (a copy is not promised); anything else is a caller bug."""
    samples = np.asarray(audio, dtype=np.float32)
    if samples.ndim != 1:
        raise ValueError(f"expected mono samples, got shape {samples.shape}")
    return samples


def active_power(speech: np.ndarray, rate: int = RATE_HZ, frame_s: float = _FRAME_S,
                 floor_db: float = 30.0) -> float:
    """Mean power of the frames within `floor_db` of the loudest: the speech, not its pauses."""
    n = int(rate * frame_s)
    frames = np.asarray(speech)[: speech.size // n * n].astype(np.float64).reshape(-1, n)
    if frames.size == 0:
        return 0.0
    power = np.mean(frames**2, axis=1)
    active = power[power >= power.max() * 10 ** (-floor_db / 10)]
    return float(active.mean())


def active_rms_dbfs(speech: np.ndarray) -> float:
    """Active speech level in dBFS (RMS 1.0 is 0 dBFS)."""
    power = active_power(speech)
    return 10 * np.log10(power) if power > 0 else -np.inf


def quiet(audio: np.ndarray, rms_dbfs: float = -45.0) -> np.ndarray:
    """Scale so the active speech RMS is `rms_dbfs`: a laptop mic at arm's length."""
    samples = _mono(audio)
    power = active_power(samples)
    if power <= 0:
        return samples.copy()
    gain = np.sqrt(10 ** (rms_dbfs / 10) / power)
    return (samples.astype(np.float64) * gain).astype(np.float32)


def clipped(audio: np.ndarray, drive_db: float = 12.0) -> np.ndarray:
    """Peak at full scale, `drive_db` more gain, a hard clip: a mic gain set far too high."""
    samples = _mono(audio).astype(np.float64)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak <= 0:
        return samples.astype(np.float32)
    driven = samples / peak * 10 ** (drive_db / 20)
    return np.clip(driven, -1.0, 1.0).astype(np.float32)


def room_impulse_response(rt60_s: float, seed: int, rate: int = RATE_HZ,
                          drr_db: float = 1.5) -> np.ndarray:
    """A synthetic room: a direct impulse, a few early reflections, an exponential noise tail.

    The tail's energy falls 60 dB in `rt60_s` (amplitude envelope exp(-6.91 t / rt60)), which is
    what Schroeder integration measures back; reflections and tail together sit `drr_db` below
    the direct sound, a speaker about a metre from a laptop in an ordinary room.
    """
    rng = np.random.default_rng(seed)
    n = int(rt60_s * 1.2 * rate)  # past the -60 dB point, so the decay fit is not truncated
    t = np.arange(n) / rate
    reverb = rng.standard_normal(n) * np.exp(-6.91 * t / rt60_s)
    reverb[0] = 0.0
    for _ in range(5):  # early reflections off desk, walls and ceiling, 3-25 ms after the direct
        delay = int(rng.uniform(0.003, 0.025) * rate)
        envelope = np.exp(-6.91 * t[delay] / rt60_s)
        reverb[delay] += rng.choice([-1.0, 1.0]) * rng.uniform(0.3, 0.7) * envelope
    reverb *= np.sqrt(10 ** (-drr_db / 10) / np.sum(reverb**2))
    reverb[0] = 1.0
    return reverb


def _fft_convolve(signal: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Linear convolution through the FFT, truncated to the signal's length."""
    size = 1 << int(np.ceil(np.log2(max(signal.size + kernel.size - 1, 1))))
    out = np.fft.irfft(np.fft.rfft(signal, size) * np.fft.rfft(kernel, size), size)
    return out[: signal.size]


def echo(audio: np.ndarray, rt60_s: float = 0.5, seed: int = 0) -> np.ndarray:
    """Room echo (RT60 `rt60_s`), level-matched to the input so only the room changes."""
    samples = _mono(audio).astype(np.float64)
    if not samples.size:
        return samples.astype(np.float32)
    wet = _fft_convolve(samples, room_impulse_response(rt60_s, seed))
    before, after = active_power(samples), active_power(wet)
    if after > 0:
        wet *= np.sqrt(before / after)
    return wet.astype(np.float32)


def pink_noise(n: int, seed: int | list[int]) -> np.ndarray:
    """Unit-power 1/f noise: white noise whose spectrum is shaped by 1/sqrt(f), no DC."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    spectrum[0] = 0.0
    noise = np.fft.irfft(spectrum, n=n)
    return noise / np.sqrt(np.mean(noise**2))


def _active_only(speech: np.ndarray, floor_db: float = 30.0) -> np.ndarray:
    """The speech frames of a clip joined up (pauses dropped), so babble has no gaps."""
    n = int(RATE_HZ * _FRAME_S)
    frames = speech[: speech.size // n * n].astype(np.float64).reshape(-1, n)
    if not frames.size:
        return np.zeros(0)
    power = np.mean(frames**2, axis=1)
    return frames[power >= power.max() * 10 ** (-floor_db / 10)].reshape(-1)


def babble_noise(n: int, sources: list[np.ndarray], seed: int, talkers: int = 8) -> np.ndarray:
    """Unit-power speech-shaped babble: `talkers` reversed, re-pitched, shifted copies of `sources`.

    Reversed speech has speech's spectrum and rhythm but no words, so the model cannot pick up a
    key phrase from the crowd and change the labels; a +-15% speed change makes the copies
    different voices rather than one voice repeated.
    """
    rng = np.random.default_rng(seed)
    pool = [s for s in (_active_only(np.asarray(src)) for src in sources) if s.size]
    if not pool:
        return np.zeros(n)
    mix = np.zeros(n)
    for k in range(talkers):
        talker = pool[k % len(pool)][::-1]
        speed = rng.uniform(0.85, 1.15)
        positions = np.arange(0, talker.size - 1, speed)
        talker = np.interp(positions, np.arange(talker.size), talker)
        talker = np.tile(talker, n // max(talker.size, 1) + 2)
        start = int(rng.integers(0, max(talker.size - n, 1)))
        voice = talker[start: start + n]
        mix += voice / np.sqrt(np.mean(voice**2) + 1e-20) * 10 ** (rng.uniform(-3, 3) / 20)
    return mix / np.sqrt(np.mean(mix**2) + 1e-20)


def noise(audio: np.ndarray, kind: str = "pink", snr_db: float = 15.0, seed: int = 0,
          sources: list[np.ndarray] | None = None) -> np.ndarray:
    """Add pink or babble noise over the whole clip, `snr_db` below the active speech power.

    Babble is made from `sources` (other clips) when given, else from the clip's own speech.
    """
    samples = _mono(audio).astype(np.float64)
    if kind == "pink":
        background = pink_noise(samples.size, seed)
    elif kind == "babble":
        background = babble_noise(samples.size, sources or [samples], seed)
    else:
        raise ValueError(f"unknown noise kind {kind!r} (pink or babble)")
    level = np.sqrt(active_power(samples) / 10 ** (snr_db / 10))
    return (samples + background * level).astype(np.float32)


def band_mask(size: int, low_hz: float, high_hz: float, edge_hz: float = 100.0,
              rate: int = RATE_HZ) -> np.ndarray:
    """rFFT gain: 0 outside [low, high], 1 inside, raised-cosine ramps of `edge_hz` inside the band.

    The ramps sit inside the band so nothing below `low_hz` or above `high_hz` passes at all, and
    the soft edges keep the filter's ringing short (a hard brick rings for the whole clip).
    """
    freqs = np.fft.rfftfreq(size, 1 / rate)
    rise = np.clip((freqs - low_hz) / edge_hz, 0.0, 1.0)
    fall = np.clip((high_hz - freqs) / (2 * edge_hz), 0.0, 1.0)
    return (0.5 - 0.5 * np.cos(np.pi * rise)) * (0.5 - 0.5 * np.cos(np.pi * fall))


def phone_band(audio: np.ndarray, low_hz: float = 300.0, high_hz: float = 3400.0) -> np.ndarray:
    """A telephone or cheap headset mic: only `low_hz`-`high_hz` passes (FFT mask, soft edges)."""
    samples = _mono(audio).astype(np.float64)
    if not samples.size:
        return samples.astype(np.float32)
    spectrum = np.fft.rfft(samples) * band_mask(samples.size, low_hz, high_hz)
    return np.fft.irfft(spectrum, n=samples.size).astype(np.float32)


def combined_noise_kind(seed: int) -> str:
    """Which noise `combined` adds for `seed`: even seeds babble, odd seeds pink."""
    return "babble" if seed % 2 == 0 else "pink"


def combined(audio: np.ndarray, seed: int, rms_dbfs: float = -45.0,
             snr_db: float = 15.0) -> np.ndarray:
    """All of it: echo -> phone band -> noise at `snr_db` -> quiet at `rms_dbfs`.

    The final gain is taken from the speech before the noise, so the *speech* sits at `rms_dbfs`
    with the noise `snr_db` below it; measured on the noisy sum, the noise-only pads would pull
    the "active" level down and the speech would end up louder than asked.
    """
    speech = phone_band(echo(audio, seed=seed)).astype(np.float64)
    noisy = noise(speech, combined_noise_kind(seed), snr_db, seed + 1).astype(np.float64)
    power = active_power(speech)
    if power <= 0:
        return noisy.astype(np.float32)
    return (noisy * np.sqrt(10 ** (rms_dbfs / 10) / power)).astype(np.float32)


Degradation = Callable[[np.ndarray, int], np.ndarray]

DEGRADATIONS: dict[str, Degradation] = {
    "quiet": lambda audio, seed: quiet(audio),
    "clipped": lambda audio, seed: clipped(audio),
    "echo": lambda audio, seed: echo(audio, seed=seed),
    "pink": lambda audio, seed: noise(audio, "pink", seed=seed),
    "babble": lambda audio, seed: noise(audio, "babble", seed=seed),
    "phone": lambda audio, seed: phone_band(audio),
    "combined": combined,
}
