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
from rubric_helpers import Case, case_params, check_case, load_cases, passed


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


# Fresh cases for the concepts widened on closes_holdout15/16 and hesitancy_holdout6/7 (new wording,
# other professions; rules only), each table with look-alike hard negatives. [text, round, expected]
FRESH = {
    # a yes/no ask put as a cleft, or folded into a longer sentence
    "asks_folded_in": [
        ("What I'm really asking is whether you'd put me through to the final.", "second", True),
        ("What I'd most like to know today is whether you'll be offering me the post.",
         "final", True),
        ("Am I someone you'd be taking through to the panel stage?", "first", True),
        ("Have I done well enough to earn a second interview for the bakery role?", "first", True),
        ("Do my certifications merit progression to the next stage?", "first", True),
        ("Am I getting a place at the assessment day?", "first", True),
        ("Is the senior conservator job mine if I want it?", "final", True),
        ("I've proved to you I can run a busy ward, haven't I?", "final", True),
        # hard negatives: the same shapes about a thing, or a question about the process
        ("What I'd like to know is whether the post includes weekend cover.", "final", False),
        ("Will the clinic earn the next round of funding?", "first", False),
        ("How many more conversations stand between me and a decision on the curator role?",
         "first", False),
    ],
    # the candidate's place in the stage just named
    "place_in_the_stage_named": [
        ("What's the next round for the welder job, and would I be in the running for it?",
         "first", True),
        ("When is the final panel, and am I likely to be on it?", "second", True),
        ("How is the trade test scheduled, and do my references earn me a place in it?",
         "first", True),
    ],
    # what stands in the way, in new words
    "what_stands_in_the_way": [
        ("Does anything about my teaching record trouble you?", "final", True),
        ("What's the one gap that might cost me the job?", "final", True),
        ("My site experience is a little thin, but if something still concerns you, name it.",
         "first", True),
        ("My locum history is patchy; should anything in it give you pause, say so now.",
         "first", True),
        # hard negatives: a reservation about pay or moving, not about the candidate
        ("Any hesitation about paying to relocate me and my partner to Leeds?", "second", False),
        ("Would you have any reservations about telling me what the role pays?", "first", False),
        ("If it's not too much trouble, could you tell me what happens after the panel?",
         "first", False),
    ],
    # widened on closes_holdout17 / hesitancy_holdout8: what stands in the way with a hedge between,
    # what would slow the interviewer, what they would want settled, a reason asked for
    "stands_in_the_way_hedged": [
        ("What, if anything, would keep you from putting me through to the site visit?",
         "first", True),
        ("Is there any obstacle to you recommending me for the charge nurse post?", "second", True),
        ("Would anything in my tax casework make you wary of recommending me?", "first", True),
        ("Is there anything in my lab record you'd want explained before you put me forward?",
         "first", True),
        ("What reason could you have not to appoint me?", "final", True),
        ("If there's a gap between what I offer and what the bakery needs, I'd rather hear it now.",
         "first", True),
        # hard negatives: the same words about a depot, an office move, a tender, a clinic
        ("Is there any obstacle to the new depot opening on time?", "first", False),
        ("What reason would you have to move the office to Leeds?", "first", False),
        ("Is there anything in the tender you'd want clarified before the client signs?",
         "first", False),
        ("What would stop you, if anything, from opening a second clinic?", "first", False),
    ],
    # the interviewer won over, the candidate's rank, the post made the candidate's, handed on
    "won_over_and_made_the_hire": [
        ("Have I won you over for the sous chef role?", "final", True),
        ("Where would I rank among the people you've seen for the archivist job?", "first", True),
        ("Will the harbour master post be mine?", "final", True),
        ("Are you ready to make me your new site foreman?", "final", True),
        ("Would you hand my details to the head chef for the final tasting?", "first", True),
        ("Would you offer me the traineeship at the surgery?", "final", True),
        # hard negatives: won over to an idea, a parking space, "it" making me, a lab's place
        ("Have I won you over to the idea of a four-day rota?", "first", False),
        ("Would the parking space be mine?", "final", False),
        ("Would it make me the only night nurse on the ward?", "final", False),
        ("Where would the new lab sit in the building?", "first", False),
    ],
    # the final round: the employer's hiring as a process is not the offer
    "final_round_hiring_as_a_process": [
        ("Would you be happy passing me on to the next stage of the clinic's hiring?",
         "final", False),
        ("Would you be happy hiring me for the ward sister post?", "final", True),
    ],
}


@pytest.mark.parametrize(("concept", "text", "round", "expected"),
                         [(c, *case) for c, cases in FRESH.items() for case in cases],
                         ids=[f"{c}-{i}" for c, cases in FRESH.items() for i in range(len(cases))])
def test_fresh_cases(concept: str, text: str, round: str, expected: bool) -> None:
    assert passed(text, "trial_close", round, rules_only=True) is expected, (concept, text, round)
