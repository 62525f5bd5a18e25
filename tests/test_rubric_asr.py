"""Transcript noise: speech-recognition near-misses and chat-style spelling where the meaning is
still clear (a changed tense, a lost auxiliary, a misheard word, text-speak, run-ons),
without letting the hard negatives through."""

from __future__ import annotations

import pytest

from rubric_helpers import passed

# (heard text, round, next_step expected, trial_close expected)
NEAR_MISSES = [
    # a lost auxiliary: the clause still reads as a question
    ("so umm I guess you have any concerns about me", "first", False, True),
    ("you'll have any hesitations about my experience maybe", "second", False, True),
    ("you guys see any gaps in my background", "first", False, True),
    ("you have any doubts about moving me forward", "first", False, True),
    ("and there's any reason you wouldn't pass me on", "first", False, True),
    ("there any reason you would not hire me", "final", False, True),
    ("you have any concerns about the team's workload", "first", False, False),
    ("you have any plans for the product next year", "first", False, False),
    ("there's any reason the role opened up", "first", False, False),
    # "would you" heard as "what you"
    ("what you may be consider offering me the job", "final", False, True),
    ("what you would be comfortable moving me forward", "first", False, True),
    ("what you'll be happy to recommend me", "second", False, True),
    ("what you think of the product", "first", False, False),
    ("what you need is someone senior", "first", False, False),
    # "me on" heard as "beyond", or the object lost before "to the next round"
    ("would you be comfortable passing beyond", "second", False, True),
    ("and I guess any reason you wouldn't move beyond.", "second", False, True),
    ("is there any reason you wouldn't feel comfortable passing on to the next round", "first",
     False, True),
    ("isn't there any reason you wouldn't be sending on to the next stage", "second", False, True),
    ("is there any reason you wouldn't feel comfortable passing on the feedback", "first",
     False, False),
    ("the project went beyond", "first", False, False),
    ("we moved on to the next stage of the project", "first", False, False),
    # changed tense or preposition, an unknown word inside "the ... process"
    ("What happened after today?", "first", True, False),
    ("what came after this round for you", "first", True, False),
    ("What's the rest on the process like?", "first", True, False),
    ("what does the next step in the inter-new process look like", "first", True, False),
    ("what are the next stages of the hiring inter view process", "second", True, False),
    ("What does the next step in the uh blah process look like?", "first", True, False),
    ("What happened after the product launch?", "first", False, False),
    ("what's the rest on the roadmap like", "first", False, False),
    ("what does the next step in the data pipeline look like", "first", False, False),
    # sentences run together: a request after "and" starts a new clause
    ("I'd love to hear what the timeline for a decision is, and I'd like to know if there's "
     "anything that would keep you from offering me the job.", "final", True, True),
    ("could you tell me what happens next and i would love to know if you have any concerns "
     "about me", "first", True, True),
    ("what's the timeline and I'm curious whether anything would stop you hiring me", "final",
     True, True),
    ("i would like to hear about the next steps and i want to know if you see me in the final",
     "second", True, True),
    ("i would like to hear about the roadmap and i want to know what the team does next",
     "first", False, False),
    # chat-style spelling
    ("so wud u put me thru to round 2? any doubts on ur side?", "first", False, True),
    ("sry um when do u guys decide lol", "final", True, False),
    ("wat r the next steps", "first", True, False),
    ("pls let me know when u decide", "final", True, False),
    ("any reason u wouldnt send me to the final??", "second", False, True),
    ("r there any concerns abt my cv", "first", False, True),
    ("wat r ur plans for the app", "first", False, False),
    ("any reason u cant share the salary range lol", "first", False, False),
    ("when do u guys ship the new feature", "first", False, False),
]


@pytest.mark.parametrize("text,round,next_step,trial_close", NEAR_MISSES)
def test_near_misses_keep_their_meaning(text: str, round: str, next_step: bool,
                                        trial_close: bool) -> None:
    assert passed(text, "next_step", round, rules_only=True) is next_step
    assert passed(text, "trial_close", round, rules_only=True) is trial_close


def test_class_has_enough_fresh_cases() -> None:
    assert len(NEAR_MISSES) >= 40
