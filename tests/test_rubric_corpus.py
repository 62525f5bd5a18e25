"""The rubric against every labelled corpus, tests/data/closes*.jsonl and the holdouts in
tests/data/unseen/*.jsonl: F1 >= 0.95 per check (and for confident_tone on both classes)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FILES = sorted(DATA.glob("closes*.jsonl")) + sorted((DATA / "unseen").glob("*.jsonl"))
_spec = importlib.util.spec_from_file_location("eval_rubric", ROOT / "scripts" / "eval_rubric.py")
assert _spec and _spec.loader
eval_rubric = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_rubric)


def test_corpora_exist() -> None:
    assert FILES, "no tests/data/closes*.jsonl found"
    assert any(p.parent.name == "unseen" for p in FILES), "no tests/data/unseen/*.jsonl found"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_f1_per_check(path: Path) -> None:
    rows = eval_rubric.load(path)
    assert len(rows) >= 20
    figures, wrong = eval_rubric.measure(rows)
    for check, m in figures.items():
        assert m["f1"] >= 0.95, (check, m, [(r["id"], c) for r, c, _ in wrong if c == check])
    assert figures["confident_tone"]["f1_neg"] >= 0.95, figures["confident_tone"]
