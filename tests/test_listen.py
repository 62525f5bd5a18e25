"""listen(): scripted VAD probabilities, a fake transcriber and array mics (no model, no device)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES
from closer.turn.decide import TurnSettings
from closer.turn.listen import CHUNK_S, ListenSettings, level_dbfs, listen
from closer.types import Transcript, Word
from fakes import ArrayMicrophone, ScriptedVad

SPEECH, SILENCE = 0.9, 0.02
TURN = TurnSettings()


def n(seconds: float) -> int:
    return round(seconds / CHUNK_S)


def script(*parts: tuple[float, float]) -> list[float]:
    return [p for p, secs in parts for _ in range(n(secs))]


def numbered_audio(chunks: int) -> np.ndarray:
    """Chunk i holds the value i / 10000, so kept audio shows which chunks it came from."""
    return np.repeat(np.arange(chunks, dtype=np.float32) / 10000, CHUNK_SAMPLES)


class FakeTranscriber:
    def __init__(self, text: str, delay_s: float = 0.0) -> None:
        self.text, self.delay_s, self.calls = text, delay_s, []

    def transcribe(self, audio: np.ndarray) -> Transcript:
        self.calls.append(len(audio))
        threading.Event().wait(self.delay_s)
        return Transcript(self.text, (Word("hi", 0.1, 0.4), Word("late", 99.0, 99.5)),
                          len(audio) / 16000)


class CountingMic(ArrayMicrophone):
    consumed = 0

    def chunks(self):
        for chunk in super().chunks():
            self.consumed += 1
            yield chunk


def test_no_speech_within_timeout():
    tr = FakeTranscriber("")
    mic = CountingMic(np.zeros(0, np.float32), trailing_s=20)
    ans = listen(mic, tr, vad=ScriptedVad([], after=SILENCE))
    assert ans.no_speech and ans.reaction_s is None and len(ans.audio) == 0
    assert mic.consumed == n(8.0) and tr.calls == []


def test_answer_keeps_pre_roll_and_tail_and_reuses_the_pause_transcript():
    probs = script((SILENCE, 1.0), (SPEECH, 3.0), (SILENCE, 5.0))
    tr = FakeTranscriber("Is there any reason you wouldn't pass me on to the next round?")
    mic = CountingMic(numbered_audio(len(probs)))
    ans = listen(mic, tr, vad=ScriptedVad(probs, after=SILENCE))
    assert ans.reaction_s == pytest.approx(n(1.0) * CHUNK_S)
    assert not ans.no_speech and not ans.cut_at_limit and ans.device_error is None
    assert ans.ended_by == "silence"
    first, last = ans.audio[0] * 10000, ans.audio[-1] * 10000
    assert first == pytest.approx(n(1.0) - round(0.3 / CHUNK_S), abs=1)
    assert last == pytest.approx(n(1.0) + n(3.0) + round(0.25 / CHUNK_S), abs=1)
    assert len(tr.calls) == 1, "the pause transcript is the final one"
    assert ans.transcript.duration_s == pytest.approx(len(ans.audio) / 16000)
    assert [w.text for w in ans.transcript.words] == ["hi"]
    # a finished trial close, but this "voice" stops at full strength without a fade: the
    # held-ending wait, not the fast one
    assert (mic.consumed - n(4.0)) * CHUNK_S == pytest.approx(TURN.held_ask_end_s, abs=0.1)


def fading_voice(speech_s: float, lead_s: float = 0.0) -> np.ndarray:
    """A 150 Hz 'voice' that fades out over its last 0.3 s, after `lead_s` of silence."""
    t = np.arange(round(speech_s * 16000)) / 16000
    env = np.clip((speech_s - t) / 0.3, 0.0, 1.0)
    voice = (0.3 * env * np.sin(2 * np.pi * 150 * t)).astype(np.float32)
    return np.concatenate([np.zeros(round(lead_s * 16000), np.float32), voice])


def test_finished_ask_that_fades_out_ends_fast():
    probs = script((SILENCE, 1.0), (SPEECH, 3.0), (SILENCE, 5.0))
    tr = FakeTranscriber("Is there any reason you wouldn't pass me on to the next round?")
    mic = CountingMic(fading_voice(3.0, lead_s=1.0))
    listen(mic, tr, vad=ScriptedVad(probs, after=SILENCE))
    assert (mic.consumed - n(4.0)) * CHUNK_S == pytest.approx(TURN.ask_end_s, abs=0.1)


@pytest.mark.parametrize(("text", "wait_s"), [
    ("Based on everything we've discussed,", TURN.ceiling_s),
    ("My last team shipped the same kind of platform.", TURN.ceiling_s),
    ("", TURN.ceiling_s),
    ("What are the next steps? I'd love to keep talking.", TURN.after_ask_end_s),
])
def test_unfinished_or_nothing_asked_waits_longer(text, wait_s):
    probs = script((SILENCE, 0.5), (SPEECH, 2.0), (SILENCE, 5.0))
    mic = CountingMic(np.zeros(0, np.float32))
    listen(mic, FakeTranscriber(text), vad=ScriptedVad(probs, after=SILENCE))
    assert (mic.consumed - n(0.5) - n(2.0)) * CHUNK_S == pytest.approx(wait_s, abs=0.1)


class ChunkNamingTranscriber:
    """Names the chunks each call heard ("c12-40"), so a transcript shows what it covered."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s, self.calls = delay_s, []

    def transcribe(self, audio: np.ndarray) -> Transcript:
        threading.Event().wait(self.delay_s)
        ids = np.round(audio[::CHUNK_SAMPLES] * 10000).astype(int)
        self.calls.append((int(ids[0]), int(ids[-1])))
        return Transcript(f"c{ids[0]}-{ids[-1]}", (Word("w", 0.0, 0.1),), len(audio) / 16000)


@pytest.mark.parametrize("delay_s", [0.0, 0.05])
@pytest.mark.parametrize("pause_s", [0.7, 1.2, 2.0])
def test_thinking_pause_is_a_cut_and_segments_cover_the_answer_once(pause_s, delay_s):
    probs = script((SPEECH, 2.0), (SILENCE, pause_s), (SPEECH, 2.0), (SILENCE, 4.0))
    tr = ChunkNamingTranscriber(delay_s)
    ans = listen(ArrayMicrophone(numbered_audio(len(probs))), tr,
                 vad=ScriptedVad(probs, after=SILENCE))
    assert len(ans.audio) / 16000 == pytest.approx(2.0 + pause_s + 2.0 + 0.25, abs=0.1)
    spans = [tuple(int(x) for x in part[1:].split("-")) for part in ans.transcript.text.split()]
    assert len(spans) == 2, ans.transcript.text
    assert spans[0][0] == 0 and spans[1][0] > spans[0][1], "no overlap"
    # the second segment starts 0.3 s before the speech resumed, or at the cut: all that falls
    # between the two segments is silence
    resume = n(2.0) + n(pause_s)
    assert spans[1][0] == pytest.approx(max(spans[0][1] + 1, resume - 0.3 / CHUNK_S), abs=1)
    assert spans[0][1] >= n(2.0) + round(0.25 / CHUNK_S) - 1
    assert spans[1][1] == pytest.approx(ans.audio[-1] * 10000, abs=1)
    # the second segment's words are placed after the first one's
    assert ans.transcript.words[1].start == pytest.approx((spans[1][0]) * CHUNK_S, abs=0.05)


def test_short_pause_is_not_a_cut():
    probs = script((SPEECH, 1.0), (SILENCE, 0.4), (SPEECH, 1.0), (SILENCE, 4.0))
    tr = ChunkNamingTranscriber()
    ans = listen(ArrayMicrophone(numbered_audio(len(probs))), tr,
                 vad=ScriptedVad(probs, after=SILENCE))
    assert len(ans.transcript.text.split()) == 1
    assert ans.transcript.text.startswith("c0-")


def test_enter_ends_the_answer_at_once():
    probs = script((SPEECH, 2.0), (SILENCE, 0.5), (SPEECH, 5.0))
    mic = CountingMic(np.zeros(0, np.float32))
    pressed = iter([False] * n(2.3) + [True])
    ans = listen(mic, FakeTranscriber("I think that is all."),
                 vad=ScriptedVad(probs, after=SPEECH), stop=lambda: next(pressed, True))
    assert ans.ended_by == "enter" and not ans.cut_at_limit
    assert mic.consumed == n(2.3) + 1
    assert ans.transcript.text == "I think that is all."


def test_slow_partial_that_misses_later_speech_is_not_reused():
    probs = script((SPEECH, 1.0), (SILENCE, 0.5), (SPEECH, 1.0), (SILENCE, 3.0))
    tr = FakeTranscriber("Yes.", delay_s=0.0)
    ans = listen(ArrayMicrophone(np.zeros(0, np.float32)), tr,
                 vad=ScriptedVad(probs, after=SILENCE))
    assert tr.calls[-1] >= len(ans.audio) - 2 * CHUNK_SAMPLES
    assert ans.transcript.text == "Yes."


def test_answer_limit_cuts_and_transcribes_what_is_there():
    probs = script((SPEECH, 4.0))
    tr = FakeTranscriber("and so on and")
    ans = listen(ArrayMicrophone(np.zeros(0, np.float32)), tr, ListenSettings(max_answer_s=3.0),
                 vad=ScriptedVad(probs, after=SPEECH))
    assert ans.cut_at_limit and len(ans.audio) / 16000 == pytest.approx(3.0, abs=0.1)
    assert tr.calls == [len(ans.audio)]


class FailingMic(ArrayMicrophone):
    def __init__(self, fail_after: int) -> None:
        super().__init__(numbered_audio(200))
        self.fail_after, self.closed = fail_after, False

    def chunks(self):
        for i, chunk in enumerate(super().chunks()):
            if i == self.fail_after:
                raise DeviceError("The microphone stopped sending sound; check it.")
            yield chunk

    def close(self) -> None:
        self.closed = True


def test_device_failure_mid_answer_keeps_the_audio():
    probs = script((SILENCE, 0.5), (SPEECH, 5.0))
    mic = FailingMic(fail_after=n(2.5))
    tr = FakeTranscriber("So far")
    ans = listen(mic, tr, vad=ScriptedVad(probs, after=SPEECH))
    assert ans.device_error == "The microphone stopped sending sound; check it."
    assert not ans.no_speech and mic.closed
    assert len(ans.audio) / 16000 == pytest.approx(2.0 + 0.3, abs=0.1)
    assert ans.transcript.text == "So far"


def test_device_failure_before_speech_is_not_no_speech():
    ans = listen(FailingMic(fail_after=5), FakeTranscriber(""), vad=ScriptedVad([], after=0.0))
    assert ans.device_error and not ans.no_speech and ans.reaction_s is None


def test_status_goes_listening_hearing_thinking_with_a_countdown():
    probs = script((SILENCE, 1.0), (SPEECH, 2.0), (SILENCE, 3.0))
    seen = []
    audio = np.concatenate([np.zeros(16000, np.float32), np.full(32000, 0.1, np.float32)])
    listen(ArrayMicrophone(audio), FakeTranscriber("Done."), ListenSettings(max_answer_s=30.0),
           on_status=seen.append, vad=ScriptedVad(probs, after=SILENCE))
    states = [s.state for s in seen]
    assert states[0] == "listening" and states[-1] == "thinking" and "hearing" in states
    hearing = [s for s in seen if s.state == "hearing"]
    assert hearing[0].remaining_s == pytest.approx(30.0, abs=0.3)
    assert hearing[-1].remaining_s < hearing[0].remaining_s
    assert max(s.level_dbfs for s in hearing) == pytest.approx(-20.0, abs=0.1)
    assert 8 <= sum(1 for s in seen if s.elapsed_s <= 1.0) <= 11


def test_level_dbfs():
    assert level_dbfs(np.zeros(512, np.float32)) == -100.0
    assert level_dbfs(np.ones(512, np.float32)) == pytest.approx(0.0)
    assert level_dbfs(np.full(512, 0.01, np.float32)) == pytest.approx(-40.0)


@pytest.mark.model
def test_real_vad_and_model_hear_a_spoken_question(speech_clip, transcriber):
    from closer.audio.decode import load_audio

    speech = load_audio(speech_clip)
    audio = np.concatenate([np.zeros(16000, np.float32), speech])
    ans = listen(ArrayMicrophone(audio), transcriber)
    assert ans.reaction_s == pytest.approx(1.0, abs=0.4)
    assert "next step" in ans.transcript.text.lower()
    assert ans.transcript.words and ans.transcript.words[-1].end <= len(ans.audio) / 16000 + 0.05


@pytest.mark.parametrize(("before", "after", "joined"), [
    ("Is there any reason why?", "You wouldn't feel comfortable passing me on?",
     "Is there any reason why you wouldn't feel comfortable passing me on?"),
    ("So given all of that.", "Is there anything holding you back?",
     "So given all of that, is there anything holding you back?"),
    ("I enjoyed this, and...", "I'd love to hear what's next.",
     "I enjoyed this, and I'd love to hear what's next."),
    ("Thank you for your time today.", "What are the next steps?",
     "Thank you for your time today. What are the next steps?"),
    ("My last team shipped the platform.", "Is there any reason?",
     "My last team shipped the platform. Is there any reason?"),
    ("", "Hello.", "Hello."),
    ("Would you feel confident putting me forward?", "to the hiring manager.",
     "Would you feel confident putting me forward to the hiring manager?"),
    ("What are the next steps.", "and the timeline for a decision?",
     "What are the next steps and the timeline for a decision?"),
])
def test_segments_cut_mid_clause_are_joined_as_one_sentence(before, after, joined):
    from closer.turn.live_transcript import join_text

    assert join_text(before, after) == joined


def test_a_short_segment_is_not_cut_off_on_its_own():
    # "So, um, [1.2 s] what are the next steps?": a lone filler segment makes Whisper loop
    probs = script((SPEECH, 1.0), (SILENCE, 1.2), (SPEECH, 2.0), (SILENCE, 4.0))
    ans = listen(ArrayMicrophone(numbered_audio(len(probs))), ChunkNamingTranscriber(),
                 vad=ScriptedVad(probs, after=SILENCE))
    assert len(ans.transcript.text.split()) == 1 and ans.transcript.text.startswith("c0-")
