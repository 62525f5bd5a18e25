"""Live-drill turn-taking and latency through virtual audio devices (tests/pulse.py).

Each run starts `closer drill --once --json --voice V` (V: each interviewer voice, Piper's joe and
espeak-ng, side by side); when it emits "listening", one of the paused natural-voice answers of
tests/speech_fixtures.py (Piper by default: thinking pauses of 1.2 s and 2.0 s after statements,
pleasantries, dangling clauses, fillers, conjunctions and inside questions) is played into the
room. Everything is timed on the room sink's monitor, recorded with parec in 10 ms blocks (what a
listener in the room hears, and when):

- speech start = the first loud monitor block after playback began; the answer's speech end is
  known from the fixture's offsets (its last part ends that long after its first part starts);
- cut off: the "heard" event arrived before that speech end (the drill stopped listening while
  the candidate still had words to say);
- latency = arrival of the "result" event - speech end, by how the answer ends: a trial close
  (goal: median <= 0.8 s), a next-step question (waits 1.5 s by design), another question, a
  statement (reported);
- agreement: the result's next_step and trial_close checks against the fixture's labels;
- first sound = `closer drill` start -> the first 10 ms monitor block louder than -40 dBFS before
  "listening" (goal with Piper: median <= 1.0 s), with the voice cache warm (the lines were said
  before, as on any drill after the first) and, in `--cold` extra runs, empty (the first drill
  after installing: Piper loads and makes the line);
- peak RSS of each drill process (goal with Piper: <= 450 MB), from wait4.

The one parec recorder runs for the whole bench and starts 2.5 s before the first drill: the
room's null sink renders in 2 s blocks until a low-latency client joins and only picks that up at
its next block, so a fresh recorder would add up to 2 s of start-up silence that a sound card
does not have.

    .venv/bin/python scripts/bench_live.py [--runs N] [--cold N] [--interviewer piper,espeak]
                                           [--answers piper|espeak] [--logs DIR]

Each child's stderr (run with --debug) is kept with arrival times (ms from start) in DIR/*.log.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import speech_fixtures  # noqa: E402
from closer.turn.reading import read  # noqa: E402
from pulse import PulseRoom, RoomRecorder  # noqa: E402

LOUD_DBFS = -40.0  # a 10 ms monitor block this loud is sound (espeak's quiet tails are below)
GOAL_VERDICT_S = 0.8
GOAL_FIRST_SOUND_S = 1.0  # median, Piper, voice cache warm
GOAL_RSS_MB = 450.0  # every Piper drill
ROOM_WAKE_S = 2.5  # the null sink's 2 s render block, and a margin


def clip_s(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        return w.getnframes() / w.getframerate()


def one_run(room: PulseRoom, monitor: RoomRecorder, clip: Any, seed: int, logs: Path, voice: str,
            voice_cache: Path) -> dict[str, object]:
    wav = clip.path
    env = room.env()
    env["CLOSER_DATA_DIR"] = str(logs / "data")
    env["CLOSER_VOICE_CACHE"] = str(voice_cache)
    cmd = [str(ROOT / ".venv/bin/closer"), "--debug", "drill", "--once", "--json",
           "--seed", str(seed), "--voice", voice]
    lines: queue.Queue[tuple[float, str] | None] = queue.Queue()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=logs)

    def read_out() -> None:
        for x in proc.stdout:
            lines.put((time.monotonic(), x))
        lines.put(None)

    def read_err() -> None:
        with (logs / f"{voice}-{voice_cache.name}-run{seed}.log").open("w") as log:
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
                out["error"] = "exited before the result"
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
                out["checks"] = {k: v["passed"] for k, v in event.get("checks", {}).items()}
                break
        out["rss_mb"] = _wait_rss_mb(proc, 60.0)
    finally:
        proc.kill()
        if player is not None:
            player.kill()
        err_thread.join(2)
    first = monitor.first_after(t0)
    out["first_sound_s"] = first - t0 if first is not None and first < t.get("listening", 1e18) \
        else None
    out["say_s"] = t["say"] - t0 if "say" in t else None
    start = monitor.first_after(t["play"]) if "play" in t else None
    parts = clip.record["offsets"]["parts"]
    if start is not None and "heard" in t:
        end = start + (parts[-1][1] - parts[0][0]) / 16000
        out["cut_off"] = t["heard"] < end
        out["heard_latency_s"] = t["heard"] - end
        out["latency_s"] = t["result"] - end if "result" in t else None
    return out


def _wait_rss_mb(proc: subprocess.Popen[str], timeout_s: float) -> float | None:
    """Reap the drill and return its peak RSS (MB), from the kernel's own accounting (wait4)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss / 1024.0
        time.sleep(0.05)
    return None


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


def _p90(xs: list[float]) -> float:
    return float(np.percentile(xs, 90)) if xs else float("nan")


def report(rows: list[dict[str, Any]], voices: list[str]) -> bool:
    """Print the summary lines; True when every goal is met."""
    def col(key: str, ends: str | None = None, voice: str | None = None,
            cache: str | None = "warm") -> list[float]:
        return [r[key] for r in rows if isinstance(r.get(key), float) and not r.get("cut_off")
                and (ends is None or r["ends_with"] == ends)
                and (voice is None or r["voice"] == voice)
                and (cache is None or r["cache"] == cache)]

    turn_rows = [r for r in rows if r["cache"] == "warm"]
    cut = [f"{r['voice']}:{r['id']}" for r in turn_rows if r.get("cut_off")]
    print(f"\ncut off: {len(cut)} of {len(turn_rows)} paused answers {cut if cut else ''}")
    agree = total = 0
    for r in turn_rows:
        for check in ("next_step", "trial_close"):
            if check in r.get("checks", {}):
                total += 1
                agree += r["checks"][check] == r["labels"][check]
    print(f"agreement with the labels: {agree}/{total} checks")
    ok = not cut
    for ends in ("trial_close", "next_step", "other", "statement"):
        xs = col("latency_s", ends)
        if xs:
            print(f"speech end -> result, ending in a {ends}: median {statistics.median(xs):.2f}"
                  f" s, p90 {_p90(xs):.2f} s (n={len(xs)})")
    # the goal is for the last question, the trial close; a next-step question before any trial
    # close waits 1.5 s by design (closer.turn.decide)
    ok &= _stats("speech end -> result, trial close endings", col("latency_s", "trial_close"),
                 GOAL_VERDICT_S)
    print("\nstart -> interviewer's first sound, and the drill's peak RSS, side by side:")
    print(f"{'interviewer':<12} {'cache warm: median  min   max   n':<36} "
          f"{'cache cold: median  n':<24} peak RSS: median  max")
    for voice in voices:
        warm, cold = col("first_sound_s", voice=voice), col("first_sound_s", voice=voice,
                                                           cache="cold")
        rss = col("rss_mb", voice=voice, cache=None)

        def fig(xs: list[float], fmt: str = "{:5.2f}") -> str:
            return fmt.format(statistics.median(xs)) if xs else "  n/a"

        print(f"{voice:<12} {'':<12}{fig(warm)} {fig(warm and [min(warm)])} "
              f"{fig(warm and [max(warm)])} {len(warm):3d}   {'':<12}{fig(cold)} {len(cold):3d}"
              f"   {'':<10}{fig(rss, '{:4.0f}')} {fig(rss and [max(rss)], '{:4.0f}')} MB")
    if "piper" in voices:
        ok &= _stats("first sound, Piper, cache warm", col("first_sound_s", voice="piper"),
                     GOAL_FIRST_SOUND_S)
        rss = col("rss_mb", voice="piper", cache=None)
        rss_ok = bool(rss) and max(rss) <= GOAL_RSS_MB
        print(f"peak RSS, Piper drills: max {max(rss) if rss else float('nan'):.0f} MB "
              f"(goal every run <= {GOAL_RSS_MB:.0f} MB)  {'PASS' if rss_ok else 'FAIL'}")
        ok &= rss_ok
    return ok


def warm_cache(folder: Path, voice: str) -> str | None:
    """Say the first round's opening lines once into `folder`, as earlier drills would have;
    for Piper, return its load time and synthesis real-time factor (seconds to make a second)."""
    from closer import prompts
    from closer.settings import TtsSettings
    from closer.speech.cache import VoiceCache
    from closer.speech.tts import Speech

    speech = Speech(TtsSettings(voice=voice), cache=VoiceCache(folder))
    if not speech.engine.cacheable:
        return None
    t0 = time.monotonic()
    speech.ready()
    loaded_s = time.monotonic() - t0
    made_s = audio_s = 0.0
    for text in prompts.load("interviewer")["first"]["wrap_up"]:
        t1 = time.monotonic()
        samples, rate = speech.render(text)
        made_s += time.monotonic() - t1
        audio_s += samples.size / rate
    return (f"{voice}: loads in {loaded_s:.2f} s, makes speech at a real-time factor of "
            f"{made_s / audio_s:.2f} ({audio_s:.1f} s of speech, in this process)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10,
                    help="how many answers per interviewer voice (0: all 48 of the answer voice)")
    ap.add_argument("--cold", type=int, default=2,
                    help="extra runs per interviewer voice with an empty voice cache")
    ap.add_argument("--interviewer", default="piper,espeak",
                    help="interviewer voices side by side, comma-separated (`--voice` values)")
    ap.add_argument("--answers", default="piper", choices=["piper", "espeak"],
                    help="the voice of the played answers (tests/speech_fixtures.py)")
    ap.add_argument("--logs", type=Path, default=None, help="keep each child's stderr here")
    args = ap.parse_args()
    voices = [v.strip() for v in args.interviewer.split(",") if v.strip()]
    clips = speech_fixtures.paused_clips(args.answers)
    clips = clips[:args.runs] if args.runs else clips
    with tempfile.TemporaryDirectory(prefix="closer-bench-") as tmp:
        tmpdir = Path(tmp)
        logs = args.logs or tmpdir
        logs.mkdir(parents=True, exist_ok=True)
        engine_figures = [warm_cache(tmpdir / f"warm-{voice}", voice) for voice in voices]
        for figure in filter(None, engine_figures):
            print(figure, flush=True)
        room = PulseRoom.start(tmpdir / "pulse")
        monitor = RoomRecorder(room, loud_dbfs=LOUD_DBFS)
        time.sleep(ROOM_WAKE_S)
        rows = []
        try:
            plan = [(v, "warm", i, c) for i, c in enumerate(clips) for v in voices]
            plan += [(v, "cold", len(clips) + k, clips[k % len(clips)])
                     for k in range(args.cold) for v in voices]
            for voice, cache, i, clip in plan:
                folder = tmpdir / (f"warm-{voice}" if cache == "warm" else f"cold-{voice}-{i}")
                ask = read(clip.record["text"]).ask if clip.record["ends_with"] == "question" \
                    else None
                row = {"id": clip.id, "voice": voice, "cache": cache,
                       "ends_with": ask or clip.record["ends_with"],
                       "labels": clip.record["labels"],
                       **one_run(room, monitor, clip, i, logs, voice, folder)}
                rows.append(row)
                print(f"{voice:6s} {cache:4s} {clip.id:11s} {row['ends_with']:9s} cut "
                      f"{row.get('cut_off')!s:5} end->result {_f(row.get('latency_s'))} s  "
                      f"first sound {_f(row.get('first_sound_s'))} s  rss "
                      f"{_f(row.get('rss_mb'))} MB  heard: {str(row.get('heard', ''))[:48]!r} "
                      f"{row.get('error', '')}", flush=True)
        finally:
            monitor.stop()
            room.stop()
    return 0 if report(rows, voices) else 1


if __name__ == "__main__":
    sys.exit(main())
