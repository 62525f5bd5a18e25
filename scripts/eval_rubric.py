"""Measure the rubric against labelled closes.

Usage: .venv/bin/python scripts/eval_rubric.py [--file tests/data/closes.jsonl ...] [--quiet]
       [--rules-only]

`--rules-only` leaves the semantic fallback layer out to measure the rules alone.

Prints per check precision, recall and F1 (for confident_tone also F1 of the "not confident" class)
per file, then lists the misclassified closes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from closer.rubric import evaluate
from closer.rubric.semantic.hook import fallback_from_env
from closer.types import CHECKS, Transcript

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def measure(rows: list[dict], rules_only: bool = False
            ) -> tuple[dict[str, dict[str, float]], list[tuple[dict, str, bool]]]:
    """Per-check figures and the misclassified (row, check, predicted) triples."""
    counts = {c: [0, 0, 0, 0] for c in CHECKS}  # tp fp fn tn
    fallback = None if rules_only else fallback_from_env({})
    wrong: list[tuple[dict, str, bool]] = []
    for row in rows:
        v = evaluate(Transcript(row["text"]), row["round"], None, fallback)
        for c in CHECKS:
            pred, gold = v.checks[c].passed, bool(row[c])
            counts[c][(0 if gold else 1) if pred else (2 if gold else 3)] += 1
            if pred != gold:
                wrong.append((row, c, pred))
    out: dict[str, dict[str, float]] = {}
    for c, (tp, fp, fn, tn) in counts.items():
        p, r, f = f1(tp, fp, fn)
        out[c] = {"precision": p, "recall": r, "f1": f, "f1_neg": f1(tn, fn, fp)[2]}
    return out, wrong


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", action="append", type=Path,
                    help="JSON Lines of labelled closes (default: tests/data/closes.jsonl)")
    ap.add_argument("--quiet", action="store_true", help="figures only, no misclassified list")
    ap.add_argument("--rules-only", action="store_true",
                    help="leave the semantic fallback layer out")
    args = ap.parse_args(argv)
    for path in args.file or [ROOT / "tests/data/closes.jsonl"]:
        rows = load(path)
        figures, wrong = measure(rows, args.rules_only)
        print(f"{path.name}: {len(rows)} closes")
        print(f"  {'check':<15} {'prec':>6} {'recall':>6} {'F1':>6} {'F1(neg)':>8}")
        for c, m in figures.items():
            print(f"  {c:<15} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}"
                  f" {m['f1_neg']:8.3f}")
        if not args.quiet:
            for row, c, pred in wrong:
                print(f"  WRONG {c} pred={pred} [{row['id']} {row['round']}] {row['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
