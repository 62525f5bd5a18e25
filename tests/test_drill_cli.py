"""`closer drill` / `closer rehearse` end to end with patched factories (no sound card, no model).

The factories the command uses (make_microphone, make_speaker, load_transcriber, open_history,
make_listen, scoring_parts) are replaced by fakes; the real rubric scores the exchange.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

import closer.commands.drill as drill_cmd
from closer.cli import main
from closer.errors import DeviceError
from drill_fakes import FakeHistory, LoggingSpeaker, ScriptedListen, fake_result_json, said

NS = "What does the next step in the interview process look like?"
TC = "Based on what we've talked about today, is there any reason why you wouldn't feel comfortable passing me on to the next round?"  # noqa: E501


class ClosableMic:
    def __init__(self) -> None:
        self.closed = 0

    def chunks(self):
        return iter(())

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def rig(monkeypatch):
    """Patch every factory; `rig.answers` is what the candidate says, turn by turn."""
    from closer.rubric import evaluate, evaluate_objection_reply

    r = SimpleNamespace(log=[], answers=[], history=FakeHistory(), mic=ClosableMic())
    r.speaker = LoggingSpeaker(r.log)
    monkeypatch.setattr(drill_cmd, "make_microphone", lambda device: r.mic)
    monkeypatch.setattr(drill_cmd, "make_speaker", lambda args: r.speaker)
    monkeypatch.setattr(drill_cmd, "load_transcriber", lambda model: object())
    monkeypatch.setattr(drill_cmd, "open_history", lambda: r.history)
    monkeypatch.setattr(drill_cmd, "make_attempt", lambda **kw: kw)
    monkeypatch.setattr(drill_cmd, "make_meter", lambda json_mode: None)

    def make_listen(max_answer_s):
        r.max_answer_s = max_answer_s
        r.listen = ScriptedListen(r.answers, r.log)
        return r.listen, type("S", (), {"max_answer_s": max_answer_s or 45.0})()

    monkeypatch.setattr(drill_cmd, "make_listen", make_listen)
    monkeypatch.setattr(drill_cmd, "scoring_parts",
                        lambda: (evaluate, evaluate_objection_reply, fake_result_json, None))
    real_build = drill_cmd.build_deps

    def build_deps(*a, **kw):
        deps = real_build(*a, **kw)
        deps.sleep = r.log.append  # record the half-duplex tail instead of waiting it out
        return deps

    monkeypatch.setattr(drill_cmd, "build_deps", build_deps)
    return r


def json_lines(out: str) -> list[dict]:
    lines = out.splitlines()
    assert lines, "no output"
    return [json.loads(line) for line in lines]  # every stdout line is one JSON object


def test_json_stream_is_pure_and_ends_with_the_result(rig, capsys):
    rig.answers[:] = [said(NS), said(TC),
                      said("I understand; I have led remote teams for years, so I can start fast. "
                           "With that in mind, is there anything else that would keep you from "
                           "moving me forward?")]
    code = main(["drill", "--json", "--seed", "3"])
    out = capsys.readouterr().out
    events = json_lines(out)
    assert code == 0
    kinds = [e["event"] for e in events]
    assert kinds[0] == "say" and kinds[-1] == "result"
    assert set(kinds) <= {"say", "listening", "heard", "note", "result"}
    assert kinds.count("listening") == 3 and kinds.count("heard") == 3
    for i, kind in enumerate(kinds):
        if kind == "listening":
            assert kinds[i - 1] == "say"  # the mic opens only after the assistant spoke
    assert rig.log.count(0.2) == 3  # a 0.2 s tail before each of the three mic openings
    result = events[-1]
    assert result["file"] is None and result["round"] == "first"
    assert result["checks"]["next_step"]["passed"] and result["checks"]["trial_close"]["passed"]
    assert result["order_ok"] is True
    assert [t["speaker"] for t in result["exchange"]][:2] == ["interviewer", "candidate"]
    assert "objection_handling" in result and "one_thing" in result
    assert len(rig.history.added) == 1 and rig.history.added[0]["audio"] is not None
    assert rig.mic.closed >= 1


def test_once_human_output_and_no_save_audio(rig, capsys):
    rig.answers[:] = [said(NS)]
    code = main(["drill", "--once", "--round", "final", "--no-save-audio", "--seed", "1"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Interviewer: ") and "You: " + NS in out
    assert "trial_close" in out and "Change one thing:" in out
    assert rig.history.added[0]["audio"] is None and rig.history.added[0]["round"] == "final"


def test_no_microphone_at_start_is_one_sentence_exit_2(monkeypatch, capsys):
    def no_mic(device):
        raise DeviceError("No microphone found; try `closer score FILE` or `closer demo`.")

    monkeypatch.setattr(drill_cmd, "make_microphone", no_mic)
    code = main(["drill", "--json"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.strip() == ("closer: No microphone found; try `closer score FILE` "
                                    "or `closer demo`.")


def test_device_failure_mid_answer_keeps_attempt_and_exits_2(rig, capsys):
    rig.answers[:] = [said(NS, device_error="The microphone stopped sending sound.")]
    code = main(["drill", "--json", "--seed", "2"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    assert captured.err.strip().startswith("closer: The microphone stopped sending sound")
    assert len(captured.err.strip().splitlines()) == 1
    assert len(rig.history.added) == 1  # kept up to the failure
    json_lines(captured.out)


def test_ctrl_c_in_hands_free_keeps_finished_attempts(rig, capsys):
    rig.answers[:] = [said("How big is the team?"), said("next"), KeyboardInterrupt()]
    code = main(["drill", "--hands-free", "--json", "--seed", "4"])
    captured = capsys.readouterr()
    assert code == 130
    assert "1 finished attempt(s) saved" in captured.err
    assert len(rig.history.added) == 1
    assert json_lines(captured.out)[-1]["event"] == "summary"


def test_rehearse_time_limit_reps_and_summary(rig, capsys):
    rig.answers[:] = [said("How big is the team?", cut_at_limit=True),
                      said("What tools do you use?"), said("What is the budget?")]
    code = main(["rehearse", "--reps", "3", "--time-limit", "20", "--json", "--seed", "7"])
    events = json_lines(capsys.readouterr().out)
    assert code == 0 and rig.max_answer_s == 20
    notes = [e["text"] for e in events if e["event"] == "note"]
    assert notes == ["Time's up: the answer was cut at 20 seconds."]
    assert [e["round"] for e in events if e["event"] == "result"] == ["first", "second", "final"]
    summary = next(e for e in events if e["event"] == "summary")
    assert summary["drills"] == 3 and summary["cut_count"] == 1
    assert summary["pass_rate"]["trial_close"] == 0.0
    assert {a["mode"] for a in rig.history.added} == {"rehearse"}


def test_rehearse_rejects_a_bad_time_limit(rig, capsys):
    assert main(["rehearse", "--time-limit", "0"]) == 2
    assert "time-limit" in capsys.readouterr().err


def test_real_factories_are_lazy_and_named():
    for name in ("make_microphone", "make_speaker", "load_transcriber", "open_history"):
        assert callable(getattr(drill_cmd, name))
