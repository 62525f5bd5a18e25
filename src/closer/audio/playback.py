"""Sound out: the one way closer plays audio, for the interviewer's voice and for history replay.

- `output_devices` / `pick_output`: the outputs PortAudio lists (None when there is none at all)
  and the one the user named, by the rule of `closer.audio.devices.match_device`.
- `OutputStream`: one open, running output stream. A writer thread plays what was queued and
  silence otherwise, so the stream is warm before the first sample (no clipped first syllable)
  and the next sentence can be queued while this one plays. `drain()` returns when the last
  queued sample has been heard, which is what half-duplex needs. Audio at a rate the device
  refuses is resampled to one it takes.
- `play_file`: replay a recording (read by `closer.audio.decode.read_wav`); False when the
  machine has no output to play on.

numpy and sounddevice are imported inside the functions that use them.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.audio.devices import import_sounddevice, match_device, of_kind
from closer.errors import DeviceError

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

WARM_S = 0.1  # silence played by a fresh stream before its first sound (device start-up)
OUTPUT_LATENCY_S = 0.05  # the device buffer: room for the writer to wait on Python's lock
IDLE_BLOCK_S = 0.02  # silence written at a time between pieces: how soon a new piece starts
DRAIN_MARGIN_S = 0.05  # heard after the buffer ahead of it: the sound server's own latency
STALL_S = 3.0  # a stream that takes this much longer than its audio to play has failed


def output_devices() -> list[dict[str, Any]] | None:
    """Every device (each with its `index`), or None when PortAudio is missing or lists no
    output at all: then speech goes to WAV files and replay prints the recording's path."""
    try:
        sd = import_sounddevice()
        devices = [dict(d, index=i) for i, d in enumerate(sd.query_devices())]
    except Exception as exc:  # DeviceError without libportaudio, PortAudioError without a server
        _LOGGER.info("no audio devices (%s)", exc)
        return None
    return devices if of_kind(devices, "output") else None


def pick_output(devices: list[dict[str, Any]], wanted: str | None) -> int | None:
    """The output `wanted` names (an index or a name substring); None: the system default.

    A name that matches no output is a `DeviceError` listing the outputs."""
    if wanted is None:
        return None
    index = match_device(devices, wanted, "output")
    if index is not None:
        return index
    names = "; ".join(f"{d['index']}: {d.get('name')}" for d in of_kind(devices, "output"))
    raise DeviceError(f"No output device matches {wanted!r}; outputs here: {names or 'none'}.")


def device_rate(sd: Any, device: int | None, rate: int) -> int:
    """`rate` when the device takes it, else the device's default rate."""
    try:
        sd.check_output_settings(device=device, samplerate=rate, channels=1, dtype="float32")
        return rate
    except Exception:
        info = sd.query_devices(device if device is not None else sd.default.device[1], "output")
        return int(info["default_samplerate"])


class OutputStream:
    """One running output stream on `device`, at `rate` if the device takes it.

    `write` queues samples (any rate) and returns at once; `drain` blocks until they have been
    heard. A writer thread hands each queued piece to PortAudio in one blocking call, which runs
    without Python's lock, so speech plays smoothly while models load in other threads; between
    pieces it writes short blocks of silence, so the stream never stops and never has to start
    again (warm: no clipped first syllable).
    """

    def __init__(self, device: int | None, rate: int) -> None:
        import numpy as np

        self._np = np
        self._sd = import_sounddevice()
        self.device = device
        self.rate = device_rate(self._sd, device, rate)
        try:
            self._stream = self._sd.OutputStream(device=device, samplerate=self.rate, channels=1,
                                                 dtype="float32", latency=OUTPUT_LATENCY_S)
            self._stream.start()
            buffer_frames = int(self._stream.write_available)
        except Exception as exc:  # PortAudioError: busy, unplugged, refused settings
            raise DeviceError(f"The output device could not be opened ({exc}); "
                              "pick another with --output-device.") from None
        # the last sample of a piece is heard this long after its write returns (the buffer
        # ahead of it, PortAudio's own latency estimate, and a margin for the sound server)
        self._delay_s = max(buffer_frames / self.rate, float(self._stream.latency)) + DRAIN_MARGIN_S
        self._idle = np.zeros(max(1, int(IDLE_BLOCK_S * self.rate)), np.float32)
        self._pieces: queue.Queue[Any] = queue.Queue()
        self._cond = threading.Condition()
        self._pending = 0  # pieces queued and not yet written
        self._queued_s = 0.0  # their length, seconds
        self._heard_at = 0.0  # monotonic time the last written piece has been heard
        self._error: str | None = None
        self._opened_at = time.monotonic()
        self._writer = threading.Thread(target=self._write_loop, name="closer-output",
                                        daemon=True)
        self._writer.start()
        self._closed = False
        atexit.register(self.close)  # before PortAudio's own exit handler, which runs later
        _LOGGER.debug("output stream %s open at %d Hz, latency %.3f s, buffer %d frames", device,
                      self.rate, float(self._stream.latency), buffer_frames)

    def _write_loop(self) -> None:
        underflows = 0
        while True:
            try:
                piece = self._pieces.get_nowait()
            except queue.Empty:
                piece = self._idle
                real = False
            else:
                if piece is None:  # close()
                    break
                real = True
            try:
                underflows += bool(self._stream.write(piece.reshape(-1, 1)))
            except Exception as exc:  # the device vanished or failed
                with self._cond:
                    self._error = str(exc)
                    self._cond.notify_all()
                break
            if real:
                with self._cond:
                    self._pending -= 1
                    self._queued_s = max(0.0, self._queued_s - piece.size / self.rate)
                    if not self._pending:
                        self._heard_at = time.monotonic() + self._delay_s
                        self._cond.notify_all()
        if underflows:
            _LOGGER.debug("output stream underflowed %d time(s)", underflows)

    def write(self, samples: np.ndarray, rate: int) -> None:
        """Queue mono float samples at `rate` Hz behind whatever is still playing."""
        np = self._np
        mono = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
        if rate != self.rate:
            from closer.audio.decode import resample

            mono = resample(mono, rate, self.rate)
        if mono.size == 0:
            return
        warm_for = WARM_S - (time.monotonic() - self._opened_at)
        if warm_for > 0:  # a stream this fresh has not played silence for long: let it settle
            mono = np.concatenate([np.zeros(int(warm_for * self.rate), np.float32), mono])
        with self._cond:
            if self._error is not None:
                raise self._failed()
            self._pending += 1
            self._queued_s += mono.size / self.rate
        self._pieces.put(mono)

    def _failed(self) -> DeviceError:
        return DeviceError(f"The output device stopped while speaking ({self._error}); pick "
                           "another with --output-device.")

    def drain(self) -> None:
        """Block until everything written has been heard; `DeviceError` if the device fails."""
        with self._cond:
            deadline = time.monotonic() + self._queued_s + STALL_S
            while self._pending and self._error is None:
                if time.monotonic() > deadline:
                    self._error = "it stopped taking sound"
                    break
                self._cond.wait(0.05)
            if self._error is not None:
                raise self._failed()
            wait = self._heard_at - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Write and drain: returns when the sound has been heard."""
        self.write(samples, rate)
        self.drain()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        self._pieces.put(None)
        self._writer.join(1.0)
        try:
            self._stream.stop()
            self._stream.close()
        except Exception as exc:  # already closed, or the device vanished
            _LOGGER.debug("closing the output stream: %s", exc)


def open_output(wanted: str | None, rate: int) -> OutputStream | None:
    """An output stream on the output `wanted` names (None: the default), or None when the
    machine has no output at all. A name that matches nothing is a `DeviceError`."""
    devices = output_devices()
    if devices is None:
        if wanted is not None:
            _LOGGER.warning("no output devices; ignoring --output-device %s", wanted)
        return None
    return OutputStream(pick_output(devices, wanted), rate)


def play_file(path: Path, wanted: str | None) -> bool:
    """Play a WAV recording on the output `wanted` names and block until it has been heard;
    False (nothing played) when there is no output device."""
    from closer.audio.decode import read_wav

    samples, rate = read_wav(path)
    stream = open_output(wanted, rate)
    if stream is None:
        return False
    try:
        stream.play(samples, rate)
    except DeviceError:
        raise DeviceError(f"The output device failed during replay; the recording is {path}."
                          ) from None
    finally:
        stream.close()
    return True
