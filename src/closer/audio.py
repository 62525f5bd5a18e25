"""Audio in and out: decode any file PyAV reads to 16 kHz mono float32, write WAV, resample.

Decoding is PyAV + swresample (channels averaged) and turns every way a file can be unusable
(missing, a directory, empty, not audio, truncated, silent container) into one
`AudioDecodeError` sentence. numpy and PyAV are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import struct
import wave
from pathlib import Path
from typing import TYPE_CHECKING

from closer.errors import AudioDecodeError
from closer.settings import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

# A file whose decoded length falls this far short of what its header declares is truncated.
_TRUNCATED_FRACTION = 0.9
_TRUNCATED_SLACK_S = 0.1
# RIFF sizes written by streaming recorders that did not know the length yet.
_UNKNOWN_RIFF_SIZES = (0, 0xFFFFFFFF)


def load_audio(path: str | Path) -> np.ndarray:
    """Return the file's audio as 16 kHz mono float32 in [-1, 1]; raise `AudioDecodeError`."""
    path = Path(path)
    if path.is_dir():
        raise AudioDecodeError(f"{path} is a directory, not an audio file.")
    if not path.exists():
        raise AudioDecodeError(f"{path} does not exist.")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioDecodeError(f"{path} cannot be read ({exc.strerror}).") from None
    if size == 0:
        raise AudioDecodeError(f"{path} is empty.")
    if _riff_is_truncated(path, size):
        raise AudioDecodeError(f"{path} is truncated: the WAV file ends before its audio does.")
    samples, declared_s = _decode(path)
    if samples.size == 0:
        raise AudioDecodeError(f"{path} contains no audio.")
    decoded_s = samples.size / SAMPLE_RATE_HZ
    if declared_s is not None and decoded_s < declared_s * _TRUNCATED_FRACTION - _TRUNCATED_SLACK_S:
        raise AudioDecodeError(
            f"{path} is truncated: it declares {declared_s:.1f} s of audio but only "
            f"{decoded_s:.1f} s could be decoded.")
    _LOGGER.debug("decoded %s: %.2f s", path, decoded_s)
    return samples


def _decode(path: Path) -> tuple[np.ndarray, float | None]:
    """(16 kHz mono float32 samples, the length the header declares or None), one open.

    Our own PyAV loop rather than `faster_whisper.decode_audio`: that one opens the file once
    more for the header and runs a full `gc.collect()` per file, which was 6% of scoring a class.
    """
    import av
    import numpy as np

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioDecodeError(f"{path} has no audio stream.")
            stream = container.streams.audio[0]
            declared = (float(stream.duration * stream.time_base)
                        if stream.duration is not None and stream.time_base is not None else None)
            # Keep the channels through resampling and average them here: swresample's own
            # downmix adds them at -3 dB each, which lifts correlated stereo above full scale.
            resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE_HZ)
            chunks = []
            for frame in _frames(container.decode(stream)):
                chunks += [f.to_ndarray().mean(axis=0) for f in resampler.resample(frame)]
            chunks += [f.to_ndarray().mean(axis=0) for f in resampler.resample(None)]
    except PermissionError:
        raise AudioDecodeError(f"{path} cannot be read (permission denied).") from None
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        _LOGGER.debug("decode of %s failed: %r", path, exc)
        raise AudioDecodeError(
            f"{path} cannot be decoded as audio (not audio, or damaged).") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return samples.astype(np.float32, copy=False), declared


def _frames(frames):  # type: ignore[no-untyped-def]
    """Decoded frames, skipping the damaged ones a partly corrupt file yields mid-stream."""
    import av

    iterator = iter(frames)
    while True:
        try:
            frame = next(iterator)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue
        yield frame


def _riff_is_truncated(path: Path, size: int) -> bool:
    """True when a RIFF/WAVE header promises more bytes than the file holds."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    (riff_size,) = struct.unpack("<I", head[4:8])
    return riff_size not in _UNKNOWN_RIFF_SIZES and size < riff_size + 8


def write_wav(path: str | Path, samples: np.ndarray, rate: int = SAMPLE_RATE_HZ) -> None:
    """Write mono float samples in [-1, 1] as 16-bit PCM WAV at `rate` Hz."""
    import numpy as np

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(rate))
        out.writeframes(pcm.tobytes())


def resample(samples: np.ndarray, from_hz: int, to_hz: int) -> np.ndarray:
    """Resample mono float32 audio with swresample (anti-aliased); same rate returns a copy."""
    import av
    import numpy as np

    mono = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    if from_hz == to_hz or mono.size == 0:
        return mono.copy()
    frame = av.AudioFrame.from_ndarray(mono[np.newaxis, :], format="flt", layout="mono")
    frame.sample_rate = int(from_hz)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=int(to_hz))
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
