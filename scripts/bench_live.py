"""Live-drill latency through virtual audio devices (a private PulseAudio room, tests/pulse.py).

(a) end of the candidate's speech -> verdict: `closer drill --once --json` is started, and when it
    emits "listening" a synthesized answer (espeak-ng, 5-20 s) is played into the room; latency =
    arrival of the "result" event - (paplay start + where speech ends in the WAV). paplay's own
    start-up delay only makes the figure pessimistic. Goal: median <= 1.0 s.
(b) `closer drill` start -> the interviewer's first sound, detected on the room's monitor with
    parec (and the "say" event time beside it). Goal: <= 2 s.

    .venv/bin/python scripts/bench_live.py [--runs 5] [--via drill|listen]

`--via listen` times closer.listen + the rubric alone (no TTS, no history) in a child process,
for when the drill command is not usable.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pulse import PulseRoom  # noqa: E402

ANSWERS = [
    "What does the next step in the interview process look like? Based on what we've talked "
    "about today, is there any reason you wouldn't pass me on to the next round?",
    "Thank you for your time today. I've really enjoyed learning about the team. What are the "
    "next steps from here? And is there anything about my background that gives you pause?",
    "I'm excited about this role. Could you walk me through the next step in the process? "
    "Based on everything we've discussed, do you have any concerns about my fit for the "
    "position that I could address right now?",
    "Thanks so much. I think my experience leading the migration project lines up well with "
    "what you described. What does the timeline look like for the next round? Is there any "
    "reason you wouldn't feel comfortable moving me forward?",
    "Well, um, I guess I just wanted to say thanks. I hope I did okay, sorry if some of my "
    "answers were a bit long. I'll wait to hear from you.",
]

CHILD = """
import json, logging, sys, time
logging.basicConfig(level=logging.DEBUG if "-v" in sys.argv else logging.WARNING,
                    format="%(relativeCreated)d %(name)s: %(message)s")
from closer.listen import listen
from closer.mic import make_microphone
from closer.rubric import evaluate
from closer.settings import TranscriberSettings
from closer.transcriber import load_transcriber
mic = make_microphone(None)
tr = load_transcriber(TranscriberSettings())
evaluate(tr.transcribe(__import__("numpy").zeros(16000, "float32")))
print(json.dumps({"event": "listening"}), flush=True)
ans = listen(mic, tr)
verdict = evaluate(ans.transcript)
print(json.dumps({"event": "heard", "transcript": ans.transcript.text}), flush=True)
print(json.dumps({"event": "result", "transcript": ans.transcript.text,
                  "passed": verdict.passed}), flush=True)
"""


def speech_end_s(wav: Path, floor_dbfs: float = -45.0) -> float:
    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    win = int(rate * 0.01)
    rms = np.sqrt(np.mean(pcm[: len(pcm) // win * win].reshape(-1, win) ** 2, axis=1))
    loud = np.flatnonzero(20 * np.log10(rms + 1e-12) > floor_dbfs)
    return float((loud[-1] + 1) * win / rate) if len(loud) else 0.0


def first_sound_after(room: PulseRoom, t0: float, found: list[float], stop: threading.Event):
    """Record the room's monitor; append the wall time of the first loud 10 ms after t0."""
    proc = subprocess.Popen(["parec", "-d", "room.monitor", "--raw", "--format=s16le",
                             "--rate=16000", "--channels=1", "--latency-msec=10"],
                            env=room.env(), stdout=subprocess.PIPE)
    try:
        while not stop.is_set() and not found:
            data = proc.stdout.read(320)
            if not data:
                break
            x = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768
            if np.sqrt(np.mean(x ** 2)) > 0.01 and time.monotonic() > t0:
                found.append(time.monotonic())
    finally:
        proc.kill()


def one_run(room: PulseRoom, wav: Path, end_s: float, via: str, seed: int,
            data_dir: Path) -> dict[str, float | str | None]:
    env = room.env()
    env["CLOSER_DATA_DIR"] = str(data_dir)
    cmd = ([str(ROOT / ".venv/bin/closer"), "--debug", "drill", "--once", "--json",
            "--seed", str(seed)] if via == "drill" else [sys.executable, "-c", CHILD, "-v"])
    sound: list[float] = []
    stop = threading.Event()
    t0 = time.monotonic()
    if via == "drill":
        threading.Thread(target=first_sound_after, args=(room, t0, sound, stop),
                         daemon=True).start()
    log = (data_dir / f"run{seed}.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=log, text=True,
                            cwd=data_dir)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for x in proc.stdout:
            lines.put(x)
        lines.put(None)  # the child ended

    threading.Thread(target=read, daemon=True).start()
    out: dict[str, float | str | None] = {"say_s": None, "first_sound_s": None}
    t_play = None
    player = None
    try:
        while True:
            line = lines.get(timeout=120)
            if line is None:
                out["error"] = f"exit {proc.wait()}"
                break
            event = json.loads(line)
            now = time.monotonic()
            if event["event"] == "say" and out["say_s"] is None:
                out["say_s"] = now - t0
            if event["event"] == "listening":
                stop.set()
                time.sleep(0.3)
                t_play = time.monotonic()
                player = room.play(wav, wait=False)
            if event["event"] == "heard" and "heard" not in out:
                out["heard"] = event.get("transcript", "")
                out["heard_latency_s"] = now - (t_play + end_s) if t_play else None
            if event["event"] == "say" and "heard" in out and "reply_latency_s" not in out:
                out["reply_latency_s"] = now - (t_play + end_s) if t_play else None
            if event["event"] == "result":
                out["latency_s"] = now - (t_play + end_s) if t_play else None
                break
        proc.wait(timeout=30)
    finally:
        stop.set()
        proc.kill()
        log.close()
        if player is not None:
            player.kill()
    if sound:
        out["first_sound_s"] = sound[0] - t0
    out["answer_s"] = end_s
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=len(ANSWERS))
    ap.add_argument("--via", choices=("drill", "listen"), default="drill")
    ap.add_argument("--logs", type=Path, default=None, help="keep each child's stderr here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="closer-bench-") as tmp:
        tmpdir = Path(tmp)
        room = PulseRoom.start(tmpdir / "pulse")
        try:
            rows = []
            for i in range(args.runs):
                wav = tmpdir / f"answer{i}.wav"
                subprocess.run(["espeak-ng", "-s", "160", "-w", str(wav),
                                ANSWERS[i % len(ANSWERS)]], check=True)
                row = one_run(room, wav, speech_end_s(wav), args.via, i, args.logs or tmpdir)
                rows.append(row)
                print(f"run {i}: answer {row['answer_s']:.1f} s  end->heard "
                      f"{row.get('heard_latency_s') or float('nan'):.2f} s  ->reply "
                      f"{row.get('reply_latency_s') or float('nan'):.2f} s  ->result "
                      f"{row.get('latency_s') or float('nan'):.2f} s  say event "
                      f"{row['say_s'] or float('nan'):.2f} s  first sound "
                      f"{row['first_sound_s'] or float('nan'):.2f} s  "
                      f"heard: {str(row.get('heard', ''))[:60]!r} {row.get('error', '')}",
                      flush=True)
        finally:
            room.stop()
    heard = [r["heard_latency_s"] for r in rows if isinstance(r.get("heard_latency_s"), float)]
    if heard:
        print(f"\n(a) end of speech -> transcript/verdict in hand (\"heard\" event): median "
              f"{statistics.median(heard):.2f} s, max {max(heard):.2f} s (goal <= 1.0 s)")
    lat = [r["latency_s"] for r in rows if isinstance(r.get("latency_s"), float)]
    first = [r["first_sound_s"] for r in rows if isinstance(r["first_sound_s"], float)]
    print(f"(a') end of speech -> \"result\" event: median {statistics.median(lat):.2f} s, "
          f"max {max(lat):.2f} s over {len(lat)} answers (goal <= 1.0 s)" if lat else "(a) n/a")
    if first:
        print(f"(b) start -> interviewer's first sound: median {statistics.median(first):.2f} s "
              f"(goal <= 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
