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
