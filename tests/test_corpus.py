"""Checks on the labelled corpus of closes (tests/data/closes*.jsonl).

The corpus is the product's spec: the rubric is tuned on closes.jsonl and measured on
closes_holdout.jsonl. These tests keep the files well formed, balanced and consistent with the
labelling rules in tests/data/README.md. They deliberately do not import the rubric.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).parent / "data"
DEV = DATA_DIR / "closes.jsonl"
HOLDOUT = DATA_DIR / "closes_holdout.jsonl"
README = DATA_DIR / "README.md"

ROUNDS = ("first", "second", "final")
LABELS = ("next_step", "trial_close", "confident_tone")
KEYS = {"id", "round", "text", *LABELS, "tags"}
STRUCTURE_TAGS = (
    "both_in_order",
    "reversed_order",
    "next_step_only",
    "trial_close_only",
    "neither",
)
HESITANCY_TAGS = (
    "filler",
    "hedge",
    "apology",
    "permission_seeking",
    "minimizing",
    "self_deprecation",
)
HARD_NEGATIVES = (
    "product_next_step",
    "project_next_step",
    "roadmap_next_step",
    "career_next_step",
    "onboarding_steps",
    "statement_no_ask",
    "role_opening_reason",
    "team_workload",
    "product_concerns",
    "company_direction",
    "salary_range",
    "confidence_statement",
    "final_next_round",
    "success_in_role",
)
# Hard negatives whose whole point is that the named check must fail.
NOT_NEXT_STEP = {
    "product_next_step",
    "project_next_step",
    "roadmap_next_step",
    "career_next_step",
    "onboarding_steps",
    "statement_no_ask",
}
NOT_TRIAL_CLOSE = {
    "role_opening_reason",
    "team_workload",
    "product_concerns",
    "company_direction",
    "salary_range",
    "confidence_statement",
    "final_next_round",
    "success_in_role",
}


def _load(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{n}: blank line"
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{n}: not an object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return _load(DEV)


@pytest.fixture(scope="module")
def holdout() -> list[dict]:
    return _load(HOLDOUT)


@pytest.fixture(scope="module", params=["dev", "holdout"])
def corpus(request: pytest.FixtureRequest, dev: list[dict], holdout: list[dict]) -> list[dict]:
    return dev if request.param == "dev" else holdout


def _sentences(text: str) -> set[str]:
    out = set()
    for part in re.split(r"[.?!]+", text):
        words = re.findall(r"[a-z0-9']+", part.lower())
        if words:
            out.add(" ".join(words))
    return out


def test_schema_and_types(corpus: list[dict]) -> None:
    for row in corpus:
        assert set(row) == KEYS, row
        assert isinstance(row["id"], str) and row["id"], row
        assert row["round"] in ROUNDS, row
        assert isinstance(row["text"], str) and row["text"].strip(), row
        for label in LABELS:
            assert type(row[label]) is bool, (label, row)
        assert isinstance(row["tags"], list) and row["tags"], row
        assert all(isinstance(t, str) and t == t.strip() and t for t in row["tags"]), row
        assert len(set(row["tags"])) == len(row["tags"]), row


def test_ids_unique_and_prefixed(dev: list[dict], holdout: list[dict]) -> None:
    ids = [r["id"] for r in dev + holdout]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"d\d{3}", r["id"]) for r in dev)
    assert all(re.fullmatch(r"h\d{3}", r["id"]) for r in holdout)


def test_minimum_counts(dev: list[dict], holdout: list[dict]) -> None:
    assert len(dev) >= 280
    assert len(holdout) >= 120
    assert len(dev) + len(holdout) >= 200
    for rows, floor in ((dev, 50), (holdout, 35)):
        per_round = Counter(r["round"] for r in rows)
        assert all(per_round[rd] >= floor for rd in ROUNDS), per_round


def test_each_label_balanced(corpus: list[dict]) -> None:
    n = len(corpus)
    for label in LABELS:
        true = sum(r[label] for r in corpus)
        assert 0.25 * n <= true <= 0.75 * n, (label, true, n)
        for rd in ROUNDS:
            in_round = [r[label] for r in corpus if r["round"] == rd]
            assert sum(in_round) >= 10 and len(in_round) - sum(in_round) >= 10, (label, rd)


def test_roughly_forty_percent_not_confident(corpus: list[dict]) -> None:
    share = sum(not r["confident_tone"] for r in corpus) / len(corpus)
    assert 0.33 <= share <= 0.5, share


def test_structure_tag_matches_labels(corpus: list[dict]) -> None:
    for row in corpus:
        found = [t for t in row["tags"] if t in STRUCTURE_TAGS]
        assert len(found) == 1, row
        ns, tc = row["next_step"], row["trial_close"]
        expected = {
            (True, True): ("both_in_order", "reversed_order"),
            (True, False): ("next_step_only",),
            (False, True): ("trial_close_only",),
            (False, False): ("neither",),
        }[(ns, tc)]
        assert found[0] in expected, row


def test_both_orders_present(corpus: list[dict]) -> None:
    tags = Counter(t for r in corpus for t in r["tags"])
    assert tags["both_in_order"] >= 10 and tags["reversed_order"] >= 5, tags


def test_every_hard_negative_kind_present(corpus: list[dict]) -> None:
    tags = {t for r in corpus for t in r["tags"]}
    missing = [k for k in HARD_NEGATIVES if f"hard_negative:{k}" not in tags]
    assert not missing, missing


def test_hard_negative_labels_consistent(corpus: list[dict]) -> None:
    for row in corpus:
        kinds = {t.split(":", 1)[1] for t in row["tags"] if t.startswith("hard_negative:")}
        if kinds & NOT_NEXT_STEP:
            assert not row["next_step"], row
        if kinds & NOT_TRIAL_CLOSE:
            assert not row["trial_close"], row
        if "final_next_round" in kinds:
            assert row["round"] == "final" and not row["trial_close"], row


def test_hesitancy_kinds_present_and_weak(corpus: list[dict]) -> None:
    weak_tags = {t for r in corpus if not r["confident_tone"] for t in r["tags"]}
    missing = [k for k in HESITANCY_TAGS if k not in weak_tags]
    assert not missing, missing
    for row in corpus:
        if {"self_deprecation", "near_empty", "two_markers"} & set(row["tags"]):
            assert not row["confident_tone"], row
        if {"single_marker", "single_i_think"} & set(row["tags"]):
            assert row["confident_tone"], row


def test_pairs_differ_only_in_tone(corpus: list[dict]) -> None:
    pairs: dict[str, list[dict]] = defaultdict(list)
    for row in corpus:
        for tag in row["tags"]:
            if tag.startswith("pair:"):
                pairs[tag].append(row)
    assert len(pairs) >= 20
    for tag, rows in pairs.items():
        assert len(rows) == 2, tag
        a, b = rows
        assert (a["round"], a["next_step"], a["trial_close"]) == (
            b["round"],
            b["next_step"],
            b["trial_close"],
        ), tag
        assert a["confident_tone"] != b["confident_tone"], tag


def test_style_tags_hold(corpus: list[dict]) -> None:
    tags = Counter(t for r in corpus for t in r["tags"])
    for needed in (
        "transcript_style",
        "long_close",
        "one_liner",
        "indirect_request",
        "offer_targeted",
        "round_neutral",
        "thanks",
        "enthusiasm",
    ):
        assert tags[needed] >= 3, needed
    for row in corpus:
        if "transcript_style" in row["tags"]:
            assert "?" not in row["text"] and row["text"][0].islower(), row
        if "no_question_mark" in row["tags"]:
            assert "?" not in row["text"], row
        if "long_close" in row["tags"]:
            assert len(row["text"].split()) >= 18, row


def test_no_duplicate_text_within_file(corpus: list[dict]) -> None:
    texts = Counter(r["text"].strip().lower() for r in corpus)
    assert not [t for t, n in texts.items() if n > 1]


def test_dev_and_holdout_share_no_sentence(dev: list[dict], holdout: list[dict]) -> None:
    dev_sentences = set().union(*(_sentences(r["text"]) for r in dev))
    shared = {s for r in holdout for s in _sentences(r["text"]) if s in dev_sentences}
    assert not shared, sorted(shared)


def test_readme_counts_match(dev: list[dict], holdout: list[dict]) -> None:
    text = README.read_text(encoding="utf-8")
    assert f"closes.jsonl: {len(dev)} closes" in text
    assert f"closes_holdout.jsonl: {len(holdout)} closes" in text
