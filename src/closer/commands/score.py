"""`closer score [--round R] [--json] [--explain] [--model M] FILE...`: score written or spoken
closes. `--explain` adds why, clause by clause, from what the checks recorded while they decided
(for audio: of the transcript); in JSON as the "explain" key, absent without the flag. Every
verdict ends with a stronger close in the candidate's own words ("stronger_close" in JSON).

FILE is text (`.txt`, or `-` for stdin) or audio (anything else PyAV decodes). Each unreadable
file gets one error line in its place and the others are still scored. The speech model loads
once, and only when an audio file is actually decoded. Exit: 0 all checks passed, 1 any check
failed, 2 any file unreadable (or a usage/model error).

Several audio files are read two at a time (`read_in_order`), each on one decoding thread, while
this thread scores the one before: the lines still come out in the order given, each as soon as
it and every file before it are done.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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


class _Cancelled(Exception):
    """The command is ending (Ctrl-C, a model error): a read still running stops at its next
    part instead of keeping the process alive to the end of a long recording."""


class _Scorer:
    """Reads each input, loading the speech model on first need (once, whichever reader
    thread needs it first)."""

    def __init__(self, settings: TranscriberSettings) -> None:
        self._settings = settings
        self._transcriber: Any = None
        self._lock = threading.Lock()
        self.cancelled = threading.Event()

    def transcriber(self) -> Any:
        with self._lock:
            if self._transcriber is None:
                from closer.speech.transcriber import load_transcriber

                self._transcriber = load_transcriber(self._settings)
        return self._transcriber

    def transcribe(self, audio: Any) -> Transcript:
        """The `Transcriber` protocol, loading the model only when audio has really decoded."""
        if self.cancelled.is_set():
            raise _Cancelled()
        return self.transcriber().transcribe(audio)

    def read(self, name: str) -> tuple[Transcript, Delivery | None]:
        if is_text_input(name):
            return Transcript(text=read_text(name)), None
        from closer.speech.longform import score_file

        # Streamed in blocks cut at silences: a whole recorded interview stays in bounded
        # memory; a close (one block) is transcribed exactly as a single array.
        return score_file(name, self)


Outcome = tuple[Transcript, Delivery | None] | AudioDecodeError | UnreadableText


def _outcome(read: Callable[[str], tuple[Transcript, Delivery | None]], name: str) -> Outcome:
    try:
        return read(name)
    except (AudioDecodeError, UnreadableText) as exc:  # this file's own line says so
        return exc


def read_in_order(names: Iterable[str], read: Callable[[str], tuple[Transcript, Delivery | None]],
                  workers: int) -> Iterator[tuple[str, Outcome]]:
    """(name, what reading it gave) in the order given, with up to `workers` reads running
    ahead of the caller; any other exception from a read is raised at that file's turn."""
    if workers <= 1:
        for name in names:
            yield name, _outcome(read, name)
        return
    from concurrent.futures import Future, ThreadPoolExecutor

    todo = iter(names)
    pending: deque[tuple[str, Future[Outcome]]] = deque()
    pool = ThreadPoolExecutor(workers, thread_name_prefix="closer-read")

    def submit() -> None:
        name = next(todo, None)
        if name is not None:
            pending.append((name, pool.submit(_outcome, read, name)))

    try:
        for _ in range(workers):
            submit()
        while pending:
            name, future = pending.popleft()
            outcome = future.result()
            submit()  # keep every worker busy while the caller scores this one
            yield name, outcome
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _workers(files: list[str]) -> int:
    """Two readers when two or more audio files and two cores are there, else one."""
    audio = sum(not is_text_input(name) for name in files)
    return 2 if audio >= 2 and (os.cpu_count() or 1) >= 2 else 1


def _progress(outcomes: Iterator[tuple[str, Outcome]], total: int) -> Any:
    show = total > 1 and sys.stderr.isatty()
    if not show:
        return outcomes
    from tqdm import tqdm

    return tqdm(outcomes, total=total, file=sys.stderr, unit="file", leave=False)


def _emitter(progress: Any) -> Callable[[str], None]:
    if not hasattr(progress, "write"):  # no bar: plain lines
        return lambda line: print(line, flush=True)
    return lambda line: progress.write(line, file=sys.stdout)


def run(args: argparse.Namespace) -> int:
    from closer.rubric.semantic.hook import warm
    from closer.rubric.warm import warm_in_background

    warm_in_background(warm)  # the grammar compiles, the encoder loads, while Whisper decodes
    files: list[str] = list(args.files)
    if args.model is not None:
        from closer.speech.transcriber import resolve_model

        resolve_model(args.model)  # a bad --model is a usage error before any output
    workers = _workers(files)
    scorer = _Scorer(TranscriberSettings(model=args.model, workers=workers))
    color = sys.stdout.isatty() and not args.json
    progress = _progress(read_in_order(files, scorer.read, workers), len(files))
    emit = _emitter(progress)
    worst = EXIT_PASS
    try:
        for index, (name, outcome) in enumerate(progress):
            worst = _report(args, index, name, outcome, worst, emit, color)
    finally:
        scorer.cancelled.set()  # a read still running (Ctrl-C, a model error) stops soon
    return worst


def _report(args: argparse.Namespace, index: int, name: str, outcome: Outcome, worst: int,
            emit: Callable[[str], None], color: bool) -> int:
    """Score one file's outcome and print its line; the exit code so far."""
    from closer.report import error_json, format_error, format_verdict, result_json
    from closer.rubric import evaluate
    from closer.rubric.explain import Trace, describe
    from closer.rubric.semantic.hook import fallback_from_env

    if isinstance(outcome, (AudioDecodeError, UnreadableText)):
        emit(json.dumps(error_json(name, str(outcome)), ensure_ascii=False) if args.json
             else ("\n" if index else "") + format_error(name, str(outcome), color))
        return EXIT_UNREADABLE
    transcript, delivery = outcome
    trace = Trace() if args.explain else None
    verdict = evaluate(transcript, args.round, delivery, fallback_from_env(), trace)
    why = describe(trace) if trace is not None else None
    if args.json:
        emit(json.dumps(result_json(name, args.round, transcript, verdict, delivery, why),
                        ensure_ascii=False))
    else:
        emit(("\n" if index else "") + format_verdict(name, transcript, verdict, delivery,
                                                      color, why))
    return EXIT_FAIL if not verdict.passed and worst == EXIT_PASS else worst
