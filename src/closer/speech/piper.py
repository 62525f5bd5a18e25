"""Piper (piper-tts, GPL-3.0-or-later, called as a library) with a voice package's own files.

The voice loads in a background thread (`start`, or at the first line the voice cache does not
hold), so the Whisper model can load at the same time and a cached first line plays at once.
`sentences(text)` yields one chunk per sentence as Piper makes it, so the speaker plays the
first while the next is synthesised. Piper's own voice downloader is never called.

Pace: `--rate` means the same words per minute for both engines. espeak-ng's nominal rate is its
own scale: on the interviewer's lines it says 1.27 times as many words a minute as asked (they
are short words). joe's time per word grows linearly with Piper's length_scale. Both were
measured on every line of prompts/interviewer.toml as the speakers say them (first to last sound
of each line, sentence pauses included; 45 lines, 545 words), so `length_scale(rate)` makes joe
as fast as espeak-ng at the same `--rate`. Unscaled, joe says about 226 words a minute on those
lines: 178 on espeak-ng's scale. tests/test_piper.py measures both again.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import UserError

if TYPE_CHECKING:
    import numpy as np

    from closer.speech.voices import Voice

_LOGGER = logging.getLogger(__name__)

ENGINE = "piper"
ESPEAK_PACE = 1.27  # words a minute espeak-ng says on the interviewer's lines per nominal wpm
SECONDS_PER_WORD = (0.090, 0.175)  # joe: s/word = a + b * length_scale on the same lines
LENGTH_SCALE_LIMITS = (0.5, 2.5)  # beyond these Piper mumbles or drawls
PEAK = 0.9  # Piper normalises each sentence to full scale; leave headroom for resampling
MAX_WORDS = 18  # longest piece made at once: about 4.5 s of speech, 230 MB at the peak
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")

_LOADS: dict[Path, Future[Any]] = {}  # one loaded PiperVoice per model file and process
_LOADS_LOCK = threading.Lock()


class PiperUnavailable(UserError):
    """Piper or the voice's files cannot be loaded here."""


def length_scale(rate_wpm: float) -> float:
    """Piper's length_scale that makes joe speak `rate_wpm` words a minute (espeak-ng's scale)."""
    a, b = SECONDS_PER_WORD
    scale = (60.0 / (ESPEAK_PACE * max(1.0, float(rate_wpm))) - a) / b
    lo, hi = LENGTH_SCALE_LIMITS
    return min(hi, max(lo, scale))


def _load_now(voice: Voice) -> Any:
    """A PiperVoice over the package's files: PiperVoice.load's own steps, with session options
    that start faster (basic graph optimisation: 1.5 s instead of 2.3 s on two cores, the same
    synthesis speed) and idle threads that sleep instead of spinning on the shared cores."""
    import onnxruntime as ort
    from piper import PiperVoice
    from piper.config import PiperConfig

    if voice.model is None or voice.config is None:
        raise FileNotFoundError(f"{voice.label} has no model files")
    config = PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(voice.model), sess_options=options,
                                   providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=config)


def load(voice: Voice) -> Future[Any]:
    """The voice's PiperVoice, loading in a background thread (started once per process)."""
    key = Path(voice.model or voice.id)
    with _LOADS_LOCK:
        future = _LOADS.get(key)
        if future is None:
            future = _LOADS[key] = Future()
            threading.Thread(target=_run_load, args=(voice, future), name="closer-piper-load",
                             daemon=True).start()
    return future


def _run_load(voice: Voice, future: Future[Any]) -> None:
    import time

    t0 = time.monotonic()
    try:
        loaded = _load_now(voice)
    except BaseException as exc:  # ImportError, onnxruntime's own errors, OSError: all "cannot"
        _LOGGER.debug("Piper failed to load %s: %r", voice.label, exc)
        future.set_exception(exc)
        return
    _LOGGER.debug("Piper voice %s loaded in %.2f s", voice.label, time.monotonic() - t0)
    future.set_result(loaded)


def forget_loads() -> None:
    """Drop the loaded voices (tests that make Piper unloadable)."""
    with _LOADS_LOCK:
        _LOADS.clear()


def _sample_rate(voice: Voice) -> int:
    try:
        spec = json.loads(voice.config.read_text(encoding="utf-8")) if voice.config else {}
    except (OSError, ValueError):
        spec = {}
    return int(spec.get("audio", {}).get("sample_rate", 22_050))


def pieces(text: str, max_words: int = MAX_WORDS) -> list[tuple[str, bool]]:
    """`text` as Piper is given it: (piece, whether it starts a new sentence). Sentences end at
    . ! or ? (kept: a question is spoken as one); one longer than `max_words` is cut at its
    commas, semicolons or colons into runs of clauses of at most `max_words`, because Piper's
    memory grows with the length of what it makes at once (a clause ending on a comma is said
    as an unfinished one)."""
    out: list[tuple[str, bool]] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        if not sentence:
            continue
        clauses = _CLAUSE_END.split(sentence) if len(sentence.split()) > max_words else [sentence]
        run: list[str] = []
        for clause in clauses:
            if run and len(" ".join([*run, clause]).split()) > max_words:
                out.append((" ".join(run), not out or out[-1][0][-1] in ".!?"))
                run = []
            run.append(clause)
        out.append((" ".join(run), not out or out[-1][0][-1] in ".!?"))
    return out


class PiperEngine:
    """One Piper voice at one pace: a chunk per sentence, the first before the rest are made."""

    engine = ENGINE
    cacheable = True  # a line takes about half its length to make: keep what was made

    def __init__(self, voice: Voice, rate_wpm: int, volume: float,
                 sentence_pause_s: float = 0.2) -> None:
        self.voice = voice
        self.rate_hz = _sample_rate(voice)
        self.length_scale = length_scale(rate_wpm)
        self.volume = max(0.0, min(1.0, volume))
        self.sentence_pause_s = max(0.0, sentence_pause_s)
        self._future: Future[Any] | None = None

    def start(self) -> None:
        """Start loading the voice in the background (once; `wait` starts it too)."""
        if self._future is None:
            self._future = load(self.voice)

    def wait(self) -> Any:
        """The loaded voice; `PiperUnavailable` (one sentence) when it cannot load."""
        self.start()
        assert self._future is not None
        try:
            return self._future.result()
        except Exception as exc:
            reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else \
                type(exc).__name__
            raise PiperUnavailable(f"Piper cannot load the voice {self.voice.id} ({reason})."
                                   ) from None

    def sentences(self, text: str) -> Iterator[np.ndarray]:
        """The line's audio a piece at a time; a new sentence starts with the pause before it."""
        import numpy as np
        from piper import SynthesisConfig

        voice = self.wait()
        config = SynthesisConfig(length_scale=self.length_scale, volume=PEAK * self.volume)
        pause = np.zeros(int(self.sentence_pause_s * self.rate_hz), np.float32)
        first = True
        for piece, new_sentence in pieces(text):
            for k, chunk in enumerate(voice.synthesize(piece, syn_config=config)):
                audio = chunk.audio_float_array
                if not first and (new_sentence or k) and pause.size:
                    audio = np.concatenate([pause, audio])
                first = False
                yield audio

    def cache_key(self) -> str:
        """What shapes the samples besides the text: the engine's version, the voice's files,
        the pace and the level."""
        from importlib import metadata

        try:
            version = metadata.version("piper-tts")
        except metadata.PackageNotFoundError:
            version = "?"
        stat = self.voice.model.stat() if self.voice.model else None
        files = f"{stat.st_size}-{stat.st_mtime_ns}" if stat else "-"
        return (f"piper {version} {self.voice.id} {files} ls={self.length_scale:.4f} "
                f"vol={self.volume:.3f} peak={PEAK} pause={self.sentence_pause_s:.3f} "
                f"max_words={MAX_WORDS}")
