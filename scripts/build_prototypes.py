"""Build prompts/semantic_prototypes.npz: the semantic layer's clause classifiers.

Usage: .venv/bin/python scripts/build_prototypes.py [--out prompts/semantic_prototypes.npz]
       [--threshold-next-step 0.5] [--threshold-trial-close 0.4] [--l2 1.0]

Trains on the development files only (tests/data/closes.jsonl, closes_holdout.jsonl,
closes_holdout2.jsonl, unseen/closes_holdout3-8.jsonl); a newer unseen holdout, when one is added,
stays out until it has been measured once. Clause examples come from the rubric's own clauses and
verdicts (closer.rubric.semantic.examples), so build it against the rules it will run beside.
Thresholds default to the ones leave-one-file-out cross-validation picked
(scripts/eval_semantic.py, variant "strict").

The hesitancy classifier (closer.rubric.semantic.hesitancy) trains on every labelled close file
under tests/data that has been measured once (all of them but those in NOT_YET_MEASURED: add a
new blind file there until its before-tuning figures are in the corpus README) and the tone case
tables (tests/data/rubric_cases/confident_tone.toml), with its threshold from leave-one-file-out
runs over the hesitancy files and the newest closes files (0.85: hesitancy_holdout6, the one
file the rules had not been tuned on, 0.865 / 0.753 -> 0.904 / 0.867; closes_holdout15 0.979 /
0.960 -> 0.987 / 0.976).
Its veto (a clause within cosine 0.85 of one of the confident clauses it scores >= 0.3 is not
hesitant), the windows over long clauses (closer.rubric.semantic.hesitancy.units) and the threshold
0.9 came from the same kind of runs (/work/exp/veto_cv.py then; hesitancy_holdout5/6/7 and
closes_holdout16 held out in turn, mean 0.949 / 0.931 without windows at 0.85 -> 0.950 / 0.935 with
them at 0.9; hesitancy_holdout7 0.921 / 0.895 -> 0.936 / 0.919). The veto removes, by
construction, the confident training closes the regression alone failed (22 of the golden file's).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tomllib
from pathlib import Path

import numpy as np

from closer.rubric.semantic import hesitancy
from closer.rubric.semantic.encoder import load_encoder
from closer.rubric.semantic.examples import examples
from closer.rubric.semantic.model import (
    SemanticModel,
    default_path,
    load_model,
    save_model,
    train,
    train_kinds,
)

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["closes.jsonl", "closes_holdout.jsonl", "closes_holdout2.jsonl",
         "unseen/closes_holdout3.jsonl", "unseen/closes_holdout4.jsonl",
         "unseen/closes_holdout5.jsonl", "unseen/closes_holdout6.jsonl",
         "unseen/closes_holdout7.jsonl", "unseen/closes_holdout8.jsonl"]
NOT_YET_MEASURED: tuple[str, ...] = ()  # blind files kept out of the hesitancy training for now
TONE_CASES = "rubric_cases/confident_tone.toml"


def _rows(names: list[str]) -> list[dict]:
    return [json.loads(x) for name in names
            for x in (ROOT / "tests/data" / name).read_text().splitlines() if x.strip()]


def tone_rows() -> list[dict]:
    """The hesitancy classifier's rows: every measured labelled file, then the tone case tables."""
    data = ROOT / "tests/data"
    names = sorted(str(p.relative_to(data)) for p in [*data.glob("*.jsonl"),
                                                      *data.glob("unseen/*.jsonl")]
                   if p.name != "golden_verdicts.jsonl" and p.name not in NOT_YET_MEASURED)
    tables = tomllib.loads((data / TONE_CASES).read_text())
    cases = [{"text": text, "confident_tone": expected} for table in tables.values()
             for mode in ("as_shipped", "rules_only")
             for text, _round, expected in table.get(mode, [])]
    return _rows(names) + cases


def _with_veto(model: SemanticModel, keep: float, veto: float) -> SemanticModel:
    """The hesitancy classifier with its veto: the confident clauses it scores at or above `keep`
    (the ones it could take for hesitant) become the negatives a clause is compared with."""
    clf = model.classifiers[hesitancy.CHECK]
    hard = clf.neg[clf.proba(clf.neg.astype(np.float32)) >= keep]
    print(f"hesitancy veto: {len(hard)} of {len(clf.neg)} confident clauses kept, cosine {veto}")
    return SemanticModel({hesitancy.CHECK: dataclasses.replace(clf, neg=hard, pos=clf.pos[:0],
                                                               veto=veto)})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--threshold-next-step", type=float, default=0.75)
    ap.add_argument("--threshold-trial-close", type=float, default=0.4)
    ap.add_argument("--l2-hesitancy", type=float, default=0.1)
    ap.add_argument("--threshold-hesitancy", type=float, default=0.9)
    ap.add_argument("--veto-hesitancy", type=float, default=0.85,
                    help="cosine to a kept confident clause that vetoes a hesitant verdict")
    ap.add_argument("--keep-hesitancy", type=float, default=0.3,
                    help="confident clauses the regression scores at or above this are kept "
                         "as the veto's prototypes")
    ap.add_argument("--retrain-asks", action="store_true",
                    help="retrain the next-step and trial-close classifiers too (their examples "
                         "follow the rules, so this moves verdicts: regenerate the golden file)")
    args = ap.parse_args(argv)
    args.out = args.out or default_path()
    rows = _rows(TRAIN)
    labels: dict[str, dict[str, bool]] = {c: {} for c in ("next_step", "trial_close")}
    for e in examples(rows):
        labels[e.check][e.text] = labels[e.check].get(e.text, False) or e.label
    enc = load_encoder()
    hes = hesitancy.examples(tone_rows())
    texts = sorted({t for d in labels.values() for t in d} | {e.text for e in hes})
    vec = dict(zip(texts, enc.encode(texts), strict=True))
    data = {c: (np.stack([vec[t] for t in sorted(d)]),
                np.array([d[t] for t in sorted(d)], dtype=np.float32))
            for c, d in labels.items()}
    model = train(data, args.l2, {"next_step": args.threshold_next_step,
                                  "trial_close": args.threshold_trial_close})
    data[hesitancy.CHECK] = (np.stack([vec[e.text] for e in hes]),
                             np.array([e.hesitant for e in hes], dtype=np.float32))
    tone_model = train({hesitancy.CHECK: data[hesitancy.CHECK]}, args.l2_hesitancy,
                       {hesitancy.CHECK: args.threshold_hesitancy})
    tone_model = _with_veto(tone_model, args.keep_hesitancy, args.veto_hesitancy)
    hesitant = [e for e in hes if e.hesitant]
    kinds = train_kinds(np.stack([vec[e.text] for e in hesitant]),
                        [str(e.kind) for e in hesitant], args.l2_hesitancy)
    asks = model.classifiers
    if not args.retrain_asks and args.out.exists():  # keep the shipped ask classifiers as they are
        shipped = load_model(args.out).classifiers
        asks = {c: shipped[c] for c in ("next_step", "trial_close") if c in shipped} or asks
    model = SemanticModel({**asks, **tone_model.classifiers}, kinds)
    save_model(model, args.out)
    for c, (_, y) in data.items():
        print(f"{c}: {int(y.sum())} positive / {int((1 - y).sum())} negative clauses")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
