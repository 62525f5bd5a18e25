"""espeak-ng through pyttsx3: the fallback voice, rendered to samples that closer plays itself.

pyttsx3 on Linux synthesises the whole utterance before any sound, and its own playback shells
out to `aplay` on the default device. So `render` asks pyttsx3 for a WAV file and reads it back;
the speakers (closer.speech.tts) play the samples on the device the user chose. espeak-ng
renders a line in a tenth of a second or so, so it does not stream by sentence.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import UserError

if TYPE_CHECKING:
    import numpy as np

    from closer.speech.voices import Voice

_LOGGER = logging.getLogger(__name__)

ENGINE = "espeak"
RATE_HZ = 22_050  # what espeak-ng writes
_ENGINE: Any = None  # one pyttsx3 engine per process, created on first use (espeak inits once)
_DEFAULT_VOICE: str | None = None  # the engine's own voice
_ENGINE_LOCK = threading.Lock()
_RENDER_ATTEMPTS = 3  # pyttsx3's espeak loop now and then ends with no or an empty WAV; retry


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


def list_voices() -> tuple[list[tuple[str, str, str]], str | None]:
    """((id, name, language) of every espeak-ng voice, the engine's default id); no voices when
    espeak-ng cannot start."""
    try:
        with _ENGINE_LOCK:
            engine = _engine()
            voices = engine.getProperty("voices")
    except (UserError, ImportError, OSError) as exc:
        _LOGGER.info("espeak-ng voices unavailable: %s", exc)
        return [], None
    out = []
    for v in voices:
        languages = [x.decode(errors="ignore") if isinstance(x, bytes) else str(x)
                     for x in (v.languages or [])]
        out.append((str(v.id), str(v.name), languages[0].lstrip("\x05") if languages else ""))
    return out, _DEFAULT_VOICE


def render(text: str, voice_id: str | None, rate_wpm: int, volume: float
           ) -> tuple[np.ndarray, int]:
    """Synthesise `text` -> (mono float32 samples in [-1, 1], rate in Hz); `voice_id` None is
    the engine's default voice."""
    import numpy as np

    if not text.strip():
        return np.zeros(0, dtype=np.float32), RATE_HZ
    for attempt in range(1, _RENDER_ATTEMPTS + 1):
        samples, rate = _render_once(text, voice_id, rate_wpm, volume)
        if samples.size:
            _LOGGER.debug("rendered %d chars to %.2f s", len(text), samples.size / rate)
            return samples, rate
        _LOGGER.info("text-to-speech gave no audio (attempt %d); retrying", attempt)
    raise UserError("Text-to-speech produced no audio; check the espeak-ng installation.")


def _render_once(text: str, voice_id: str | None, rate_wpm: int, volume: float
                 ) -> tuple[np.ndarray, int]:
    from closer.audio.decode import read_wav

    with _ENGINE_LOCK, tempfile.TemporaryDirectory(prefix="closer-tts-") as tmp:
        engine = _engine()
        # espeak-ng (retrieval mode) applies voice and parameter changes from its own queue, and a
        # new voice resets the rate: wait for each change to land before the next one.
        engine.setProperty("voice", voice_id or _DEFAULT_VOICE)
        _espeak_settle()
        engine.setProperty("rate", int(rate_wpm))
        engine.setProperty("volume", max(0.0, min(1.0, volume)))
        _espeak_settle()
        path = Path(tmp) / "utterance.wav"
        engine.save_to_file(text, str(path))
        # pyttsx3 prints "Audio saved to ..." on stdout; closer's stdout is reserved for output.
        with contextlib.redirect_stdout(io.StringIO()):
            engine.runAndWait()
            _espeak_settle()  # runAndWait can return before espeak has written the file
        if not path.exists():  # the loop ended before espeak finished: same as empty
            import numpy as np

            return np.zeros(0, dtype=np.float32), RATE_HZ
        try:
            return read_wav(path)
        except UserError:  # a file espeak had not finished writing: same as empty
            import numpy as np

            return np.zeros(0, dtype=np.float32), RATE_HZ


def _espeak_settle() -> None:
    """Block until espeak-ng has processed queued commands (no-op on other pyttsx3 drivers)."""
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):
        return
    _espeak.Synchronize()


class EspeakEngine:
    """One espeak-ng voice at one rate: the whole line as one piece (no per-sentence stream)."""

    engine = ENGINE
    cacheable = False  # renders faster than a cache file is worth
    rate_hz = RATE_HZ

    def __init__(self, voice: Voice, rate_wpm: int, volume: float) -> None:
        self.voice = voice
        self.rate_wpm = rate_wpm
        self.volume = volume

    def start(self) -> None:
        """Nothing to load ahead (pyttsx3 starts on the first render)."""

    def wait(self) -> None:
        """Ready at once."""

    def sentences(self, text: str) -> Iterator[np.ndarray]:
        samples, _rate = render(text, self.voice.id, self.rate_wpm, self.volume)
        yield samples
