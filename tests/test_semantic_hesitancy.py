"""The semantic hesitancy layer: its examples, its pure decision, and what the shipped model hears.

The shipped-model cases are fresh sentences (none is in a training file): the four kinds and
self-deprecation in words the tone rules' phrase lists do not hold, and confident look-alikes.
"""

from __future__ import annotations

import pytest

from closer.rubric import evaluate
from closer.rubric.semantic import hesitancy, hook
from closer.rubric.text import clauses
from closer.types import Transcript

ON = hook.fallback_from_env({"CLOSER_SEMANTIC": "hesitancy"})  # off by default (hook docstring)


def test_examples_take_the_rules_kind_and_the_confident_clauses():
    rows = [{"text": "What happens next? No pressure, I'll take whatever you decide.",
             "confident_tone": False},
            {"text": "Thanks for today. What happens next?", "confident_tone": True}]
    ex = {e.text: e for e in hesitancy.examples(rows)}
    assert ex["thanks for today"].hesitant is False
    hesitant = [e for e in ex.values() if e.hesitant]
    assert hesitant and all(e.kind in hesitancy.KINDS for e in hesitant)
    assert "what happens next" in ex and not ex["what happens next"].hesitant


def test_decide_takes_the_surest_clause_at_the_threshold():
    cl = clauses("What happens next? Skip it if you like. Is anything stopping you?")
    assert hesitancy.decide(cl, [0.1, 0.9, 0.2], ["way_out"] * 3, 0.85) == (1, "way_out")
    assert hesitancy.decide(cl, [0.1, 0.8, 0.2], ["way_out"] * 3, 0.85) is None
    assert hesitancy.decide(cl, [0.95, 0.9, 0.2], ["disclaimer"] * 3, 0.85) == (0, "disclaimer")


def test_decide_lifts_a_retreat_the_candidate_takes_back_up():
    cl = clauses("I'm not assuming anything, which is exactly why I'm asking: would anything "
                 "stop you moving me forward?")
    scores = [0.99] + [0.0] * (len(cl) - 1)
    assert hesitancy.decide(cl, scores, ["disclaimer"] * len(cl), 0.85) is None
    # worry about how it went is no retreat from the ask, so asking does not lift it
    assert hesitancy.decide(cl, scores, ["worry_how_it_went"] * len(cl), 0.85) is not None


def _tone(text: str, round: str = "first"):
    return evaluate(Transcript(text), round, fallback=ON).checks["confident_tone"]


@pytest.mark.parametrize("text", [
    "What's the timeline after this? And would you back me for round two? Feel free to dodge "
    "that second part.",
    "Would you put me through to the panel? Or is that asking a lot of you, sorry.",
    "Is anything stopping you from moving me on? I could tell the schema answer fell flat.",
])
def test_hesitancy_the_phrase_lists_miss_fails_the_tone(text):
    rules = evaluate(Transcript(text), "first").checks["confident_tone"]
    shipped = _tone(text)
    assert not shipped.passed
    if rules.passed:  # heard by the semantic layer: its clause is the evidence, its kind the tip
        assert shipped.evidence and shipped.tip


@pytest.mark.parametrize("text", [
    "Give it to me straight: is there anything that would stop you moving me to the final?",
    "Thanks for walking me through the depot. What happens after this round?",
    "I know my Spanish is basic, so I've booked an evening course. Would that hold you back?",
    "I hope to bring the same rigour to your audit team. What are the next steps?",
])
def test_confident_look_alikes_stay_confident(text):
    assert _tone(text).passed


def test_the_layer_is_off_by_default():
    text = "Would you put me through to the panel? Or is that asking a lot of you, sorry."
    assert hook.settings_from_env({}).checks == ("next_step",)
    assert hook.semantic_passes(clauses(text), "first", {"confident_tone": True}) == {}


def test_the_layer_is_silent_when_turned_off():
    text = "Would you put me through to the panel? Or is that asking a lot of you, sorry."
    off = hook.SemanticSettings(checks=("next_step",))
    assert "backing_down" not in hook.semantic_passes(clauses(text), "first",
                                                      {"confident_tone": True}, off)
