"""Benchmark `closer score` on long recordings (whole mock interviews) against plain faster-whisper.

Inputs: deterministic 10-minute and 60-minute recordings from tests/long_fixtures.py (espeak-ng
answers, thinking pauses inside answers, 6-20 s silences between them, a noise floor; the truth
of how much was spoken is written next to each WAV). For each file, side by side in one run:
`closer score --json FILE` and a child that does exactly
`WhisperModel(bundled, device="cpu", compute_type="int8").transcribe(FILE)` with the default
arguments, consuming the segments, each in its own subprocess, model load included. Prints wall
time, the ratio, peak RSS of each child (`os.wait4`'s rusage: that child alone), and closer's
speech_s against the truth, with PASS/FAIL against the goals (issue 7, "Long recordings").

Usage: .venv/bin/python scripts/bench_long.py [--minutes 10 60] [--no-plain]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import long_fixtures  # noqa: E402  (a helper module in tests/, not a test)
from bench import _PLAIN_CHILD, _closer_bin, timed_child  # noqa: E402

GOAL_RSS_MB = 500.0  # peak RSS of closer score on the 60-minute file
GOAL_RATIO = 1.0  # closer score no slower than plain faster-whisper
GOAL_SPEECH_ERROR = 0.05  # speech_s within 5% of the truth


def _goal(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'} (goal {text})"


def bench_file(minutes: int, plain: bool) -> list[tuple[str, str, str]]:
    made = long_fixtures.build(long_fixtures.LongSpec(duration_s=minutes * 60.0))
    closer_s, closer_rss, out = timed_child([_closer_bin(), "score", "--json", str(made.path)],
                                            ok_codes=(0, 1))
    delivery = json.loads(out.splitlines()[0])["delivery"]
    truth = made.truth["speech_s"]
    error = delivery["speech_s"] / truth - 1.0
    rows = [(f"{minutes}-minute file", f"{made.path.name}, {made.truth['words']} words", ""),
            ("  closer score, wall", f"{closer_s:.1f} s", ""),
            ("  closer score, peak RSS", f"{closer_rss:.0f} MB",
             _goal(closer_rss <= GOAL_RSS_MB, f"<= {GOAL_RSS_MB:.0f} MB")),
            ("  speech_s closer / truth", f"{delivery['speech_s']:.1f} / {truth:.1f} s "
             f"({100 * error:+.1f}%)",
             _goal(abs(error) <= GOAL_SPEECH_ERROR, f"within {100 * GOAL_SPEECH_ERROR:.0f}%")),
            ("  words/min, longest pause", f"{delivery['words_per_minute']:.0f}, "
             f"{delivery['longest_pause_s']:.1f} s (truth "
             f"{made.truth['longest_pause_s']:.1f} s)", "")]
    if plain:
        plain_s, plain_rss, _ = timed_child([sys.executable, "-c", _PLAIN_CHILD, str(made.path)])
        ratio = closer_s / plain_s
        rows += [("  faster-whisper defaults, wall", f"{plain_s:.1f} s", ""),
                 ("  faster-whisper defaults, peak RSS", f"{plain_rss:.0f} MB", ""),
                 ("  ratio closer / plain", f"{ratio:.2f}",
                  _goal(ratio <= GOAL_RATIO, f"<= {GOAL_RATIO}"))]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[10, 60],
                        help="recording lengths in minutes (default: 10 60)")
    parser.add_argument("--no-plain", action="store_true",
                        help="skip the plain faster-whisper runs (the 60-minute one is slow)")
    args = parser.parse_args()
    rows = [row for m in args.minutes for row in bench_file(m, not args.no_plain)]
    width = max(len(r[0]) for r in rows) + 2
    value_width = max(len(r[1]) for r in rows) + 2
    for name, value, goal in rows:
        print(f"{name:<{width}}{value:<{value_width}}{goal}".rstrip())
    return 1 if any(goal.startswith("FAIL") for _, _, goal in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
