"""The next-step check: does the close ask about the hiring process going forward?

The cases are in tests/data/rubric_cases/next_step.toml, one table per concept (process asks,
requests, statements that are not asks, the hiring timeline, stages and people, follow-ups after
a named stage, what "next for X" is about, what is not the hiring, the funding-round veto, trial
closes that are not next steps); see tests/rubric_helpers.py. Here: those tables and the vetoes
as data."""

from __future__ import annotations

import pytest

from closer.rubric import next_step
from closer.rubric.text import clauses
from rubric_helpers import Case, case_params, check_case, load_cases, passed


@pytest.mark.parametrize("case", case_params("next_step"))
def test_next_step(case: Case) -> None:
    check_case(case)


def test_vetoes_are_data() -> None:
    product = clauses("What's the next step for the mobile app?")[0]
    assert next_step.vetoed(product) and next_step.vetoes(product)
    assert not next_step.vetoed(clauses("What are the next steps in the process?")[0])
    assert next_step.vetoed("what are the first steps once i start")


def test_big_concepts_have_enough_fresh_cases() -> None:
    tables = load_cases("next_step")
    assert len(tables["hiring_timeline"]) >= 40 and len(tables["next_for_what"]) >= 40


# Fresh cases for the concepts widened on closes_holdout15/16 and hesitancy_holdout6/7 (new wording,
# other professions; rules only), each table with look-alike hard negatives. [text, round, expected]
FRESH = {
    # a stage named in new words: shortlisting, an assessment, a hurdle, the order of things, who
    # reads the applications, the timetable, how the final selection will be run
    "stages_in_new_words": [
        ("How many more conversations stand between me and a decision on the sous chef post?",
         "first", True),
        ("I'd be keen to hear how shortlisting for the paralegal vacancy unfolds from here.",
         "first", True),
        ("What sort of assessment comes next for the crane operator role?", "first", True),
        ("What happens at the final hurdle for the pharmacist post?", "second", True),
        ("So what's the order of things from here for the surveyor vacancy?", "first", True),
        ("I'd like to hear who goes through the locum GP applications after today.", "first", True),
        ("Walk me through how the final selection for the head chef post will be run.",
         "second", True),
        ("What does the final involve for the structural engineer job?", "second", True),
        ("Which way does my application head now?", "first", True),
        ("Who looks over the midwife applications once today is done?", "first", True),
        ("When is the trade test for the plumber role?", "first", True),
        # hard negatives: the same words about a project, a product or a team's plan
        ("What's the next milestone on the council's plan to move the depots onto electric vans?",
         "second", False),
        ("What's the order of things for the kitchen refit once the builders arrive?",
         "first", False),
        ("Which way is the new booking app heading now?", "first", False),
        ("When is the product launch for the new booking app?", "first", False),
        ("What's the next milestone for your investors before the series B?", "first", False),
    ],
    # when or how the decision comes, in new words
    "decision_in_new_words": [
        ("When does your board make its call on the bursar job?", "final", True),
        ("Which week should I keep free for your decision?", "final", True),
        ("I'd want to know the date your verdict lands.", "final", True),
        ("Who decides on the final shortlist for the reporter role?", "second", True),
        ("How long before you pick the final three for the dispatcher posts?", "second", True),
        # hard negatives: someone else's decision, a customer's, a regulator's on a trial
        ("What's the timeline for the insurer's decision on the flood claim?", "final", False),
        ("When does the client make its call on the new packaging?", "final", False),
        ("What's the timetable for the drug trial extension?", "final", False),
    ],
    # widened on closes_holdout17 / hesitancy_holdout8: the road to an offer, the shortlist drawn
    # up, where the hiring goes, what is still to happen before the choice, a stage held for a post
    "process_in_new_words": [
        ("What does the road to an offer look like for the sound engineer post?", "first", True),
        ("What's the path from here to a signed offer?", "second", True),
        ("How does the shortlist get drawn up for the teaching assistant posts?", "first", True),
        ("Where does the recruitment go from here?", "first", True),
        ("What still has to happen before you appoint your new verger?", "final", True),
        ("When would the trial shifts be for the barista post?", "first", True),
        ("Who would I meet at the next stage for the scaffolding crew?", "first", True),
        # hard negatives: an offer on a house, eagerness with no ask, a supplier list, a crew's
        # work, a project, investors
        ("What's the road to an offer on the house you mentioned?", "first", False),
        ("I'm eager to get started on the next stage whenever suits you.", "first", False),
        ("How does the supplier shortlist get made for the bridge tender?", "first", False),
        ("What's the next step for the crew once the bridge is finished?", "first", False),
        ("Where does the project go from here?", "first", False),
        ("What still has to happen before the investors decide on the funding?", "first", False),
    ],
    # a short follow-up about the stage just named
    "follow_ups_in_new_words": [
        ("Does anything in my portfolio hold you back from a second interview? "
         "And then, what's the timetable?", "first", True),
        ("Any day suits me for the panel interview. Who will be on it?", "first", True),
        ("Are you in a position to offer me the tutor post, and if not, when will you be?",
         "final", True),
        # after an ask to be moved on, the stage it moves to ("..., and if so, when?")
        ("Could you put me forward to the head of pharmacy, and if so, when would that be?",
         "first", True),
        ("Would you recommend me to your director, and what is she like to work for?",
         "first", False),
    ],
    # the target: the post named at length lifts the veto; a time is not a thing
    "the_post_at_length": [
        ("What are the next steps for the senior veterinary nurse post?", "first", True),
        ("When will you decide on the trainee signal engineer posts?", "first", True),
        ("How many more rounds are there before you settle the coaching staff for the season?",
         "first", True),
        ("What are the next steps for the veterinary practice's new branch?", "first", False),
    ],
    # not the process: a new starter's first days, pay, the candidate asking for another stage
    "not_the_process": [
        ("Once someone joins, how long before they can practise unsupervised?", "final", False),
        ("When the new hire starts, what's the next step in their training?", "first", False),
        ("Could I have another conversation with the head of nursing before you decide?",
         "final", False),
        ("Would there be time for one more chat with the founders after today?", "final", False),
        ("Would you mind telling me what the role pays before the next interview?", "first", False),
    ],
}


@pytest.mark.parametrize(("concept", "text", "round", "expected"),
                         [(c, *case) for c, cases in FRESH.items() for case in cases],
                         ids=[f"{c}-{i}" for c, cases in FRESH.items() for i in range(len(cases))])
def test_fresh_cases(concept: str, text: str, round: str, expected: bool) -> None:
    assert passed(text, "next_step", round, rules_only=True) is expected, (concept, text, round)


# A process question folded into one clause with a trial close, joined by "and": both are asked.
# Hard negatives: "between me and ..." is no second ask, and a yes/no ask to move on stays a close.
FOLDED = [
    ("Could you tell me how you'll choose between the last candidates and by when, and whether "
     "anything in my record worries you?", "final", True),
    ("I'd value your view on whether my portfolio earns me the second stage, and on the timetable "
     "for that stage.", "first", True),
    ("Can you walk me through the next steps and whether you'd recommend me?", "first", True),
    ("Is anything standing between me and a place in the next stage?", "first", False),
    ("Would you put me forward for the final round and the offer?", "second", False),
]


@pytest.mark.parametrize(("text", "round", "expected"), FOLDED)
def test_process_folded_beside_a_close(text: str, round: str, expected: bool) -> None:
    assert passed(text, "next_step", round, rules_only=True) is expected
