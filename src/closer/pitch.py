"""A small numpy pitch tracker (YIN) for the uptalk measure; no Praat needed at run time.

Method (de Cheveigné & Kawahara's YIN, vectorised over frames):
- 40 ms analysis window every 10 ms; the difference function d(tau) for all lags up to one period
  of the floor comes from FFT cross-correlation, and is normalised by its running mean (CMNDF).
- The pitch period is the first dip of the CMNDF below `dip_threshold` (the first dip, not the
  deepest, avoids octave-down errors; the deepest when there is none), refined by parabolic
  interpolation.
- A frame is voiced when the CMNDF at that period is below `voicing_threshold` and its RMS is at
  least `silence_ratio` of the loudest frame's RMS.
- Octave jumps: a voiced frame about an octave away from the median of its
  voiced neighbours is moved to that neighbourhood; voiced runs shorter than `min_run_frames` are
  dropped as blips.
Checked against praat-parselmouth in tests/test_pitch.py (tones, chirps, espeak-ng speech).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

_BLOCK_FRAMES = 512  # frames analysed at once (bounds memory on long recordings)


@dataclass(frozen=True)
class PitchSettings:
    floor_hz: float = 75.0  # lowest pitch looked for
    ceiling_hz: float = 500.0  # highest pitch looked for
    window_s: float = 0.04  # analysis window (seconds); >= 3 periods of the floor is safest
    hop_s: float = 0.01  # time step between frames (seconds)
    dip_threshold: float = 0.2  # period = first CMNDF dip below this (0..1), else the deepest
    voicing_threshold: float = 0.45  # CMNDF at the period (0..1) below which a frame is voiced
    silence_ratio: float = 0.05  # frame RMS / loudest frame RMS below this = silent (unvoiced)
    smooth_frames: int = 7  # half-width of the neighbourhood for octave-jump correction (frames)
    min_run_frames: int = 3  # shorter voiced runs are dropped as blips (frames)


def track(audio: np.ndarray, rate: int, settings: PitchSettings = PitchSettings(),
          ) -> tuple[np.ndarray, np.ndarray]:
    """(frame centre times in s, f0 in Hz with 0 for unvoiced frames) of mono `audio`."""
    import numpy as np

    x = np.asarray(audio, dtype=np.float64).reshape(-1)
    window = max(round(settings.window_s * rate), 2)
    hop = max(round(settings.hop_s * rate), 1)
    tau_min = max(int(rate / settings.ceiling_hz), 2)
    tau_max = int(np.ceil(rate / settings.floor_hz)) + 1
    if len(x) < window + tau_min + 2:
        return np.zeros(0), np.zeros(0)
    n_frames = (len(x) - window) // hop + 1  # frames run to the end, as Praat's do
    x = np.concatenate([x - x.mean(), np.zeros(tau_max + 1)])  # lags past the end see silence
    starts = np.arange(n_frames) * hop
    times = (starts + window / 2) / rate
    period = np.zeros(n_frames)
    depth = np.ones(n_frames)
    for lo in range(0, n_frames, _BLOCK_FRAMES):
        sl = slice(lo, lo + _BLOCK_FRAMES)
        period[sl], depth[sl] = _yin_block(x, starts[sl], window, tau_min, tau_max, settings)
    rms = _frame_rms(x, starts, window)
    voiced = (depth < settings.voicing_threshold) & (rms >= settings.silence_ratio * rms.max())
    f0 = np.where(voiced, rate / np.maximum(period, 1.0), 0.0)
    f0 = _fix_octaves(f0, settings)
    f0 = _drop_short_runs(f0, settings.min_run_frames)
    return times, f0


def _frame_rms(x: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    import numpy as np

    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    return np.sqrt(np.maximum(energy[starts + window] - energy[starts], 0.0) / window)


def _yin_block(x: np.ndarray, starts: np.ndarray, window: int, tau_min: int, tau_max: int,
               settings: PitchSettings) -> tuple[np.ndarray, np.ndarray]:
    """(period in samples, CMNDF value there) for frames starting at `starts`."""
    import numpy as np

    span = window + tau_max + 1
    frames = x[starts[:, None] + np.arange(span)[None, :]]
    n_fft = 1 << int(np.ceil(np.log2(span)))
    head = np.fft.rfft(frames[:, :window], n_fft)
    whole = np.fft.rfft(frames, n_fft)
    corr = np.fft.irfft(np.conj(head) * whole, n_fft)[:, :tau_max + 1]  # r(tau), tau = 0..tau_max
    sq = np.concatenate([np.zeros((len(frames), 1)), np.cumsum(frames * frames, axis=1)], axis=1)
    lags = np.arange(tau_max + 1)
    e_tau = sq[:, lags + window] - sq[:, lags]  # energy of the lagged window
    diff = np.maximum(e_tau[:, :1] + e_tau - 2.0 * corr, 0.0)
    running = np.cumsum(diff[:, 1:], axis=1)
    cmndf = np.ones_like(diff)
    cmndf[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(running, 1e-12)
    cmndf[:, 0] = 1.0

    search = cmndf[:, tau_min:tau_max]  # lags tau_min .. tau_max-1; tau_max is the right neighbour
    left = cmndf[:, tau_min - 1:tau_max - 1]
    right = cmndf[:, tau_min + 1:tau_max + 1]
    dip = (search < settings.dip_threshold) & (search <= left) & (search <= right)
    first = np.where(dip.any(axis=1), dip.argmax(axis=1), search.argmin(axis=1))
    rows = np.arange(len(frames))
    tau = first + tau_min
    value = cmndf[rows, tau]
    # parabolic interpolation around the chosen lag
    a, b, c = cmndf[rows, tau - 1], value, cmndf[rows, tau + 1]
    denom = a - 2.0 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / np.where(denom == 0, 1.0, denom), 0.0)
    period = tau + np.clip(shift, -1.0, 1.0)
    return period, value


def _fix_octaves(f0: np.ndarray, settings: PitchSettings) -> np.ndarray:
    """Move voiced frames that sit an octave away from their voiced neighbourhood's median."""
    import numpy as np

    k = settings.smooth_frames
    if k <= 0 or not (f0 > 0).any():
        return f0
    logf = np.where(f0 > 0, np.log2(np.where(f0 > 0, f0, 1.0)), np.nan)
    padded = np.pad(logf, k, constant_values=np.nan)
    neigh = np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-unvoiced neighbourhoods
        local = np.nanmedian(neigh, axis=1)
    out = logf.copy()
    for octaves in (1.0, -1.0):
        off = logf - local
        jumped = np.abs(off - octaves) < 0.3  # about a tritone of slack around the octave
        out = np.where(jumped, logf - octaves, out)
    lo, hi = np.log2(settings.floor_hz), np.log2(settings.ceiling_hz)
    out = np.where((out >= lo) & (out <= hi), out, logf)
    return np.where(np.isnan(out), 0.0, 2.0 ** np.nan_to_num(out))


def _drop_short_runs(f0: np.ndarray, min_run: int) -> np.ndarray:
    import numpy as np

    voiced = (f0 > 0).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced, [0]])))
    starts, ends = edges[::2], edges[1::2]
    out = f0.copy()
    for s, e in zip(starts, ends, strict=True):
        if e - s < min_run:
            out[s:e] = 0.0
    return out
