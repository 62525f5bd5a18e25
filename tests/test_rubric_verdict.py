"""The verdict: order of the two questions, score and weights, empty transcripts, tips per round,
evidence, speed, and objection replies."""

from __future__ import annotations

import pytest

from closer.rubric import WEIGHTS, evaluate, evaluate_objection_reply
from closer.types import Transcript


def test_run_on_transcript_finds_both_in_order() -> None:
    run_on = "so what are the next steps and is there any reason you wouldnt move me forward"
    v = evaluate(Transcript(run_on))
    assert v.checks["next_step"].passed and v.checks["trial_close"].passed
    assert v.order_ok is True
    assert v.score == 100
    assert "next steps" in (v.checks["next_step"].evidence or "")


def test_wrong_order_is_noted_and_costs_points() -> None:
    v = evaluate(Transcript("Is there any reason you wouldn't pass me on to the next round? "
                            "What are the next steps?"))
    assert v.order_ok is False
    assert v.score == 100 - 10
    assert any("before the trial close" in n for n in v.notes)


def test_order_is_none_when_one_is_missing() -> None:
    assert evaluate(Transcript("What are the next steps?")).order_ok is None


def test_score_weights() -> None:
    assert sum(WEIGHTS.values()) == 100
    v = evaluate(Transcript("What are the next steps in the process?"))
    assert v.score == WEIGHTS["next_step"] + WEIGHTS["confident_tone"]


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_transcript_fails_everything(text: str) -> None:
    v = evaluate(Transcript(text))
    assert v.score == 0 and not v.passed
    for c in v.checks.values():
        assert not c.passed and c.tip and c.tip.startswith("Nothing was heard")


@pytest.mark.parametrize("round,needle", [("first", "next round"), ("second", "next round"),
                                          ("final", "giving me the offer")])
def test_tips_carry_the_round_model_line(round: str, needle: str) -> None:
    v = evaluate(Transcript("Thank you for your time today."), round)  # type: ignore[arg-type]
    assert needle in (v.checks["trial_close"].tip or "")
    assert "next step" in (v.checks["next_step"].tip or "")


def test_statement_gets_statement_tip() -> None:
    v = evaluate(Transcript("I look forward to the next steps. I'm confident I'm the right fit."))
    assert v.checks["next_step"].evidence == "I look forward to the next steps."
    assert "question" in (v.checks["next_step"].tip or "")
    assert "not asking" in (v.checks["trial_close"].tip or "")


OBJ_WEAK = "Honestly, I wasn't sold on your answer to the weaknesses question."
OBJ_FAR = "You're quite far from the office, and this role is on site three days a week."
OBJ_K8S = "You don't have much experience with Kubernetes."


@pytest.mark.parametrize("objection,reply", [
    (OBJ_WEAK, "Fair point. My weakness is delegating, and I now hand off code reviews "
               "every sprint. "
               "Does that address your concern?"),
    (OBJ_FAR, "I'm relocating closer next month, so the commute won't be an issue. "
              "With that, is there anything else that would keep you from moving me forward?"),
    (OBJ_K8S, "I've run Kubernetes clusters in production for a year on my side project, and "
              "I pick up tools fast. does that ease your concern"),
    (OBJ_K8S, "i have used docker and similar orchestration tools for three years and "
              "i learn quickly "
              "would you feel comfortable passing me on to the next round"),
])
def test_objection_reply_passes(objection: str, reply: str) -> None:
    r = evaluate_objection_reply(objection, Transcript(reply), "first")
    assert r.passed, r
    assert r.evidence


@pytest.mark.parametrize("objection,reply", [
    (OBJ_WEAK, "Does that address your concern?"),  # closes without answering
    (OBJ_FAR, "I'm relocating closer next month, so the commute won't be an issue."),  # no re-close
    (OBJ_K8S, "I understand. Is there anything else that would keep you from moving me forward?"),
    (OBJ_K8S, "Okay, thanks for telling me."),
    (OBJ_FAR, ""),
])
def test_objection_reply_fails_with_tip(objection: str, reply: str) -> None:
    r = evaluate_objection_reply(objection, Transcript(reply), "final")
    assert not r.passed
    assert r.tip


def test_objection_tip_is_per_round() -> None:
    reply = Transcript("I can relocate closer to the office.")
    r = evaluate_objection_reply(OBJ_FAR, reply, "final")
    assert "offer" in (r.tip or "")


def test_evidence_is_the_deciding_clause() -> None:
    text = ("Thanks for today. How do you keep the team connected? What happens after this "
            "round? And would anything stop you from hiring me?")
    v = evaluate(Transcript(text), "final")
    assert v.checks["next_step"].evidence == "What happens after this round?"
    assert v.checks["trial_close"].evidence == "And would anything stop you from hiring me?"


def test_evaluate_is_fast() -> None:
    import time
    text = ("What does the rest of the hiring process involve? so what happens from here on your "
            "end. Could you tell me how many more rounds there are? Who else would I be talking "
            "to before a decision? When might I hear something? please share what the upcoming "
            "stages look like. Is there anything that would stop you from moving me to the next "
            "round? Would you recommend me for the next stage? Do you have any concerns about my "
            "fit for the team? I'd love to hear about the following steps. is there another "
            "interview after this one. When are you hoping to wrap up the search?")
    evaluate(Transcript(text))
    start = time.perf_counter()
    for _ in range(20):
        evaluate(Transcript(text))
    assert (time.perf_counter() - start) / 20 < 0.05  # seconds per long close
