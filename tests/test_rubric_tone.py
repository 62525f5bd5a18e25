"""The confident-tone check: a cluster of weak language, self-deprecation or a near-empty close
fails; one mild marker passes; delivery markers (pace, pauses, uptalk) count with the words."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate
from closer.types import Delivery, Transcript


def confident(text: str, d: Delivery | None = None) -> bool:
    return evaluate(Transcript(text), delivery=d).checks["confident_tone"].passed


CONFIDENT = [
    "What are the next steps? Is there any reason you wouldn't move me forward?",
    "Based on our conversation, I think this is a fantastic fit. Do you agree?",
    "Um, what are the next steps in the process, and is there anything holding you back from me?",
    "I would like to know what the next steps are.",
    "What are the next steps? Is there anything that would stop you from moving me forward?",
    "I'd like to know what the next steps are, and whether you'd like to see me in the "
    "next round.",
    "Um, what happens next?",
    "I'd like to hear what comes next in the process.",
]
NOT_CONFIDENT = [
    "Um, so, I guess, what are the next steps?",
    "Sorry, this is probably a dumb question, but what happens next?",
    "I know I'm not the strongest candidate, but is there any reason you wouldn't pass me on?",
    "Maybe, if that's okay, I could ask about the next steps?",
    "uh, like, you know, what happens next",
    "just a quick question, what are the next steps",
    "Thanks.",
    "I'm rubbish at interviews, but what happens next?",
    "Bear with me, what are the next steps?",
    "This may sound silly, but what are the next steps?",
    "I reckon, erm, that covers it. What are the next steps?",
    "I dunno, what happens next, I guess?",
    "I'm not really cut out for interviews. What are the next steps?",
    "I'm aware I'm not the most experienced person here. Any concerns about me?",
    "Sorry, I'm terrible at this, but what's next?",
    "Er, sort of wondering what the timeline is.",
    "Thanks!",
]

# Class: self-deprecation in other words (not expecting to get this far, "which I know wasn't
# great", not experienced at interviews), chat-style apologies, sign-offs only.
SELF = [
    ("Honestly I wasn't expecting to get this far. What are the next steps?", False),
    ("I never expected to make it this far, so what happens next?", False),
    ("I didn't really expect to get so far, any concerns about me?", False),
    ("I hadn't expected to come this far. Where do we go from here?", False),
    ("We weren't expecting to get this far with the pilot. What are the next steps?", False),
    ("My demo, which I know wasn't great, aside, what are the next steps?", False),
    ("I know it was not my best answer. What happens next?", False),
    ("I know that was a bit rough. Any concerns about me?", False),
    ("I know they were weak examples, but is there any reason you wouldn't pass me on?", False),
    ("I know my answers were shaky. What are the next steps?", False),
    ("I am not very experienced in interviews, but when will I hear back?", False),
    ("I'm not that comfortable with interviews. What are the next steps?", False),
    ("I'm not good at interviewing. What comes next?", False),
    ("I'm not really confident at interviews, so what happens next?", False),
    ("Sorry for asking sir, may I know by when the result will be communicated?", True),
    ("sry what are the next steps", True),
    ("sry lol i guess any reason u wouldnt send me to the final", False),
    ("soz, um, what happens next", False),
    ("sry um when do u guys decide lol", False),
    ("that's all from me", False),
    ("That is it from me, thanks.", False),
    ("Okay, that's everything from me.", False),
    ("nothing else from me, cheers", False),
    ("I knew the exam was hard. What are the next steps?", True),
    ("I know the team had a rough quarter. What are the next steps?", True),
    ("I know it was a great launch. Is there any reason you wouldn't pass me on?", True),
    ("I'm very experienced in interviews as a hiring manager. What's next?", True),
    ("I'm not experienced in Rust yet, but I ship Go daily. What are the next steps?", True),
    ("I expected to get this far. What happens next?", True),
    ("We got further than expected on the project. What are the next steps?", True),
    ("I'm comfortable with ambiguity. Any reason you wouldn't move me forward?", True),
    ("That's all from me: what are the next steps, and any concerns about me?", True),
    ("Thanks, that is it from me. What happens next, and would you pass me on?", True),
    ("I know the answer was long. What are the next steps?", True),
    ("I know the last role was different. Any concerns about my background?", True),
    ("My presentation went well, I think. What happens next?", True),
    ("I'm not nervous about the move. What's the timeline?", True),
    ("Sorry, what are the next steps?", True),
    ("I'm sorry, I'm not very experienced at interviews. Any concerns?", False),
    ("Apologies, I know that answer was not great. What comes next?", False),
    ("I never expected to get this far with the band. What happens next?", False),
]


@pytest.mark.parametrize("text", CONFIDENT)
def test_confident(text: str) -> None:
    assert confident(text)


@pytest.mark.parametrize("text", NOT_CONFIDENT)
def test_not_confident(text: str) -> None:
    assert not confident(text)


@pytest.mark.parametrize("text,expected", SELF)
def test_self_deprecation_and_sign_offs(text: str, expected: bool) -> None:
    assert confident(text) is expected


def test_class_has_enough_fresh_cases() -> None:
    assert len(SELF) >= 40


def test_tone_evidence_lists_markers() -> None:
    v = evaluate(Transcript("Um, sorry, what are the next steps?"))
    assert not v.checks["confident_tone"].passed
    assert v.checks["confident_tone"].evidence == "um, sorry"


GOOD = "What are the next steps? Is there any reason you wouldn't feel comfortable passing me on?"


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
