"""Gain normalisation: bring speech to a working level, judged against the measured noise floor.

Why: Silero VAD and Whisper are tuned on speech around -20 dBFS. A laptop mic at arm's length gives
-45 dBFS, which the VAD does not hear at all, and a hot mic clips. Absolute level thresholds fail on
such mics, so every decision here is relative to the noise floor measured in the same audio:

- The noise floor is a low percentile (10th) of short-frame levels: the pauses between words.
- Speech frames are those well above that floor (`speech_margin_db`) and within `active_range_db`
  of the loudest frame; their mean power is the active speech level.
- The gain brings the active speech level to `target_dbfs`, capped at `max_gain_db`, and a gain
  above 0 dB is also capped so that the noise floor never rises above `noise_ceiling_dbfs`: pure
  noise (no frame stands out of the floor) is never amplified to a speech level, only attenuated
  when it is loud, and noisy speech already at a working level is left alone.
- Peaks are limited: the gain keeps the 99.9th percentile sample under `peak_dbfs`, and the rest is
  clipped, so one click cannot hold the whole recording down.

`normalize()` is the batch form (`closer score`, and each re-transcription in the live drill);
`GainTracker` is the streaming form (chunk in, chunk out) with attack and release times, for the
live VAD (`closer.audio.vad.NormalizedVad`). numpy is imported lazily.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from closer.settings import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

SILENT_DBFS = -100.0  # level reported for digital silence
FRAME_SAMPLES = 512  # 32 ms at 16 kHz: the live chunk, and the batch analysis frame


@dataclass(frozen=True)
class GainSettings:
    target_dbfs: float = -20.0  # active speech RMS after the gain, dBFS
    max_gain_db: float = 40.0  # never amplify more than this, dB
    min_gain_db: float = -20.0  # never attenuate more than this, dB
    noise_ceiling_dbfs: float = -40.0  # no gain > 0 dB lifts the noise floor above this, dBFS
    peak_dbfs: float = -1.0  # the 99.9th percentile sample is kept under this, dBFS
    floor_percentile: float = 10.0  # percent of frames at or below the noise floor
    speech_margin_db: float = 10.0  # a frame this far above the floor may be speech, dB
    active_range_db: float = 30.0  # speech frames are within this of the loudest frame, dB
    min_speech_s: float = 0.2  # less speech than this (seconds): treat the audio as noise
    # With no speech found yet, lift the noise floor to this level (dBFS) so that a quiet first
    # word is heard at once; None: never lift noise (batch: nothing to wait for).
    idle_floor_dbfs: float | None = None
    # streaming only
    attack_s: float = 0.05  # time constant when the gain must fall (speech got louder), seconds
    release_s: float = 0.3  # time constant when the gain may rise, seconds
    history_s: float = 8.0  # seconds of frame levels kept for the floor and speech estimates


@dataclass(frozen=True)
class Levels:
    """What the gain decision saw (all dB / dBFS)."""

    floor_dbfs: float  # noise floor: a low percentile of frame levels
    speech_dbfs: float | None  # active speech level; None when no frame stands out of the floor
    peak_dbfs: float  # 99.9th percentile sample magnitude
    gain_db: float  # the gain chosen

    @property
    def snr_db(self) -> float | None:
        return None if self.speech_dbfs is None else self.speech_dbfs - self.floor_dbfs


def db(power: float) -> float:
    """Power (mean square) in dBFS, floored at SILENT_DBFS."""
    return 10.0 * math.log10(power) if power > 1e-10 else SILENT_DBFS


def frame_levels(audio: np.ndarray, frame: int = FRAME_SAMPLES) -> np.ndarray:
    """dBFS of each whole `frame`-sample frame (a trailing part frame counts if >= half)."""
    import numpy as np

    x = np.asarray(audio, dtype=np.float64).reshape(-1)
    n = len(x) // frame
    if len(x) - n * frame >= frame // 2:
        x = np.concatenate([x, np.zeros((n + 1) * frame - len(x))])
        n += 1
    if n == 0:
        return np.zeros(0)
    power = np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)
    return np.where(power > 1e-10, 10.0 * np.log10(np.maximum(power, 1e-10)), SILENT_DBFS)


def decide(levels_db: np.ndarray, peak_dbfs: float, settings: GainSettings = GainSettings(),
           frame_s: float = FRAME_SAMPLES / SAMPLE_RATE_HZ) -> Levels:
    """The gain for audio whose frames have these levels (pure; numpy arrays in, floats out)."""
    import numpy as np

    s = settings
    if levels_db.size == 0 or float(levels_db.max()) <= SILENT_DBFS:
        return Levels(SILENT_DBFS, None, SILENT_DBFS, 0.0)
    floor = float(np.percentile(levels_db, s.floor_percentile))
    loudest = float(levels_db.max())
    active = levels_db[(levels_db >= floor + s.speech_margin_db)
                       & (levels_db >= loudest - s.active_range_db)]
    noise_bound = s.noise_ceiling_dbfs - floor
    if active.size * frame_s < s.min_speech_s:
        lift = 0.0 if s.idle_floor_dbfs is None else s.idle_floor_dbfs - floor
        gain, speech = min(lift, noise_bound), None  # noise only: never to a speech level
    else:
        speech = db(float(np.mean(10.0 ** (active / 10.0))))
        gain = min(s.target_dbfs - speech, max(0.0, noise_bound))  # noisy: no lift, no cut
    gain = min(gain, s.max_gain_db, s.peak_dbfs - peak_dbfs)
    return Levels(floor, speech, peak_dbfs, max(s.min_gain_db, gain))


def _peak_dbfs(audio: np.ndarray) -> float:
    import numpy as np

    if audio.size == 0:
        return SILENT_DBFS
    peak = float(np.percentile(np.abs(audio), 99.9))
    return 20.0 * math.log10(peak) if peak > 1e-5 else SILENT_DBFS


def measure(audio: np.ndarray, settings: GainSettings = GainSettings()) -> Levels:
    """Noise floor, speech level, peak and the gain `normalize` would apply."""
    return decide(frame_levels(audio), _peak_dbfs(audio), settings)


def normalize(audio: np.ndarray, settings: GainSettings = GainSettings()
              ) -> tuple[np.ndarray, float]:
    """(gain-adjusted float32 audio clipped to +-1, gain in dB); pure batch form."""
    import numpy as np

    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    levels = measure(x, settings)
    _LOGGER.debug("gain %+.1f dB (floor %.1f dBFS, speech %s dBFS)", levels.gain_db,
                  levels.floor_dbfs, "none" if levels.speech_dbfs is None
                  else f"{levels.speech_dbfs:.1f}")
    if abs(levels.gain_db) < 0.05:
        return x, 0.0
    y = np.clip(x * np.float32(10.0 ** (levels.gain_db / 20.0)), -1.0, 1.0)
    return y.astype(np.float32), levels.gain_db


LIVE_SETTINGS = GainSettings(idle_floor_dbfs=-55.0)


class GainTracker:
    """Streaming AGC: the same decision as `normalize` over a sliding window of frame levels.

    Each chunk is scaled by a gain that moves towards the decision with `attack_s` (down) or
    `release_s` (up), ramped linearly across the chunk so no step is audible to the VAD. The
    result depends only on the samples fed in, so a replayed recording gives the same output.
    """

    def __init__(self, settings: GainSettings = LIVE_SETTINGS,
                 rate_hz: int = SAMPLE_RATE_HZ) -> None:
        self.settings = settings
        self._rate = rate_hz
        self.reset()

    def reset(self) -> None:
        self._levels: deque[float] = deque()
        self._peaks: deque[float] = deque()
        self._history_s = 0.0
        self.gain_db = 0.0
        self.levels = Levels(SILENT_DBFS, None, SILENT_DBFS, 0.0)

    @property
    def floor_dbfs(self) -> float:
        """The tracked noise floor (dBFS of the raw input)."""
        return self.levels.floor_dbfs

    @property
    def heard_s(self) -> float:
        """Seconds of audio in the level history (at most `history_s`)."""
        return self._history_s

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """The next chunk, gain-adjusted (float32, clipped to +-1)."""
        import numpy as np

        x = np.asarray(chunk, dtype=np.float32).reshape(-1)
        if x.size == 0:
            return x
        s = self.settings
        chunk_s = x.size / self._rate
        keep = max(1, round(s.history_s / chunk_s))
        level = db(float(np.mean(np.square(x, dtype=np.float64))))
        if level <= SILENT_DBFS and not self._levels:
            # Digital silence before the first sound says nothing about the room: a device
            # starting up, a page's mic before the browser feeds it, or a gate. Kept, it would
            # set the floor at -100 dBFS, so the room's own -70 dBFS hum in every later pause
            # would stand 30 dB out of the "floor" and read as speech (no pause, no cut).
            return x
        self._levels.append(level)
        self._peaks.append(float(np.abs(x).max()))
        while len(self._levels) > keep:
            self._levels.popleft()
            self._peaks.popleft()
        self._history_s = len(self._levels) * chunk_s
        peak = max(self._peaks)
        peak_db = 20.0 * math.log10(peak) if peak > 1e-5 else SILENT_DBFS
        self.levels = decide(np.array(self._levels), peak_db, s, frame_s=chunk_s)
        wanted = self.levels.gain_db
        tau = s.attack_s if wanted < self.gain_db else s.release_s
        start = self.gain_db
        self.gain_db = wanted + (start - wanted) * math.exp(-chunk_s / tau)
        ramp = np.linspace(start, self.gain_db, x.size, dtype=np.float32)
        return np.clip(x * np.power(np.float32(10.0), ramp / np.float32(20.0)),
                       -1.0, 1.0).astype(np.float32)
