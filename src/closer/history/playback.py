"""Play a saved recording on the output device `closer.speech.tts` would use.

Decision: the device is chosen with `closer.speech.tts.pick_output` (index or name substring,
None: the
system default), so replay and the interviewer's voice go to the same place. When PortAudio is
missing or lists no output, `play_recording` returns False and the caller prints the WAV path;
it never raises for a machine without sound. A device the user named that does not exist is a
`DeviceError` (one sentence).
"""

from __future__ import annotations

import logging
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import DeviceError, UserError

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV (as history writes them) -> (mono float32, rate in Hz)."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise UserError(f"{path} is not a 16-bit WAV recording.")
            rate, channels = wav.getframerate(), wav.getnchannels()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    except (OSError, EOFError, wave.Error) as exc:
        raise UserError(f"The recording {path} cannot be read ({exc}).") from None
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    return pcm.astype(np.float32) / 32768.0, rate


def _outputs() -> tuple[Any, list[dict[str, Any]]] | None:
    """(sounddevice module, device list), or None when there is no output to play on."""
    from closer.speech.tts import output_devices

    devices = output_devices()
    if devices is None:
        return None
    import sounddevice as sd

    return sd, devices


def play_recording(path: Path, output_device: str | None) -> bool:
    """Play `path` and block until done; False (nothing played) when there is no output device."""
    found = _outputs()
    if found is None:
        return False
    sd, devices = found
    from closer.speech.tts import pick_output

    device = pick_output(devices, output_device)
    samples, rate = read_wav(path)
    if samples.size == 0:
        return True
    try:
        sd.check_output_settings(device=device, samplerate=rate, channels=1, dtype="float32")
        play_rate = rate
    except Exception:
        index = device if device is not None else sd.default.device[1]
        play_rate = int(sd.query_devices(index, "output")["default_samplerate"])
        from closer.audio.decode import resample

        samples = resample(samples, rate, play_rate)
    try:
        sd.play(samples, play_rate, device=device, blocking=True)
    except sd.PortAudioError as exc:
        raise DeviceError(f"The output device failed during replay ({exc}); "
                          f"the recording is {path}.") from None
    return True
