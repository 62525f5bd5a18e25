"""Live-drill latency through virtual audio devices (a private PulseAudio room, tests/pulse.py).

Everything is timed on the room sink's monitor, recorded with parec in 10 ms blocks for the whole
run (what a listener in the room hears, and when):

(a) end of the candidate's speech -> verdict. `closer drill --once --json` starts; when it emits
    "listening", a synthesized answer (espeak-ng, 5-20 s) is played into the room. Speech end =
    arrival of the last loud monitor block before the "heard" event; latency = arrival of the
    "result" event - speech end. Goal: median <= 1.0 s.
(b) `closer drill` start -> the interviewer's first sound on the monitor. Goal: <= 2 s.

    .venv/bin/python scripts/bench_live.py [--runs 5] [--logs DIR]

Each child's stderr (run with --debug) is kept with arrival times (ms from start) in DIR/runN.log.
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
    "What would the next steps be after today? And honestly, is there anything that would "
    "stop you from recommending me for the final round?",
]
LOUD_DBFS = -40.0  # a 10 ms monitor block this loud is sound (espeak's quiet tails are below)
GOAL_VERDICT_S = 1.0
GOAL_FIRST_SOUND_S = 2.0


def clip_s(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        return w.getnframes() / w.getframerate()


class Monitor:
    """parec on room.monitor: arrival time of every loud 10 ms block."""

    def __init__(self, room: PulseRoom) -> None:
        self.loud: list[float] = []
        self._proc = subprocess.Popen(
            ["parec", "-d", "room.monitor", "--raw", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=10"], env=room.env(), stdout=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        floor = 10 ** (LOUD_DBFS / 20)
        while True:
            data = self._proc.stdout.read(320)
            if len(data) < 320:
                return
            x = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768
            if np.sqrt(np.mean(x ** 2)) > floor:
                self.loud.append(time.monotonic())

    def first_after(self, t: float) -> float | None:
        return next((x for x in self.loud if x > t), None)

    def last_between(self, a: float, b: float) -> float | None:
        inside = [x for x in self.loud if a < x < b]
        return inside[-1] if inside else None

    def stop(self) -> None:
        self._proc.kill()
        self._proc.wait()


def one_run(room: PulseRoom, wav: Path, seed: int, logs: Path) -> dict[str, object]:
    env = room.env()
    env["CLOSER_DATA_DIR"] = str(logs / "data")
    cmd = [str(ROOT / ".venv/bin/closer"), "--debug", "drill", "--once", "--json",
           "--seed", str(seed)]
    monitor = Monitor(room)
    time.sleep(0.2)  # parec is recording before the drill starts
    lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=logs)

    def read_out() -> None:
        for x in proc.stdout:
            lines.put((time.monotonic(), x))
        lines.put(None)

    def read_err() -> None:
        with (logs / f"run{seed}.log").open("w") as log:
            for x in proc.stderr:
                log.write(f"{(time.monotonic() - t0) * 1000:7.0f} {x}")

    threading.Thread(target=read_out, daemon=True).start()
    err_thread = threading.Thread(target=read_err, daemon=True)
    err_thread.start()
    t: dict[str, float] = {}
    out: dict[str, object] = {"clip_s": clip_s(wav)}
    player = None
    try:
        while True:
            got = lines.get(timeout=120)
            if got is None:
                out["error"] = f"exit {proc.wait()}"
                break
            now, line = got
            event = json.loads(line)
            kind = event["event"]
            t.setdefault(kind, now)
            if kind == "listening" and player is None:
                time.sleep(0.3)
                t["play"] = time.monotonic()
                player = room.play(wav, wait=False)
            if kind == "heard":
                out["heard"] = event.get("transcript", "")
            if kind == "result":
                out["passed"] = event.get("drill_passed")
                break
        proc.wait(timeout=60)
    finally:
        proc.kill()
        if player is not None:
            player.kill()
        time.sleep(0.1)
        monitor.stop()
        err_thread.join(2)
    first = monitor.first_after(t0)
    out["first_sound_s"] = first - t0 if first is not None and first < t.get("listening", 1e18) \
        else None
    out["say_s"] = t["say"] - t0 if "say" in t else None
    end = monitor.last_between(t["play"], t["heard"]) if "play" in t and "heard" in t else None
    if end is not None:
        out["answer_s"] = end - (monitor.first_after(t["play"]) or end)
        out["heard_latency_s"] = t["heard"] - end
        out["latency_s"] = t["result"] - end if "result" in t else None
        out["paplay_estimate_s"] = (t["result"] - (t["play"] + out["clip_s"])
                                    if "result" in t else None)
    return out


def _f(x: object) -> str:
    return f"{x:5.2f}" if isinstance(x, float) else "  n/a"


def _stats(name: str, xs: list[float], goal: float, median_goal: bool = True) -> bool:
    if not xs:
        print(f"{name}: no figures  FAIL")
        return False
    med = statistics.median(xs)
    ok = (med if median_goal else max(xs)) <= goal
    print(f"{name}: median {med:.2f} s  min {min(xs):.2f} s  max {max(xs):.2f} s  "
          f"(n={len(xs)}, goal {'median' if median_goal else 'every run'} <= {goal:g} s)  "
          f"{'PASS' if ok else 'FAIL'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--logs", type=Path, default=None, help="keep each child's stderr here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="closer-bench-") as tmp:
        tmpdir = Path(tmp)
        logs = args.logs or tmpdir
        logs.mkdir(parents=True, exist_ok=True)
        room = PulseRoom.start(tmpdir / "pulse")
        rows = []
        try:
            for i in range(args.runs):
                wav = tmpdir / f"answer{i}.wav"
                subprocess.run(["espeak-ng", "-s", "160", "-w", str(wav),
                                ANSWERS[i % len(ANSWERS)]], check=True)
                row = one_run(room, wav, i, logs)
                rows.append(row)
                print(f"run {i}: answer {_f(row.get('answer_s'))} s  end->heard "
                      f"{_f(row.get('heard_latency_s'))} s  end->result {_f(row.get('latency_s'))}"
                      f" s  (paplay est. {_f(row.get('paplay_estimate_s'))} s)  say event "
                      f"{_f(row.get('say_s'))} s  first sound {_f(row.get('first_sound_s'))} s  "
                      f"heard: {str(row.get('heard', ''))[:50]!r} {row.get('error', '')}",
                      flush=True)
        finally:
            room.stop()

    def col(key: str) -> list[float]:
        return [r[key] for r in rows if isinstance(r.get(key), float)]

    print()
    _stats("(a)  speech end -> \"heard\" event ", col("heard_latency_s"), GOAL_VERDICT_S)
    ok_a = _stats("(a)  speech end -> \"result\" event", col("latency_s"), GOAL_VERDICT_S)
    ok_b = _stats("(b)  start -> interviewer's sound ", col("first_sound_s"), GOAL_FIRST_SOUND_S,
                  median_goal=False)
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())
