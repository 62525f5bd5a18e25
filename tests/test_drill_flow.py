"""The drill conversation over fakes: each path, --once, silence, cuts, half-duplex, devices."""

from __future__ import annotations

import pytest

from closer.drill.flow import TAIL_S, run_drill
from closer.drill.script import DrillSetup, pick_script
from drill_fakes import Rig, said, silence

NS = "What does the next step in the process look like?"
TC = "Is there any reason you wouldn't feel comfortable passing me on to the next round?"
HANDLE = "I led a team of six because our lead left. Is there any reason you'd still hesitate?"


def run(answers, setup=None, once=False, **kw):
    setup = setup or DrillSetup(round="first", seed=3)
    rig = Rig()
    deps = rig.deps(answers, **kw)
    script = pick_script(setup)
    result = run_drill(setup, script, deps, once=once)
    return rig, script, result


def interviewer_kinds(result):
    return [t["kind"] for t in result.exchange if t["speaker"] == "interviewer"]


def test_next_step_then_trial_close_then_objection_reply():
    rig, script, r = run([said(NS), said(TC), said(HANDLE)])
    assert interviewer_kinds(r) == ["wrap_up", "next_step_answer", script.reply_kind, "closing"]
    spoken = rig.speaker.lines
    assert spoken[0] == script.wrap_up
    assert spoken[1] == f"{script.next_step_answer} {script.follow_up}"
    assert spoken[2] == script.reply and spoken[3] == script.closing
    assert r.transcript.text == f"{NS} {TC} {HANDLE}"  # every candidate turn, in order
    assert r.verdict.passed and r.verdict.order_ok is True
    assert r.objection is not None and r.objection.passed
    assert r.result["objection_handling"]["passed"] is True
    assert r.result["objection_handling"]["line"] == script.reply
    assert r.passed and r.one_thing.item is None
    candidate = [t["text"] for t in r.result["exchange"] if t["speaker"] == "candidate"]
    assert candidate == [NS, TC, HANDLE]


def test_trial_close_only_gets_a_reply_then_the_close():
    _rig, script, r = run([said(TC), said("Thanks, that is fair.")])
    assert interviewer_kinds(r) == ["wrap_up", script.reply_kind, "closing"]
    assert not r.verdict.checks["next_step"].passed
    assert r.objection is not None and not r.objection.passed
    assert r.one_thing.item == "next_step"  # the missing question outranks the objection


def test_neither_question_ends_the_drill_with_the_closing_line():
    _rig, _script, r = run([said("What is the team culture like?")])
    assert interviewer_kinds(r) == ["wrap_up", "closing"]
    assert r.objection is None and r.result["objection_handling"] is None
    assert r.one_thing.item == "trial_close"
    assert "trial close" in r.one_thing.headline
    assert r.one_thing.line == "Is there any reason you would not?"  # the rubric tip's model line
    assert not r.passed


def test_reversed_order_answers_the_late_next_step_and_fails_order():
    reply = f"I can commute because I live nearby. Any reason you'd hesitate? {NS}"
    _rig, script, r = run([said(TC), said(reply)])
    assert interviewer_kinds(r) == ["wrap_up", script.reply_kind, "next_step_answer", "closing"]
    assert r.verdict.order_ok is False
    assert r.one_thing.item == "order"


def test_both_questions_in_one_turn_get_both_answers():
    rig, script, r = run([said(f"{NS} {TC}"), said(HANDLE)])
    assert rig.speaker.lines[1] == f"{script.next_step_answer} {script.reply}"
    assert interviewer_kinds(r)[-1] == "closing" and r.passed


def test_once_is_one_line_one_answer_one_verdict():
    rig, _script, r = run([said(NS)], once=True)
    assert interviewer_kinds(r) == ["wrap_up"]
    assert len(r.answers) == 1 and r.verdict is not None and r.objection is None
    results = [e for e in rig.sink.events if e["event"] == "result"]
    kinds = [e["event"] for e in rig.sink.events]
    assert len(results) == 1 and kinds[-2:] == ["result", "say"]  # verdict before the coach
    assert rig.speaker.lines[-1].startswith("You passed 2 of 3 checks.")  # verdict spoken


def test_half_duplex_mic_opens_only_after_speech_and_tail():
    rig, _script, _r = run([said(NS), said(TC), said(HANDLE)])
    log = rig.log
    opens = [i for i, e in enumerate(log) if e[0] == "mic_open"]
    assert len(opens) == 3
    for i in opens:
        assert log[i - 1] == ("listening",)
        before = log[:i]
        starts = sum(e[0] == "say_start" for e in before)
        ends = sum(e[0] == "say_end" for e in before)
        assert starts == ends and starts > 0  # nothing is being spoken when the mic opens
    assert rig.sleeps == [TAIL_S] * 3 and TAIL_S >= 0.15
    # the JSON events agree: "listening" only after the "say" it answers
    kinds = [e["event"] for e in rig.sink.events]
    assert kinds[:3] == ["say", "listening", "heard"]


def test_silence_is_reprompted_once_then_answered():
    rig, script, r = run([silence(), said(NS)], once=True)
    reprompt = "Take your time. What questions do you have for me?"
    assert rig.speaker.lines[:2] == [script.wrap_up, reprompt]
    assert r.transcript.text == NS and r.ended == "complete"


def test_silence_twice_ends_the_drill_with_a_note():
    rig, _script, r = run([silence(), silence()])
    assert r.ended == "no_speech" and r.verdict is None and r.result is None
    notes = [e["text"] for e in rig.sink.events if e["event"] == "note"]
    assert notes and "ending this drill" in notes[0]
    assert not any(e["event"] == "result" for e in rig.sink.events)


def test_silence_after_follow_up_scores_what_was_said():
    _rig, _script, r = run([said(NS), silence(), silence()])
    assert r.ended == "no_speech" and r.verdict is not None
    assert r.transcript.text == NS


def test_answer_cut_at_limit_is_noted():
    class Limit:
        max_answer_s = 45.0

    rig, _script, r = run([said(NS, cut_at_limit=True)], once=True, listen_settings=Limit())
    notes = [e["text"] for e in rig.sink.events if e["event"] == "note"]
    assert notes == ["Time's up: the answer was cut at 45 seconds."]
    assert r.cut_at_limit and r.exchange[1]["cut_at_limit"] is True
    assert rig.listen.settings_seen[0].max_answer_s == 45.0


def test_device_error_keeps_the_answer_so_far_and_stops():
    broken = said(NS, device_error="The microphone stopped delivering sound.")
    rig, script, r = run([broken])
    assert r.ended == "device_error" and r.device_error.startswith("The microphone")
    assert r.verdict is not None and r.transcript.text == NS  # kept up to the failure
    assert rig.speaker.lines == [script.wrap_up]  # no further lines, no spoken feedback


def test_same_setup_gives_the_same_lines_and_seeds_differ():
    a = pick_script(DrillSetup(round="second", seed=11))
    assert a == pick_script(DrillSetup(round="second", seed=11))
    scripts = {pick_script(DrillSetup(round="second", seed=s)) for s in range(30)}
    assert len({s.wrap_up for s in scripts}) > 1
    assert {s.reply_kind for s in scripts} == {"rebuttal", "objection"}


def test_harder_setup_always_objects_and_fills_the_skill():
    setups = [DrillSetup(round="first", objections_only=True, seed=s) for s in range(40)]
    scripts = [pick_script(s) for s in setups]
    assert all(s.reply_kind == "objection" for s in scripts)
    assert all("{skill}" not in s.reply for s in scripts)
    assert any("experience with" in s.reply for s in scripts)


@pytest.mark.parametrize("round_", ["first", "second", "final"])
def test_every_round_has_lines(round_):
    s = pick_script(DrillSetup(round=round_, seed=1))
    assert s.wrap_up and s.next_step_answer and s.follow_up and s.closing and s.reply
