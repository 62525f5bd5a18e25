"""Build prompts/semantic_prototypes.npz: the semantic layer's clause classifiers.

Usage: .venv/bin/python scripts/build_prototypes.py [--out prompts/semantic_prototypes.npz]
       [--threshold-next-step 0.5] [--threshold-trial-close 0.4] [--l2 1.0]

Trains on the development files only (tests/data/closes.jsonl, closes_holdout.jsonl,
closes_holdout2.jsonl, unseen/closes_holdout3-8.jsonl); a newer unseen holdout, when one is added,
stays out until it has been measured once. Clause examples come from the rubric's own clauses and
verdicts (closer.rubric.semantic.examples), so build it against the rules it will run beside.
Thresholds default to the ones leave-one-file-out cross-validation picked
(scripts/eval_semantic.py, variant "strict").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from closer.rubric.semantic.encoder import load_encoder
from closer.rubric.semantic.examples import examples
from closer.rubric.semantic.model import CHECKS, default_path, save_model, train

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["closes.jsonl", "closes_holdout.jsonl", "closes_holdout2.jsonl",
         "unseen/closes_holdout3.jsonl", "unseen/closes_holdout4.jsonl",
         "unseen/closes_holdout5.jsonl", "unseen/closes_holdout6.jsonl",
         "unseen/closes_holdout7.jsonl", "unseen/closes_holdout8.jsonl"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--threshold-next-step", type=float, default=0.75)
    ap.add_argument("--threshold-trial-close", type=float, default=0.4)
    args = ap.parse_args(argv)
    args.out = args.out or default_path()
    rows = [json.loads(x) for name in TRAIN
            for x in (ROOT / "tests/data" / name).read_text().splitlines() if x.strip()]
    labels: dict[str, dict[str, bool]] = {c: {} for c in CHECKS}
    for e in examples(rows):
        labels[e.check][e.text] = labels[e.check].get(e.text, False) or e.label
    enc = load_encoder()
    texts = sorted({t for d in labels.values() for t in d})
    vec = dict(zip(texts, enc.encode(texts), strict=True))
    data = {c: (np.stack([vec[t] for t in sorted(d)]),
                np.array([d[t] for t in sorted(d)], dtype=np.float32))
            for c, d in labels.items()}
    model = train(data, args.l2, {"next_step": args.threshold_next_step,
                                  "trial_close": args.threshold_trial_close})
    save_model(model, args.out)
    for c, (_, y) in data.items():
        print(f"{c}: {int(y.sum())} positive / {int((1 - y).sum())} negative clauses")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
