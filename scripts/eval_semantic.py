"""Experiment: does the semantic layer lift the rubric on unseen closes?

Usage: .venv/bin/python scripts/eval_semantic.py [--method lr|knn] [--l2 1.0]

1. Leave-one-file-out cross-validation over the training files (closes, holdout, holdout2):
   train the clause classifiers on two files, score the third (rules alone, semantic alone,
   hybrid) over a threshold sweep; the threshold per check is the one with the best pooled
   semantic-alone F1.
2. Train on all three files, test once on tests/data/unseen/closes_holdout3.jsonl at those
   thresholds (a sweep is printed after, marked post hoc).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from closer.embed import load_encoder
from closer.rubric import evaluate
from closer.rubric_semantic.examples import examples
from closer.rubric_semantic.facts import clause_facts
from closer.rubric_semantic.hybrid import decide
from closer.rubric_semantic.model import CHECKS, SemanticModel, train
from closer.types import Transcript

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["closes.jsonl", "closes_holdout.jsonl", "closes_holdout2.jsonl"]
TEST = ROOT / "tests/data/unseen/closes_holdout3.jsonl"
SWEEP = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99]
OTHER_ASKS = True
KNN_SWEEP = [-0.05, 0.0, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2]


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


class Cache:
    def __init__(self) -> None:
        self.enc = load_encoder()
        self.vec: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        new = sorted({t for t in texts if t not in self.vec})
        if new:
            for t, v in zip(new, self.enc.encode(new), strict=True):
                self.vec[t] = v
        return np.stack([self.vec[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def prepare(rows: list[dict], emb: Cache) -> list[dict]:
    out = []
    for row in rows:
        v = evaluate(Transcript(row["text"]), row["round"])
        facts = clause_facts(row["text"], row["round"])
        out.append({"row": row, "rules": {c: v.checks[c].passed for c in CHECKS},
                    "facts": facts, "emb": emb([f.text for f in facts])})
    return out


def fit(rows: list[dict], emb: Cache, l2: float) -> SemanticModel:
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for check in CHECKS:
        seen: dict[str, bool] = {}
        for e in examples(rows, OTHER_ASKS):
            if e.check == check:
                seen[e.text] = seen.get(e.text, False) or e.label
        texts = sorted(seen)
        data[check] = (emb(texts), np.array([seen[t] for t in texts], dtype=np.float32))
    return train(data, l2)


def scores(model: SemanticModel, item: dict, check: str, method: str) -> np.ndarray:
    clf = model.classifiers[check]
    if len(item["emb"]) == 0:
        return np.zeros(0)
    return clf.proba(item["emb"]) if method == "lr" else clf.knn_margin(item["emb"])


def counts(items: list[dict], model: SemanticModel, check: str, th: float, method: str,
           mode: str) -> list[int]:
    c = [0, 0, 0, 0]  # tp fp fn tn
    for it in items:
        gold = bool(it["row"][check])
        rules = it["rules"][check] if mode != "semantic" else False
        if mode == "rules":
            pred = rules
        else:
            pred = decide(check, rules, it["facts"], scores(model, it, check, method), th,
                          it["row"]["round"]).passed
        c[(0 if gold else 1) if pred else (2 if gold else 3)] += 1
    return c


def prf(c: list[int]) -> tuple[float, float, float]:
    tp, fp, fn, _ = c
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(c: list[int]) -> str:
    p, r, f = prf(c)
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {c[0]} fp {c[1]} fn {c[2]})"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", choices=["lr", "knn"], default="lr")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--strict-negatives", action="store_true",
                    help="negatives only from closes labelled negative")
    ap.add_argument("--cache", type=Path, help="npz of clause embeddings, read and written")
    ap.add_argument("--wrong", action="store_true", help="list holdout3 misses")
    args = ap.parse_args(argv)
    sweep = SWEEP if args.method == "lr" else KNN_SWEEP
    t0 = time.perf_counter()
    emb = Cache()
    if args.cache and args.cache.exists():
        with np.load(args.cache) as z:
            emb.vec = dict(zip(z["texts"].tolist(), z["vecs"], strict=True))
    global OTHER_ASKS
    OTHER_ASKS = not args.strict_negatives
    files = {name: load(ROOT / "tests/data" / name) for name in TRAIN}
    items = {name: prepare(rows, emb) for name, rows in files.items()}
    test = prepare(load(TEST), emb)
    if args.cache:
        np.savez(args.cache, texts=np.array(list(emb.vec)), vecs=np.stack(list(emb.vec.values())))
    print(f"encoded {len(emb.vec)} clauses in {time.perf_counter() - t0:.1f} s")
    chosen: dict[str, float] = {}
    print("== leave-one-file-out CV on the training files ==")
    for check in CHECKS:
        pooled = {("rules", 0.0): [0, 0, 0, 0]}
        for held in TRAIN:
            model = fit([r for n in TRAIN if n != held for r in files[n]], emb, args.l2)
            for mode in ("semantic", "hybrid"):
                for th in sweep:
                    c = counts(items[held], model, check, th, args.method, mode)
                    acc = pooled.setdefault((mode, th), [0, 0, 0, 0])
                    pooled[(mode, th)] = [a + b for a, b in zip(acc, c, strict=True)]
            c = counts(items[held], model, check, 0.0, args.method, "rules")
            pooled[("rules", 0.0)] = [a + b for a, b in zip(pooled[("rules", 0.0)], c, strict=True)]
        for (mode, th), c in pooled.items():
            print(f"  {check:<12} {mode:<9} th {th:5.2f}  {fmt(c)}")
        best = max(sweep, key=lambda t: (round(prf(pooled[("semantic", t)])[2], 3), t))
        chosen[check] = best
        print(f"  -> {check} threshold {best} (best pooled semantic-alone F1)")
    model = fit([r for n in TRAIN for r in files[n]], emb, args.l2)
    print(f"== holdout3 ({len(test)} closes), trained on all training files ==")
    for check in CHECKS:
        th = chosen[check]
        for mode in ("rules", "semantic", "hybrid"):
            c = counts(test, model, check, th, args.method, mode)
            print(f"  {check:<12} {mode:<9} th {th:4.2f} {fmt(c)}")
    print("== holdout3 hybrid sweep (post hoc, for reading only) ==")
    for check in CHECKS:
        for th in sweep:
            c = counts(test, model, check, th, args.method, "hybrid")
            print(f"  {check:<12} th {th:5.2f} {fmt(c)}")
    if args.wrong:
        for check in CHECKS:
            for it in test:
                s = scores(model, it, check, args.method)
                d = decide(check, it["rules"][check], it["facts"], s, chosen[check],
                           it["row"]["round"])
                if d.passed != bool(it["row"][check]):
                    top = max(range(len(s)), key=lambda i: s[i]) if len(s) else None
                    info = f"{s[top]:.2f} '{it['facts'][top].text}'" if top is not None else "-"
                    print(f"  WRONG {check} pred={d.passed} rules={it['rules'][check]} "
                          f"[{it['row']['id']} {it['row']['round']}] best {info}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
