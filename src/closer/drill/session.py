"""A session of drills: one drill, a hands-free loop, or a timed rehearsal.

Each finished drill is saved to history at once (before its spoken feedback), so Ctrl-C or a
device failure later loses nothing. Between hands-free drills the coach asks for a voice command:
"again" (same round, same lines), "next", "harder" (final round, objections only), "stop"
(a spoken summary). A command it cannot parse is asked once more, then taken as "next"; two
silences in a row end the session.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from closer.drill import feedback, summary
from closer.drill.commands import Command, parse_command
from closer.drill.flow import DeviceFailed, DrillDeps, DrillResult, listen_turn, run_drill, say
from closer.drill.script import DrillSetup, new_seed, pick_script
from closer.types import ROUNDS, Round

if TYPE_CHECKING:
    from closer.scenario.model import Scenario

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionSettings:
    mode: str = "drill"  # "drill" | "rehearse" (stored in history)
    round: Round = "first"  # the first drill's round
    cycle_rounds: bool = False  # rehearse: first, second, final, first, ...
    once: bool = False  # one wrap-up, one answer, one verdict
    hands_free: bool = False
    seed: int | None = None  # None: random
    max_drills: int | None = 1  # None: until stopped or out of time
    minutes: float | None = None  # no new drill starts after this many minutes
    save_audio: bool = True
    speak_summary: bool = False
    scenario: Scenario | None = None  # every drill of the session is this interview


@dataclass
class SessionState:
    """What was done so far; kept when the session is interrupted."""

    results: list[DrillResult] = field(default_factory=list)
    records: list[summary.DrillRecord] = field(default_factory=list)
    interrupted: bool = False
    device_error: str | None = None
    summary: summary.Summary | None = None


def next_round(current: Round, cycle: bool) -> Round:
    if not cycle:
        return current
    return ROUNDS[(ROUNDS.index(current) + 1) % len(ROUNDS)]


def next_setup(setup: DrillSetup, command: Command, seed: int, cycle: bool) -> DrillSetup:
    """The drill after `setup` given a command (pure). "again" keeps the setup, lines included;
    the scenario stays for every drill."""
    if command == "again":
        return setup
    if command == "harder":
        return replace(setup, round="final", objections_only=True, seed=seed)
    return replace(setup, round=next_round(setup.round, cycle), seed=seed)


def attempt_fields(result: DrillResult, mode: str, save_audio: bool,
                   now: dt.datetime | None = None) -> dict[str, Any]:
    """The keyword arguments of `closer.history.store.Attempt` for a scored drill (pure)."""
    assert result.verdict is not None and result.transcript is not None
    checks: dict[str, Any] = dict(result.verdict.checks_json())
    if result.objection is not None:
        checks["objection_handling"] = result.objection.to_json()
    when = now or dt.datetime.now(dt.UTC)
    scenario = result.setup.scenario
    raised = result.objection is not None and result.script.reply_kind == "objection"
    return {
        "created_at": when.isoformat(timespec="seconds"),
        "mode": mode,
        "round": result.setup.round,
        "scenario": None if scenario is None else scenario.name,
        "objection": result.script.reply if raised else None,
        "exchange": list(result.exchange),
        "transcript": result.transcript.text,
        "checks": checks,
        "delivery": None if result.delivery is None else result.delivery.to_json(),
        "score": result.verdict.score,
        "passed": result.passed,
        "order_ok": result.verdict.order_ok,
        "extra": {
            "reaction_s": result.reaction_s,
            "cut_at_limit": result.cut_at_limit,
            "objection": result.script.reply if result.objection is not None else None,
            "reply_kind": result.script.reply_kind if result.objection is not None else None,
            "objections_only": result.setup.objections_only,
            "seed": result.setup.seed,
            "ended": result.ended,
            "one_thing": None if result.one_thing is None else result.one_thing.to_json(),
        },
        "audio": result.audio() if save_audio else None,
    }


def record_of(result: DrillResult, index: int) -> summary.DrillRecord:
    assert result.verdict is not None
    wpm = result.delivery.words_per_minute if result.delivery is not None else None
    if wpm is None and result.transcript is not None and result.transcript.duration_s:
        wpm = 60.0 * len(result.transcript.text.split()) / result.transcript.duration_s
    return summary.DrillRecord(
        index=index, round=result.setup.round,
        checks={n: c.passed for n, c in result.verdict.checks.items()},
        order_ok=result.verdict.order_ok,
        objection_ok=None if result.objection is None else result.objection.passed,
        score=result.verdict.score, reaction_s=result.reaction_s, words_per_minute=wpm,
        cut_at_limit=result.cut_at_limit, attempt_id=result.attempt_id)


def ask_command(deps: DrillDeps, coach: dict[str, str]) -> Command:
    """Ask for a voice command; unknown twice -> "next"; silent twice -> "stop"."""
    silences = 0
    for line in (coach["ask_command"], coach["ask_command_again"]):
        say(deps, line, "coach")
        answer = listen_turn(deps)
        if answer.device_error is not None:
            raise DeviceFailed(answer.device_error)
        text = answer.transcript.text.strip()
        deps.sink.heard(text)
        command = parse_command(text)
        if command is not None:
            return command
        silences += bool(answer.no_speech or not text)
    return "stop" if silences == 2 else "next"


def run_session(settings: SessionSettings, deps: DrillDeps, history: Any,
                make_attempt: Callable[..., Any], state: SessionState | None = None,
                between: Callable[[], bool] | None = None,
                clock: Callable[[], float] = time.monotonic) -> SessionState:
    """Run drills until done, stopped, out of time or the device fails. Ctrl-C keeps `state`.

    `between` (no hands-free): called after a drill when more may follow; False stops.
    """
    state = state if state is not None else SessionState()
    coach = (deps.coach or feedback.coach_content())["coach"]
    rng = random.Random(settings.seed)
    setup = DrillSetup(round=settings.round, seed=new_seed(rng), scenario=settings.scenario)
    started = clock()

    def save(result: DrillResult) -> None:
        if history is not None:
            result.attempt_id = history.add(
                make_attempt(**attempt_fields(result, settings.mode, settings.save_audio)))
        state.records.append(record_of(result, len(state.records) + 1))

    try:
        while True:
            result = run_drill(setup, pick_script(setup), deps, once=settings.once,
                               on_finished=save)
            state.results.append(result)
            if result.device_error is not None:
                state.device_error = result.device_error
                break
            if settings.max_drills is not None and len(state.results) >= settings.max_drills:
                break
            if settings.minutes is not None and clock() - started >= settings.minutes * 60:
                break
            if settings.hands_free:
                command = ask_command(deps, coach)
            elif between is not None:
                command = "next" if between() else "stop"
            else:
                command = "next"
            if command == "stop":
                break
            setup = next_setup(setup, command, new_seed(rng), settings.cycle_rounds)
    except DeviceFailed as exc:
        state.device_error = exc.message
    except KeyboardInterrupt:
        state.interrupted = True
    state.summary = summary.summarize(state.records)
    if settings.hands_free or settings.speak_summary or settings.mode == "rehearse":
        _report_summary(state, deps, coach, speak=not (state.interrupted or state.device_error))
    return state


def _report_summary(state: SessionState, deps: DrillDeps, coach: dict[str, str],
                    speak: bool) -> None:
    assert state.summary is not None
    deps.sink.summary(state.summary.to_json(), summary.summary_text(state.summary))
    if speak:
        try:
            say(deps, summary.summary_spoken(state.summary, coach), "coach")
        except KeyboardInterrupt:
            state.interrupted = True
