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

ON = hook.fallback_from_env({})  # on by default (hook docstring)


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


def test_decide_defers_to_a_confident_clause_it_was_trained_on():
    cl = clauses("I know I can do the same here. What happens next?")
    scores, kinds = [0.97, 0.1], ["self_deprecation"] * 2
    # nearest confident training clause at cosine 0.99: it reads as that one, not as hesitant
    assert hesitancy.decide(cl, scores, kinds, 0.85, [0.99, 0.3], veto=0.85) is None
    assert hesitancy.decide(cl, scores, kinds, 0.85, [0.84, 0.3], veto=0.85) == (0, kinds[0])
    # a vetoed clause does not hide a hesitant one elsewhere in the close
    assert hesitancy.decide(cl, [0.97, 0.9], kinds, 0.85, [0.99, 0.2], veto=0.85) == (1, kinds[1])
    assert hesitancy.decide(cl, scores, kinds, 0.85) == (0, kinds[0])  # no prototypes: no veto


def test_the_shipped_veto_keeps_the_confident_closes_it_was_trained_on():
    """Confident closes of the corpus that the regression alone failed (golden file, 36994ee)."""
    for text in ("I've shown you the dashboards I built and the results they drove. "
                 "I know I can do the same here. I hope you'll give me the chance.",  # d241
                 "I'm sure I can deliver what this team needs. You won't regret it."):  # h056
        assert _tone(text).passed, text


def test_a_long_clause_is_also_read_in_windows_that_point_back_to_it():
    text = ("Thanks. right so what's the next bit of the process for the job and is there anything "
            "that would hold you back from moving me on but whichever way you go on that i'll nod "
            "along")
    cl = clauses(text)
    texts, owners = hesitancy.units(cl)
    long_one = max(range(len(cl)), key=lambda i: len(cl[i].text.split()))
    windows = [t for t, o in zip(texts, owners, strict=True) if o == long_one][1:]
    assert windows and all(len(w.split()) == hesitancy.WINDOW_WORDS for w in windows)
    assert windows[-1].split()[-1] == "along"  # the tail is always read
    assert texts.count("thanks") <= 1 and owners == sorted(owners)
    # a short clause is read whole only
    assert hesitancy.units(clauses("What happens next?"))[1] == [0]
    scores = [0.0] * len(texts)
    scores[texts.index(windows[-1])] = 0.95
    assert hesitancy.decide(cl, scores, ["backing_down"] * len(texts), 0.9,
                            owners=owners) == (long_one, "backing_down")


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


def test_the_layer_is_on_by_default_and_asks_leaves_it_out():
    assert hesitancy.CHECK in hook.settings_from_env({}).checks
    assert hesitancy.CHECK not in hook.settings_from_env({"CLOSER_SEMANTIC": "asks"}).checks
    assert not hook.settings_from_env({"CLOSER_SEMANTIC": "0"}).enabled


def test_the_layer_is_silent_when_turned_off():
    text = "Would you put me through to the panel? Or is that asking a lot of you, sorry."
    off = hook.SemanticSettings(checks=("next_step",))
    assert "backing_down" not in hook.semantic_passes(clauses(text), "first",
                                                      {"confident_tone": True}, off)
