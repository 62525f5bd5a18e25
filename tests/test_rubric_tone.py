"""The confident-tone check: a cluster of weak language, self-deprecation or a near-empty close
fails; one mild marker passes; delivery markers (pace, pauses, uptalk) count with the words.

The word cases are in tests/data/rubric_cases/confident_tone.toml, one table per concept (plain
closes, hedges and fillers, apologies and minimisers, self-deprecation, sign-offs, and the four
kinds of hesitancy in what a sentence does: worry about how it went, backing down, a disclaimer, a
way out); see tests/rubric_helpers.py. Here: those tables, the evidence, delivery, and the kind of
hesitancy named in the tip and the explanation."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate, explain, lexicon, tone
from closer.rubric.explain import LIFT, VETO, Trace
from closer.types import Delivery, Transcript
from rubric_helpers import Case, case_params, check_case, load_cases, passed


@pytest.mark.parametrize("case", case_params("confident_tone"))
def test_confident_tone(case: Case) -> None:
    check_case(case)


def test_self_deprecation_has_enough_fresh_cases() -> None:
    assert len(load_cases("confident_tone")["self_deprecation"]) >= 40


def test_tone_evidence_lists_markers() -> None:
    v = evaluate(Transcript("Um, sorry, what are the next steps?"))
    assert not v.checks["confident_tone"].passed
    assert v.checks["confident_tone"].evidence == "um, sorry"


GOOD = "What are the next steps? Is there any reason you wouldn't feel comfortable passing me on?"


def confident(text: str, d: Delivery | None = None) -> bool:
    return passed(text, "confident_tone", rules_only=True, delivery=d)


def delivery(**kw: float) -> Delivery:
    base = dict(duration_s=6.0, speech_s=5.5, words_per_minute=160.0, filler_count=0,
                longest_pause_s=0.4, uptalk_count=0, statement_count=0)
    base.update(kw)
    return Delivery(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("wpm", [120.0, 160.0, 200.0])
def test_tts_pace_stays_confident(wpm: float) -> None:
    assert confident(GOOD, delivery(words_per_minute=wpm))


@pytest.mark.parametrize("kw", [dict(words_per_minute=60.0), dict(words_per_minute=280.0),
                                dict(longest_pause_s=4.5), dict(uptalk_count=3, statement_count=4)])
def test_one_delivery_marker_plus_one_word_marker_is_a_cluster(kw: dict) -> None:
    assert confident("Maybe " + GOOD)
    assert not confident("Maybe " + GOOD, delivery(**kw))


def test_delivery_fillers_are_not_double_counted() -> None:
    assert confident("Um, " + GOOD, delivery(filler_count=1))
    assert not confident("Um, " + GOOD, delivery(filler_count=3))


def test_uptalk_needs_repetition() -> None:
    assert confident("Maybe " + GOOD, delivery(uptalk_count=1, statement_count=1))


# --- hesitancy in what a sentence does: the kind is named in the tip and the explanation ---------

KIND_CLOSES = {
    "worry_how_it_went": GOOD + " I hope that came across okay.",
    "backing_down": GOOD + " It's totally your call, of course.",
    "disclaimer": "I'm not expecting anything, but " + GOOD[0].lower() + GOOD[1:],
    "way_out": GOOD + " Skip this one if you'd rather not say.",
}


@pytest.mark.parametrize("kind", tone.HESITANCY_KINDS)
def test_the_tip_names_the_kind_of_hesitancy_heard(kind: str) -> None:
    v = evaluate(Transcript(KIND_CLOSES[kind]))
    check = v.checks["confident_tone"]
    assert not check.passed
    why = lexicon.model_lines()["why"][f"confident_tone_{kind}"]
    assert check.tip is not None and check.tip.startswith(why)
    assert why in v.notes
    assert len({lexicon.model_lines()["why"][f"confident_tone_{k}"]
                for k in tone.HESITANCY_KINDS}) == len(tone.HESITANCY_KINDS)


@pytest.mark.parametrize("kind", tone.HESITANCY_KINDS)
def test_the_explanation_names_the_kind_as_a_veto(kind: str) -> None:
    trace = Trace()
    evaluate(Transcript(KIND_CLOSES[kind]), trace=trace)
    vetoes = [s for s in trace.tone if s.role == VETO and s.fired]
    assert [s.concept for s in vetoes] == [kind]
    words = explain.table()["words"][kind]
    assert f"{words} \"{vetoes[0].heard}\" (veto)" in explain.line(trace.tone)


def test_the_evidence_quotes_the_hesitant_sentence() -> None:
    v = evaluate(Transcript(KIND_CLOSES["backing_down"]))
    assert v.checks["confident_tone"].evidence == "it is totally your call"


def test_the_first_kind_heard_names_the_tip() -> None:
    t = tone.assess("No pressure, but would you pass me on? You don't have to answer that.")
    assert t.hesitancy == ("backing_down", "way_out")
    assert tone.tip_key(t) == "confident_tone_backing_down"
    assert tone.tip_key(tone.assess("I'm terrible at interviews. No pressure.")) == (
        "confident_tone_self")


def test_one_mild_marker_beside_a_kind_does_not_hide_it() -> None:
    t = tone.assess("Um, would you pass me on? I hope that made sense.")
    assert not t.confident and t.hesitancy == ("worry_how_it_went",)
    assert tone.tip_key(t) == "confident_tone_worry_how_it_went"


def test_leave_to_ask_put_as_a_question_is_one_mild_marker() -> None:
    # holdout12: "is it okay if I ask, um, ..." is permission-seeking, one marker like "if I may";
    # alone it passes, beside a filler it clusters.
    alone = tone.assess("Is it alright if I ask when the panel meets?")
    assert alone.confident and alone.markers == ("is it alright if i ask",)
    clustered = tone.assess("Am I allowed to ask, er, when the panel meets?")
    assert not clustered.confident and clustered.markers == ("er", "am i allowed to ask")


def test_insisting_on_the_ask_lifts_a_disclaimer_but_not_worry() -> None:
    # what was disclaimed was more than the ask ("not after a promise"), and the ask stands; worry
    # about how it went is no retreat from the ask, so asking again does not lift it
    trace = Trace()
    evaluate(Transcript("I'm not after a promise today. Even so, I'd like to know what would stop "
                        "you hiring me."), trace=trace)
    assert [s.concept for s in trace.tone if s.role == LIFT and s.fired] == ["keeps_the_ask"]
    assert tone.assess("I'm not after a promise today. Even so, I'd like to know what would stop "
                       "you hiring me.").confident
    worry = tone.assess("I'm worried I made a mess of the demo. Still, I'd like to know where "
                        "I stand.")
    assert not worry.confident and worry.hesitancy == ("worry_how_it_went",)
