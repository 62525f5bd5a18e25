"""The drill over the REAL listen loop and Silero VAD: sample arrays in at a fake mic, lines out.

The candidate's turns are espeak-ng clips played by a scripted microphone (one clip per time the
mic opens, then silence); a fake transcriber returns the text of the clip being played, so no
Whisper model is needed. This checks the half-duplex order, a real 8 s no-speech re-prompt and
the time-limit cut end to end through `closer.turn.listen.listen`.
"""

from __future__ import annotations

import numpy as np
import pytest

from closer.drill.flow import DrillDeps, run_drill
from closer.drill.script import DrillSetup, pick_script
from closer.interfaces import CHUNK_SAMPLES
from closer.settings import SAMPLE_RATE_HZ
from closer.types import Transcript
from conftest import espeak_wav
from drill_fakes import LoggingSink, LoggingSpeaker, fake_result_json

NS = "What does the next step in the process look like?"


class ScriptedMic:
    """Each `chunks()` call plays the next clip (None: silence only), then silence."""

    def __init__(self, clips: list, log: list, trailing_s: float = 12.0) -> None:
        self.clips = list(clips)
        self.log = log
        self.trailing_s = trailing_s
        self.current: str = ""

    def chunks(self):
        self.log.append(("mic_open",))
        samples, self.current = self.clips.pop(0) if self.clips else (None, "")
        audio = np.zeros(0, np.float32) if samples is None else samples
        pad = np.zeros(int(self.trailing_s * SAMPLE_RATE_HZ), np.float32)
        whole = np.concatenate([audio, pad])
        for i in range(0, len(whole) - CHUNK_SAMPLES + 1, CHUNK_SAMPLES):
            yield whole[i:i + CHUNK_SAMPLES]

    def close(self) -> None:
        pass


class ClipTranscriber:
    def __init__(self, mic: ScriptedMic) -> None:
        self.mic = mic

    def transcribe(self, audio: np.ndarray) -> Transcript:
        loud = len(audio) and float(np.sqrt(np.mean(np.square(audio)))) > 1e-3
        return Transcript(self.mic.current if loud else "", (), len(audio) / SAMPLE_RATE_HZ)


@pytest.fixture(scope="module")
def ns_clip(tmp_path_factory):
    from closer.audio.decode import load_audio

    return load_audio(espeak_wav(NS, tmp_path_factory.mktemp("drill") / "ns.wav"))


def deps_for(clips, log, **settings):
    from closer.audio.vad import SileroVad
    from closer.rubric import evaluate, evaluate_objection_reply
    from closer.turn.listen import ListenSettings, listen

    vad = SileroVad()
    mic = ScriptedMic(clips, log)
    return DrillDeps(
        speaker=LoggingSpeaker(log), mic=mic, transcriber=ClipTranscriber(mic),
        sink=LoggingSink(log),
        listen=lambda m, t, s, o: listen(m, t, s, o, vad),
        listen_settings=ListenSettings(**settings), evaluate=evaluate,
        evaluate_objection_reply=evaluate_objection_reply, result_json=fake_result_json,
        sleep=lambda s: log.append(("tail", s)))


def test_real_listen_once_with_a_silent_first_try(ns_clip):
    log: list = []
    deps = deps_for([(None, ""), (ns_clip, NS)], log)
    setup = DrillSetup(round="first", seed=1)
    r = run_drill(setup, pick_script(setup), deps, once=True)
    assert r.ended == "complete"
    assert r.answers[0].reaction_s is not None and r.answers[0].reaction_s < 1.0
    assert r.transcript.text == NS and r.verdict.checks["next_step"].passed
    spoken = deps.speaker.lines
    assert spoken[1] == "Take your time. What questions do you have for me?"  # after 8 s silence
    kinds = [e[0] for e in log]
    for i, k in enumerate(kinds):
        if k == "mic_open":
            assert kinds[i - 1] == "listening" and kinds[i - 2] == "tail"
            assert kinds[i - 3] == "say_end"
    assert 0.5 < len(r.audio()) / SAMPLE_RATE_HZ < 6.0


def test_real_listen_cuts_a_long_answer_at_the_limit(ns_clip):
    log: list = []
    long_clip = np.concatenate([ns_clip] * 3)
    deps = deps_for([(long_clip, NS)], log, max_answer_s=2.0)
    setup = DrillSetup(round="first", seed=1)
    r = run_drill(setup, pick_script(setup), deps, once=True)
    assert r.cut_at_limit
    assert "Time's up: the answer was cut at 2 seconds." in r.notes
