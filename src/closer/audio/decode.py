"""Audio in and out: decode any file PyAV reads to 16 kHz mono float32, read and write WAV,
resample.

Decoding is PyAV + swresample (channels averaged) and turns every way a file can be unusable
(missing, a directory, empty, not audio, truncated, silent container) into one
`AudioDecodeError` sentence. `load_audio` fills one array sized from the header;
`stream_audio` hands the pieces over as they decode, so a long recording (closer.speech.longform)
never
needs the whole signal in memory. numpy and PyAV are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import struct
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from closer.errors import AudioDecodeError, UserError
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
    """Return the file's audio as 16 kHz mono float32 in [-1, 1]; raise `AudioDecodeError`.

    Decoded into one array sized from the header (grown only when the header under-declares),
    so a long file costs one float32 copy, not a list of pieces plus their concatenation.
    """
    import numpy as np

    with AudioReader(path) as reader:
        declared = reader.declared_s or 0.0
        out = np.empty(int(declared * SAMPLE_RATE_HZ) + SAMPLE_RATE_HZ, np.float32)
        n = 0
        for piece in reader.pieces():
            if n + piece.size > out.size:
                out = np.resize(out, max(2 * out.size, n + piece.size))
            out[n:n + piece.size] = piece
            n += piece.size
    return out[:n] if n == out.size else out[:n].copy()


def stream_audio(path: str | Path) -> Iterator[np.ndarray]:
    """The file's audio as successive 16 kHz mono float32 pieces (a few ms each), one decode.

    For long recordings: nothing holds the whole signal. The same `AudioDecodeError`s as
    `load_audio`, the ones only the end can reveal (no audio, truncated) after the last piece.
    """
    with AudioReader(path) as reader:
        yield from reader.pieces()


class AudioReader:
    """One open audio file: `declared_s` from its header, then `pieces()` as they decode.

    Checks what can be checked before decoding (missing, a directory, empty, a RIFF header that
    promises more than the file holds) on construction, the rest while and after decoding.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_file(self.path)
        self.declared_s: float | None = None
        self._container: Any = None
        self._wav: wave.Wave_read | None = None

    def __enter__(self) -> AudioReader:
        self._wav = _plain_wav(self.path)
        if self._wav is not None:
            self.declared_s = self._wav.getnframes() / SAMPLE_RATE_HZ
            return self
        import av

        try:
            self._container = av.open(str(self.path), mode="r", metadata_errors="ignore")
        except PermissionError:
            raise AudioDecodeError(f"{self.path} cannot be read (permission denied).") from None
        except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
            raise self._undecodable(exc) from None
        if not self._container.streams.audio:
            self._container.close()
            raise AudioDecodeError(f"{self.path} has no audio stream.")
        stream = self._container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            self.declared_s = float(stream.duration * stream.time_base)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._wav is not None:
            self._wav.close()
            self._wav = None
        if self._container is not None:
            self._container.close()
            self._container = None

    def pieces(self) -> Iterator[np.ndarray]:
        """Decoded, resampled, channel-averaged pieces; then the end-of-file checks.

        Our own PyAV loop rather than `faster_whisper.decode_audio`: that one opens the file once
        more for the header and runs a full `gc.collect()` per file (6% of scoring a class).
        Channels are kept through resampling and averaged here: swresample's own downmix adds
        them at -3 dB each, which lifts correlated stereo above full scale.
        """
        if self._wav is not None:
            yield from self._wav_pieces(self._wav)
            return
        import av

        stream = self._container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE_HZ)
        total = 0
        try:
            for frame in _frames(self._container.decode(stream)):
                for f in resampler.resample(frame):
                    piece = _mono(f)
                    total += piece.size
                    yield piece
            for f in resampler.resample(None):
                piece = _mono(f)
                total += piece.size
                yield piece
        except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
            raise self._undecodable(exc) from None
        self._check_length(total)

    def _wav_pieces(self, wav: wave.Wave_read) -> Iterator[np.ndarray]:
        """A 16 kHz 16-bit PCM WAV (closer's own recordings, most desk tools') read as it is:
        the same samples PyAV gives, at a twentieth of its cost per file."""
        import numpy as np

        channels, total = wav.getnchannels(), 0
        try:
            while data := wav.readframes(_WAV_PIECE_FRAMES):
                pcm = np.frombuffer(data[: len(data) // (2 * channels) * 2 * channels], "<i2")
                if channels > 1:
                    pcm = pcm.reshape(-1, channels).mean(axis=1)
                piece = pcm.astype(np.float32) / np.float32(32768.0)
                total += piece.size
                yield piece
        except (OSError, EOFError, wave.Error) as exc:
            raise self._undecodable(exc) from None
        self._check_length(total)

    def _undecodable(self, exc: BaseException) -> AudioDecodeError:
        _LOGGER.debug("decode of %s failed: %r", self.path, exc)
        return AudioDecodeError(
            f"{self.path} cannot be decoded as audio (not audio, or damaged).")

    def _check_length(self, samples: int) -> None:
        if samples == 0:
            raise AudioDecodeError(f"{self.path} contains no audio.")
        decoded_s = samples / SAMPLE_RATE_HZ
        declared_s = self.declared_s
        if (declared_s is not None
                and decoded_s < declared_s * _TRUNCATED_FRACTION - _TRUNCATED_SLACK_S):
            raise AudioDecodeError(
                f"{self.path} is truncated: it declares {declared_s:.1f} s of audio but only "
                f"{decoded_s:.1f} s could be decoded.")
        _LOGGER.debug("decoded %s: %.2f s", self.path, decoded_s)


def _mono(frame: Any) -> np.ndarray:
    """One resampled planar frame as mono float32 (channels averaged)."""
    import numpy as np

    planes = frame.to_ndarray()
    return (planes[0] if planes.shape[0] == 1 else planes.mean(axis=0)).astype(np.float32,
                                                                              copy=False)


def _check_file(path: Path) -> None:
    """The checks that need no decoding; `AudioDecodeError` on the first that fails."""
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


_WAV_PIECE_FRAMES = SAMPLE_RATE_HZ  # one second per piece


def _plain_wav(path: Path) -> wave.Wave_read | None:
    """The file opened as a wave reader when it is 16 kHz 16-bit PCM with known sizes; None for
    anything else (other rates, float, extensible or streamed headers), which PyAV decodes."""
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        (riff_size,) = struct.unpack("<I", head[4:8])
        if riff_size in _UNKNOWN_RIFF_SIZES:
            return None
        wav = wave.open(str(path), "rb")  # noqa: SIM115  (AudioReader closes it)
    except (OSError, EOFError, wave.Error, struct.error):
        return None
    if (wav.getsampwidth(), wav.getframerate(), wav.getcomptype()) != (2, SAMPLE_RATE_HZ, "NONE") \
            or wav.getnframes() == 0:
        wav.close()
        return None
    return wav


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


def write_wav(path: str | Path | BinaryIO, samples: np.ndarray,
              rate: int = SAMPLE_RATE_HZ) -> None:
    """Write mono float samples in [-1, 1] as 16-bit PCM WAV at `rate` Hz, to a file path or
    an open binary stream (the page's lines go out as in-memory WAVs)."""
    import numpy as np

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    target = path if hasattr(path, "write") else str(path)
    with wave.open(target, "wb") as out:  # type: ignore[arg-type]
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(rate))
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV -> (mono float32 in [-1, 1], its rate in Hz); channels are averaged.

    The one reader of closer's own WAV files (the voice cache, espeak's output, recordings);
    other audio goes through `load_audio`. A file that is not one is a `UserError` naming it."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise UserError(f"{path} is not a 16-bit WAV file.")
            rate, channels = wav.getframerate(), wav.getnchannels()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    except (OSError, EOFError, wave.Error) as exc:
        raise UserError(f"{path} cannot be read as a WAV file ({exc}).") from None
    if channels > 1:
        pcm = pcm[: pcm.size // channels * channels].reshape(-1, channels).mean(axis=1)
    return pcm.astype(np.float32) / 32768.0, rate


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
