"""Phrasing classes found while developing on the eighth holdout, each with fresh cases written for
these tests (none copied from a corpus). Tone: conceding thin experience, the least experienced,
not doing myself justice, doubting I'm the first choice, the other candidates being stronger, "do
you reckon" as a hedge, "like" as a filler between verbs ("would you like send me"), "just
wondering" as a minimiser; "bothering you" inside a reservation is the interviewer's concern, not
an apology. Trial close: "on track to reach it", "the kind of X you'd want to bring back", "given
you everything you need to feel confident about me", "make me your hire", "a good word for me".
Next step: where my application goes, the process once you've decided, a timescale for getting
back, how a panel is run, what happens between now and a decision; having your support going into
a round, or a good word for the last round, is a trial close and not a question about the
process."""

from __future__ import annotations

import pytest

from rubric_helpers import passed

NOT_CONFIDENT = {
    "thin experience": ["My retail background is a little thin, but when will I hear back?"],
    "the least experienced": ["I'm likely the least qualified applicant on your list, but what "
                              "comes after this interview?"],
    "not doing myself justice": ["I don't think I did myself justice in the case study. When do "
                                 "you decide?"],
    "doubting the first choice": ["I doubt I'm the candidate you'll pick, but thanks for "
                                  "your time.",
                                  "I suspect I'm not your top pick. What's the timeline?"],
    "the others stronger": ["I'm sure the other applicants were more impressive, but when will "
                            "you let me know?"],
    "do you reckon": ["Um, so would you send me through to the panel, do you reckon?"],
    "like between verbs": ["uh would you like recommend me to the director"],
    "just wondering ... perhaps": ["Just wondering, perhaps, what happens after today?"],
}
CONFIDENT = {
    "bothering you is a reservation": [
        "Is anything in my portfolio bothering you that I could address now?",
        "What's the next step, and is any part of my background bothering you?"],
}
TC_ASKS = {
    "on track": ["After the onsite comes the offer stage, so am I on track to get there?"],
    "the kind you'd want back": ["Am I the sort of analyst you'd want to invite back for the "
                                 "final panel?"],
    "given you everything you need": ["Have I shown you everything you need to feel sure about "
                                      "me?"],
    "make me your hire": ["Would you be ready to make me your next hire?"],
    "a good word": ["Could you put in a good word for me with the hiring director?"],
}
NS_ASKS = {
    "where my application goes": ["So after today, where does my candidacy go?"],
    "the process once decided": ["What's the process after you've made up your minds?",
                                 "and how does it go once the panel has made up their minds"],
    "a timescale for getting back": ["Do you have a timescale for coming back to candidates?"],
    "the next bit": ["ok so whats the next bit"],
    "weeks between stages": ["Would anything stop you putting me through? And how many days "
                             "pass between this round and the next one?"],
    "how the decision is made": ["Could you explain how you will make the hiring decision?"],
    "finishing a round": ["When do you hope to wrap up the current round of interviews?"],
    "how a panel is run": ["How is the final panel normally structured?"],
    "between now and a decision": ["I'd be grateful for an outline of how things go from here.",
                                   "I'd welcome an overview of what happens from here until a "
                                   "hiring decision."],
}
NOT_NS = {
    "support going into a round": ["Can I count on your backing going into the final stage?"],
    "a good word for a round": ["would you put in a good word for me ahead of the next round"],
}


@pytest.mark.parametrize("text", [t for v in NOT_CONFIDENT.values() for t in v])
def test_not_confident(text: str) -> None:
    assert not passed(text, "confident_tone")


@pytest.mark.parametrize("text", [t for v in CONFIDENT.values() for t in v])
def test_confident(text: str) -> None:
    assert passed(text, "confident_tone")


@pytest.mark.parametrize("text", [t for v in TC_ASKS.values() for t in v])
def test_trial_close(text: str) -> None:
    assert passed(text, "trial_close")


@pytest.mark.parametrize("text", [t for v in NS_ASKS.values() for t in v])
def test_next_step(text: str) -> None:
    assert passed(text, "next_step")


@pytest.mark.parametrize("text", [t for v in NOT_NS.values() for t in v])
def test_support_for_a_round_is_a_trial_close(text: str) -> None:
    assert not passed(text, "next_step")
    assert passed(text, "trial_close")
