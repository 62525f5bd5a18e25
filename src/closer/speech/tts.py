"""Text to speech: pyttsx3 (espeak-ng on Linux) renders to samples; closer plays them itself.

pyttsx3 on Linux synthesises the whole utterance before any sound, and its own playback shells
out to `aplay` on the default device. So `render` asks pyttsx3 for a WAV file, reads it back, and
the speakers here play the samples on the device the user chose (or write WAV files when the
machine has no output device at all).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import DeviceError, UserError
from closer.settings import TtsSettings

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

_ENGINE: Any = None  # one pyttsx3 engine per process, created on first use (espeak inits once)
_DEFAULT_VOICE: str | None = None  # the engine's own voice, restored when settings name none
_ENGINE_LOCK = threading.Lock()


def _engine() -> Any:
    global _ENGINE, _DEFAULT_VOICE
    if _ENGINE is None:
        import pyttsx3

        try:
            _ENGINE = pyttsx3.init()
        except Exception as exc:  # espeak-ng missing or broken: the user can install it
            raise UserError(f"Text-to-speech is unavailable ({exc}); install espeak-ng.") from None
        _DEFAULT_VOICE = _ENGINE.getProperty("voice")
    return _ENGINE


def list_voices() -> list[tuple[str, str]]:
    """Return (id, name) of every voice the engine offers."""
    with _ENGINE_LOCK:
        return [(v.id, v.name) for v in _engine().getProperty("voices")]


def resolve_voice(wanted: str, voices: list[tuple[str, str]]) -> str:
    """Pick a voice id: an exact id, else the first id or name containing `wanted` (any case)."""
    for vid, _name in voices:
        if vid.lower() == wanted.lower():
            return vid
    needle = wanted.lower()
    for vid, name in voices:
        if needle in name.lower() or needle in vid.lower():
            return vid
    english = ", ".join(vid for vid, _ in voices if "/en" in vid) or "none"
    raise UserError(f"No TTS voice matches {wanted!r}; English voices here: {english}.")


_RENDER_ATTEMPTS = 3  # pyttsx3's espeak loop now and then ends with no or an empty WAV; retry


def render(text: str, settings: TtsSettings) -> tuple[np.ndarray, int]:
    """Synthesise `text` and return (mono float32 samples in [-1, 1], sample rate in Hz)."""
    import numpy as np

    if not text.strip():
        return np.zeros(0, dtype=np.float32), 22_050
    for attempt in range(1, _RENDER_ATTEMPTS + 1):
        samples, rate = _render_once(text, settings)
        if samples.size:
            _LOGGER.debug("rendered %d chars to %.2f s", len(text), samples.size / rate)
            return samples, rate
        _LOGGER.info("text-to-speech gave no audio (attempt %d); retrying", attempt)
    raise UserError("Text-to-speech produced no audio; check the espeak-ng installation.")


def _render_once(text: str, settings: TtsSettings) -> tuple[np.ndarray, int]:
    with _ENGINE_LOCK, tempfile.TemporaryDirectory(prefix="closer-tts-") as tmp:
        engine = _engine()
        voice = _DEFAULT_VOICE
        if settings.voice:
            voices = [(v.id, v.name) for v in engine.getProperty("voices")]
            voice = resolve_voice(settings.voice, voices)
        # espeak-ng (retrieval mode) applies voice and parameter changes from its own queue, and a
        # new voice resets the rate: wait for each change to land before the next one.
        engine.setProperty("voice", voice)
        _espeak_settle()
        engine.setProperty("rate", int(settings.rate_wpm))
        engine.setProperty("volume", max(0.0, min(1.0, settings.volume)))
        _espeak_settle()
        path = Path(tmp) / "utterance.wav"
        engine.save_to_file(text, str(path))
        # pyttsx3 prints "Audio saved to ..." on stdout; closer's stdout is reserved for output.
        with contextlib.redirect_stdout(io.StringIO()):
            engine.runAndWait()
            _espeak_settle()  # runAndWait can return before espeak has written the file
        if not path.exists():  # the loop ended before espeak finished: same as empty
            import numpy as np

            return np.zeros(0, dtype=np.float32), 22_050
        return _read_pcm16(path)


def _espeak_settle() -> None:
    """Block until espeak-ng has processed queued commands (no-op on other pyttsx3 drivers)."""
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):
        return
    _espeak.Synchronize()


def _read_pcm16(path: Path) -> tuple[np.ndarray, int]:
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    return (pcm.astype(np.float32) / 32768.0), rate


def _slug(text: str, limit: int = 40) -> str:
    """A file-name-safe stem from the first whole words of `text`."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit + 1] else slug[:limit]
    return slug or "silence"


class WavSpeaker:
    """The speaker when there is no output device: each utterance becomes a numbered WAV file.

    `paths` lists the files written; `on_saved(path, text)` is called after each one.
    """

    def __init__(self, settings: TtsSettings, wav_dir: Path,
                 on_saved: Callable[[Path, str], None] | None = None) -> None:
        self.settings = settings
        self.wav_dir = Path(wav_dir)
        self.on_saved = on_saved
        self.paths: list[Path] = []

    def say(self, text: str) -> None:
        samples, rate = render(text, self.settings)
        self.play(samples, rate, text)

    def play(self, samples: np.ndarray, rate: int, text: str) -> None:
        """Write already-rendered speech; `text` names the file and goes to `on_saved`."""
        from closer.audio.decode import write_wav

        self.wav_dir.mkdir(parents=True, exist_ok=True)
        path = self.wav_dir / f"{len(self.paths) + 1:02d}-{_slug(text)}.wav"
        write_wav(path, samples, rate)
        self.paths.append(path)
        _LOGGER.info("no output device: wrote %s", path)
        if self.on_saved is not None:
            self.on_saved(path, text)


class SoundDeviceSpeaker:
    """Plays rendered speech on one output device and blocks until it has finished."""

    def __init__(self, settings: TtsSettings, device: int | None) -> None:
        self.settings = settings
        self.device = device

    def say(self, text: str) -> None:
        samples, rate = render(text, self.settings)
        self.play(samples, rate, text)

    def play(self, samples: np.ndarray, rate: int, text: str = "") -> None:
        """Play already-rendered speech (any rate) and return when it has finished."""
        if samples.size == 0:
            return
        import sounddevice as sd

        play_rate = _playable_rate(sd, self.device, rate)
        if play_rate != rate:
            from closer.audio.decode import resample

            samples = resample(samples, rate, play_rate)
        try:
            sd.play(samples, play_rate, device=self.device, blocking=True)
        except sd.PortAudioError as exc:
            raise DeviceError(f"The output device failed while speaking ({exc}).") from None


def _playable_rate(sd: Any, device: int | None, rate: int) -> int:
    """`rate` if the device takes it, else the device's default rate."""
    try:
        sd.check_output_settings(device=device, samplerate=rate, channels=1, dtype="float32")
        return rate
    except Exception:
        info = sd.query_devices(device if device is not None else sd.default.device[1], "output")
        return int(info["default_samplerate"])


def pick_output(devices: list[dict[str, Any]], wanted: str | None) -> int | None:
    """Resolve an output device from `sd.query_devices()` entries.

    `wanted` is an index or a name substring (any case); None means the system default.
    Raises DeviceError when `wanted` names no output device.
    """
    outputs = [(i, d) for i, d in enumerate(devices) if d.get("max_output_channels", 0) > 0]
    if wanted is None:
        return None
    if wanted.strip().isdigit():
        index = int(wanted)
        if any(i == index for i, _ in outputs):
            return index
    else:
        for i, d in outputs:
            if wanted.lower() in str(d.get("name", "")).lower():
                return i
    names = "; ".join(f"{i}: {d.get('name')}" for i, d in outputs) or "none"
    raise DeviceError(f"No output device matches {wanted!r}; outputs here: {names}.")


def output_devices() -> list[dict[str, Any]] | None:
    """All devices, or None when PortAudio is missing or lists no output at all."""
    try:
        import sounddevice as sd

        devices = [dict(d) for d in sd.query_devices()]
    except Exception as exc:  # OSError without libportaudio, PortAudioError without a server
        _LOGGER.info("no audio devices (%s)", exc)
        return None
    if not any(d.get("max_output_channels", 0) > 0 for d in devices):
        return None
    return devices


def default_wav_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("closer")) / "speech"


def make_speaker(settings: TtsSettings, output_device: str | None,
                 wav_dir: Path | None = None,
                 on_saved: Callable[[Path, str], None] | None = None,
                 ) -> SoundDeviceSpeaker | WavSpeaker:
    """A speaker on the chosen output; a WAV-writing speaker when the machine has no output."""
    devices = output_devices()
    if devices is None:
        if output_device is not None:
            _LOGGER.warning("no output devices; ignoring --output-device %s", output_device)
        return WavSpeaker(settings, wav_dir or default_wav_dir(), on_saved)
    return SoundDeviceSpeaker(settings, pick_output(devices, output_device))
