"""`closer drill`: a spoken practice conversation at the desk mic.

The hardware and models are built through the small factories below (tests patch them); the
conversation itself is `closer.drill.session.run_session` over those objects. `closer rehearse`
reuses `run_with`.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from closer.errors import DeviceError

if TYPE_CHECKING:
    from closer.drill.flow import DrillDeps
    from closer.interfaces import Microphone, Speaker, Transcriber

_LOGGER = logging.getLogger(__name__)


def make_microphone(input_device: str | None) -> Microphone:
    from closer.audio.mic import make_microphone as make

    return make(input_device)


def make_speaker(args: argparse.Namespace) -> Any:
    from closer.settings import TtsSettings
    from closer.speech.tts import make_speaker as make

    return make(TtsSettings(rate_wpm=args.rate, voice=args.voice), args.output_device)


def load_transcriber(model: str | None) -> Transcriber:
    from closer.settings import TranscriberSettings
    from closer.speech.transcriber import load_transcriber as load

    return load(TranscriberSettings(model=model))


MODELS_AFTER_S = 1.5  # the models start loading by then even if the first line is not playing
# Set once the interviewer's first line is playing: run_with puts the speaker's own event here.
_first_sound = threading.Event()


def _after_first_sound(name: str, make: Callable[[], Any]) -> Future[Any]:
    """`make()` in a daemon thread once the first line plays (or after MODELS_AFTER_S): loading
    a model or compiling the rubric holds Python's lock in long stretches, which would delay
    that line; its result (or what it raised) from the future."""
    future: Future[Any] = Future()
    gate = _first_sound

    def run() -> None:
        gate.wait(MODELS_AFTER_S)
        try:
            future.set_result(make())
        except BaseException as exc:  # ModelError and the rest: raised where it is used
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


class _LoadingTranscriber:
    """The transcriber, loading in a background thread while the interviewer's voice loads and
    speaks; the first `transcribe` waits for it (and raises what loading raised)."""

    def __init__(self, model: str | None) -> None:
        self._future = _after_first_sound("closer-whisper-load", lambda: load_transcriber(model))

    def loaded(self) -> Transcriber:
        return self._future.result()

    def transcribe(self, audio: Any) -> Any:
        return self.loaded().transcribe(audio)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loaded(), name)


def open_history() -> Any:
    from closer.history.store import open_history as open_

    return open_()


def make_enter_key() -> Any:
    """Enter ends an answer when stdin is a terminal (None otherwise)."""
    from closer.turn.enter_key import EnterKey

    return EnterKey.for_terminal()


def make_attempt(**fields: Any) -> Any:
    from closer.history.store import Attempt

    return Attempt(**fields)


def make_listen(max_answer_s: float | None) -> tuple[Any, Any]:
    """`listen` bound to one voice detector for the whole session (Silero behind the gain
    tracker, judged against the room's noise floor), and its settings."""
    from closer.turn.listen import ListenSettings, listen

    def make_vad() -> Any:  # imports faster-whisper (its bundled Silero): off the first line's path
        from closer.audio.vad import NormalizedVad

        return NormalizedVad()

    vad = _after_first_sound("closer-vad-load", make_vad)

    def listen_once(mic: Any, transcriber: Any, settings: Any, on_status: Any,
                    stop: Any = None) -> Any:
        return listen(mic, transcriber, settings, on_status, vad.result(), stop=stop)

    if max_answer_s is None:
        return listen_once, ListenSettings()
    return listen_once, ListenSettings(max_answer_s=max_answer_s)


def scoring_parts() -> tuple[Any, Any, Any, Any]:
    """(evaluate, evaluate_objection_reply, result_json, measure) from the rubric and report;
    evaluate carries the semantic fallback that CLOSER_SEMANTIC asks for."""
    import functools

    from closer.delivery import measure
    from closer.report import result_json
    from closer.rubric import evaluate, evaluate_objection_reply
    from closer.rubric.semantic.hook import fallback_from_env, warm
    from closer.rubric.warm import warm_in_background

    # compiled and loaded while the interviewer speaks, not in the first answer (nor before the
    # first line)
    _after_first_sound("closer-rubric-warm-gate", lambda: warm_in_background(warm))
    scored = functools.partial(evaluate, fallback=fallback_from_env())
    return scored, evaluate_objection_reply, result_json, measure


def make_meter(json_mode: bool) -> Any:
    """The level meter and countdown on stderr (None with --json: stdout stays pure)."""
    if json_mode:
        return None
    try:
        from closer.audio.meter import MeterLine
    except ImportError:  # the meter is a nicety; the drill runs without it
        return None
    meter = MeterLine()
    return getattr(meter, "update", meter)


def build_deps(args: argparse.Namespace, mic: Microphone, speaker: Speaker,
               transcriber: Transcriber, max_answer_s: float | None = None, out: Any = None,
               enter: Any = None) -> DrillDeps:
    """Wire listen, the rubric, the report and the meter around the given devices and model;
    with `enter` (a `closer.turn.enter_key.EnterKey`), Enter ends an answer at once."""
    from closer.drill.events import HumanSink, JsonLinesSink
    from closer.drill.flow import DrillDeps

    stream = out or sys.stdout
    listen, settings = make_listen(max_answer_s)
    if enter is not None:
        listen = enter.wrap(listen)
    evaluate, objection_reply, result_json, measure = scoring_parts()
    return DrillDeps(
        speaker=speaker, mic=mic, transcriber=transcriber,
        sink=JsonLinesSink(stream) if args.json else HumanSink(stream, enter_ends=bool(enter)),
        listen=listen, listen_settings=settings,
        evaluate=evaluate, evaluate_objection_reply=objection_reply,
        result_json=result_json, measure=measure, on_status=make_meter(args.json),
    )


def _press_enter() -> bool:
    try:
        reply = input("Press Enter for another drill, or q then Enter to stop: ")
    except EOFError:
        return False
    return reply.strip().lower() not in {"q", "quit", "stop", "n", "no"}


def run_with(args: argparse.Namespace, settings: Any, max_answer_s: float | None = None) -> int:
    """Build devices (mic first: no mic -> one sentence, exit 2), run the session, report."""
    from closer.drill.session import SessionState, run_session

    t0 = time.monotonic()
    mic = make_microphone(args.input_device)
    speaker = None
    try:
        speaker = make_speaker(args)  # a cached first line plays while the voice loads
        global _first_sound
        _first_sound = getattr(speaker, "first_sound", None) or threading.Event()
        if not hasattr(speaker, "first_sound"):  # a speaker that cannot tell: load at once
            _first_sound.set()
        transcriber = _LoadingTranscriber(args.model)  # and so does the speech model
        _LOGGER.debug("speaker made in %.3f s; voice and transcriber loading",
                      time.monotonic() - t0)
        history = open_history()
        enter = None if settings.hands_free else make_enter_key()
        deps = build_deps(args, mic, speaker, transcriber, max_answer_s, enter=enter)
        _LOGGER.debug("drill ready to speak in %.3f s", time.monotonic() - t0)
        interactive = (settings.mode == "drill" and not args.json and not settings.hands_free
                       and not settings.once and sys.stdin.isatty())
        state = SessionState()
        run_session(settings, deps, history, make_attempt, state=state,
                    between=_press_enter if interactive else None)
    finally:
        try:
            mic.close()
        except Exception as exc:  # closing a failed device must not hide the real message
            _LOGGER.debug("closing the microphone: %s", exc)
        try:
            getattr(speaker, "close", lambda: None)()
        except Exception as exc:
            _LOGGER.debug("closing the speaker: %s", exc)
    saved = sum(r.attempt_id is not None for r in state.results)
    if state.device_error is not None:
        raise DeviceError(f"{state.device_error.rstrip('.')}; {saved} finished attempt(s) saved.")
    if state.interrupted:
        print(f"closer: stopped; {saved} finished attempt(s) saved.", file=sys.stderr)
        return 130
    return 0


def run(args: argparse.Namespace) -> int:
    """`--round` given on the command line wins over the scenario's round (the scenario's is the
    default, then "first"): the same file serves every round of that interview. The scenario's
    next_step answers the next-step question only in the scenario's own round."""
    from closer.commands.scenario import scenario_from_args
    from closer.drill.session import SessionSettings

    scenario = scenario_from_args(args)  # a bad file is one sentence before any device opens
    round_ = args.round or (scenario.round if scenario is not None else None) or "first"
    settings = SessionSettings(
        mode="drill", round=round_, once=args.once, hands_free=args.hands_free,
        seed=args.seed, max_drills=1 if args.once or not args.hands_free else None,
        save_audio=not args.no_save_audio, scenario=scenario)
    return run_with(args, settings)
