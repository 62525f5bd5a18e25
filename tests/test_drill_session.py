"""Sessions: hands-free loop with voice commands, rehearsal cycling, history writes, Ctrl-C."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from closer.drill.script import DrillSetup
from closer.drill.session import SessionSettings, attempt_fields, next_setup, run_session
from drill_fakes import FakeHistory, Rig, dict_attempt, said, silence

NS = "What does the next step look like?"
TC = "Is there any reason you wouldn't pass me on?"
NEITHER = "How big is the team?"


def session(answers, history=None, **kw):
    rig = Rig()
    deps = rig.deps(answers)
    hist = history if history is not None else FakeHistory()
    between = kw.pop("between", None)
    clock = kw.pop("clock", None)
    extra = {"clock": clock} if clock else {}
    state = run_session(SessionSettings(**kw), deps, hist, dict_attempt, between=between, **extra)
    return rig, hist, state


def test_hands_free_again_harder_stop():
    rig, hist, state = session(
        [said(NEITHER), said("okay, again please"),
         said(NEITHER), said("make it harder"),
         said(TC), said("Thanks."), said("let's stop")],
        mode="drill", round="first", hands_free=True, max_drills=None, seed=5)
    setups = [r.setup for r in state.results]
    assert len(setups) == 3
    assert setups[1] == setups[0]  # "again": same round and same lines
    assert state.results[1].script == state.results[0].script
    assert setups[2].round == "final" and setups[2].objections_only
    assert state.results[2].script.reply_kind == "objection"
    assert len(hist.added) == 3 and state.summary.drills == 3
    lines = rig.speaker.lines
    assert lines.count("Say again, next, harder, or stop.") == 3
    assert lines[-1].startswith("You did 3 drills")  # "stop" ends with a spoken summary
    assert rig.sink.events[-2]["event"] == "summary"


def test_hands_free_unknown_asks_once_more_then_next_and_silence_stops():
    rig, _hist, state = session(
        [said(NEITHER), said("banana"), said("mango"),  # unknown twice -> next
         said(NEITHER), silence(), silence()],  # silence twice -> stop
        hands_free=True, max_drills=None, seed=1)
    assert len(state.results) == 2
    assert state.results[1].setup != state.results[0].setup
    assert "Sorry, I didn't catch that. Say again, next, harder, or stop." in rig.speaker.lines


def test_history_gets_each_attempt_when_it_finishes_before_feedback():
    rig = Rig()
    deps = rig.deps([said(NS), said(TC), said("Fair, because I ship weekly. Any reason left?")])
    hist = FakeHistory()
    feedback_seen_at_save = []
    orig_add = hist.add

    def add(attempt):
        feedback_seen_at_save.append(any(t.startswith("You passed") for t in rig.speaker.lines))
        return orig_add(attempt)

    hist.add = add
    state = run_session(SessionSettings(mode="drill", seed=2), deps, hist, dict_attempt)
    assert feedback_seen_at_save == [False]  # saved before the spoken feedback
    a = hist.added[0]
    assert a["mode"] == "drill" and a["round"] == "first"
    assert a["transcript"].startswith(NS) and a["order_ok"] is True
    assert "objection_handling" in a["checks"] and a["extra"]["objection"]
    assert isinstance(a["audio"], np.ndarray) and len(a["audio"]) == 3 * 2 * 16_000
    assert [t["speaker"] for t in a["exchange"]][:2] == ["interviewer", "candidate"]
    assert state.results[0].attempt_id == 1


def test_no_save_audio_and_fields_are_pure():
    rig = Rig()
    deps = rig.deps([said(NS)])
    hist = FakeHistory()
    state = run_session(SessionSettings(once=True, save_audio=False), deps, hist, dict_attempt)
    assert hist.added[0]["audio"] is None
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    fields = attempt_fields(state.results[0], "drill", False, now=when)
    assert fields["created_at"] == "2024-01-02T03:04:05+00:00"
    assert fields == attempt_fields(state.results[0], "drill", False, now=when)


def test_ctrl_c_keeps_finished_attempts():
    rig, hist, state = session(
        [said(NEITHER), said("next"), said(NS), KeyboardInterrupt()],
        hands_free=True, max_drills=None, seed=4)
    assert state.interrupted
    assert len(hist.added) == 1 and state.summary.drills == 1
    assert not any(line.startswith("You did") for line in rig.speaker.lines)  # no speech after ^C


def test_device_failure_mid_session_keeps_attempts_and_stops():
    broken = said(TC, device_error="The microphone was unplugged.")
    _rig, hist, state = session([said(NEITHER), said("next"), broken],
                               hands_free=True, max_drills=None, seed=4)
    assert state.device_error == "The microphone was unplugged."
    assert len(hist.added) == 2  # the finished drill and the partial one


def test_rehearse_cycles_rounds_and_counts_reps():
    rig, hist, state = session([said(NEITHER)] * 4, mode="rehearse", cycle_rounds=True,
                               max_drills=4, seed=9)
    assert [r.setup.round for r in state.results] == ["first", "second", "final", "first"]
    assert {a["mode"] for a in hist.added} == {"rehearse"}
    assert any(e["event"] == "summary" for e in rig.sink.events)


def test_rehearse_minutes_stops_starting_new_drills():
    ticks = itertools.count(0, 50)  # each clock read is 50 s later
    _rig, _hist, state = session([said(NEITHER)] * 5, mode="rehearse", cycle_rounds=True,
                               max_drills=None, minutes=2, clock=lambda: next(ticks))
    assert len(state.results) == 3


def test_seed_repeats_the_whole_session():
    a = session([said(NEITHER)] * 3, mode="rehearse", cycle_rounds=True, max_drills=3, seed=42)
    b = session([said(NEITHER)] * 3, mode="rehearse", cycle_rounds=True, max_drills=3, seed=42)
    c = session([said(NEITHER)] * 3, mode="rehearse", cycle_rounds=True, max_drills=3, seed=43)
    assert a[0].speaker.lines == b[0].speaker.lines
    assert [r.script for r in a[2].results] != [r.script for r in c[2].results]


def test_key_press_between_drills():
    presses = iter([True, False])
    state = session([said(NEITHER)] * 2, max_drills=None, between=lambda: next(presses))[2]
    assert len(state.results) == 2


def test_next_setup_rules():
    s = DrillSetup(round="second", objections_only=False, seed=1)
    assert next_setup(s, "again", 7, cycle=True) is s
    assert next_setup(s, "next", 7, cycle=True) == DrillSetup("final", False, 7)
    assert next_setup(s, "next", 7, cycle=False) == DrillSetup("second", False, 7)
    hard = next_setup(s, "harder", 7, cycle=False)
    assert hard == DrillSetup("final", True, 7)
    assert next_setup(hard, "next", 8, cycle=False).objections_only  # harder sticks
