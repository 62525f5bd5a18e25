"""Unit cases for the rubric: each check, the hard negatives, transcript style, order, score, tips,
delivery markers and objection replies."""

from __future__ import annotations

import pytest

from closer.rubric import WEIGHTS, evaluate, evaluate_objection_reply
from closer.types import Delivery, Transcript


def check(text: str, name: str, round: str = "first") -> bool:
    return evaluate(Transcript(text), round).checks[name].passed  # type: ignore[arg-type]


NEXT_STEP_POS = [
    "What does the next step in the interview process look like?",
    "what are the next steps",
    "Could you walk me through the next steps in the process?",
    "I'd love to know what the next stage looks like.",
    "whats the timeline for a decision",
    "When can I expect to hear back from you?",
    "Who would I meet in the next round?",
    "Where do we go from here?",
    "What happens after today?",
    "so um what comes next",
    "Can you tell me about the rest of the process",
    "im curious what the hiring timeline looks like",
    "How soon will you be making a decision?",
    "and when do you think you'll make a decision on the role",
]
NEXT_STEP_NEG = [
    "What are the next steps for the product roadmap?",
    "What is the next step for the migration project?",
    "This role is the natural next step in my career.",
    "What are the first steps once I start?",
    "I look forward to the next steps.",
    "What does onboarding look like in the first week?",
    "What does the process of onboarding look like?",
    "If I make it through the final round, is there anything that would prevent you from "
    "offering me the job?",
    "Thanks for your time today.",
    "what is the timeline for the platform launch",
    "Can I count on moving to the next step?",
]
TRIAL_POS = [
    "Based on what we've talked about today, is there any reason why you wouldn't feel comfortable "
    "passing me on to the next round?",
    "Do you have any hesitations about my qualifications?",
    "Have I convinced you that I'm the right candidate?",
    "Can I count on moving to the next step?",
    "Is there anything that would keep you from recommending me?",
    "Can you see me being successful here?",
    "Based on our conversation, I think this is a fantastic fit. Do you agree?",
    "Is there anything about my background that gives you pause?",
    "is there any reason you wouldnt move me forward",
    "any concerns about me moving to the next stage",
    "do you see any gaps in my experience for this role",
    "Given everything we covered, how confident are you in moving me to the final round?",
    "what would it take for me to get the offer",
]
TRIAL_NEG = [
    "Is there any reason you wouldn't feel comfortable sharing the salary range?",
    "Is there any reason the role opened up?",
    "Do you have any concerns about the team's workload?",
    "Are there any concerns about the product's direction?",
    "I'm confident I'm the right fit.",
    "I hope you'll consider me.",
    "What does success look like in this role?",
    "What are the next steps?",
]


@pytest.mark.parametrize("text", NEXT_STEP_POS)
def test_next_step_passes(text: str) -> None:
    assert check(text, "next_step")


@pytest.mark.parametrize("text", NEXT_STEP_NEG)
def test_next_step_hard_negatives(text: str) -> None:
    assert not check(text, "next_step")


@pytest.mark.parametrize("text", TRIAL_POS)
def test_trial_close_passes(text: str) -> None:
    assert check(text, "trial_close")


@pytest.mark.parametrize("text", TRIAL_NEG)
def test_trial_close_hard_negatives(text: str) -> None:
    assert not check(text, "trial_close")


def test_final_round_needs_the_offer() -> None:
    next_round = ("Is there any reason you wouldn't feel comfortable passing me on "
                  "to the next round?")
    offer = "Is there any reason you wouldn't feel comfortable giving me the offer?"
    assert check(next_round, "trial_close", "first")
    assert check(next_round, "trial_close", "second")
    assert not check(next_round, "trial_close", "final")
    assert check(offer, "trial_close", "final")
    assert check(offer, "trial_close", "first")
    assert check("Do you have any hesitations about my qualifications?", "trial_close", "final")
    v = evaluate(Transcript(next_round), "final")
    assert "offer" in (v.checks["trial_close"].tip or "")


CONFIDENT = [
    "What are the next steps? Is there any reason you wouldn't move me forward?",
    "Based on our conversation, I think this is a fantastic fit. Do you agree?",
    "Um, what are the next steps in the process, and is there anything holding you back from me?",
    "I would like to know what the next steps are.",
]
NOT_CONFIDENT = [
    "Um, so, I guess, what are the next steps?",
    "Sorry, this is probably a dumb question, but what happens next?",
    "I know I'm not the strongest candidate, but is there any reason you wouldn't pass me on?",
    "Maybe, if that's okay, I could ask about the next steps?",
    "uh, like, you know, what happens next",
    "just a quick question, what are the next steps",
    "Thanks.",
]


@pytest.mark.parametrize("text", CONFIDENT)
def test_confident(text: str) -> None:
    assert check(text, "confident_tone")


@pytest.mark.parametrize("text", NOT_CONFIDENT)
def test_not_confident(text: str) -> None:
    assert not check(text, "confident_tone")


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


def test_tone_evidence_lists_markers() -> None:
    v = evaluate(Transcript("Um, sorry, what are the next steps?"))
    assert not v.checks["confident_tone"].passed
    assert v.checks["confident_tone"].evidence == "um, sorry"


GOOD = "What are the next steps? Is there any reason you wouldn't feel comfortable passing me on?"


def delivery(**kw: float) -> Delivery:
    base = dict(duration_s=6.0, speech_s=5.5, words_per_minute=160.0, filler_count=0,
                longest_pause_s=0.4, uptalk_count=0, statement_count=0)
    base.update(kw)
    return Delivery(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("wpm", [120.0, 160.0, 200.0])
def test_tts_pace_stays_confident(wpm: float) -> None:
    v = evaluate(Transcript(GOOD), delivery=delivery(words_per_minute=wpm))
    assert v.checks["confident_tone"].passed


@pytest.mark.parametrize("kw", [dict(words_per_minute=60.0), dict(words_per_minute=280.0),
                                dict(longest_pause_s=4.5), dict(uptalk_count=3, statement_count=4)])
def test_one_delivery_marker_plus_one_word_marker_is_a_cluster(kw: dict) -> None:
    text = "Maybe " + GOOD
    assert evaluate(Transcript(text)).checks["confident_tone"].passed
    v = evaluate(Transcript(text), delivery=delivery(**kw))
    assert not v.checks["confident_tone"].passed


def test_delivery_fillers_are_not_double_counted() -> None:
    text = "Um, " + GOOD
    def tone(fillers: int) -> bool:
        v = evaluate(Transcript(text), delivery=delivery(filler_count=fillers))
        return v.checks["confident_tone"].passed
    assert tone(1)
    assert not tone(3)


def test_uptalk_needs_repetition() -> None:
    d = delivery(uptalk_count=1, statement_count=1)
    assert evaluate(Transcript("Maybe " + GOOD), delivery=d).checks["confident_tone"].passed


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


def test_agreement_tag_evidence_includes_the_fit_statement() -> None:
    text = "Based on our conversation, I think this is a fantastic fit. Do you agree?"
    assert evaluate(Transcript(text)).checks["trial_close"].evidence == text


# Concept compositions and vetoes, in phrasings that are in no corpus file.
COMPOSED = [
    ("What does the rest of the hiring process involve?", "first", "next_step", True),
    ("so what happens from here on your end", "first", "next_step", True),
    ("Could you tell me how many more rounds there are?", "first", "next_step", True),
    ("Who else would I be talking to before a decision?", "second", "next_step", True),
    ("When might I hear something?", "first", "next_step", True),
    ("please share what the upcoming stages look like", "first", "next_step", True),
    ("I'd love to hear about the following steps", "first", "next_step", True),
    ("what should i expect after this interview", "first", "next_step", True),
    ("is there another interview after this one", "first", "next_step", True),
    ("When are you hoping to wrap up the search?", "final", "next_step", True),
    ("What comes after the technical round?", "first", "next_step", True),
    ("I'm wondering what the timeline looks like on your side.", "first", "next_step", True),
    ("how soon should i expect some feedback", "first", "next_step", True),
    ("What does the interview loop look like from here?", "first", "next_step", True),
    ("What's next for the mobile app?", "first", "next_step", False),
    ("What are the next steps for the data platform migration?", "first", "next_step", False),
    ("What would my first few weeks look like once I start?", "first", "next_step", False),
    ("What's the next step in my career here, realistically?", "first", "next_step", False),
    ("I'm excited about the next round.", "first", "next_step", False),
    ("What's the timeline for the new feature launch?", "first", "next_step", False),
    ("Could you tell me more about the team?", "first", "next_step", False),
    ("I'd love to hear more about how you run sprints.", "first", "next_step", False),
    ("When will the team start the new initiative?", "first", "next_step", False),
    ("What happens after the product goes live?", "first", "next_step", False),
    ("Is there anything that would stop you from moving me to the next round?",
     "first", "trial_close", True),
    ("Would you recommend me for the next stage?", "first", "trial_close", True),
    ("Do you have any concerns about my fit for the team?", "first", "trial_close", True),
    ("Is there any part of my experience you're unsure about?", "second", "trial_close", True),
    ("would you be willing to put me forward", "first", "trial_close", True),
    ("Are you comfortable offering me the position?", "final", "trial_close", True),
    ("Is there anything I'm missing that would make you hesitate to hire me?",
     "final", "trial_close", True),
    ("Do you think I'm the right person for this role?", "final", "trial_close", True),
    ("Could you share any concerns you have about my background?", "first", "trial_close", True),
    ("Is there anything I should address before you decide on me?", "final", "trial_close", True),
    ("Will you be taking me forward to the next round?", "second", "trial_close", True),
    ("Will you be taking me forward to the next round?", "final", "trial_close", False),
    ("Can you see me succeeding in this job?", "final", "trial_close", True),
    ("Do you have any concerns about the team's budget?", "first", "trial_close", False),
    ("Is there any reason the last hire left?", "first", "trial_close", False),
    ("What would make someone successful in this role?", "first", "trial_close", False),
    ("I think I'd be a great fit here.", "first", "trial_close", False),
    ("Any reason you can't tell me the salary band?", "first", "trial_close", False),
    ("Are there any concerns about the roadmap?", "first", "trial_close", False),
    ("What would make me successful here?", "first", "trial_close", False),
    ("Could you walk me through the onboarding process?", "first", "next_step", False),
    ("What are the next steps, and would anything stop you from hiring me?",
     "final", "trial_close", True),
    ("I'm rubbish at interviews, but what happens next?", "first", "confident_tone", False),
    ("Bear with me, what are the next steps?", "first", "confident_tone", False),
    ("This may sound silly, but what are the next steps?", "first", "confident_tone", False),
    ("I reckon, erm, that covers it. What are the next steps?", "first", "confident_tone", False),
    ("I dunno, what happens next, I guess?", "first", "confident_tone", False),
    ("I'm not really cut out for interviews. What are the next steps?",
     "first", "confident_tone", False),
    ("I'm aware I'm not the most experienced person here. Any concerns about me?",
     "first", "confident_tone", False),
    ("What are the next steps? Is there anything that would stop you from moving me forward?",
     "first", "confident_tone", True),
    ("I'd like to know what the next steps are, and whether you'd like to see me in the "
     "next round.",
     "first", "confident_tone", True),
    ("and what would the next conversation be about", "first", "next_step", True),
    ("Can you give me an idea of when you'll be making your choice?", "final", "next_step", True),
    ("where does my application go after today", "first", "next_step", True),
    ("Is there a further stage after this?", "first", "next_step", True),
    ("What's the process for next steps?", "first", "next_step", True),
    ("How do things proceed from here?", "first", "next_step", True),
    ("I'd be curious how the decision gets made from here.", "final", "next_step", True),
    ("Would it be possible to know when the panel will decide?", "final", "next_step", True),
    ("What is the next milestone for the payments team?", "first", "next_step", False),
    ("What's the next phase of the cloud rollout?", "first", "next_step", False),
    ("I see this job as the next step for my growth.", "first", "next_step", False),
    ("What do new hires do in their first month?", "first", "next_step", False),
    ("How does the team decide what to build next?", "first", "next_step", False),
    ("Is there any reason you wouldn't want me on your team?", "first", "trial_close", True),
    ("Do you see anything that might hold my application back?", "first", "trial_close", True),
    ("Could I ask whether you'd be happy to hire me?", "final", "trial_close", True),
    ("Is there any hesitation about bringing me on board?", "final", "trial_close", True),
    ("do you feel im a good match for what you need", "final", "trial_close", True),
    ("Can I expect to move forward to the final round?", "second", "trial_close", True),
    ("Would you advocate for me with the hiring committee?", "final", "trial_close", True),
    ("What gaps do you see in my profile?", "second", "trial_close", True),
    ("Are there any concerns about the office move?", "first", "trial_close", False),
    ("Is there any reason the team is growing so fast?", "first", "trial_close", False),
    ("I'm sure I'm the candidate you need.", "final", "trial_close", False),
    ("Any hesitations about the new pricing?", "first", "trial_close", False),
    ("Would you be willing to tell me how success is measured?", "first", "trial_close", False),
    ("Sorry, I'm terrible at this, but what's next?", "first", "confident_tone", False),
    ("Um, what happens next?", "first", "confident_tone", True),
    ("Er, sort of wondering what the timeline is.", "first", "confident_tone", False),
    ("I'd like to hear what comes next in the process.", "first", "confident_tone", True),
    ("Thanks!", "first", "confident_tone", False),
]


@pytest.mark.parametrize("text,round,name,expected", COMPOSED)
def test_concept_composition(text: str, round: str, name: str, expected: bool) -> None:
    assert check(text, name, round) is expected


def test_evidence_is_the_deciding_clause() -> None:
    text = ("Thanks for today. How do you keep the team connected? What happens after this "
            "round? And would anything stop you from hiring me?")
    v = evaluate(Transcript(text), "final")
    assert v.checks["next_step"].evidence == "What happens after this round?"
    assert v.checks["trial_close"].evidence == "And would anything stop you from hiring me?"


def test_evaluate_is_fast() -> None:
    import time
    text = " ".join(t for t, _, _, _ in COMPOSED[:12])
    evaluate(Transcript(text))
    start = time.perf_counter()
    for _ in range(20):
        evaluate(Transcript(text))
    assert (time.perf_counter() - start) / 20 < 0.05  # seconds per long close
