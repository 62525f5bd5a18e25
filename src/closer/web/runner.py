"""One drill session at a time per server, run by the CLI's engine in a worker thread.

`Services` holds what every drill shares for the server's life: the speech model (loading in
the background from start-up, so the first drill does not wait for it), the interviewer's voice,
the rubric's parts and the history. `Drills.start` turns the page's start message into the
CLI's `SessionSettings` and runs `closer.drill.session.run_session` over the page's adapters
(`closer.web.bridge`); a second tab asking while one runs gets one sentence.

Modes, as the CLI has them: "drill" (one conversation, like `closer drill`), "once" (one
wrap-up, one answer, one verdict: `closer drill --once`), "rehearse"
(rounds in turn, an answer time limit with a countdown, a summary: `closer rehearse`),
"hands_free" (voice commands again / next / harder / stop: `closer drill --hands-free`).
A scenario (the page's "Your interview" form: TOML as `--scenario` takes it) makes the drill
that interview; the page's Round select wins over the scenario's round, as `--round` does.
Stop in the page ends the session as Ctrl-C does at the terminal: finished attempts are saved,
the drill under way is dropped. A socket dropped mid-answer is a device failure: the answer so
far is scored and saved, as when a desk mic is unplugged.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from closer.errors import UserError
from closer.web.bridge import Outbox, PageMicrophone, PageSink, PageSpeaker, with_done_button

_LOGGER = logging.getLogger(__name__)

MODES = ("drill", "once", "rehearse", "hands_free")
ROUNDS = ("first", "second", "final")
REHEARSE_REPS = 3  # as `closer rehearse` without --reps
TIME_LIMIT_S = (10.0, 300.0)  # the answer limit a page may ask for in a rehearsal
MAX_MINUTES = 120.0


@dataclass(frozen=True)
class WebDrillOptions:
    """The server's command-line choices (the page chooses round and mode per drill)."""

    model: str | None = None
    voice: str | None = None
    rate_wpm: int = 160
    round: str = "first"  # the page's preselected round
    save_audio: bool = True


@dataclass(frozen=True)
class StartRequest:
    """A validated start message from the page."""

    round: str
    mode: str
    time_limit_s: float = 45.0
    minutes: float | None = None
    seed: int | None = None
    once: bool = False  # one wrap-up, one answer, one verdict (`closer drill --once`)
    scenario: Any = None  # closer.scenario.Scenario from the page's form, or None


def parse_start(message: dict[str, Any]) -> StartRequest:
    """The page's {"type": "start", ...} as a StartRequest; UserError (one sentence) if bad."""
    round_ = message.get("round", "first")
    mode = message.get("mode", "drill")
    if round_ not in ROUNDS:
        raise UserError(f"Round must be one of {', '.join(ROUNDS)}.")
    if mode not in MODES:
        raise UserError(f"Mode must be one of {', '.join(MODES)}.")
    limit = _number(message.get("time_limit_s", 45.0), "The answer time limit")
    if not TIME_LIMIT_S[0] <= limit <= TIME_LIMIT_S[1]:
        raise UserError(f"The answer time limit must be {TIME_LIMIT_S[0]:g} to "
                        f"{TIME_LIMIT_S[1]:g} seconds.")
    minutes = message.get("minutes")
    if minutes is not None:
        minutes = _number(minutes, "Minutes")
        if not 0 < minutes <= MAX_MINUTES:
            raise UserError(f"Minutes must be more than 0 and at most {MAX_MINUTES:g}.")
    seed = message.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise UserError("The seed must be a whole number.")
    once = message.get("once", False)
    if not isinstance(once, bool):
        raise UserError("once must be true or false.")
    if mode == "once":
        mode, once = "drill", True
    scenario = None
    text = message.get("scenario")
    if text is not None and not isinstance(text, str):
        raise UserError("The scenario must be TOML text.")
    if text and text.strip():
        from closer.scenario import load_scenario_text

        scenario = load_scenario_text(text, "the scenario form")
    return StartRequest(round_, mode, limit, minutes, seed, once and mode == "drill", scenario)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{what} must be a number.")
    return float(value)


def session_settings(req: StartRequest, save_audio: bool) -> tuple[Any, float | None]:
    """(SessionSettings, answer limit in s or None) for a start request: the CLI's choices."""
    from closer.drill.session import SessionSettings

    if req.mode == "rehearse":
        # as `closer rehearse`: a scenario that names its round keeps every drill in it
        pinned = req.scenario.round if req.scenario is not None else None
        reps = None if req.minutes is not None else REHEARSE_REPS
        return SessionSettings(mode="rehearse", round=pinned or req.round,  # type: ignore[arg-type]
                               cycle_rounds=pinned is None, seed=req.seed, max_drills=reps,
                               minutes=req.minutes, save_audio=save_audio, speak_summary=True,
                               scenario=req.scenario), req.time_limit_s
    hands_free = req.mode == "hands_free"
    return SessionSettings(mode="drill", round=req.round, hands_free=hands_free,  # type: ignore[arg-type]
                           once=req.once, seed=req.seed, max_drills=None if hands_free else 1,
                           save_audio=save_audio, scenario=req.scenario), None


class Services:
    """What the drills share for the server's life (loaded once, in the background)."""

    def __init__(self, options: WebDrillOptions, history: Any,
                 transcriber: Future[Any] | None = None, speech: Any = None) -> None:
        self.options = options
        self.history = history
        self._transcriber = transcriber if transcriber is not None else _load_transcriber(options)
        self._speech = speech
        self.ready = threading.Event()

    @property
    def speech(self) -> Any:
        if self._speech is None:
            from closer.settings import TtsSettings
            from closer.speech.tts import Speech

            self._speech = Speech(TtsSettings(rate_wpm=self.options.rate_wpm,
                                              voice=self.options.voice))
        return self._speech

    def transcriber(self) -> Any:
        return self._transcriber.result()  # raises the ModelError loading raised

    def warm_up(self) -> None:
        """Load the voice and wait for the speech model, in a background thread: the first
        drill then starts speaking at once. `ready` is set when both are there (or failed:
        the first drill says why)."""

        def run() -> None:
            try:
                getattr(self.speech, "ready", lambda: None)()
                self._transcriber.exception()  # waits; a failure is told at the first drill
            except Exception as exc:
                _LOGGER.warning("warming up: %s", exc)
            finally:
                self.ready.set()

        threading.Thread(target=run, name="closer-web-warm-up", daemon=True).start()

    def release(self) -> None:
        """Drop the speech model and the voice while the interpreter is whole: their native
        thread pools must be torn down now, not during interpreter shutdown (where a pool
        still joinable aborts the process)."""
        import gc

        self._transcriber = Future()
        self._speech = None
        gc.collect()

    @property
    def voice_label(self) -> str:
        return str(getattr(self.speech, "label", "voice"))


def _load_transcriber(options: WebDrillOptions) -> Future[Any]:
    from closer.commands.drill import load_transcriber

    future: Future[Any] = Future()

    def run() -> None:
        try:
            future.set_result(load_transcriber(options.model))
        except BaseException as exc:  # ModelError and the rest: told at the first drill
            future.set_exception(exc)

    threading.Thread(target=run, name="closer-web-whisper-load", daemon=True).start()
    return future


class DrillRun:
    """One page's session: its adapters and the worker thread running the engine."""

    def __init__(self, services: Services, outbox: Outbox, make_deps: Any = None) -> None:
        self.services = services
        self.outbox = outbox
        self.mic = PageMicrophone()
        self.speaker: PageSpeaker | None = None
        self.sink = PageSink(outbox, self.mic)
        self._make_deps = make_deps or build_deps
        self.thread: threading.Thread | None = None

    def stop(self) -> None:
        self.mic.stop()
        if self.speaker is not None:
            self.speaker.cancel()

    def page_gone(self, sentence: str) -> None:
        self.mic.fail(sentence)
        if self.speaker is not None:
            self.speaker.cancel()

    def run(self, req: StartRequest, on_done: Any) -> None:
        from closer.drill.session import SessionState, run_session
        from closer.history.store import Attempt

        state = SessionState()
        try:
            settings, limit = session_settings(req, self.services.options.save_audio)
            self.speaker = PageSpeaker(self.outbox, self.services.speech)
            deps = self._make_deps(self, settings, limit)
            run_session(settings, deps, self.services.history, Attempt, state=state)
        except UserError as exc:
            self.outbox.put({"event": "error", "text": str(exc)})
        except Exception as exc:  # the page must hear of it; the server stays up
            _LOGGER.exception("drill failed")
            self.outbox.put({"event": "error", "text": f"The drill stopped: {exc}."})
        finally:
            saved = sum(r.attempt_id is not None for r in state.results)
            ended = ("stopped" if state.interrupted else
                     "device_error" if state.device_error else "complete")
            if state.device_error:
                self.outbox.put({"event": "error", "text": f"{state.device_error.rstrip('.')}; "
                                 f"{saved} finished attempt(s) saved."})
            self.outbox.put({"event": "ended", "ended": ended, "saved": saved})
            on_done(self)


def build_deps(run: DrillRun, settings: Any, max_answer_s: float | None) -> Any:
    """The CLI's DrillDeps (listen, rubric, report, delivery) around the page's adapters."""
    from closer.commands.drill import make_listen, scoring_parts
    from closer.drill.flow import DrillDeps

    listen, listen_settings = make_listen(max_answer_s)
    if not settings.hands_free:  # hands-free keeps the voice commands as the only controls
        listen = with_done_button(listen, run.mic)
    evaluate, objection_reply, result_json, measure = scoring_parts()
    assert run.speaker is not None
    return DrillDeps(
        speaker=run.speaker, mic=run.mic, transcriber=run.services.transcriber(),
        sink=run.sink, listen=listen, listen_settings=listen_settings, evaluate=evaluate,
        evaluate_objection_reply=objection_reply, result_json=result_json, measure=measure,
        on_status=run.sink.status)


class Drills:
    """At most one running session per server (one mic, one history writer at a time)."""

    BUSY = "A drill is already running in another tab or window; finish or stop it there first."

    def __init__(self, services: Services, make_deps: Any = None) -> None:
        self.services = services
        self._make_deps = make_deps
        self._lock = threading.Lock()
        self.current: DrillRun | None = None

    def start(self, message: dict[str, Any], outbox: Outbox) -> DrillRun:
        req = parse_start(message)
        with self._lock:
            if self.current is not None:
                raise UserError(self.BUSY)
            run = DrillRun(self.services, outbox, self._make_deps)
            self.current = run
        run.thread = threading.Thread(target=run.run, args=(req, self._finished),
                                      name="closer-web-drill", daemon=True)
        run.thread.start()
        return run

    def _finished(self, run: DrillRun) -> None:
        with self._lock:
            if self.current is run:
                self.current = None
