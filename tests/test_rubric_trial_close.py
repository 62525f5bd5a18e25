"""The trial-close check: does the close ask the interviewer to commit to moving the candidate
forward, or to say what stands in the way?

The cases are in tests/data/rubric_cases/trial_close.toml, one table per concept (move me
forward, what stands in the way, my chances and standing, agreement tags, the final round must
aim at the offer, reservations not about me, process questions, statements); see
tests/rubric_helpers.py. Here: those tables, the final-round tip, the evidence of an agreement
tag and the vetoes as data."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate, trial_close
from closer.rubric.text import clauses
from closer.types import Transcript
from rubric_helpers import Case, case_params, check_case, load_cases


@pytest.mark.parametrize("case", case_params("trial_close"))
def test_trial_close(case: Case) -> None:
    check_case(case)


def test_final_round_tip_asks_for_the_offer() -> None:
    next_round = ("Is there any reason you wouldn't feel comfortable passing me on "
                  "to the next round?")
    v = evaluate(Transcript(next_round), "final")
    assert "offer" in (v.checks["trial_close"].tip or "")


def test_agreement_tag_evidence_includes_the_fit_statement() -> None:
    text = "Based on our conversation, I think this is a fantastic fit. Do you agree?"
    assert evaluate(Transcript(text)).checks["trial_close"].evidence == text
    hedged = "I reckon I'm what you're after, maybe, would you agree?"
    assert "after" in (evaluate(Transcript(hedged)).checks["trial_close"].evidence or "")


def test_vetoes_are_data() -> None:
    pay = clauses("Any reason you'd hesitate to share the pay band?")[0]
    assert trial_close.vetoes(pay) == ("tc_veto",)
    assert not trial_close.vetoed(clauses("Any reason you'd hesitate to move me on?")[0])
    nxt = "is there anything stopping you passing me to the next round"
    assert trial_close.vetoes(nxt, "final") == ("final_round_next_round",)
    assert not trial_close.vetoed(nxt, "second")
    assert not trial_close.vetoed("anything stopping you offering me the job", "final")


def test_big_concepts_have_enough_fresh_cases() -> None:
    tables = load_cases("trial_close")
    assert all(len(tables[c]) >= 40 for c in ("move_me_forward", "what_stands_in_the_way",
                                               "agreement_tags"))
