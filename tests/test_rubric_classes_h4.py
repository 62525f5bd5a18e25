"""Phrasing classes found while developing on the fourth holdout, each with fresh cases written
for these tests (none copied from a corpus): what to expect next, "is this the last stage?",
"where does that leave us", formal enquiries, who is met at a stage, run-ons ("what happens now
do I just wait"), non-hiring rounds (funding), when-questions about an offer (a timeline, not a
trial close), "with me" about pay, hedged statements with a "?", negated candidate forms ("any
reason I wouldn't be..."), making it through, flagging the candidate, and the tone markers
(filler "like" after "is" or before a verb, a trailing "or", "not to be pushy", "that kind of"
before a verb)."""

from __future__ import annotations

import pytest

from rubric_helpers import passed

NS_ASKS = {
    "what to expect next": ["What can I expect from here?",
                            "so what should we be expecting going forward",
                            "Could you tell me what to expect next?",
                            "what do i expect now"],
    "is this the last stage": ["Is today my last interview, or will there be more?",
                               "is this the final stage or are there others after it",
                               "Are there more rounds after this one?",
                               "Will there be anything else after today?",
                               "Is this the last step?"],
    "where does that leave us": ["So where does this leave me in the process?",
                                 "where does today leave things"],
    "formal enquiry": ["May I enquire about the remaining stages of the selection procedure?",
                       "I would like to inquire as to the subsequent interviews.",
                       "Might I ask what the forthcoming steps involve?"],
    "who at a stage": ["Who would I meet in the next round?",
                       "who'd be on the panel for the final stage",
                       "who will I see next"],
    "run-on after now/then": ["what happens now do i just hang tight",
                              "whats the process now and do you think id get through",
                              "ok what happens then do i hear from the recruiter"],
    "wrappers and tags": ["I was wondering if you could walk me through what comes after this.",
                          "There's another round after this, isn't there?",
                          "Do you know when I'd hear about an offer?"],
    "other tenses and moves": ["so what would happen next from your end",
                               "What's going to come next?",
                               "So, what's the next move on your side?"],
    "when you'll get back to me": ["When do you think you'll get back to me?",
                                   "How soon could you get back to me on the decision?"],
}
NS_NOT = {
    "after joining": ["What would my first steps be after joining?",
                      "What's the next thing to learn upon starting?"],
    "funding rounds": ["Where does the business go after the funding round?",
                       "What happens to the roadmap after the next round of funding?",
                       "How will the product change after the series b round?"],
    "a trial close naming a stage": [
        "Do you see any reason I wouldn't be a fit for the next stage?",
        "Would you be open to bringing me back for another round?"],
}
TC_ASKS = {
    "negated candidate": ["Do you see any reason I wouldn't be a fit for the next stage?",
                          "Is there any reason I shouldn't go through to the final round?",
                          "Anything that makes you think I couldn't do this job?"],
    "making it through": ["Do you reckon I'll get through to the next one?",
                          "do you think i'd make it through",
                          "Will I be going on to the next one?"],
    "whole ask after a comma": ["Have I, um, shown you what you need to put me forward?",
                                "Did I give you, I think, everything you need to move me on?"],
    "done enough / hesitant": ["did I do enough today to get to the next round",
                               "Anything I haven't covered that leaves you hesitant about me?"],
    "I'd like to ask if": ["I'd like to ask if you'd be comfortable giving me the offer.",
                           "I wanted to ask whether you'd put me through to the panel."],
    "flag or raise": ["Is there anything about me you'd raise with the hiring manager?",
                      "anything in my background you'd flag to the panel",
                      "Would you flag anything about my experience to the team?"],
    "tags and wrappers": ["You'd be comfortable putting me forward, wouldn't you?",
                          "There's nothing stopping you recommending me, is there?",
                          "I was wondering whether anything would stop you putting me forward."],
}
TC_NOT = {
    "when about an offer": ["When would I hear about an offer?",
                            "Could you tell me roughly when offers go out?",
                            "Do you know when I might get an offer?",
                            "When do you think you'll get back to me?"],
    "with me about pay": [
        "Is there any reason you'd be reluctant to discuss the salary band with me?",
        "Would you hesitate to be open with me about the pay range?"],
    "hedged statement with a question mark": ["I think I'm probably a good match for this?",
                                              "I suppose I'd be a decent fit?",
                                              "Maybe I'm the right hire for you?"],
}
NOT_CONFIDENT = {
    "filler like after is / before a verb": ["what's like the timeline, um",
                                             "and when is like the decision, uh",
                                             "do you like think I'd fit, I guess"],
    "trailing or": ["um would it be next week or", "is it a panel or um"],
    "not to be pushy": ["Not to be pushy, but um when will you decide?",
                        "I don't mean to sound pushy, but maybe you could tell me the timeline?"],
    "that kind of before a verb": ["is there anything that sort of worries you about me, um",
                                   "Does that kind of make you doubt me? Sorry."],
}
CONFIDENT = [
    "Will the final round be remote or in person?",
    "I've done a lot of that kind of work. What are the next steps?",
    "What would the next stage be like?",
    "Is there a second interview or is this the last one?",
    "I was wondering if you could walk me through the next steps.",
]


def _flat(d: dict[str, list[str]]) -> list[str]:
    return [t for ts in d.values() for t in ts]


@pytest.mark.parametrize("text", _flat(NS_ASKS))
def test_next_step_classes(text: str) -> None:
    assert passed(text, "next_step")


@pytest.mark.parametrize("text", _flat(NS_NOT))
def test_not_next_step(text: str) -> None:
    assert not passed(text, "next_step")


@pytest.mark.parametrize("text", _flat(TC_ASKS))
def test_trial_close_classes(text: str) -> None:
    assert passed(text, "trial_close")


@pytest.mark.parametrize("text", _flat(TC_NOT))
def test_not_trial_close(text: str) -> None:
    assert not passed(text, "trial_close")


def test_when_about_an_offer_is_a_timeline() -> None:
    for text in TC_NOT["when about an offer"]:
        assert passed(text, "next_step"), text


def test_final_round_another_round_is_neither() -> None:
    text = "Would you be happy to send me to another round with the design team?"
    assert not passed(text, "next_step", "final")
    assert not passed(text, "trial_close", "final")
    assert passed(text, "trial_close", "second")


def test_hedged_statement_tag_still_asks() -> None:
    assert passed("I think I'm the right hire for you, wouldn't you say?", "trial_close")


@pytest.mark.parametrize("text", _flat(NOT_CONFIDENT))
def test_not_confident_classes(text: str) -> None:
    assert not passed(text, "confident_tone")


@pytest.mark.parametrize("text", CONFIDENT)
def test_still_confident(text: str) -> None:
    assert passed(text, "confident_tone")
