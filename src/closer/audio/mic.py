"""Microphones: the desk mic through sounddevice/PortAudio, and an array player for tests and files.

Both yield CHUNK_SAMPLES-long 16 kHz mono float32 chunks. The sounddevice stream is opened when
`chunks()` is called and stopped by `close()`, so nothing captured before the call (the
assistant's own voice) is ever yielded. Devices that refuse 16 kHz are read at their default rate
and resampled on the fly (swresample through PyAV, anti-aliased, stateful across blocks).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from closer.audio.devices import (
    default_devices,
    import_sounddevice,
    match_device,
    of_kind,
    query_devices,
)
from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES
from closer.settings import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

NO_MIC = "No microphone found; try `closer score FILE` or `closer demo`."
STALL_S = 2.0  # seconds without a block from an open stream -> the device has failed
FIRST_BLOCK_S = 6.0  # seconds allowed for a fresh stream's first block (slow under load)
PRIME_S = 5.0  # seconds to wait for a priming stream's first block


def pick_input(devices: list[dict[str, Any]], wanted: str | None, default: int | None) -> int:
    """Choose an input device by index or case-insensitive name substring (None: `default`)."""
    inputs = of_kind(devices, "input")
    if not inputs:
        raise DeviceError(NO_MIC)
    if wanted is None:
        if default is not None and any(d["index"] == default for d in inputs):
            return default
        return int(inputs[0]["index"])
    index = match_device(devices, wanted, "input")
    if index is not None:
        return index
    if wanted.strip().isdigit():
        raise DeviceError(f"There is no input device {int(wanted)}; `closer devices` lists them.")
    raise DeviceError(f"No input device matches {wanted!r}; `closer devices` lists them.")


class _Rechunker:
    """Turns blocks of any length and rate into CHUNK_SAMPLES-long 16 kHz chunks."""

    def __init__(self, rate_hz: int) -> None:
        import numpy as np

        self._np = np
        self._pending = np.zeros(0, dtype=np.float32)
        self._resampler = None
        self.rate_hz = rate_hz
        if rate_hz != SAMPLE_RATE_HZ:
            import av

            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE_HZ)

    def push(self, block: np.ndarray) -> list[np.ndarray]:
        np = self._np
        block = np.ascontiguousarray(block, dtype=np.float32).reshape(-1)
        if self._resampler is not None and block.size:
            import av

            frame = av.AudioFrame.from_ndarray(block[np.newaxis, :], format="flt", layout="mono")
            frame.sample_rate = self.rate_hz
            outs = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
            block = np.concatenate(outs) if outs else np.zeros(0, dtype=np.float32)
        self._pending = np.concatenate([self._pending, block.astype(np.float32)])
        n = len(self._pending) // CHUNK_SAMPLES
        chunks = [self._pending[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES] for i in range(n)]
        self._pending = self._pending[n * CHUNK_SAMPLES:]
        return chunks


class SoundDeviceMicrophone:
    """The desk mic: a PortAudio input stream feeding a queue from its callback."""

    def __init__(self, device: int, rate_hz: int, name: str = "") -> None:
        self.device = device
        self.rate_hz = rate_hz
        self.name = name
        self._stop = threading.Event()
        self._stream: Any = None
        self._primer: threading.Thread | None = None

    def prime(self) -> None:
        """Open and close a stream in the background: the first stream of a process can take
        ~2 s to deliver (ALSA's pulse plugin), which would deafen the mic at the first answer."""
        if self._primer is None:
            self._primer = threading.Thread(target=self._prime, name="closer-mic-prime",
                                            daemon=True)
            self._primer.start()

    def _prime(self) -> None:
        sd = import_sounddevice()
        first = threading.Event()
        t0 = time.monotonic()
        try:
            with sd.InputStream(device=self.device, channels=1, samplerate=self.rate_hz,
                                dtype="float32", callback=lambda *_: first.set()):
                first.wait(PRIME_S)
        except Exception as exc:  # reported properly when chunks() opens the device
            _LOGGER.debug("priming the microphone failed: %s", exc)
        _LOGGER.debug("microphone primed in %.2f s", time.monotonic() - t0)

    def chunks(self) -> Iterator[np.ndarray]:
        sd = import_sounddevice()
        if self._primer is not None:
            self._primer.join(PRIME_S)
        blocks: queue.Queue[Any] = queue.Queue()
        self._stop.clear()

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            if status:
                _LOGGER.debug("input status: %s", status)
            blocks.put(indata[:, 0].copy())

        try:
            stream = sd.InputStream(device=self.device, channels=1, samplerate=self.rate_hz,
                                    dtype="float32", latency="low",
                                    blocksize=self.rate_hz * CHUNK_SAMPLES
                                    // SAMPLE_RATE_HZ, callback=callback)
            stream.start()
        except Exception as exc:  # PortAudioError: busy, unplugged, refused settings
            raise DeviceError(f"The microphone could not be opened ({exc}); "
                              "pick another with --input-device.") from exc
        self._stream = stream
        _LOGGER.debug("input stream open, latency %.3f s", getattr(stream, "latency", 0.0))
        rechunk = _Rechunker(self.rate_hz)
        wait_s = FIRST_BLOCK_S
        try:
            while not self._stop.is_set():
                try:
                    block = blocks.get(timeout=wait_s)
                    wait_s = STALL_S
                except queue.Empty:
                    if self._stop.is_set():
                        break
                    raise DeviceError("The microphone stopped sending sound; check it and "
                                      "pick one with --input-device.") from None
                yield from rechunk.push(block)
        finally:
            _LOGGER.debug("input stream closed with %d block(s) unread", blocks.qsize())
            self._close_stream(stream)

    def close(self) -> None:
        self._stop.set()
        if self._stream is not None:
            self._close_stream(self._stream)

    def _close_stream(self, stream: Any) -> None:
        try:
            stream.stop()
            stream.close()
        except Exception as exc:  # already closed, or the device vanished
            _LOGGER.debug("closing the input stream: %s", exc)
        if self._stream is stream:
            self._stream = None


def make_microphone(input_device: str | None, prime: bool = True) -> SoundDeviceMicrophone:
    """Open-able desk mic by index or name substring; DeviceError (exit 2) when there is none.

    With `prime`, a throw-away stream is opened in the background at once (see `prime()`)."""
    sd = import_sounddevice()
    devices = query_devices(sd)
    index = pick_input(devices, input_device, default_devices(sd)[0])
    info = next(d for d in devices if d["index"] == index)
    rate = SAMPLE_RATE_HZ
    try:
        sd.check_input_settings(device=index, channels=1, dtype="float32", samplerate=rate)
    except Exception:  # the device refuses 16 kHz: read its own rate and resample
        rate = int(info.get("default_samplerate") or 48000)
    _LOGGER.debug("microphone %d %r at %d Hz", index, info.get("name"), rate)
    microphone = SoundDeviceMicrophone(index, rate, str(info.get("name", "")))
    if prime:
        microphone.prime()
    return microphone


