"""One drill conversation: the wrap-up, the candidate's questions, the replies, a verdict.

The flow (a small state machine over plain decisions):
1. wrap-up line; the candidate answers.
2. asked the next-step question only -> the interviewer answers it and invites a last question
   (follow-up); the candidate answers again.
3. asked a trial close (in either turn) -> a rebuttal or an objection; the candidate gets ONE
   reply, scored for addressing it and closing again. Next-step asked only after the trial close
   (reversed order) is still answered, then the closing line.
4. asked neither -> the closing line; the drill ends.

Half-duplex: `Speaker.say` blocks until the sound has played, then the flow waits a short tail
before it emits "listening" and opens the mic, so the assistant never hears itself. Silence for
the listening start timeout is re-prompted once, then the drill ends with a note. A device failure
keeps what was said and ends the drill with `ended == "device_error"`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from closer.drill import feedback
from closer.drill.events import EventSink
from closer.drill.script import DrillSetup, Script
from closer.errors import DeviceError
from closer.settings import SAMPLE_RATE_HZ
from closer.types import CheckResult, Delivery, Transcript, Verdict

if TYPE_CHECKING:
    from closer.interfaces import Microphone, Speaker, Transcriber
    from closer.turn.listen import ListenSettings

_LOGGER = logging.getLogger(__name__)

TAIL_S = 0.2  # wait after the assistant's speech before the mic opens (room echo, device latency)


@dataclass
class DrillDeps:
    """Everything a drill touches, passed in so tests can use fakes (no hardware, no model)."""

    speaker: Speaker
    mic: Microphone
    transcriber: Transcriber
    sink: EventSink
    listen: Callable[..., Any]  # closer.turn.listen.listen(mic, transcriber, settings, on_status)
    listen_settings: ListenSettings
    evaluate: Callable[..., Verdict]  # closer.rubric.evaluate(transcript, round, delivery)
    evaluate_objection_reply: Callable[..., CheckResult]
    result_json: Callable[..., dict[str, Any]]  # closer.report.result_json
    measure: Callable[..., Delivery] | None = None  # closer.delivery.measure(audio, transcript)
    on_status: Callable[[Any], None] | None = None  # level meter
    sleep: Callable[[float], None] = time.sleep
    tail_s: float = TAIL_S
    coach: dict[str, Any] | None = None  # voice_commands.toml content (default: loaded)


@dataclass
class DrillResult:
    setup: DrillSetup
    script: Script
    exchange: list[dict[str, Any]] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)  # closer.turn.listen.Answer per candidate turn
    transcript: Transcript | None = None  # all candidate turns joined in order
    verdict: Verdict | None = None
    objection: CheckResult | None = None  # objection handling, when a reply was given
    delivery: Delivery | None = None
    one_thing: feedback.OneThing | None = None
    result: dict[str, Any] | None = None  # the JSON "result" event body
    ended: str = "complete"  # "complete" | "no_speech" | "device_error"
    attempt_id: int | None = None  # set by whoever saved it
    device_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.verdict is not None

    @property
    def passed(self) -> bool:
        return bool(self.verdict and self.verdict.passed
                     and (self.objection is None or self.objection.passed))

    @property
    def reaction_s(self) -> float | None:
        return self.answers[0].reaction_s if self.answers else None

    @property
    def cut_at_limit(self) -> bool:
        return any(a.cut_at_limit for a in self.answers)

    def audio(self) -> Any:
        """All candidate audio joined (16 kHz float32), or None when nothing was kept."""
        import numpy as np

        parts = [np.asarray(a.audio, dtype=np.float32) for a in self.answers if a.audio is not None]
        return np.concatenate(parts) if parts else None


class DeviceFailed(Exception):
    """The microphone failed while listening; `message` is one sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def say(deps: DrillDeps, text: str, who: str) -> None:
    """Report and speak `text`; returns only when the sound has finished (Speaker.say blocks)."""
    deps.sink.say(text, who)
    deps.speaker.say(text)


def listen_turn(deps: DrillDeps) -> Any:
    """Wait the half-duplex tail, report "listening", then open the mic and return the Answer."""
    deps.sleep(deps.tail_s)  # the mic opens only after the assistant's voice (and echo) is gone
    deps.sink.listening()
    try:
        return deps.listen(deps.mic, deps.transcriber, deps.listen_settings, deps.on_status)
    except DeviceError as exc:
        raise DeviceFailed(str(exc)) from None


class _Conversation:
    def __init__(self, setup: DrillSetup, script: Script, deps: DrillDeps) -> None:
        self.deps = deps
        self.coach = (deps.coach or feedback.coach_content())["coach"]
        self.r = DrillResult(setup=setup, script=script)

    def say(self, text: str, kind: str, who: str = "interviewer") -> None:
        say(self.deps, text, who)
        if who == "interviewer":
            self.r.exchange.append({"speaker": "interviewer", "kind": kind, "text": text})

    def note(self, text: str) -> None:
        self.r.notes.append(text)
        self.deps.sink.note(text)

    def listen(self) -> Any:
        return listen_turn(self.deps)

    def ask(self, line: str, kind: str, reprompt: str) -> Any | None:
        """Say `line` and listen; on silence re-prompt once. None: silent both times."""
        self.say(line, kind)
        answer = self.listen()
        if answer.no_speech and answer.device_error is None:
            self.say(reprompt, "reprompt")
            answer = self.listen()
        if answer.no_speech and answer.device_error is None:
            return None
        self._record(answer, kind)
        if answer.device_error is not None:
            raise DeviceFailed(answer.device_error)
        return answer

    def _record(self, answer: Any, kind: str) -> None:
        text = answer.transcript.text.strip()
        self.deps.sink.heard(text)
        self.r.answers.append(answer)
        turn: dict[str, Any] = {"speaker": "candidate", "in_reply_to": kind, "text": text,
                                "reaction_s": answer.reaction_s,
                                "duration_s": round(_duration_s(answer), 2),
                                "cut_at_limit": bool(answer.cut_at_limit)}
        self.r.exchange.append(turn)
        if answer.cut_at_limit:
            limit = getattr(self.deps.listen_settings, "max_answer_s", None)
            self.note(self.coach["cut_at_limit"].format(limit=f"{limit:g}" if limit else "the"))

    def classify(self, answer: Any) -> tuple[bool, bool]:
        """Did this one turn ask the next-step question / a trial close? (rubric on the turn)."""
        verdict = self.deps.evaluate(answer.transcript, self.r.setup.round, None)
        return verdict.checks["next_step"].passed, verdict.checks["trial_close"].passed


def _duration_s(answer: Any) -> float:
    audio = getattr(answer, "audio", None)
    if audio is not None and len(audio):
        return len(audio) / SAMPLE_RATE_HZ
    return float(answer.transcript.duration_s or 0.0)


def _converse(c: _Conversation, once: bool) -> None:
    s = c.r.script
    first = c.ask(s.wrap_up, "wrap_up", s.reprompt_question)
    if first is None:
        c.r.ended = "no_speech"
        c.note(c.coach["no_speech_end"])
        return
    if once:
        return
    asked_ns, asked_tc = c.classify(first)
    ns_answered = False
    if asked_ns and not asked_tc:
        ns_answered = True
        line = f"{s.next_step_answer} {s.follow_up}"
        second = c.ask(line, "next_step_answer", s.reprompt_question)
        if second is None:
            c.r.ended = "no_speech"
            c.note(c.coach["no_speech_end"])
            return
        asked_tc = c.classify(second)[1]
    if asked_tc:
        line = s.reply if ns_answered or not asked_ns else f"{s.next_step_answer} {s.reply}"
        ns_answered = ns_answered or asked_ns
        reply = c.ask(line, s.reply_kind, s.reprompt_reply)
        if reply is None:
            c.r.objection = CheckResult(passed=False, evidence=None, tip=None)
            c.r.ended = "no_speech"
            c.note(c.coach["no_speech_end"])
            return
        c.r.objection = c.deps.evaluate_objection_reply(s.reply, reply.transcript, s.round)
        if not ns_answered and c.classify(reply)[0]:
            c.say(s.next_step_answer, "next_step_answer")  # asked in reversed order: still answer
    c.say(s.closing, "closing")


def _score(c: _Conversation) -> None:
    r, deps = c.r, c.deps
    if not r.answers:
        return
    r.transcript = feedback.join_transcripts([a.transcript for a in r.answers],
                                             [_duration_s(a) for a in r.answers])
    if deps.measure is not None:
        try:
            r.delivery = deps.measure(r.audio(), r.transcript)
        except Exception as exc:  # delivery is a bonus; the verdict must still come
            _LOGGER.warning("delivery measure failed: %s", exc)
    r.verdict = deps.evaluate(r.transcript, r.setup.round, r.delivery)
    r.one_thing = feedback.one_thing(r.verdict, r.objection, deps.coach)
    from closer import prompts
    from closer.scenario.lines import close_lines

    # the stronger close's added asks say the scenario's company, role and real next step
    worded = close_lines(r.setup.scenario, r.setup.round,
                         prompts.load("model_lines").get("scenario", {}))
    result = dict(deps.result_json(None, r.setup.round, r.transcript, r.verdict, r.delivery,
                                   **worded))
    result["exchange"] = r.exchange
    result["objection_handling"] = None if r.objection is None else {
        **r.objection.to_json(), "line": r.script.reply, "kind": r.script.reply_kind}
    result["one_thing"] = r.one_thing.to_json()
    result["drill_passed"] = r.passed
    result["ended"] = r.ended
    result["scenario"] = None if r.setup.scenario is None else r.setup.scenario.name
    r.result = result


def run_drill(setup: DrillSetup, script: Script, deps: DrillDeps, once: bool = False,
              on_finished: Callable[[DrillResult], None] | None = None) -> DrillResult:
    """Run one drill conversation and return what happened.

    `on_finished` (e.g. saving to history) runs as soon as the exchange is scored, before the
    spoken feedback, so an interruption during the feedback loses nothing.
    """
    speak_feedback = True
    c = _Conversation(setup, script, deps)
    try:
        _converse(c, once)
    except DeviceFailed as exc:
        c.r.ended = "device_error"
        c.r.device_error = exc.message
        c.r.notes.append(exc.message)  # the command reports it once, as the exit message
        speak_feedback = False  # the output may be as broken as the input; print only
    t_heard = time.monotonic()
    _score(c)
    r = c.r
    _LOGGER.debug("scored in %.3f s", _since(t_heard))
    if on_finished is not None and r.scored:
        on_finished(r)
        _LOGGER.debug("saved %.3f s after the answer was in", _since(t_heard))
    if r.result is not None:
        r.result["attempt_id"] = r.attempt_id  # the history row (None when nothing saved it)
    if r.verdict is not None and r.one_thing is not None and r.result is not None:
        spoken = feedback.spoken_feedback(r.verdict, r.objection, r.one_thing, deps.coach)
        text = feedback.verdict_text(setup.round, r.verdict, r.objection, r.one_thing,
                                     r.result.get("stronger_close"))
        if once:  # the verdict appears right after the answer; the coach speaks after it
            deps.sink.result(r.result, text)
            _LOGGER.debug("result emitted %.3f s after the answer was in", _since(t_heard))
        if speak_feedback:
            c.say(spoken, "feedback", who="coach")
        if not once:
            deps.sink.result(r.result, text)
    return r


def _since(t: float | None) -> float:
    return float("nan") if t is None else time.monotonic() - t
