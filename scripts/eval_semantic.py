"""Experiment: does the semantic layer lift the rubric on unseen closes?

Usage: .venv/bin/python scripts/eval_semantic.py [--test FILE] [--cache FILE] [--wrong]

Variants (training negatives x ask gate, see closer.rubric.semantic.hybrid.AskGate):
  strict        asking clauses as negatives; the rules' ask only (the original layer)
  strict+stmt   statements as negatives too; the rules' ask only
  sure85+stmt   statements as negatives; a clause scoring >= 0.85 passes without the rules' ask
  sure85        asking negatives only; >= 0.85 passes without the rules' ask
  learned-ask   statements as negatives; the rules' ask OR a learned ask (LR on the rules' asks
                over every training clause) >= 0.5
1. Leave-one-file-out cross-validation over the training files (the four development files): the
   threshold per check and variant is the one with the best pooled semantic-alone F1 (the rules
   are tuned on these files, so the hybrid's own CV figures can only show added false passes).
2. Train on all training files, test once on --test (default tests/data/unseen/
   closes_holdout4.jsonl) at those thresholds; a post-hoc sweep follows, for reading only.
Run it against pinned rules with PYTHONPATH=<export>/src CLOSER_PROMPTS_DIR=<export>/prompts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from closer.rubric import evaluate
from closer.rubric.semantic.encoder import load_encoder
from closer.rubric.semantic.examples import examples
from closer.rubric.semantic.facts import clause_facts
from closer.rubric.semantic.hybrid import AskGate, decide
from closer.rubric.semantic.model import CHECKS, SemanticModel, fit_logistic, train
from closer.types import Transcript

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data"
TRAIN = ["closes.jsonl", "closes_holdout.jsonl", "closes_holdout2.jsonl",
         "unseen/closes_holdout3.jsonl"]
TEST = DATA / "unseen/closes_holdout4.jsonl"
SWEEP = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99]
VARIANTS = {  # name: (statements as negatives, gate, learned ask)
    "strict": (False, AskGate(), False),
    "strict+stmt": (True, AskGate(), False),
    "sure85": (False, AskGate(sure=0.85), False),
    "sure85+stmt": (True, AskGate(sure=0.85), False),
    "learned-ask": (True, AskGate(), True),
}


def load(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


class Cache:
    def __init__(self, path: Path | None) -> None:
        self.path, self.enc, self.vec = path, None, {}
        if path and path.exists():
            with np.load(path) as z:
                self.vec = dict(zip(z["texts"].tolist(), z["vecs"], strict=True))

    def __call__(self, texts: list[str]) -> np.ndarray:
        new = sorted({t for t in texts if t not in self.vec})
        if new:
            self.enc = self.enc or load_encoder()
            self.vec.update(zip(new, self.enc.encode(new), strict=True))
        return np.stack([self.vec[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        if self.path:
            np.savez(self.path, texts=np.array(list(self.vec)),
                     vecs=np.stack(list(self.vec.values())))


def prepare(rows: list[dict], emb: Cache) -> list[dict]:
    out = []
    for row in rows:
        v = evaluate(Transcript(row["text"]), row["round"])
        facts = clause_facts(row["text"], row["round"])
        out.append({"row": row, "rules": {c: v.checks[c].passed for c in CHECKS},
                    "facts": facts, "emb": emb([f.text for f in facts])})
    return out


def fit(rows: list[dict], items: list[dict], emb: Cache, statements: bool,
        learned_ask: bool) -> tuple[SemanticModel, tuple[np.ndarray, float] | None]:
    data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for check in CHECKS:
        seen: dict[str, bool] = {}
        for e in examples(rows, True, statements):
            if e.check == check:
                seen[e.text] = seen.get(e.text, False) or e.label
        texts = sorted(seen)
        data[check] = (emb(texts), np.array([seen[t] for t in texts], dtype=np.float32))
    ask = None
    if learned_ask:
        asks = {f.text: f.asks for it in items for f in it["facts"] if f.text}
        texts = sorted(asks)
        ask = fit_logistic(emb(texts), np.array([asks[t] for t in texts], dtype=np.float32))
    return train(data), ask


def run(items: list[dict], model: SemanticModel, ask: tuple[np.ndarray, float] | None,
        check: str, th: float, gate: AskGate, mode: str) -> tuple[list[int], list[tuple]]:
    c, wrong = [0, 0, 0, 0], []  # tp fp fn tn
    for it in items:
        gold = bool(it["row"][check])
        rules = it["rules"][check] if mode != "semantic" else False
        pred, d = rules, None
        if mode != "rules" and len(it["facts"]):
            s = model.classifiers[check].proba(it["emb"])
            a = None if ask is None else 1 / (1 + np.exp(-(it["emb"] @ ask[0] + ask[1])))
            d = decide(check, rules, it["facts"], s, th, it["row"]["round"], gate, a)
            pred = d.passed
        c[(0 if gold else 1) if pred else (2 if gold else 3)] += 1
        if pred != gold:
            wrong.append((it, pred, d))
    return c, wrong


def prf(c: list[int]) -> tuple[float, float, float]:
    tp, fp, fn, _ = c
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(c: list[int]) -> str:
    p, r, f = prf(c)
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {c[0]} fp {c[1]} fn {c[2]})"


def add(a: list[int], b: list[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--test", type=Path, default=TEST)
    ap.add_argument("--cache", type=Path, help="npz of clause embeddings, read and written")
    ap.add_argument("--variant", action="append", choices=list(VARIANTS))
    ap.add_argument("--wrong", action="store_true", help="list the test misses per variant")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    emb = Cache(args.cache)
    files = {name: load(DATA / name) for name in TRAIN}
    items = {name: prepare(rows, emb) for name, rows in files.items()}
    test = prepare(load(args.test), emb)
    emb.save()
    print(f"{len(emb.vec)} clause embeddings ready in {time.perf_counter() - t0:.1f} s")
    for vname in args.variant or list(VARIANTS):
        stmt, gate, learned = VARIANTS[vname]
        chosen: dict[str, float] = {}
        folds = {}
        for held in TRAIN:
            rest = [n for n in TRAIN if n != held]
            folds[held] = fit([r for n in rest for r in files[n]],
                              [i for n in rest for i in items[n]], emb, stmt, learned)
        print(f"== {vname}: leave-one-file-out CV over {len(TRAIN)} training files ==")
        for check in CHECKS:
            pooled: dict[tuple[str, float], list[int]] = {}
            for held, (model, ask) in folds.items():
                for mode in ("semantic", "hybrid"):
                    for th in SWEEP:
                        c, _ = run(items[held], model, ask, check, th, gate, mode)
                        pooled[(mode, th)] = add(pooled.get((mode, th), [0] * 4), c)
            best = max(SWEEP, key=lambda t: (round(prf(pooled[("semantic", t)])[2], 3), t))
            chosen[check] = best
            print(f"  {check:<12} th {best:.2f}  semantic {fmt(pooled[('semantic', best)])}"
                  f"  hybrid {fmt(pooled[('hybrid', best)])}")
        model, ask = fit([r for n in TRAIN for r in files[n]],
                         [i for n in TRAIN for i in items[n]], emb, stmt, learned)
        print(f"== {vname}: {args.test.name} ({len(test)} closes) ==")
        for check in CHECKS:
            th = chosen[check]
            for mode in ("rules", "semantic", "hybrid"):
                c, wrong = run(test, model, ask, check, th, gate, mode)
                print(f"  {check:<12} {mode:<9} th {th:4.2f} {fmt(c)}")
            f1s = [prf(run(test, model, ask, check, t, gate, "hybrid")[0])[2] for t in SWEEP]
            sweep = "  ".join(f"{t:.2f}:{f:.3f}" for t, f in zip(SWEEP, f1s, strict=True))
            print(f"  {check:<12} hybrid F1 sweep (post hoc) {sweep}")
            for it, pred, d in wrong if args.wrong else []:
                why = (f" added '{it['facts'][d.semantic_index].text}' {d.score:.2f}"
                       if d is not None and d.semantic_index is not None else "")
                print(f"    WRONG {check} pred={pred} [{it['row']['id']} {it['row']['round']}]"
                      f" {it['row']['text'][:110]}{why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
