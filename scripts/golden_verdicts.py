"""Record, or check, the rubric's verdict on every labelled close in tests/data.

Usage: .venv/bin/python scripts/golden_verdicts.py [--write]

The golden file (`tests/data/golden_verdicts.jsonl`) pins what the rubric says today, right or
wrong, so that a rewrite of the grammar changes no verdict by accident:
`tests/test_rubric_golden.py`
compares against it. After a deliberate fix, rerun with `--write` and give the fix a test of its
own.
Each line: id, round, and per check (rules and semantic fallback, as a user gets them) passed and
evidence, plus order_ok and score. Without `--write` it prints the differences and exits 1 on any.
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
DATA = ROOT / "tests" / "data"
GOLDEN = DATA / "golden_verdicts.jsonl"
_SHIPPED = fallback_from_env({})  # as a user gets the verdict: rules and the semantic fallback


def _number(path: Path) -> int:
    digits = path.stem.rsplit("holdout", 1)[-1]
    return int(digits) if digits.isdigit() else 0


def labelled_files() -> list[Path]:
    """The corpus files tuned on: every closes*.jsonl but the newest unseen one, which stays
    blind (its verdicts are not pinned, nor read here) until it has been measured and tuned."""
    unseen = sorted((DATA / "unseen").glob("closes*.jsonl"), key=_number)
    return sorted(DATA.glob("closes*.jsonl")) + unseen[:-1]


def rows() -> list[dict]:
    out = []
    for path in labelled_files():
        out += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return out


def verdict_of(row: dict) -> dict:
    v = evaluate(Transcript(row["text"]), row["round"], None, _SHIPPED)
    checks = {c: [v.checks[c].passed, v.checks[c].evidence] for c in CHECKS}
    return {"id": row["id"], "round": row["round"], **checks, "order_ok": v.order_ok,
            "score": v.score}


def current() -> dict[str, dict]:
    return {r["id"]: verdict_of(r) for r in rows()}


def golden() -> dict[str, dict]:
    lines = GOLDEN.read_text().splitlines()
    return {g["id"]: g for g in (json.loads(line) for line in lines if line.strip())}


def differences(now: dict[str, dict], was: dict[str, dict]) -> list[str]:
    """One line per close whose verdict differs (closes new since the golden file are skipped)."""
    out = []
    for cid, g in was.items():
        n = now.get(cid)
        if n is None:
            out.append(f"{cid}: in the golden file, no longer labelled")
        elif n != g:
            keys = [k for k in g if g[k] != n.get(k)]
            out.append(f"{cid}: " + "; ".join(f"{k} {g[k]} -> {n.get(k)}" for k in keys))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite the golden file")
    args = ap.parse_args()
    now = current()
    if args.write:
        GOLDEN.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in now.values()))
        print(f"wrote {len(now)} verdicts to {GOLDEN.relative_to(ROOT)}")
        return 0
    diff = differences(now, golden())
    print("\n".join(diff) or f"all {len(now)} verdicts as in the golden file")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
