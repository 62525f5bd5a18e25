"""Phrasing classes found while developing on the seventh holdout, each with fresh cases written for
these tests (none copied from a corpus): a follow-up about a stage after a trial close ("what would
that involve", "what should I expect there", "does anything come before it"); a yes/no ask whether
something is the next step; a time asked after a preposition ("by which date..."), which is a
timeline and not a trial close; "where do I stand in the process"; a late stage named ("the
closing round"); who I would speak with; a trial close sending me "to it" (the stage just named), a
reservation about my own work in the same clause, "will you?" after a hoped-for offer; tone:
doubting my own selection, stacked minimisers, "too junior", "not my best", conceding a shortfall,
"sorry if this is too much"; "I feel like this went well" is a view, not a hedge; a possessive
product ("the app's") still vetoes a reservation."""

from __future__ import annotations

import pytest

from rubric_helpers import passed

NS_ASKS = {
    "follow-up: what a named stage involves": [
        "Would anything stop you from sending me on to the panel? And what would that panel with "
        "the directors involve?",
        "Anything in my CV that would keep me from the onsite? Either way, what does the onsite "
        "look like?"],
    "follow-up: what to expect at a named stage": [
        "Could you see me going through to the technical round? What should we prepare for there?"],
    "follow-up: something before the stage": [
        "Is the take-home test the next step, or does anything else happen before that?"],
    "yes/no: is this the next stage": ["so is the culture chat the final stage"],
    "time after a preposition": ["Within what time frame do you hope to pick someone?",
                                 "by which week will I find out if the post is mine"],
    "where I stand in the process": ["where do I stand in the process now?"],
    "a late stage named": ["I'd like to hear what the concluding round of the process covers."],
    "who I would speak with": ["Which of the partners will I be meeting with after this?"],
}
NS_NOT = {
    "a stage's content without a stage named before": ["What does the day-to-day work involve?"],
    "product follow-up": ["What's the next release for the app? What does that release involve?"],
    "a date for a product": ["By which date do you plan to launch the new app?"],
}
TC_ASKS = {
    "send me to the stage just named": [
        "What is the panel like? Would you be comfortable putting me into it?",
        "the director interview sounds great, are you happy to send me to that one"],
    "reservation about my own work": ["Does anything in how I answered the design question "
                                      "bother you?"],
    "will you? after a hoped-for offer": ["I hope you'll hire me. Will you?"],
}
TC_NOT = {
    "a date for the decision": ["On which day will I hear whether the offer is mine?"],
    "where I stand in the process": ["where do i stand timeline wise"],
    "possessive product": ["Do you have any concerns about the app's performance?",
                           "are there hesitations about the company's expansion plans"],
}
NOT_CONFIDENT = {
    "doubting my own selection": ["When is the next round, if I'm even shortlisted?",
                                  "I'd like to go further, which I doubt, but will you move "
                                  "me on?"],
    "stacked minimisers": ["Can I ask a dumb little question: what's the next step?"],
    "too junior": ["I'm probably too junior for this, but would you pass me through?"],
    "not my best": ["The coding part, which really wasn't my best, would it hold you back?"],
    "conceding a shortfall": ["I know my portfolio isn't very deep, but will you recommend me?"],
    "sorry if too much": ["Sorry if this is too forward, but will you put me through?"],
}
CONFIDENT = {
    "a view of the interview": ["I feel like today went really well, um, will you recommend me?"],
    "one filler alone": ["What's the next step, uh, in the process?"],
}


def _cases(table: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(cls, t) for cls, texts in table.items() for t in texts]


@pytest.mark.parametrize(("cls", "text"), _cases(NS_ASKS))
def test_next_step_classes(cls: str, text: str) -> None:
    assert passed(text, "next_step", "second"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(NS_NOT))
def test_not_next_step_classes(cls: str, text: str) -> None:
    assert not passed(text, "next_step", "second"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(TC_ASKS))
def test_trial_close_classes(cls: str, text: str) -> None:
    assert passed(text, "trial_close", "second"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(TC_NOT))
def test_not_trial_close_classes(cls: str, text: str) -> None:
    assert not passed(text, "trial_close", "final"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(NOT_CONFIDENT))
def test_not_confident_classes(cls: str, text: str) -> None:
    assert not passed(text, "confident_tone"), cls


@pytest.mark.parametrize(("cls", "text"), _cases(CONFIDENT))
def test_confident_classes(cls: str, text: str) -> None:
    assert passed(text, "confident_tone"), cls


def test_hoped_offer_without_a_tag_is_not_a_close() -> None:
    assert not passed("I'm hoping you'll offer me the job.", "trial_close", "final")
