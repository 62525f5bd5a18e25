"""Phrasing classes found while developing on the fifth holdout and by probing paraphrases, each
with fresh cases written for these tests (none copied from a corpus): formal "grateful if you
could" requests, a wh-question inside "could you outline/walk me through", "what's after this",
"I'd want to know", "how quickly", an approval step followed by "when would that happen", who else
one would meet; relying on advancement, top pick / first choice, "do I have the job", being put in
front of someone senior, what would affect the decision or count against me, a reservation about
"it" after the candidate's own work, process questions about an offer (not a trial close); tone:
"like at all", least/less-qualified-than-others self-deprecation, "no questions from me" sign-offs;
the objection reply's re-close in other tenses and in the final round."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate, evaluate_objection_reply
from closer.types import Transcript
from rubric_helpers import passed

NS_ASKS = {
    "grateful if you could": ["I'd be most obliged if you could describe the remaining interviews.",
                              "it would be helpful if you could tell me what comes next"],
    "wh inside could-you-outline": ["Could you outline what remains before a decision?",
                                    "could you run me through what's left before an offer"],
    "what's after this": ["right so whats after today then", "Nice. What's beyond this interview?"],
    "I'd want to know": ["I'd want to know which stage comes after this one."],
    "how quickly": ["How quickly will you reach a decision?",
                    "how fast could you get back to me with an outcome"],
    "approval then when": ["Does the board have to sign off? When would that be?"],
    "who else": ["Is there anyone else I'd meet before you decide?",
                 "who else would i speak to in the process",
                 "will i get to meet the wider team at some point in the process"],
    "what a named stage involves": ["Is there a final panel? What would that involve?"],
    "when hoping to fill": ["When are you aiming to have someone in the role?",
                            "when do you plan to fill the position"],
}
NS_NOT = {
    "team members": ["Who else is on the team I'd be working alongside day to day?"],
    "offer terms": ["What are the terms of the offer usually?"],
    "a frame before a colon": ["What I want to finish on is this: would you hire me?",
                               "So, the verdict: do I get the job?"],
    "hoping to launch": ["When are you hoping to have the product launched?"],
    "speed of ramp up": ["How quickly could I get up to speed with the codebase?"],
}
TC_ASKS = {
    "rely on advancing": ["Can I depend on getting through to the final?",
                          "could i bank on a place in the next round"],
    "top pick": ["Am I your first choice for the job?", "would i be your preferred candidate",
                 "Am I the front runner at this point?"],
    "have / got the job": ["So have I got the role?", "is the position mine",
                           "would you say i have the job"],
    "in front of someone senior": ["Would you put me in front of the hiring director?",
                                   "are you happy to introduce me to the CTO for the next round"],
    "affect the decision": ["Is there anything from today that could hurt my chances?",
                            "anything that might count against me"],
    "reservation about own work": [
        "I wasn't sure about my presentation. Was there anything in it that worried you?"],
    "what it takes / working together": ["Do I have what it takes for this role?",
                                         "So will we be working together?"],
}
TC_NOT = {
    "process toward an offer": ["Does the panel go straight to an offer, or is there a final?",
                                "Would the offer include a signing bonus?",
                                "What's in the offer typically?"],
    "reservation about it, not own work": [
        "I love the new product. Is there anything about it that worries you?"],
}
FINAL_TC = ["Do I have the job?", "Would I be your top pick for the position?"]
NOT_CONFIDENT = [
    "Uh, is there any reason you wouldn't recommend me for the next stage like at all?",
    "I'm probably the least experienced person you've interviewed, but what happens next?",
    "i'm less qualified than the other candidates but whats next",
    "no more questions from me right now, thanks",
    "I don't have any other questions.",
    "nothing else to ask, cheers",
]
CONFIDENT = [
    "The least I can do is send references. What are the next steps?",
    "I'm less interested in titles than impact. What happens next, and would you recommend me?",
    "I have no other questions about the role, but what's next and would you pass me on?",
]


def _flat(table: dict[str, list[str]]) -> list[str]:
    return [t for texts in table.values() for t in texts]


@pytest.mark.parametrize("text", _flat(NS_ASKS))
def test_next_step_asks(text: str) -> None:
    assert passed(text, "next_step", "second")


@pytest.mark.parametrize("text", _flat(NS_NOT))
def test_not_next_step(text: str) -> None:
    assert not passed(text, "next_step", "second")


@pytest.mark.parametrize("text", _flat(TC_ASKS))
def test_trial_close_asks(text: str) -> None:
    assert passed(text, "trial_close", "second")


@pytest.mark.parametrize("text", _flat(TC_NOT))
def test_not_trial_close(text: str) -> None:
    assert not passed(text, "trial_close", "second")


@pytest.mark.parametrize("text", FINAL_TC)
def test_final_round_offer_asks(text: str) -> None:
    assert passed(text, "trial_close", "final")


def test_process_question_about_offer_is_next_step_not_close() -> None:
    v = evaluate(Transcript("Could you outline what's left between now and an offer?"), "second")
    assert v.checks["next_step"].passed and not v.checks["trial_close"].passed


@pytest.mark.parametrize("text", NOT_CONFIDENT)
def test_not_confident(text: str) -> None:
    assert not passed(text, "confident_tone")


@pytest.mark.parametrize("text", CONFIDENT)
def test_confident(text: str) -> None:
    assert passed(text, "confident_tone")


TEAM = "I'm not sure you've managed a team as large as this one."
BUDGET = "You don't have much experience with managing a budget, which is a big part of this role."
ANSWER = "I've led eleven engineers over two teams and hired four of them myself."


@pytest.mark.parametrize("reply,round,expected", [
    (f"{ANSWER} Would that be enough to move me on to the next round?", "second", True),
    (f"{ANSWER} Would that be enough to move me on to the next round?", "final", False),
    (f"{ANSWER} Would you feel comfortable offering me the role now?", "final", True),
    (f"{ANSWER} Has that settled your concern?", "final", True),
    (f"{ANSWER} I look forward to hearing from you.", "final", False),
])
def test_objection_reclose(reply: str, round: str, expected: bool) -> None:
    result = evaluate_objection_reply(TEAM, Transcript(reply), round)  # type: ignore[arg-type]
    assert result.passed is expected


def test_objection_reclose_past_tense() -> None:
    reply = ("I ran a budget of three hundred thousand for the events programme for two years. "
             "Have those numbers answered your worry?")
    assert evaluate_objection_reply(BUDGET, Transcript(reply), "second").passed
