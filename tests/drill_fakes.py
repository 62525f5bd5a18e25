"""Fakes for the drill tests: a speaker that records lines, a scripted listen, a keyword rubric.

Everything writes into one shared `log` so tests can check the order of speech and listening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from closer.drill.events import RecordingSink
from closer.drill.flow import DrillDeps
from closer.types import CHECKS, CheckResult, Transcript, Verdict

RATE = 16_000


@dataclass(frozen=True)
class FakeAnswer:
    audio: Any
    transcript: Transcript
    reaction_s: float | None = 0.5
    no_speech: bool = False
    cut_at_limit: bool = False
    device_error: str | None = None


def said(text: str, seconds: float = 2.0, **kw: Any) -> FakeAnswer:
    audio = np.full(int(seconds * RATE), 0.01, dtype=np.float32)
    return FakeAnswer(audio=audio, transcript=Transcript(text=text, duration_s=seconds), **kw)


def silence() -> FakeAnswer:
    return FakeAnswer(audio=np.zeros(0, dtype=np.float32), transcript=Transcript(text=""),
                      reaction_s=None, no_speech=True)


class LoggingSpeaker:
    def __init__(self, log: list) -> None:
        self.log = log
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.log.append(("say_start", text))
        self.lines.append(text)
        self.log.append(("say_end", text))


class LoggingSink(RecordingSink):
    def __init__(self, log: list) -> None:
        super().__init__()
        self.log = log

    def listening(self) -> None:
        super().listening()
        self.log.append(("listening",))


class ScriptedListen:
    """Returns the scripted answers in order; KeyboardInterrupt/exception instances are raised."""

    def __init__(self, answers: list, log: list) -> None:
        self.answers = list(answers)
        self.log = log
        self.settings_seen: list = []

    def __call__(self, mic: Any, transcriber: Any, settings: Any, on_status: Any) -> Any:
        self.log.append(("mic_open",))
        self.settings_seen.append(settings)
        if not self.answers:
            raise AssertionError("listen called more often than scripted")
        nxt = self.answers.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        return nxt


def _has(text: str, *keys: str) -> int | None:
    low = text.lower()
    hits = [low.find(k) for k in keys if k in low]
    return min(hits) if hits else None


def keyword_evaluate(transcript: Transcript, round: str = "first", delivery: Any = None) -> Verdict:
    """Stand-in rubric: 'next step' asks it, 'any reason' is a trial close, two 'um' are weak."""
    text = transcript.text
    ns = _has(text, "next step")
    tc = _has(text, "any reason", "any hesitation")
    weak = text.lower().count("um") >= 2 or not text.strip()
    checks = {
        "next_step": CheckResult(ns is not None, None, None if ns is not None
                                 else 'Ask it. Try: "What does the next step look like?"'),
        "trial_close": CheckResult(tc is not None, None, None if tc is not None
                                   else 'Ask for it. Try: "Is there any reason you would not?"'),
        "confident_tone": CheckResult(not weak, None, None if not weak else "Drop the ums."),
    }
    order = None if ns is None or tc is None else ns < tc
    score = 30 * checks["next_step"].passed + 45 * checks["trial_close"].passed \
        + 25 * checks["confident_tone"].passed - (10 if order is False else 0)
    return Verdict(round=round, checks=checks, score=score, order_ok=order)


def keyword_objection(objection: str, reply: Transcript, round: str) -> CheckResult:
    recloses = _has(reply.text, "any reason", "anything else") is not None
    ok = "because" in reply.text.lower() and recloses
    return CheckResult(ok, reply.text if ok else None, None if ok else "Answer it, then ask again.")


def fake_result_json(file: Any, round: str, transcript: Transcript, verdict: Verdict,
                     delivery: Any, **lines: str | None) -> dict:
    """closer.report.result_json's shape; `lines` (a scenario's wording of the added asks) are
    kept so tests can see what the flow passed."""
    return {"worded": lines, "file": file, "round": round, "transcript": transcript.text,
            "checks": {n: verdict.checks[n].to_json() for n in CHECKS},
            "score": verdict.score, "passed": verdict.passed, "order_ok": verdict.order_ok,
            "delivery": None}


@dataclass
class Rig:
    log: list = field(default_factory=list)

    def deps(self, answers: list, **kw: Any) -> DrillDeps:
        self.speaker = LoggingSpeaker(self.log)
        self.sink = LoggingSink(self.log)
        self.listen = ScriptedListen(answers, self.log)
        self.sleeps: list[float] = []
        return DrillDeps(
            speaker=self.speaker, mic=object(), transcriber=object(), sink=self.sink,
            listen=self.listen, listen_settings=kw.pop("listen_settings", None),
            evaluate=keyword_evaluate, evaluate_objection_reply=keyword_objection,
            result_json=fake_result_json, sleep=self.sleeps.append, **kw)


class FakeHistory:
    def __init__(self) -> None:
        self.added: list[dict] = []

    def add(self, attempt: Any) -> int:
        self.added.append(attempt)
        return len(self.added)


def dict_attempt(**fields: Any) -> dict:
    return fields
