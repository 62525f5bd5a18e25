"""The small seams between closer's decisions and its hardware and models.

Real adapters: `closer.speech.transcriber.WhisperTranscriber`, the speakers of `closer.speech.tts`
(Piper, espeak-ng),
`closer.audio.mic.SoundDeviceMicrophone`. Test fakes take sample arrays in and record lines out.
Audio everywhere is mono float32 in [-1, 1] at `closer.settings.SAMPLE_RATE_HZ` (16 kHz) unless a
function says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

    from closer.types import Transcript

CHUNK_SAMPLES = 512  # 32 ms at 16 kHz: the frame Silero VAD takes


class Transcriber(Protocol):
    def transcribe(self, audio: np.ndarray) -> Transcript:
        """Transcribe 16 kHz mono float32 audio; silence gives an empty transcript."""
        ...


class Speaker(Protocol):
    def say(self, text: str) -> None:
        """Speak `text` and return only when the sound has finished playing."""
        ...


class Microphone(Protocol):
    def chunks(self) -> Iterator[np.ndarray]:
        """Open the input and yield CHUNK_SAMPLES-long 16 kHz mono float32 chunks until closed.

        Nothing captured before the call is yielded (half-duplex: the mic is opened only after
        the assistant has finished speaking). Raises `closer.errors.DeviceError` when the
        device is missing or fails mid-stream.
        """
        ...

    def close(self) -> None:
        """Stop capturing; a running `chunks()` iterator ends."""
        ...
