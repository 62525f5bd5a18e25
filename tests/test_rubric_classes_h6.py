"""Phrasing classes found while developing on the sixth holdout, each with fresh cases written for
these tests (none copied from a corpus): where the candidate looks weakest, a negated rightness
("doesn't feel right"), deciding against / ruling out the candidate, doubts on whether I could...,
top of the list, someone you'd put forward, given you enough to bring me back, expecting to be
invited back; a follow-up about who sits on a named stage, how long to choose, the plan once I
leave, a follow-up after a confirmation tag; a time clause framing a trial close, the candidate's
own "I'm not sure" (not a reservation), "one more round" in the final round; tone: comparing
oneself down to the other applicants and "not top of your list"."""

from __future__ import annotations

import pytest

from rubric_helpers import passed

TC_ASKS = {
    "weakest in my record": ["Where does my background come across weakest to you?",
                             "what's the weaker side of my application in your view"],
    "negated rightness": ["Does anything in my CV not feel right to you?",
                          "is there something about my answers that doesn't add up"],
    "decide against me": ["What might lead you to vote against me?",
                          "is there anything that would rule me out at this point",
                          "Would anything make you go with another candidate over me?"],
    "doubts on whether I could": ["Do you have doubts about whether I can run this team?"],
    "top of the list": ["Am I near the top of your shortlist?",
                        "would i be high on your list for the final"],
    "someone you'd put forward": ["Would I be somebody you'd send through to the director?",
                                  "am i the kind of person you would recommend"],
    "given you enough": ["Have I shown you enough to move me on?"],
    "expect to be invited back": ["Should I expect to be called back for a second round?",
                                  "could you see yourselves inviting me back"],
}
TC_NOT = {
    "a time clause, no ask of its own": ["When the interviews finish, how will you let me know?"],
    "the candidate's own uncertainty": ["I'm not sure what the next stage is, could you tell me?"],
    "a weak product": ["Which features of the app are the weakest right now?"],
}
NS_ASKS = {
    "who sits on a named stage": [
        "Is there a technical panel after this? If so, who tends to be on that panel?"],
    "how long to choose": ["How much time have you set aside to pick the successful person?",
                           "how long do you have until you select someone"],
    "the plan once I leave": ["What happens once we hang up today?",
                              "what's the process after I leave here"],
    "follow-up after a tag": [
        "So the next round is a case study, right, and what would it cover?"],
}
NS_NOT = {
    "a time clause before a trial close": [
        "Once the panel has met, is there anything that would stop you hiring me?"],
    "a product's plan": ["What's the plan for the product once we finish the rewrite?"],
}
TONE_WEAK = {
    "compared down": ["My experience is rather limited next to the other applicants. What's next?",
                      "The other finalists were probably sharper than me. What are the next steps?",
                      "I know I'm nowhere near the top of your list. When will you decide?"],
}
TONE_OK = {
    "a question comparing": ["How does my experience compare with the other finalists?",
                             "Where do you see me behind the rest of the shortlist?"],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(k, t) for k, ts in table.items() for t in ts]


@pytest.mark.parametrize(("cls", "text"), _cases(TC_ASKS))
def test_trial_close_classes(cls: str, text: str) -> None:
    assert passed(text, "trial_close"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(TC_NOT))
def test_not_trial_close_classes(cls: str, text: str) -> None:
    assert not passed(text, "trial_close"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(NS_ASKS))
def test_next_step_classes(cls: str, text: str) -> None:
    assert passed(text, "next_step"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(NS_NOT))
def test_not_next_step_classes(cls: str, text: str) -> None:
    assert not passed(text, "next_step"), cls


def test_trial_close_after_time_clause() -> None:
    assert passed("Once the panel has met, is there anything that would stop you hiring me?",
                  "trial_close", "final")


def test_one_more_round_fails_in_final_round() -> None:
    text = "Is there any reason you wouldn't put me through to one more interview?"
    assert passed(text, "trial_close", "second")
    assert not passed(text, "trial_close", "final")


def test_expect_invited_back_is_not_next_step() -> None:
    text = "Can I expect to be invited back for the onsite?"
    assert passed(text, "trial_close", "second")
    assert not passed(text, "next_step", "second")


@pytest.mark.parametrize(("cls", "text"), _cases(TONE_WEAK))
def test_self_deprecation_classes(cls: str, text: str) -> None:
    assert not passed(text, "confident_tone"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(TONE_OK))
def test_confident_questions(cls: str, text: str) -> None:
    assert passed(text, "confident_tone"), cls


@pytest.mark.parametrize("text", ["What lies between today's chat and an offer?",
                                  "can you say how the panel will arrive at a decision"])
def test_how_the_decision_is_reached(text: str) -> None:
    assert passed(text, "next_step", "final")


def test_wanting_stronger_colleagues_is_confident() -> None:
    text = "I'd love to work with people stronger than me. What are the next steps?"
    assert passed(text, "confident_tone")


@pytest.mark.parametrize("text", ["When you make the decision, will it come from you or HR?",
                                  "once you've decided, would you let me know by phone"])
def test_ask_framed_by_a_process_time_clause(text: str) -> None:
    assert passed(text, "next_step")
