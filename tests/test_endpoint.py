"""Endpointing over scripted speech probabilities and running transcripts (no audio, no model)."""

from __future__ import annotations

import pytest

from closer.endpoint import Endpointer, EndpointSettings, classify_turn, run_endpointing

CHUNK_S = 0.032
SPEECH, SILENCE, MIDDLE = 0.9, 0.05, 0.42


def chunks(seconds: float) -> int:
    return round(seconds / CHUNK_S)


def script(*parts: tuple[float, float]) -> list[float]:
    """(probability, seconds) pairs -> one probability per 32 ms chunk."""
    return [p for p, secs in parts for _ in range(chunks(secs))]


def kinds(events):
    return [e.kind for e in events]


def test_speech_then_long_silence_ends_with_times():
    probs = script((SILENCE, 1.0), (SPEECH, 3.0), (SILENCE, 3.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["speech_start", "pause", "speech_end"]
    assert events[0].at_s == pytest.approx(chunks(1.0) * CHUNK_S)
    assert events[2].at_s == pytest.approx(chunks(4.0) * CHUNK_S)


def test_end_is_decided_after_neutral_wait():
    ep = Endpointer(CHUNK_S)
    for p in script((SPEECH, 2.0)):
        ep.update(p)
    decided_at = None
    for p in script((SILENCE, 3.0)):
        if any(e.kind == "speech_end" for e in ep.update(p)):
            decided_at = ep.t_s
            break
    assert decided_at is not None
    assert decided_at - ep.last_voice_end_s == pytest.approx(1.7, abs=CHUNK_S)


@pytest.mark.parametrize("pause_s", [1.0, 1.4])
def test_thinking_pause_does_not_end_the_answer(pause_s):
    probs = script((SPEECH, 2.0), (SILENCE, pause_s), (SPEECH, 2.0), (SILENCE, 3.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["speech_start", "pause", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx((2 * chunks(2.0) + chunks(pause_s)) * CHUNK_S)


def test_two_second_pause_ends_the_answer():
    probs = script((SPEECH, 2.0), (SILENCE, 2.0), (SPEECH, 2.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["speech_start", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx(chunks(2.0) * CHUNK_S)


@pytest.mark.parametrize("blip_s", [0.032, 0.096, 0.16])
def test_short_noise_blips_do_not_start_speech(blip_s):
    probs = script(*[(SPEECH, blip_s), (SILENCE, 0.5)] * 10, (SILENCE, 5.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["no_speech"]
    assert events[0].at_s == pytest.approx(8.0, abs=CHUNK_S)


def test_eight_seconds_of_silence_is_no_speech():
    events = run_endpointing(script((SILENCE, 10.0)), CHUNK_S)
    assert kinds(events) == ["no_speech"]
    assert events[0].at_s == pytest.approx(8.0, abs=CHUNK_S)


def test_speech_just_before_timeout_still_counts():
    probs = script((SILENCE, 7.9), (SPEECH, 1.0), (SILENCE, 3.0))
    assert kinds(run_endpointing(probs, CHUNK_S))[0] == "speech_start"


def test_steady_middling_noise_times_out():
    events = run_endpointing(script((SILENCE, 1.0), (SPEECH, 0.1), (MIDDLE, 10.0)), CHUNK_S)
    assert kinds(events) == ["no_speech"]


def test_hysteresis_middle_values_keep_speech_going():
    probs = script((SPEECH, 1.0), (MIDDLE, 2.5), (SPEECH, 1.0), (SILENCE, 3.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["speech_start", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx((2 * chunks(1.0) + chunks(2.5)) * CHUNK_S)


def test_middle_values_after_silence_do_not_resume_speech():
    probs = script((SPEECH, 1.0), (SILENCE, 0.5), (MIDDLE, 3.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events)[-1] == "speech_end"
    assert events[-1].at_s == pytest.approx(chunks(1.0) * CHUNK_S)


def test_answer_limit_cuts_long_speech():
    settings = EndpointSettings(max_answer_s=10.0)
    events = run_endpointing(script((SILENCE, 1.0), (SPEECH, 20.0)), CHUNK_S, settings)
    assert kinds(events) == ["speech_start", "limit"]
    assert events[-1].at_s == pytest.approx(11.0, abs=CHUNK_S)


def test_nothing_after_done():
    ep = Endpointer(CHUNK_S)
    for p in script((SILENCE, 9.0)):
        ep.update(p)
    assert ep.done and ep.update(SPEECH) == []


def _end_delay(text: str, silence_s: float = 4.0) -> float | None:
    """Silence (s) after speech that ended the turn, with `text` covering all the speech."""
    probs = script((SPEECH, 3.0), (SILENCE, silence_s))
    text_at = chunks(3.0) + chunks(0.3)
    events = run_endpointing(probs, CHUNK_S, texts=[(text_at, text)])
    if kinds(events)[-1] != "speech_end":
        return None
    ep = Endpointer(CHUNK_S)
    for i, p in enumerate(probs):
        if i == text_at:
            ep.set_text(text, i * CHUNK_S)
        if any(e.kind == "speech_end" for e in ep.update(p)):
            return ep.t_s - ep.last_voice_end_s
    return None


def test_finished_question_ends_fast():
    delay = _end_delay("Is there any reason you wouldn't feel comfortable passing me on "
                       "to the next round?")
    assert delay == pytest.approx(0.6, abs=CHUNK_S)


def test_finished_statement_ends_fast():
    delay = _end_delay("I'd love to move forward and I'm confident I can deliver in this role.")
    assert delay == pytest.approx(0.7, abs=CHUNK_S)


@pytest.mark.parametrize("text", [
    "Based on everything we've discussed,",
    "Based on everything we've discussed.",
    "Thank you for your time.",
    "Thanks so much!",
    "What does the next step look like, and",
    "I was wondering about the um",
])
def test_dangling_text_waits_longer(text):
    assert _end_delay(text, silence_s=2.0) is None
    assert _end_delay(text) == pytest.approx(2.6, abs=CHUNK_S)


def test_stale_text_is_ignored():
    # The transcript was taken during an earlier pause; more speech followed, so the
    # question mark no longer describes the end and the neutral wait applies.
    probs = script((SPEECH, 2.0), (SILENCE, 0.5), (SPEECH, 2.0), (SILENCE, 3.0))
    text_at = chunks(2.4)
    events = run_endpointing(probs, CHUNK_S, texts=[(text_at, "Can I ask a question?")])
    assert kinds(events) == ["speech_start", "pause", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx((2 * chunks(2.0) + chunks(0.5)) * CHUNK_S)


@pytest.mark.parametrize(("text", "expected"), [
    ("What does the next step in the interview process look like?", "question"),
    ("I'm excited about this role.", "statement"),
    ("", "unknown"),
    ("so I think that", "dangling"),
    ("Based on what we've talked about today", "dangling"),
    ("Thank you for your time. Based on what we've talked about today, is there any reason "
     "you wouldn't pass me on?", "question"),
    ("Thank you for your time. I'd love to hear about next steps.", "statement"),
    ("that is all from me", "unknown"),
    ("Thank you.", "dangling"),
])
def test_classify_turn(text, expected):
    assert classify_turn(text) == expected
