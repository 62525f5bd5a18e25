"""Endpointing over scripted speech probabilities and running transcripts (no audio, no model)."""

from __future__ import annotations

import pytest

from closer.turn.decide import TurnSettings
from closer.turn.endpoint import Endpointer, EndpointSettings, run_endpointing

TURN = TurnSettings()

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


def test_end_without_any_transcript_waits_the_unknown_wait():
    ep = Endpointer(CHUNK_S)
    for p in script((SPEECH, 2.0)):
        ep.update(p)
    decided_at = None
    for p in script((SILENCE, 3.0)):
        if any(e.kind == "speech_end" for e in ep.update(p)):
            decided_at = ep.t_s
            break
    assert decided_at is not None
    assert decided_at - ep.last_voice_end_s == pytest.approx(TURN.unknown_end_s, abs=CHUNK_S)


@pytest.mark.parametrize("pause_s", [1.0, 1.4, 2.0])
def test_thinking_pause_does_not_end_the_answer(pause_s):
    probs = script((SPEECH, 2.0), (SILENCE, pause_s), (SPEECH, 2.0), (SILENCE, 3.0))
    events = run_endpointing(probs, CHUNK_S)
    assert kinds(events) == ["speech_start", "pause", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx((2 * chunks(2.0) + chunks(pause_s)) * CHUNK_S)


def test_a_pause_past_the_ceiling_ends_the_answer_whatever_was_said():
    probs = script((SPEECH, 2.0), (SILENCE, 3.2), (SPEECH, 2.0))
    events = run_endpointing(probs, CHUNK_S, texts=[(chunks(2.3), "So given all of that,")])
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


def test_finished_trial_close_ends_fast():
    delay = _end_delay("Is there any reason you wouldn't feel comfortable passing me on "
                       "to the next round?")
    assert delay == pytest.approx(TURN.ask_end_s, abs=CHUNK_S)


def test_next_step_question_ends_fast_once_the_trial_close_was_made():
    delay = _end_delay("Thanks. What does the next step in the process look like?")
    assert delay == pytest.approx(TURN.next_step_end_s, abs=CHUNK_S)
    delay = _end_delay("Is there any reason you wouldn't pass me on? What are the next steps?")
    assert delay == pytest.approx(TURN.ask_end_s, abs=CHUNK_S)


def test_statement_after_an_ask_waits_past_a_thinking_pause():
    delay = _end_delay("What are the next steps? I'd love to keep the conversation going.")
    assert delay == pytest.approx(TURN.after_ask_end_s, abs=CHUNK_S)
    assert delay > 2.0


@pytest.mark.parametrize("text", [
    "Based on everything we've discussed,",
    "Based on everything we've discussed.",
    "Thank you for your time.",
    "Thanks so much!",
    "My last team shipped the same kind of platform.",
    "What does the next step look like, and",
    "I was wondering about the um",
    "Is there any reason why",
    "What does the next step",
])
def test_unfinished_or_nothing_asked_waits_for_the_ceiling(text):
    assert _end_delay(text, silence_s=2.0) is None
    assert _end_delay(text) == pytest.approx(TURN.ceiling_s, abs=CHUNK_S)


def test_stale_text_is_ignored():
    # The transcript was taken during an earlier pause; more speech followed, so the
    # question mark no longer describes the end and the unknown wait applies.
    probs = script((SPEECH, 2.0), (SILENCE, 0.4), (SPEECH, 2.0), (SILENCE, 3.0))
    text_at = chunks(2.35)
    events = run_endpointing(probs, CHUNK_S, texts=[(text_at, "What are the next steps?")])
    assert kinds(events) == ["speech_start", "pause", "pause", "speech_end"]
    assert events[-1].at_s == pytest.approx((2 * chunks(2.0) + chunks(0.4)) * CHUNK_S)


def test_finish_now_ends_at_the_last_voice():
    ep = Endpointer(CHUNK_S)
    for p in script((SPEECH, 1.0), (SILENCE, 0.2)):
        ep.update(p)
    event = ep.finish_now()
    assert event.kind == "manual" and ep.done
    assert event.at_s == pytest.approx(chunks(1.0) * CHUNK_S)
    assert ep.update(SPEECH) == []
