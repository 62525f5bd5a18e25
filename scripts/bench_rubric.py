"""Time the rubric (rules only, as `tests/test_rubric_verdict.py::test_evaluate_is_fast` does) over
every labelled close in tests/data, and the heard-as rewrite alone, side by side.

Usage: .venv/bin/python scripts/bench_rubric.py [--against REV] [--repeat N]

Rows: `shipped` is the tree as it is; `--against REV` also loads `closer/rubric/heard_as.py` as
it was at git revision REV (the same table, the older code) and times it on the same closes in
the same run, so a speed change is read on one machine under one load. Figures are milliseconds
per close: "one pass" runs each close once in corpus order (the shipped version's token cache
starts empty; the evaluate pass runs first, so the apply pass meets a warm one), "best of N" the
mean over the closes of the best of N runs after a warm-up run (default 3). The results of the two
heard-as versions are compared too: any close they rewrite differently is printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from closer.rubric import evaluate, heard_as, verdict
from closer.types import Transcript

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def closes() -> list[tuple[str, str]]:
    files = sorted(DATA.glob("closes*.jsonl")) + sorted((DATA / "unseen").glob("*.jsonl"))
    rows = [json.loads(x) for p in files for x in p.read_text().splitlines() if x.strip()]
    return [(r["text"], r["round"]) for r in rows]


def heard_as_at(rev: str) -> ModuleType:
    """closer.rubric.heard_as as it was at `rev` (a module of its own, the shipped table)."""
    source = subprocess.run(["git", "show", f"{rev}:src/closer/rubric/heard_as.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location(f"heard_as_{rev}", f.name)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def one_pass_ms(fn: Callable[[str, str], object], rows: list[tuple[str, str]]) -> float:
    """Each close once, in corpus order, as a stream of new closes meets the caches."""
    t0 = time.perf_counter()
    for text, rnd in rows:
        fn(text, rnd)
    return 1000 * (time.perf_counter() - t0) / len(rows)


def mean_ms(fn: Callable[[str, str], object], rows: list[tuple[str, str]], repeat: int) -> float:
    best = []
    for text, rnd in rows:
        fn(text, rnd)  # warm (caches, compiled patterns)
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn(text, rnd)
            runs.append(time.perf_counter() - t0)
        best.append(min(runs))
    return 1000 * sum(best) / len(best)


def with_apply(apply: Callable[[str], str]) -> Callable[[str, str], object]:
    def run(text: str, rnd: str) -> object:
        saved = verdict.heard_as.apply
        verdict.heard_as.apply = apply  # type: ignore[assignment]
        try:
            return evaluate(Transcript(text), rnd)  # type: ignore[arg-type]
        finally:
            verdict.heard_as.apply = saved  # type: ignore[assignment]
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="REV", help="also time heard_as.py as it was at REV")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    rows = closes()
    apply_now = heard_as.apply
    versions: dict[str, Callable[[str], str]] = {"shipped": apply_now}
    old = heard_as_at(args.against) if args.against else None
    if old is not None:
        versions[args.against] = old.apply
    off = mean_ms(lambda t, r: evaluate(Transcript(t), r, mishearings=False),  # type: ignore[arg-type]
                  rows, args.repeat)
    print(f"{len(rows)} closes, mean ms per close; evaluate without heard-as: {off:.2f} "
          f"(best of {args.repeat})")
    print(f"{'heard_as.py':>12} {'evaluate, one pass':>19} {'evaluate, best of N':>20} "
          f"{'apply, one pass':>16} {'apply, best of N':>17}")
    for name, apply in versions.items():
        for module in (heard_as, old):
            cache = getattr(module, "_token_words", None)
            if cache is not None:
                cache.cache_clear()  # a cold start for the one pass
        ev1 = one_pass_ms(with_apply(apply), rows)
        ap1 = one_pass_ms(lambda t, r, a=apply: a(t), rows)  # type: ignore[misc]
        ev = mean_ms(with_apply(apply), rows, args.repeat)
        ap_ms = mean_ms(lambda t, r, a=apply: a(t), rows, args.repeat)  # type: ignore[misc]
        print(f"{name:>12} {ev1:19.2f} {ev:20.2f} {ap1:16.2f} {ap_ms:17.2f}")
    if old is not None:
        differ = [t for t, _ in rows if old.apply(t) != apply_now(t)]
        for t in differ:
            print(f"rewritten differently: {t!r}")
        print(f"heard-as results differ on {len(differ)} of {len(rows)} closes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
