"""`closer score [--round R] [--json] [--explain] [--model M] FILE...`: score written or spoken
closes. `--explain` adds why, clause by clause, from what the checks recorded while they decided
(for audio: of the transcript); in JSON as the "explain" key, absent without the flag. Every
verdict ends with a stronger close in the candidate's own words ("stronger_close" in JSON).

FILE is text (`.txt`, or `-` for stdin) or audio (anything else PyAV decodes). Each unreadable
file gets one error line in its place and the others are still scored. The speech model loads
once, and only when an audio file is actually decoded. Exit: 0 all checks passed, 1 any check
failed, 2 any file unreadable (or a usage/model error).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from closer.errors import AudioDecodeError, UserError
from closer.settings import TranscriberSettings
from closer.types import Delivery, Transcript

_LOGGER = logging.getLogger(__name__)

EXIT_PASS, EXIT_FAIL, EXIT_UNREADABLE = 0, 1, 2


class UnreadableText(UserError):
    """A text input that is missing, empty, a directory or not UTF-8."""


def is_text_input(name: str) -> bool:
    return name == "-" or name.lower().endswith(".txt")


def read_text(name: str) -> str:
    """The close typed in a .txt file or on stdin (`-`); `UnreadableText` when unusable."""
    label = "standard input" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except IsADirectoryError:
        raise UnreadableText(f"{name} is a directory, not a text file.") from None
    except FileNotFoundError:
        raise UnreadableText(f"{name} does not exist.") from None
    except OSError as exc:
        raise UnreadableText(f"{label} cannot be read ({exc.strerror}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableText(f"{label} is not UTF-8 text.") from None
    if not text.strip():
        raise UnreadableText(f"{label} is empty.")
    return text.strip()


class _Scorer:
    """Reads each input, loading the speech model on first need."""

    def __init__(self, settings: TranscriberSettings) -> None:
        self._settings = settings
        self._transcriber: Any = None

    def transcriber(self) -> Any:
        if self._transcriber is None:
            from closer.speech.transcriber import load_transcriber

            self._transcriber = load_transcriber(self._settings)
        return self._transcriber

    def transcribe(self, audio: Any) -> Transcript:
        """The `Transcriber` protocol, loading the model only when audio has really decoded."""
        return self.transcriber().transcribe(audio)

    def read(self, name: str) -> tuple[Transcript, Delivery | None]:
        if is_text_input(name):
            return Transcript(text=read_text(name)), None
        from closer.speech.longform import score_file

        # Streamed in blocks cut at silences: a whole recorded interview stays in bounded
        # memory; a close (one block) is transcribed exactly as a single array.
        return score_file(name, self)


def _progress(files: list[str]) -> Any:
    show = len(files) > 1 and sys.stderr.isatty()
    if not show:
        return files
    from tqdm import tqdm

    return tqdm(files, file=sys.stderr, unit="file", leave=False)


def _emitter(progress: Any) -> Callable[[str], None]:
    if progress is None or isinstance(progress, list):
        return lambda line: print(line, flush=True)
    return lambda line: progress.write(line, file=sys.stdout)


def run(args: argparse.Namespace) -> int:
    from closer.report import error_json, format_error, format_verdict, result_json
    from closer.rubric import evaluate
    from closer.rubric.explain import Trace, describe
    from closer.rubric.semantic.hook import fallback_from_env
    from closer.rubric.warm import warm_in_background

    warm_in_background()  # the grammar compiles while the model loads and decodes
    files: list[str] = list(args.files)
    if args.model is not None:
        from closer.speech.transcriber import resolve_model

        resolve_model(args.model)  # a bad --model is a usage error before any output
    scorer = _Scorer(TranscriberSettings(model=args.model))
    color = sys.stdout.isatty() and not args.json
    progress = _progress(files)
    emit = _emitter(progress)
    worst = EXIT_PASS
    for index, name in enumerate(progress):
        try:
            transcript, delivery = scorer.read(name)
        except (AudioDecodeError, UnreadableText) as exc:
            worst = EXIT_UNREADABLE
            emit(json.dumps(error_json(name, str(exc)), ensure_ascii=False) if args.json
                 else ("\n" if index else "") + format_error(name, str(exc), color))
            continue
        trace = Trace() if args.explain else None
        verdict = evaluate(transcript, args.round, delivery, fallback_from_env(), trace)
        why = describe(trace) if trace is not None else None
        if not verdict.passed and worst == EXIT_PASS:
            worst = EXIT_FAIL
        if args.json:
            emit(json.dumps(result_json(name, args.round, transcript, verdict, delivery, why),
                            ensure_ascii=False))
        else:
            emit(("\n" if index else "") + format_verdict(name, transcript, verdict, delivery,
                                                          color, why))
    return worst
