"""Silero VAD, streaming: one speech probability per 512-sample 16 kHz chunk.

The ONNX model ships inside faster-whisper (`faster_whisper/assets/silero_vad_v6.onnx`). It takes
each chunk with the last 64 samples of the previous chunk in front (576 samples) and carries an
LSTM state (h, c) from chunk to chunk, exactly as faster-whisper's batch `SileroVADModel` does.
onnxruntime is imported on first use and runs on one thread.

`NormalizedVad` puts a streaming `closer.audio.gain.GainTracker` in front of any `VadModel`: Silero
hears nothing of speech at -45 dBFS, so the chunk is brought to a working level first, with the
gain bounded by the measured noise floor (noise is never lifted to a speech level). Its
`probability` is further held under `quiet_probability` for chunks that barely stand out of the
noise floor, so the speech/silence decision is relative to the room, not to absolute levels.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from closer.errors import ModelError
from closer.interfaces import CHUNK_SAMPLES

if TYPE_CHECKING:
    import numpy as np

    from closer.audio.gain import GainTracker

_LOGGER = logging.getLogger(__name__)

CONTEXT_SAMPLES = 64  # samples of the previous chunk the model sees before each chunk
STATE_SHAPE = (1, 1, 128)


class VadModel(Protocol):
    def reset(self) -> None:
        """Forget the previous audio (call when a new stream starts)."""
        ...

    def probability(self, chunk: np.ndarray) -> float:
        """Speech probability (0..1) of the next CHUNK_SAMPLES-long 16 kHz chunk."""
        ...


def model_path() -> Path:
    import faster_whisper

    return Path(faster_whisper.__file__).parent / "assets" / "silero_vad_v6.onnx"


@functools.cache
def _session() -> Any:
    path = model_path()
    try:
        import onnxruntime
    except ImportError as exc:  # pragma: no cover - pinned dependency of faster-whisper
        raise ModelError("onnxruntime is missing; reinstall closer with `make`.") from exc
    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    opts.enable_cpu_mem_arena = False
    opts.log_severity_level = 4
    try:
        return onnxruntime.InferenceSession(
            str(path), providers=["CPUExecutionProvider"], sess_options=opts)
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"The voice detector model {path} is missing or broken; "
                         "reinstall closer with `make`.") from exc


class SileroVad:
    """Streaming Silero VAD; keeps the LSTM state and the 64-sample context between chunks."""

    def __init__(self) -> None:
        self._session = _session()
        self.reset()

    def reset(self) -> None:
        import numpy as np

        self._h = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)

    def probability(self, chunk: np.ndarray) -> float:
        import numpy as np

        chunk = np.asarray(chunk, dtype=np.float32).reshape(-1)
        if chunk.shape[0] != CHUNK_SAMPLES:
            raise ValueError(f"VAD chunks must be {CHUNK_SAMPLES} samples, got {chunk.shape[0]}")
        frame = np.concatenate([self._context, chunk])[None, :]
        feed = {"input": frame, "h": self._h, "c": self._c}
        out, self._h, self._c = self._session.run(None, feed)
        self._context = chunk[-CONTEXT_SAMPLES:].copy()
        return float(np.asarray(out).reshape(-1)[0])


class NormalizedVad:
    """A VadModel that gain-normalises each chunk (`GainTracker`) before the `inner` VadModel.

    `NormalizedVad()` is Silero behind the live AGC; tests pass a `ScriptedVad` and a tracker.
    `floor_margin_db`: a chunk less than this above the tracked noise floor (raw levels, dB) is
    not speech, whatever the inner model says: its probability is capped at `quiet_probability`
    (once `min_history_s` of audio has been heard, so the floor is a measurement).
    """

    def __init__(self, inner: VadModel | None = None, tracker: GainTracker | None = None,
                 floor_margin_db: float = 3.0, quiet_probability: float = 0.3,
                 min_history_s: float = 0.25, energy_from_db: float = 4.0,
                 energy_full_db: float = 12.0) -> None:
        from closer.audio.gain import GainTracker

        self.inner = inner if inner is not None else SileroVad()
        self.tracker = tracker if tracker is not None else GainTracker()
        self.floor_margin_db = floor_margin_db
        self.quiet_probability = quiet_probability
        self.min_history_s = min_history_s
        # Silero alone misses most of a quiet, band-limited, noisy voice (phone band + pink noise
        # at 15 dB SNR: 20% of speech chunks above 0.5 even at a working level), so a chunk that
        # stands out of the measured floor is speech evidence too: 0 at `energy_from_db` above
        # the floor, rising to 0.9 at `energy_full_db`. Steady noise sits at the floor and never
        # counts; the endpointer's hysteresis rides over the dips between words.
        self.energy_from_db = energy_from_db
        self.energy_full_db = energy_full_db

    def reset(self) -> None:
        self.inner.reset()
        self.tracker.reset()

    def energy_probability(self, above_floor_db: float) -> float:
        span = self.energy_full_db - self.energy_from_db
        return 0.9 * min(1.0, max(0.0, (above_floor_db - self.energy_from_db) / span))

    def probability(self, chunk: np.ndarray) -> float:
        import numpy as np

        from closer.audio.gain import db

        raw_db = db(float(np.mean(np.square(np.asarray(chunk, dtype=np.float64)))))
        p = self.inner.probability(self.tracker.process(chunk))
        if self.tracker.heard_s < self.min_history_s:
            return p
        above = raw_db - self.tracker.floor_dbfs
        if above < self.floor_margin_db:
            return min(p, self.quiet_probability)
        return max(p, self.energy_probability(above))


def probabilities(samples: np.ndarray, vad: VadModel | None = None) -> list[float]:
    """Speech probability per whole chunk of 16 kHz `samples` (a trailing part chunk is dropped)."""
    vad = vad or SileroVad()
    vad.reset()
    n = len(samples) // CHUNK_SAMPLES
    return [vad.probability(samples[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES]) for i in range(n)]
