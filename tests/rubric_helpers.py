"""Shared by the rubric's tests: the case tables, and one call that says whether a text passes.

The case tables are data, one file per check: tests/data/rubric_cases/<check>.toml. Each TOML
table is one concept (`[funding_round_veto]`, with a comment above it saying what it covers), and
each line in it is one case, `[text, round, expected]`: does the check pass for that text in that
interview round. A table's cases sit in `as_shipped` (checked as a user gets it: the rules plus
the shipped semantic fallback) or `rules_only` (the rules alone, no fallback), or both.

Why data and not Python lists: there are some 700 cases. As Python lists, one module per check
would run to 400-600 lines, with the few tests that check structure (evidence, tips, the vetoes,
delivery) lost among them. As data a case is one line, adding one is adding a line (no code),
and a concept reads as a list of sentences with the verdict next to each. The test modules stay
short: one parametrised test per check over all its tables, then the structural tests.

Each case's pytest id starts with its concept (`funding_round_veto-where_does_the_business_go`,
with `-second`/`-final` for the round and `-rules` for rules only), so
`pytest tests/test_rubric_next_step.py -k funding_round_veto` runs one concept. The loader
rejects a malformed line, an unknown key or round, and a case written twice.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from closer.rubric import evaluate
from closer.rubric.semantic.hook import fallback_from_env
from closer.types import Delivery, Transcript, Verdict

CASES_DIR = Path(__file__).parent / "data" / "rubric_cases"
ROUNDS = ("first", "second", "final")
MODES = {"as_shipped": False, "rules_only": True}  # TOML key -> Case.rules_only

# As a user gets it: the rules and the shipped semantic fallback.
SHIPPED = fallback_from_env({})


@functools.cache
def shipped_verdict(text: str, round: str) -> Verdict:
    """`evaluate` of a typed close as a user gets it, once per test run: the corpus F1, golden and
    stronger-close tests each score the same ~6,900 closes."""
    return evaluate(Transcript(text), round, fallback=SHIPPED)  # type: ignore[arg-type]


def evaluate_shipped_once(transcript: Transcript, round: str = "first",
                          delivery: Delivery | None = None, fallback: Any = None,
                          trace: Any = None, mishearings: bool = True) -> Verdict:
    """A drop-in for `evaluate` in the scripts the corpus-wide tests load (eval_rubric,
    golden_verdicts): a typed close with the shipped fallback comes from `shipped_verdict`
    (their fallback is the shipped one, `fallback_from_env({})`); anything else is evaluated."""
    if fallback is not None and delivery is None and trace is None and mishearings \
            and not transcript.words:
        return shipped_verdict(transcript.text, round)
    return evaluate(transcript, round, delivery, fallback, trace, mishearings)  # type: ignore[arg-type]


@functools.cache
def prime_corpus_embeddings() -> int:
    """Encode, in one batched call, what the semantic hesitancy layer will embed for every
    labelled close the tone rules find confident, so that the corpus-wide tests (F1, golden,
    stronger closes) find it in the encoder's cache: one batched call costs about half as much
    per clause as one call per close. Returns the number of texts encoded (0: no layer)."""
    import json

    from closer.rubric import tone
    from closer.rubric.semantic import hesitancy, hook
    from closer.rubric.text import clauses

    layer = hook._layer()
    if layer is None:
        return 0
    data = Path(__file__).parent / "data"
    files = [*sorted(data.glob("closes*.jsonl")), *sorted((data / "unseen").glob("*.jsonl"))]
    texts = [json.loads(line)["text"] for f in files for line in f.read_text().splitlines()
             if line.strip()]
    todo = sorted({u for t in texts if tone.assess(t).confident
                   for u in hesitancy.units(clauses(t))[0]})
    layer[0].encode(todo)
    return len(todo)


def passed(text: str, check: str, round: str = "first", *, rules_only: bool = False,
           delivery: Delivery | None = None) -> bool:
    """Does `text` pass `check` in `round`? With the shipped semantic fallback unless
    `rules_only`; `delivery` as the recorder would measure it (None: words only)."""
    verdict = evaluate(Transcript(text), round, delivery=delivery,  # type: ignore[arg-type]
                       fallback=None if rules_only else SHIPPED)
    return verdict.checks[check].passed


@dataclass(frozen=True)
class Case:
    """One line of a case table."""

    check: str
    concept: str
    text: str
    round: str
    expected: bool
    rules_only: bool

    def describe(self) -> str:
        mode = "rules only" if self.rules_only else "as shipped"
        verdict = "pass" if self.expected else "fail"
        return (f"{self.check} / {self.concept} ({CASES_DIR.name}/{self.check}.toml): "
                f"{self.text!r} should {verdict} in the {self.round} round ({mode})")


def case_id(concept: str, text: str, round: str = "first", rules_only: bool = False) -> str:
    """`<concept>-<the first words of text>`, then `-<round>` unless first, `-rules` if so."""
    words = re.sub(r"[^a-z0-9 ]+", "", text.lower()).split()
    short = ""
    for word in words:
        if short and len(short) + 1 + len(word) > 40:
            break
        short = f"{short}_{word}" if short else word
    suffix = ("" if round == "first" else f"-{round}") + ("-rules" if rules_only else "")
    return f"{concept}-{short}{suffix}"


@functools.cache
def load_cases(check: str) -> dict[str, tuple[Case, ...]]:
    """The case tables of one check: concept -> its cases, in file order."""
    path = CASES_DIR / f"{check}.toml"
    with path.open("rb") as f:
        data = tomllib.load(f)
    tables: dict[str, tuple[Case, ...]] = {}
    seen: set[tuple[str, str, bool, bool]] = set()
    for concept, table in data.items():
        unknown = set(table) - set(MODES)
        if unknown or not table:
            raise ValueError(f"{path}: [{concept}] has unknown keys {sorted(unknown)} or no cases")
        cases = []
        for key, rules_only in MODES.items():
            for line in table.get(key, []):
                match line:
                    case [str(text), str(round), bool(expected)] if round in ROUNDS:
                        pass
                    case _:
                        raise ValueError(f"{path}: [{concept}] {key}: bad case {line!r}, want "
                                         f"[text, one of {ROUNDS}, true/false]")
                if (text, round, expected, rules_only) in seen:
                    raise ValueError(f"{path}: [{concept}] {key}: {text!r} ({round}) is there "
                                     "twice")
                seen.add((text, round, expected, rules_only))
                cases.append(Case(check, concept, text, round, expected, rules_only))
        tables[concept] = tuple(cases)
    return tables


def case_params(check: str) -> list:
    """Every case of `check` as a pytest param, id from `case_id` (made unique with -2, -3...)."""
    params, used = [], set()
    for cases in load_cases(check).values():
        for case in cases:
            base = case_id(case.concept, case.text, case.round, case.rules_only)
            pid, n = base, 1
            while pid in used:
                n += 1
                pid = f"{base}-{n}"
            used.add(pid)
            params.append(pytest.param(case, id=pid))
    return params


def check_case(case: Case) -> None:
    """Assert that the rubric gives the case's verdict."""
    got = passed(case.text, case.check, case.round, rules_only=case.rules_only)
    assert got is case.expected, case.describe()
