"""How the last words were said: pitch movement and energy decay at the end of speech.

A finished sentence usually ends on a clear pitch movement (falling, or rising on a yes/no
question) and fades out; a voice that stops mid-thought often holds its pitch and stops at full
strength. Pure numpy over the last fraction of a second of audio, cheap enough to run at every
pause of a live answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer.settings import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class ProsodySettings:
    window_s: float = 0.6  # seconds of speech before the voice ended that are inspected
    frame_s: float = 0.05  # seconds per energy frame
    min_voiced_frames: int = 6  # 10 ms pitch frames needed to judge the pitch movement


@dataclass(frozen=True)
class Ending:
    """The end of the last words."""

    pitch_change_st: float | None  # final third vs the rest, semitones; None: too little voicing
    energy_drop_db: float  # loudest frame of the window minus its last frame, dB (>= 0)

    def held(self, max_pitch_change_st: float, max_drop_db: float) -> bool:
        """Level pitch and no fade: the voice stopped as if mid-sentence."""
        level = self.pitch_change_st is None or abs(self.pitch_change_st) < max_pitch_change_st
        return level and self.energy_drop_db < max_drop_db


def ending(audio: np.ndarray, voice_end_s: float,
           settings: ProsodySettings = ProsodySettings(), rate: int = SAMPLE_RATE_HZ) -> Ending:
    """The `Ending` of the speech that stopped at `voice_end_s` seconds into `audio`."""
    import numpy as np

    from closer.audio import pitch

    hi = min(len(audio), round(voice_end_s * rate))
    lo = max(0, hi - round(settings.window_s * rate))
    x = np.asarray(audio[lo:hi], dtype=np.float64)
    frame = max(1, round(settings.frame_s * rate))
    n = len(x) // frame
    if n < 2 or not np.any(np.abs(x) > 1e-6):  # too short, or digital silence
        return Ending(None, 0.0)
    rms = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)) + 1e-10
    drop = max(0.0, 20 * math.log10(rms.max() / rms[-1]))
    _, f0 = pitch.track(x, rate)
    voiced = f0[f0 > 0]
    if len(voiced) < settings.min_voiced_frames:
        return Ending(None, drop)
    third = max(len(voiced) // 3, 1)
    early = float(np.median(voiced[:-third]))
    final = float(np.median(voiced[-third:]))
    change = 12 * math.log2(final / early)
    if abs(change) > 7:  # an octave jump of the tracker, not of the voice: fold it back
        change -= 12 * round(change / 12)
    return Ending(change, drop)
