"""The end-of-turn decision: what the words say, how they ended, how long the silence is."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from closer.turn.decide import Evidence, TurnSettings, decide, wait_for
from closer.turn.prosody import Ending, ending
from closer.turn.reading import lacks_verb, open_reason, read

S = TurnSettings()
FADING = Ending(pitch_change_st=-3.0, energy_drop_db=12.0)
HELD = Ending(pitch_change_st=0.2, energy_drop_db=0.5)

# (running transcript, how its end reads, what the last clause asks)
READINGS = [
    ("Is there any reason you wouldn't feel comfortable passing me on to the next round?",
     "finished_ask", "trial_close"),
    ("Based on today, is there any reason you wouldn't pass me on?", "finished_ask", "trial_close"),
    ("Should anything make you hesitate about me, I'd welcome the chance to address it now.",
     "finished_ask", "trial_close"),
    ("What does the next step in the interview process look like?", "finished_ask", "next_step"),
    ("What would the next step be?", "finished_ask", "next_step"),
    ("Thanks. What are the next steps?", "finished_ask", "next_step"),
    ("What's the team like?", "finished_ask", "other"),
    ("And what are the next steps?", "finished_ask", "next_step"),
    ("And what would the timeline look like after that?", "finished_ask", "next_step"),
    ("Based on today, any concerns about my fit?", "finished_ask", "trial_close"),
    ("My last team shipped the same kind of platform.", "statement", None),
    ("I'm excited about this role.", "statement", None),
    # a thinking pause after a pleasantry, a dangling clause, a filler, a conjunction
    ("Thank you for your time today.", "open", None),
    ("Thanks so much!", "open", None),
    ("So given all of that,", "open", None),
    ("So given all of that.", "open", None),  # Whisper's full stop where the voice said ","
    ("Based on everything we've discussed.", "open", None),
    ("Um,", "open", None),
    ("I think, um", "open", None),
    ("I really enjoyed the conversation and", "open", None),
    ("What does the next step look like, and", "open", None),
    # in the middle of a question
    ("Is there any reason why", "open", None),
    ("Is there any reason why?", "open", None),
    ("What does the next step?", "open", None),
    ("When would the panel?", "open", None),
    ("Is there any reason you wouldn't feel comfortable passing me on to", "open", None),
    ("I was hoping to ask about", "open", None),
    ("My last question is.", "open", None),
    ("", "empty", None),
]


@pytest.mark.parametrize(("text", "end", "ask"), READINGS)
def test_reading(text, end, ask):
    r = read(text)
    assert (r.end, r.ask) == (end, ask), r.why


def test_reading_remembers_what_was_asked_before_the_last_clause():
    r = read("What are the next steps? Given all of that,")
    assert r.asked and not r.trial_close and r.end == "open"
    r = read("Is there any reason you wouldn't pass me on? I'd love to keep talking.")
    assert r.asked and r.trial_close and r.end == "statement"


@pytest.mark.parametrize(("words", "lacks"), [
    ("what does the next step", True),
    ("when do you", True),
    ("how would the team", True),
    ("do you", True),
    ("what does the next step look like", False),
    ("do you have any concerns", False),
    ("how long does the process take", False),
    ("would you feel comfortable passing me on", False),
    ("i would love to hear more", False),  # "would" after a subject: not a question opener
    ("is there any reason", False),  # no auxiliary: judged by other rules
])
def test_lacks_verb(words, lacks):
    assert lacks_verb(words.split()) is lacks


def test_open_reason_names_the_rule():
    assert open_reason("Thank you.") == "only a pleasantry so far"
    assert open_reason("and") == "dangling last word 'and'"
    assert open_reason("What does the next step look like?") is None


# (reading text, ending, the wait it calls for)
WAITS = [
    ("Is there any reason you wouldn't pass me on to the next round?", FADING, S.ask_end_s),
    ("Is there any reason you wouldn't pass me on to the next round?", None, S.ask_end_s),
    ("Is there any reason you wouldn't pass me on to the next round?", HELD, S.held_ask_end_s),
    ("What does the next step look like?", FADING, S.next_step_end_s),
    ("Is there any reason you wouldn't pass me on? And what are the next steps?", FADING,
     S.ask_end_s),
    ("Is there any reason you wouldn't pass me on to the next round?", FADING, S.ask_end_s),
    ("What's the team like?", FADING, S.after_ask_end_s),
    ("Thanks. Would you be comfortable moving me forward, and", HELD, S.ceiling_s),
    ("Are you comfortable recommending me for the offer?", FADING, S.ask_end_s),
    # the ask is whole, but its last word usually takes a destination: a thinking pause may follow
    ("Would you feel confident putting me forward?", FADING, S.after_ask_end_s),
    ("Based on today, is there any reason you wouldn't pass me on?", HELD, S.after_ask_end_s),
    ("Would you feel confident putting me forward to the hiring manager?", FADING, S.ask_end_s),
    ("What are the next steps? I'd love to keep talking.", FADING, S.after_ask_end_s),
    ("My last team shipped the same kind of platform.", FADING, S.ceiling_s),
    ("So given all of that,", FADING, S.ceiling_s),
    ("Thank you for your time today.", FADING, S.ceiling_s),
    ("Is there any reason why", HELD, S.ceiling_s),
    ("", None, S.ceiling_s),
]


@pytest.mark.parametrize(("text", "end", "wait"), WAITS)
def test_wait_for(text, end, wait):
    assert wait_for(Evidence(0.0, read(text), end), S)[0] == wait


@pytest.mark.parametrize(("gap_s", "wait"), [(None, S.ask_end_s), (-0.2, S.ask_end_s),
                                             (0.2, S.ask_end_s), (0.3, S.unknown_end_s)])
def test_speech_after_the_last_transcribed_word_makes_a_finished_ask_unknown(gap_s, wait):
    # "...recommending me for the offer, and" written as "...for the offer?"
    r = read("Are you comfortable recommending me for the offer?")
    assert wait_for(Evidence(0.0, r, FADING, gap_s), S)[0] == wait


def test_no_transcript_yet_waits_the_unknown_wait():
    assert wait_for(Evidence(1.0, None, FADING), S)[0] == S.unknown_end_s


@pytest.mark.parametrize(("text", "end", "wait"), WAITS)
@pytest.mark.parametrize("silence_s", [0.0, 0.3, 0.45, 0.6, 1.0, 1.2, 1.5, 2.0, 2.3, 2.5, 3.0, 4.0])
def test_decide_ends_exactly_when_the_silence_reaches_the_wait(text, end, wait, silence_s):
    d = decide(Evidence(silence_s, read(text), end), S)
    assert d.end is (silence_s >= wait) and d.wait_s == wait and d.why


@pytest.mark.parametrize("text", [t for t, e, _ in READINGS if e in ("open", "statement")])
@pytest.mark.parametrize("end", [FADING, HELD, None])
def test_a_two_second_thinking_pause_never_ends_an_unfinished_answer(text, end):
    assert not decide(Evidence(2.0, read(text), end), S).end


@pytest.mark.parametrize("text", [t for t, _, _ in READINGS])
def test_the_ceiling_ends_every_turn(text):
    assert decide(Evidence(S.ceiling_s, read(text), HELD), S).end


def test_settings_refuse_a_wait_past_the_ceiling():
    with pytest.raises(ValueError):
        dataclasses.replace(S, after_ask_end_s=S.ceiling_s + 1)


def _tone(f0_start: float, f0_end: float, fade: bool, seconds: float = 0.7) -> np.ndarray:
    t = np.arange(round(seconds * 16000)) / 16000
    f0 = np.linspace(f0_start, f0_end, t.size)
    phase = 2 * np.pi * np.cumsum(f0) / 16000
    env = np.clip((seconds - t) / 0.3, 0, 1) if fade else np.ones_like(t)
    return (0.3 * env * np.sin(phase)).astype(np.float32)


def test_ending_of_a_falling_fading_voice():
    e = ending(_tone(180, 120, fade=True), 0.7)
    assert e.pitch_change_st is not None and e.pitch_change_st < -2
    assert e.energy_drop_db > 6 and not e.held(S.held_pitch_st, S.held_drop_db)


def test_ending_of_a_level_voice_that_stops_at_full_strength_is_held():
    e = ending(_tone(150, 150, fade=False), 0.7)
    assert e.pitch_change_st == pytest.approx(0.0, abs=0.5)
    assert e.energy_drop_db < 1 and e.held(S.held_pitch_st, S.held_drop_db)


def test_ending_of_silence_or_too_little_audio():
    assert ending(np.zeros(16000, np.float32), 1.0).pitch_change_st is None
    assert ending(np.zeros(100, np.float32), 0.005) == Ending(None, 0.0)


@pytest.mark.parametrize(("text", "awaits"), [
    ("Would you feel confident putting me forward?", "forward"),
    ("Any reason you wouldn't put me through?", "through"),
    ("Would you feel confident putting me forward to the hiring manager?", None),
    ("What does the next step look like?", None),
    ("My plan is to move forward.", None),  # a statement: the usual waits decide
])
def test_a_finished_ask_on_a_destination_word_awaits_it(text, awaits):
    assert read(text).awaits == awaits
