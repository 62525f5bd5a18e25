"""Text to speech: the interviewer's voice, made by an engine and played by closer itself.

- The voice (closer.speech.voices): Piper's joe by default (closer.speech.piper); espeak-ng
  through pyttsx3 (closer.speech.espeak) with `--voice espeak`, or when Piper cannot load, and
  then one line says so.
- `Speech` is the chosen voice with that fallback and the voice cache (closer.speech.cache):
  `stream(text)` yields the line sentence by sentence as Piper makes it (a short pause before
  each new sentence), or the whole line at once when it was made before.
- Speakers: `DeviceSpeaker` queues each piece on a warm `closer.audio.playback.OutputStream`,
  so the next sentence is made while this one plays, and `say` returns only when the sound has
  been heard (half-duplex). `WavSpeaker` writes numbered WAV files when the machine has no output.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.settings import TtsSettings
from closer.speech import voices
from closer.speech.cache import VoiceCache

if TYPE_CHECKING:
    import numpy as np

    from closer.audio.playback import OutputStream
    from closer.speech.voices import Voice

_LOGGER = logging.getLogger(__name__)

_FROM_ENV: Any = object()  # Speech(cache=...) default: the cache CLOSER_VOICE_CACHE names


def make_engine(voice: Voice, settings: TtsSettings) -> Any:
    """The engine for `voice` at the settings' pace and level (Piper starts loading at once)."""
    if voice.engine == "piper":
        from closer.speech.piper import PiperEngine

        return PiperEngine(voice, settings.rate_wpm, settings.volume, settings.sentence_pause_s)
    from closer.speech.espeak import EspeakEngine

    return EspeakEngine(voice, settings.rate_wpm, settings.volume)


class Speech:
    """The voice the speakers say lines with: engine, fallback, cache."""

    def __init__(self, settings: TtsSettings, voice: Voice | None = None,
                 cache: VoiceCache | None = _FROM_ENV) -> None:
        self.settings = settings
        self.voice = voice or voices.resolve(settings.voice)
        self._may_fall_back = settings.voice is None and voice is None
        self.engine = make_engine(self.voice, settings)
        self.cache = VoiceCache.from_env() if cache is _FROM_ENV else cache

    @property
    def label(self) -> str:
        """Which voice speaks: `piper:en_US-joe-medium`, `espeak:gmw/en`."""
        return self.voice.label

    @property
    def rate_hz(self) -> int:
        return int(self.engine.rate_hz)

    def ready(self) -> None:
        """Wait until the voice can speak (falling back to espeak-ng if Piper cannot load)."""
        from closer.speech.piper import PiperUnavailable

        try:
            self.engine.wait()
        except PiperUnavailable as exc:
            self._fall_back(exc)

    def _fall_back(self, exc: Exception) -> None:
        if not self._may_fall_back:  # the user asked for this voice: say why it cannot speak
            raise exc
        from closer.speech.espeak import EspeakEngine

        self.voice = voices.choose("espeak", voices.espeak_voices())
        self.engine = EspeakEngine(self.voice, self.settings.rate_wpm, self.settings.volume)
        self._may_fall_back = False
        _LOGGER.warning("%s The interviewer speaks with espeak-ng instead.", exc)

    def stream(self, text: str) -> Iterator[tuple[np.ndarray, int]]:
        """(samples, rate) pieces of the spoken line, the first as soon as it is made."""
        import numpy as np

        from closer.speech.piper import PiperUnavailable

        if not text.strip():
            return
        key = self.engine.cache_key() if self.cache and self.engine.cacheable else None
        hit = self.cache.get(key, text) if self.cache and key else None
        if hit is not None:
            _LOGGER.debug("voice cache hit: %r", text[:40])
            yield hit
            self.engine.start()  # load the voice while this plays: the next line may be new
            return
        rate = self.rate_hz
        pieces: list[np.ndarray] = []
        try:
            for chunk in self.engine.sentences(text):
                pieces.append(chunk)
                yield chunk, rate
        except PiperUnavailable as exc:
            if pieces:
                raise
            self._fall_back(exc)
            yield from self.stream(text)
            return
        if key and pieces and self.cache:
            self.cache.put(key, text, np.concatenate(pieces), rate)

    def render(self, text: str) -> tuple[np.ndarray, int]:
        """The whole line as (mono float32 in [-1, 1], rate in Hz)."""
        import numpy as np

        pieces = list(self.stream(text))
        if not pieces:
            return np.zeros(0, dtype=np.float32), self.rate_hz
        return np.concatenate([p for p, _ in pieces]), pieces[0][1]


@functools.lru_cache(maxsize=8)
def _speech_for(settings: TtsSettings) -> Speech:
    return Speech(settings, cache=None)


def render(text: str, settings: TtsSettings) -> tuple[np.ndarray, int]:
    """Synthesise `text` with the voice `settings` names -> (mono float32 samples, rate in Hz).

    No voice cache: the same as a speaker would say, made afresh (test fixtures use this)."""
    return _speech_for(settings).render(text)


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

    def __init__(self, speech: Speech, wav_dir: Path,
                 on_saved: Callable[[Path, str], None] | None = None) -> None:
        self.speech = speech
        self.wav_dir = Path(wav_dir)
        self.on_saved = on_saved
        self.paths: list[Path] = []
        self.first_sound = threading.Event()  # set after the first file (see DeviceSpeaker)

    def say(self, text: str) -> None:
        samples, rate = self.speech.render(text)
        self.play(samples, rate, text)

    def play(self, samples: np.ndarray, rate: int, text: str) -> None:
        """Write already-rendered speech; `text` names the file and goes to `on_saved`."""
        from closer.audio.decode import write_wav

        self.wav_dir.mkdir(parents=True, exist_ok=True)
        path = self.wav_dir / f"{len(self.paths) + 1:02d}-{_slug(text)}.wav"
        write_wav(path, samples, rate)
        self.paths.append(path)
        self.first_sound.set()
        _LOGGER.info("no output device: wrote %s", path)
        if self.on_saved is not None:
            self.on_saved(path, text)

    def close(self) -> None:
        """Nothing to release."""


class DeviceSpeaker:
    """Speaks on one warm output stream; `say` blocks until the sound has been heard.

    `first_sound` is set once the first piece has been handed to the output: what the drill
    waits for before it loads its models, so they do not hold up the first line."""

    def __init__(self, speech: Speech, out: OutputStream) -> None:
        self.speech = speech
        self.out = out
        self.first_sound = threading.Event()

    @property
    def device(self) -> int | None:
        return self.out.device

    def say(self, text: str) -> None:
        for samples, rate in self.speech.stream(text):
            self.out.write(samples, rate)  # plays while the next sentence is made
            self.first_sound.set()
        self.out.drain()

    def play(self, samples: np.ndarray, rate: int, text: str = "") -> None:
        """Play already-rendered speech (any rate) and return when it has been heard."""
        self.out.write(samples, rate)
        self.first_sound.set()
        self.out.drain()

    def close(self) -> None:
        self.out.close()


def default_wav_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("closer")) / "speech"


def make_speaker(settings: TtsSettings, output_device: str | None,
                 wav_dir: Path | None = None,
                 on_saved: Callable[[Path, str], None] | None = None,
                 ) -> DeviceSpeaker | WavSpeaker:
    """A speaker with the voice `settings` names on the chosen output (the voice loads in the
    background meanwhile); a WAV-writing speaker when the machine has no output."""
    from closer.audio.playback import open_output

    speech = Speech(settings)
    out = open_output(output_device, speech.rate_hz)
    if out is None:
        return WavSpeaker(speech, wav_dir or default_wav_dir(), on_saved)
    return DeviceSpeaker(speech, out)
