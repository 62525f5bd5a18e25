"""A small numpy pitch tracker (YIN) for the uptalk measure; no Praat needed at run time.

Method (de Cheveigné & Kawahara's YIN, vectorised over frames):
- 40 ms analysis window every 10 ms; the difference function d(tau) for all lags up to one period
  of the floor comes from FFT cross-correlation, and is normalised by its running mean (CMNDF).
- The pitch period is the first dip of the CMNDF below `dip_threshold` (the first dip, not the
  deepest, avoids octave-down errors; the deepest when there is none), refined by parabolic
  interpolation.
- Voicing with hysteresis (as Praat's path finder bridges weak frames): a frame is voiced when the
  CMNDF at its period is below `weak_threshold` and its run of such frames holds at least one frame
  below `voicing_threshold`; frames quieter than `silence_ratio` of the loudest are unvoiced.
- Jumps: a voiced frame more than `jump_octaves` from the median of its voiced neighbours is
  re-picked at the deepest CMNDF lag near that median (unvoiced if none is periodic enough);
  voiced runs shorter than `min_run_frames` are dropped as blips.
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
    weak_threshold: float = 0.6  # CMNDF (0..1) still voiced when next to voiced frames
    silence_ratio: float = 0.05  # frame RMS / loudest frame RMS below this = silent (unvoiced)
    smooth_frames: int = 7  # half-width of the neighbourhood for jump correction (frames)
    jump_octaves: float = 0.4  # further than this from the neighbourhood median = a jump (octaves)
    min_run_frames: int = 3  # shorter voiced runs are dropped as blips (frames)


@dataclass(frozen=True)
class _Geometry:
    rate: int  # samples per second
    window: int  # samples
    tau_min: int  # shortest lag looked at (samples)
    tau_max: int  # longest lag looked at (samples)


def track(audio: np.ndarray, rate: int, settings: PitchSettings = PitchSettings(),
          ) -> tuple[np.ndarray, np.ndarray]:
    """(frame centre times in s, f0 in Hz with 0 for unvoiced frames) of mono `audio`."""
    import numpy as np

    x = np.asarray(audio, dtype=np.float64).reshape(-1)
    geo = _Geometry(rate=rate, window=max(round(settings.window_s * rate), 2),
                    tau_min=max(int(rate / settings.ceiling_hz), 2),
                    tau_max=int(np.ceil(rate / settings.floor_hz)) + 1)
    hop = max(round(settings.hop_s * rate), 1)
    if len(x) < geo.window + geo.tau_min + 2:
        return np.zeros(0), np.zeros(0)
    n_frames = (len(x) - geo.window) // hop + 1  # frames run to the end, as Praat's do
    x = np.concatenate([x - x.mean(), np.zeros(geo.tau_max + 1)])  # lags past the end: silence
    starts = np.arange(n_frames) * hop
    times = (starts + geo.window / 2) / rate
    period = np.zeros(n_frames)
    depth = np.ones(n_frames)
    for lo in range(0, n_frames, _BLOCK_FRAMES):
        sl = slice(lo, lo + _BLOCK_FRAMES)
        period[sl], depth[sl] = _first_dip(_cmndf(x, starts[sl], geo), geo, settings)
    rms = _frame_rms(x, starts, geo.window)
    f0 = rate / np.maximum(period, 1.0)
    loud = rms >= settings.silence_ratio * rms.max()
    in_range = (f0 >= settings.floor_hz) & (f0 <= settings.ceiling_hz)
    voiced = _hysteresis(depth < settings.voicing_threshold,
                         (depth < settings.weak_threshold) & loud & in_range)
    f0 = np.where(voiced, f0, 0.0)
    f0 = _fix_jumps(f0, x, starts, geo, settings)
    return times, _drop_short_runs(f0, settings.min_run_frames)


def _frame_rms(x: np.ndarray, starts: np.ndarray, window: int) -> np.ndarray:
    import numpy as np

    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    return np.sqrt(np.maximum(energy[starts + window] - energy[starts], 0.0) / window)


def _cmndf(x: np.ndarray, starts: np.ndarray, geo: _Geometry) -> np.ndarray:
    """YIN's cumulative-mean-normalised difference, frames x lags 0..tau_max."""
    import numpy as np

    span = geo.window + geo.tau_max + 1
    frames = x[starts[:, None] + np.arange(span)[None, :]]
    n_fft = _fast_size(span)
    head = np.fft.rfft(frames[:, :geo.window], n_fft)
    whole = np.fft.rfft(frames, n_fft)
    corr = np.fft.irfft(np.conj(head) * whole, n_fft)[:, :geo.tau_max + 1]  # r(tau)
    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    at = starts[:, None] + np.arange(geo.tau_max + 1)[None, :]
    e_tau = energy[at + geo.window] - energy[at]  # energy of the window lagged by tau
    diff = np.maximum(e_tau[:, :1] + e_tau - 2.0 * corr, 0.0)
    lags = np.arange(geo.tau_max + 1)
    out = np.ones_like(diff)
    out[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(np.cumsum(diff[:, 1:], axis=1), 1e-12)
    return out


def _fast_size(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n (sizes pocketfft transforms fastest)."""
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            size = p35
            while size < n:
                size *= 2
            best = min(best, size)
            p35 *= 3
        p5 *= 5
    return best


def _refine(cmndf: np.ndarray, tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(period by parabolic interpolation around integer lags `tau`, CMNDF at `tau`)."""
    import numpy as np

    rows = np.arange(len(cmndf))
    a, b, c = cmndf[rows, tau - 1], cmndf[rows, tau], cmndf[rows, tau + 1]
    denom = a - 2.0 * b + c
    safe = np.where(np.abs(denom) > 1e-12, denom, 1.0)
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / safe, 0.0)
    return tau + np.clip(shift, -1.0, 1.0), b


def _first_dip(cmndf: np.ndarray, geo: _Geometry,
               settings: PitchSettings) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    lo, hi = geo.tau_min, geo.tau_max
    search = cmndf[:, lo:hi]  # lags tau_min .. tau_max-1; tau_max is only a right neighbour
    dip = ((search < settings.dip_threshold) & (search <= cmndf[:, lo - 1:hi - 1])
           & (search <= cmndf[:, lo + 1:hi + 1]))
    first = np.where(dip.any(axis=1), dip.argmax(axis=1), search.argmin(axis=1))
    return _refine(cmndf, first + lo)


def _hysteresis(strong: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """`weak` frames whose run of consecutive weak frames holds a `strong & weak` frame."""
    import numpy as np

    run_id = np.cumsum(np.concatenate([[True], weak[1:] != weak[:-1]]))
    has_strong = np.bincount(run_id, weights=(strong & weak).astype(float)) > 0
    return weak & has_strong[run_id]


def _fix_jumps(f0: np.ndarray, x: np.ndarray, starts: np.ndarray, geo: _Geometry,
               settings: PitchSettings) -> np.ndarray:
    """Re-pick voiced frames far from their voiced neighbourhood's median near that median."""
    import numpy as np

    k = settings.smooth_frames
    if k <= 0 or not (f0 > 0).any():
        return f0
    logf = np.where(f0 > 0, np.log2(np.where(f0 > 0, f0, 1.0)), np.nan)
    neigh = np.lib.stride_tricks.sliding_window_view(np.pad(logf, k, constant_values=np.nan),
                                                     2 * k + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-unvoiced neighbourhoods
        local = np.nanmedian(neigh, axis=1)
    bad = np.flatnonzero(np.abs(logf - local) > settings.jump_octaves)  # NaN compares False
    if bad.size == 0:
        return f0
    cmndf = _cmndf(x, starts[bad], geo)
    lags = np.arange(cmndf.shape[1])
    expected = geo.rate / 2.0 ** local[bad]
    near = np.abs(np.log2(lags[None, 1:] / expected[:, None])) <= settings.jump_octaves / 2
    near &= (lags[None, 1:] >= geo.tau_min) & (lags[None, 1:] < geo.tau_max)
    masked = np.where(near, cmndf[:, 1:], np.inf)
    tau = masked.argmin(axis=1) + 1
    ok = np.isfinite(masked.min(axis=1))
    period, value = _refine(cmndf, np.where(ok, tau, geo.tau_min))
    out = f0.copy()
    out[bad] = np.where(ok & (value < settings.weak_threshold), geo.rate / period, 0.0)
    return out


def _drop_short_runs(f0: np.ndarray, min_run: int) -> np.ndarray:
    import numpy as np

    voiced = (f0 > 0).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced, [0]])))
    out = f0.copy()
    for s, e in zip(edges[::2], edges[1::2], strict=True):
        if e - s < min_run:
            out[s:e] = 0.0
    return out
