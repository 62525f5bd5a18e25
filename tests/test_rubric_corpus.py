"""The rubric against every labelled corpus, tests/data/closes*.jsonl and the holdouts in
tests/data/unseen/*.jsonl: F1 >= 0.95 per check (and for confident_tone on both classes) on every
file tuned on. The newest unseen file is not tuned on yet: it must not fall below the F1 it had
when it was first measured (NOT_TUNED_YET; the corpus README's before-tuning table), so a change
that makes the rubric generalise worse still fails here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rubric_helpers import evaluate_shipped_once, prime_corpus_embeddings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FILES = sorted(DATA.glob("closes*.jsonl")) + sorted((DATA / "unseen").glob("*.jsonl"))
_spec = importlib.util.spec_from_file_location("eval_rubric", ROOT / "scripts" / "eval_rubric.py")
assert _spec and _spec.loader
eval_rubric = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_rubric)
eval_rubric.evaluate = evaluate_shipped_once  # one verdict per close per run (rubric_helpers)


# F1 per check measured once, before any tuning (tests/data/README.md); floors, rounded down.
# holdout20 (measured at 0.966 / 0.969 / 0.947 before tuning) is now tuned on and held to
# TUNED_F1 like the others; a newer unseen file goes here with its before-tuning figures.
NOT_TUNED_YET: dict[str, dict[str, float]] = {
    # holdout21, measured once at f35284a: 0.974 / 0.990 / 0.971, not confident 0.961 (trial
    # close 0.9898, so its floor is 0.98)
    "closes_holdout21.jsonl": {
        "next_step": 0.97,
        "trial_close": 0.98,
        "confident_tone": 0.97,
        "not_confident": 0.96,
    },
}
TUNED_F1 = 0.95
# Focused unseen sets (`unseen/*_holdout*.jsonl`, one concern each), measured once before tuning
# like the numbered holdouts (tests/data/README.md) and then tuned on for their concern only: that
# check is held to the tuned goal on both classes, the others to their before-tuning F1 (rounded
# down).
# One not tuned on yet is held to its before-tuning F1 on every check, "not_confident" being the
# confident_tone F1 of the not-confident class.
FOCUSED = {
    "hesitancy_holdout.jsonl": {"next_step": 0.94, "trial_close": 0.94},
    "hesitancy_holdout2.jsonl": {"next_step": 0.97, "trial_close": 0.91},
    # measured once at 8de4d5c: 0.963 / 0.971 / 0.806, not confident 0.636; tone now tuned on
    "hesitancy_holdout3.jsonl": {"next_step": 0.96, "trial_close": 0.97},
    # measured once at 4608550: 0.971 / 0.972 / 0.925, not confident 0.904
    "hesitancy_holdout4.jsonl": {
        "next_step": 0.97,
        "trial_close": 0.97,
        "confident_tone": 0.92,
        "not_confident": 0.90,
    },
    # measured once at 1cb1711: 0.955 / 0.966 / 0.925, not confident 0.877; tone now tuned on
    "hesitancy_holdout5.jsonl": {"next_step": 0.95, "trial_close": 0.96},
    # measured once at 77ac396: 0.951 / 0.965 / 0.865, not confident 0.753; tone now tuned on
    "hesitancy_holdout6.jsonl": {"next_step": 0.95, "trial_close": 0.96},
    # measured once at 8d942df: 0.958 / 0.989 / 0.863, not confident 0.752; tone now tuned on
    "hesitancy_holdout7.jsonl": {"next_step": 0.95, "trial_close": 0.98},
    # measured once at 25cfbf9: 0.952 / 0.964 / 0.951, not confident 0.932; now tuned on
    "hesitancy_holdout8.jsonl": {"next_step": 0.95, "trial_close": 0.96},
    # measured once at f9b8146: 0.931 / 0.987 / 0.971, not confident 0.961
    "hesitancy_holdout9.jsonl": {
        "next_step": 0.93,
        "trial_close": 0.98,
        "confident_tone": 0.97,
        "not_confident": 0.96,
    },
}


def test_corpora_exist() -> None:
    assert FILES, "no tests/data/closes*.jsonl found"
    assert any(p.parent.name == "unseen" for p in FILES), "no tests/data/unseen/*.jsonl found"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_f1_per_check(path: Path) -> None:
    prime_corpus_embeddings()
    rows = eval_rubric.load(path)
    assert len(rows) >= 20
    figures, wrong = eval_rubric.measure(rows)
    floors = NOT_TUNED_YET.get(path.name) or FOCUSED.get(path.name, {})
    for check, m in figures.items():
        floor = floors.get(check, TUNED_F1)
        assert m["f1"] >= floor, (check, m, [(r["id"], c) for r, c, _ in wrong if c == check])
    # the not-confident class: its own floor when measured, else the tuned goal unless the
    # confident class is spared it too
    neg_floor = floors.get("not_confident", None if "confident_tone" in floors else TUNED_F1)
    if neg_floor is not None:
        tone = figures["confident_tone"]
        assert tone["f1_neg"] >= neg_floor, (tone, [r["id"] for r, c, _ in wrong
                                                    if c == "confident_tone"])


def test_only_the_newest_unseen_file_is_spared_the_tuned_goal() -> None:
    unseen = (DATA / "unseen").glob("closes*.jsonl")  # the focused sets are not numbered
    newest = sorted(unseen, key=lambda p: int(p.stem.split("holdout")[1]))
    assert set(NOT_TUNED_YET) <= {newest[-1].name}
