"""End to end through virtual audio devices (issue section 8): a private PulseAudio daemon with a
null sink `room` and a virtual source `mic` recording it (tests/pulse.py).

1. the sounddevice mic adapter records a clip played into the room with paplay;
2. `closer drill --once --json` speaks its line into the room, opens the mic only afterwards
   (so it cannot hear itself), hears a synthesized answer played into the room, and scores it.
Everything audio runs in child processes whose environment points at the private daemon.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import espeak_wav
from pulse import PulseRoom, PulseUnavailable, RoomRecorder

pytestmark = pytest.mark.audio_devices

ROOT = Path(__file__).resolve().parents[1]
CLOSER = ROOT / ".venv" / "bin" / "closer"
ANSWER = ("Thank you for your time today. What does the next step in the hiring process "
          "look like? And based on what we've talked about today, is there any reason why "
          "you wouldn't feel comfortable passing me on to the next round?")

RECORD = """
import sys, numpy as np
from closer.audio.mic import make_microphone
mic = make_microphone(None)
out, limit = [], int(float(sys.argv[2]) * 16000 / 512)
for chunk in mic.chunks():
    if not out:
        print("ready", mic.rate_hz, flush=True)
    out.append(chunk)
    if len(out) >= limit:
        break
mic.close()
np.save(sys.argv[1], np.concatenate(out))
"""


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    try:
        r = PulseRoom.start(tmp_path_factory.mktemp("pulse"))
    except PulseUnavailable as exc:  # `make test` installs pulseaudio: a skip would hide a gap
        pytest.fail(f"the virtual PulseAudio room could not start: {exc}")
    yield r
    r.stop()


def _wait_line(proc: subprocess.Popen[str], timeout_s: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    return lines.get(timeout=timeout_s)


def test_mic_adapter_records_what_is_played_into_the_room(room, tmp_path):
    clip = espeak_wav("What does the next step in the process look like?", tmp_path / "c.wav")
    out = tmp_path / "rec.npy"
    proc = subprocess.Popen([sys.executable, "-c", RECORD, str(out), "5"], env=room.env(),
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert _wait_line(proc, 30).startswith("ready")
        time.sleep(0.6)
        room.play(clip)
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
    rec = np.load(out)
    assert len(rec) == pytest.approx(5 * 16000, abs=1024)
    rms = np.sqrt(np.convolve(rec ** 2, np.ones(1600) / 1600, mode="valid"))
    assert rms[:3200].max() < 1e-3, "silence before the clip is played"
    assert rms.max() > 0.02, "the clip is heard"
    heard = np.flatnonzero(rms > 0.01)
    assert (heard[-1] - heard[0]) / 16000 == pytest.approx(2.8, abs=1.0)


def _events_until_result(proc: subprocess.Popen[str], on_listening, timeout_s: float):
    events, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = _wait_line(proc, max(0.1, deadline - time.monotonic()))
        if not line:
            break
        event = json.loads(line)
        event["_t"] = time.monotonic()
        events.append(event)
        if event["event"] == "listening":
            on_listening()
        if event["event"] == "result":
            break
    return events


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _passed(result: dict, check: str) -> bool:
    checks = result.get("checks") or result.get("verdict", {}).get("checks", {})
    return bool(checks[check]["passed"])


@pytest.mark.model
def test_drill_once_hears_a_spoken_close_and_not_itself(room, tmp_path):
    answer = espeak_wav(ANSWER, tmp_path / "answer.wav", words_per_minute=160)
    events = _drill_once_with(room, tmp_path, answer)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "say" and "listening" in kinds and kinds[-1] == "result", kinds
    assert kinds.index("listening") > max(i for i, k in enumerate(kinds) if k == "say"
                                          and i < kinds.index("listening"))
    heard = next(e for e in events if e["event"] == "heard")["transcript"].lower()
    assert "next step" in heard and "next round" in heard
    # the interviewer's line went into the same room; none of it may come back as the answer
    before = kinds.index("listening")
    said = " ".join(e["text"] for e in events[:before] if e["event"] == "say")
    leaked = _trigrams(said) & _trigrams(heard) - _trigrams(ANSWER)
    assert not leaked, f"the assistant heard itself: {leaked}"
    result = events[-1]
    assert _passed(result, "next_step") and _passed(result, "trial_close")


def _drill_once_with(room, tmp_path, wav: Path, seed: int = 3) -> list[dict]:
    env = room.env()
    env["CLOSER_DATA_DIR"] = str(tmp_path / "data")
    proc = subprocess.Popen([str(CLOSER), "drill", "--once", "--json", "--seed", str(seed)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=tmp_path)
    played: list[subprocess.Popen[bytes]] = []
    try:
        events = _events_until_result(
            proc, lambda: (time.sleep(0.3), played.append(room.play(wav, wait=False))), 120)
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    finally:
        proc.kill()
        for p in played:
            p.kill()
    return events


@pytest.mark.model
def test_drill_waits_out_thinking_pauses_in_a_natural_voice(room, tmp_path):
    """Piper: "Thanks so much for walking me through the role. [1.2 s] What does the next step
    [2.0 s] look like from here?" must be heard whole, through the real devices and timing."""
    import speech_fixtures

    clip = next(c for c in speech_fixtures.paused_clips("piper") if c.id == "p06-piper")
    events = _drill_once_with(room, tmp_path, clip.path)
    heard = next(e for e in events if e["event"] == "heard")["transcript"].lower()
    assert "from here" in heard, f"cut off: {heard!r}"
    assert _passed(events[-1], "next_step")


@pytest.mark.model
def test_drill_hears_a_quiet_echoing_mic(room, tmp_path):
    """A close with both questions at -45 dBFS in a room with 0.5 s of reverberation and pink
    noise 15 dB below the speech: a laptop mic at arm's length."""
    import degrade
    import speech_fixtures
    from closer.audio.decode import load_audio, write_wav

    clip = next(c for c in speech_fixtures.degraded_clips("clean")
                if c.record["next_step"] and c.record["trial_close"])
    room_audio = degrade.echo(load_audio(clip.path), seed=11)
    audio = degrade.quiet(degrade.noise(room_audio, "pink", 15.0, seed=12), rms_dbfs=-45.0)
    wav = tmp_path / "quiet_echo.wav"
    write_wav(wav, audio, 16000)
    events = _drill_once_with(room, tmp_path, wav)
    heard = next(e for e in events if e["event"] == "heard")["transcript"]
    assert heard.strip(), "nothing was heard"
    assert _passed(events[-1], "next_step") and _passed(events[-1], "trial_close"), heard


SPEAK = """
import sys, time
from closer.settings import TtsSettings
from closer.speech.tts import make_speaker
speaker = make_speaker(TtsSettings(), None)
print("voice", speaker.speech.label, type(speaker).__name__, flush=True)
time.sleep(0.5)
for line in sys.argv[1:]:
    start = time.time()
    speaker.say(line)
    print("said", start, time.time(), flush=True)
    time.sleep(1.0)
speaker.close()
"""


@pytest.mark.model
def test_piper_lines_play_whole_through_the_room_and_are_heard_back(room, tmp_path,
                                                                    transcriber):
    """joe says the first round's wrap-up lines through the room: a listener hears each one
    from its first sound to its last (nothing clipped), `say` returns only once it has been
    heard (half-duplex), and the room's recording transcribes back to the same words."""
    import audio_fixtures
    from closer import prompts
    from test_piper import edit_distance, loud_frames, speech, words

    lines = prompts.load("interviewer")["first"]["wrap_up"]
    for line in lines:
        speech().render(line)  # the lines test_piper renders, from the same cache
    env = room.env()
    env["CLOSER_VOICE_CACHE"] = str(audio_fixtures.cache_root() / "voices")
    recorder = RoomRecorder(room, clock=time.time, keep_audio=True)
    time.sleep(2.5)  # the null sink wakes to the recorder's latency at its next 2 s block
    try:
        done = subprocess.run([sys.executable, "-c", SPEAK, *lines], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        time.sleep(0.5)
    finally:
        recorder.stop()
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "voice piper:en_US-joe-medium DeviceSpeaker", out
    said = [tuple(map(float, row.split()[1:])) for row in out[1:]]
    loud = np.array(recorder.loud)
    for line, (start, end) in zip(lines, said, strict=True):
        samples, rate = speech().render(line)
        on = np.flatnonzero(loud_frames(samples, rate, below_peak_db=30.0))
        rendered_s = (on[-1] - on[0] + 1) / 100
        heard = loud[(loud > start) & (loud < end + 0.9)]
        assert heard.size, f"nothing heard of {line!r}"
        # tolerances of a few 10 ms blocks: the recorder's timestamps jitter on two busy cores
        assert heard[-1] - heard[0] + 0.01 >= rendered_s - 0.12, (line, heard[-1] - heard[0])
        late = loud[(loud > end + 0.08) & (loud < end + 0.9)]
        assert not late.size, f"{line!r} still sounded {late[-1] - end:.2f} s after say returned"
    heard_text = transcriber.transcribe(recorder.audio()).text
    errors = edit_distance(words(" ".join(lines)), words(heard_text))
    assert errors / len(words(" ".join(lines))) <= 0.10, heard_text


@pytest.mark.model
def test_drill_with_piper_hears_none_of_the_interviewers_words(room, tmp_path):
    """Half-duplex with the longer, louder voice: of the words Piper said before the mic
    opened, none that the answer does not also say comes back in the transcript."""
    answer = espeak_wav(ANSWER, tmp_path / "answer.wav", words_per_minute=160)
    events = _drill_once_with(room, tmp_path, answer, seed=5)
    kinds = [e["event"] for e in events]
    before = kinds.index("listening")
    said = " ".join(e["text"] for e in events[:before] if e["event"] == "say")
    heard = next(e for e in events if e["event"] == "heard")["transcript"]
    def words_of(text: str) -> set[str]:
        return set(re.findall(r"[a-z']+", text.lower()))

    leaked = (words_of(said) - words_of(ANSWER)) & words_of(heard)
    assert not leaked, f"the assistant heard itself: {leaked} in {heard!r}"
    assert "next step" in heard.lower() and "next round" in heard.lower()
