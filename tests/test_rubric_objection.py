"""The objection reply: after the interviewer raises an objection, does the reply answer it and
close again, aimed at the round (in the final round, at the offer)? Cases written for these
tests, none from a corpus."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate_objection_reply
from closer.types import Transcript
from rubric_helpers import case_id

TEAM = "I'm not sure you've managed a team as large as this one."
BUDGET = "You don't have much experience with managing a budget, which is a big part of this role."
ANSWER = "I've led eleven engineers over two teams and hired four of them myself."

# The team objection answered, then a re-close in another tense or round: (reply, round, expected)
RECLOSE_AFTER_THE_ANSWER = [
    (f"{ANSWER} Would that be enough to move me on to the next round?", "second", True),
    (f"{ANSWER} Would that be enough to move me on to the next round?", "final", False),
    (f"{ANSWER} Would you feel comfortable offering me the role now?", "final", True),
    (f"{ANSWER} Has that settled your concern?", "final", True),
    (f"{ANSWER} I look forward to hearing from you.", "final", False),
]


@pytest.mark.parametrize(("reply", "round", "expected"), RECLOSE_AFTER_THE_ANSWER,
                         ids=[case_id("reclose_after_the_answer", r.removeprefix(ANSWER), rd)
                              for r, rd, _ in RECLOSE_AFTER_THE_ANSWER])
def test_reclose_after_the_answer(reply: str, round: str, expected: bool) -> None:
    result = evaluate_objection_reply(TEAM, Transcript(reply), round)  # type: ignore[arg-type]
    assert result.passed is expected


def test_reclose_in_the_past_tense() -> None:
    reply = ("I ran a budget of three hundred thousand for the events programme for two years. "
             "Have those numbers answered your worry?")
    assert evaluate_objection_reply(BUDGET, Transcript(reply), "second").passed
