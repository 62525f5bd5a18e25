"""The hybrid decision, pure: a check passes when the rules pass it, or when some clause that
asks, that no rule veto touches, scores at or above the check's threshold. In the final round a
semantic trial close aimed only at another round does not pass (the rubric's round rule).

Whether a clause asks is the rules' call (`ClauseFacts.asks`), optionally widened for requests
phrased as statements: `sure` lets a clause the classifier is very sure about pass without the
rules' ask, and `ask_scores`/`ask_threshold` take a learned ask probability instead. The vetoes
and the final-round rule hold either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from closer.rubric.semantic.facts import ClauseFacts
from closer.types import Round


@dataclass(frozen=True)
class Decision:
    """passed: the hybrid result; semantic_index: the clause the semantic layer added (or None
    when the rules decided)."""

    passed: bool
    semantic_index: int | None = None
    score: float | None = None


@dataclass(frozen=True)
class AskGate:
    """How a clause counts as an ask for the semantic layer. sure: a check probability (0-1) at
    or above which a clause passes without the rules' ask (None: never); ask_threshold: the
    learned ask probability (0-1) that counts as an ask when ask scores are given."""

    sure: float | None = None
    ask_threshold: float = 0.5


def vetoed(check: str, f: ClauseFacts, round: Round) -> bool:
    """Does a rule veto (or the final-round rule) keep the semantic layer off this clause?"""
    if check == "next_step":
        return f.ns_veto or f.tc_rule
    return f.tc_veto or (round == "final" and f.next_round_only)


def decide(check: str, rules_passed: bool, facts: Sequence[ClauseFacts],
           scores: Sequence[float], threshold: float, round: Round = "first",
           gate: AskGate | None = None, ask_scores: Sequence[float] | None = None) -> Decision:
    """`scores[i]` is the semantic score of clause i for `check` ("next_step" or
    "trial_close"); `ask_scores[i]` an optional learned probability that clause i asks."""
    if rules_passed:
        return Decision(True)
    gate = gate or AskGate()
    best: tuple[float, int] | None = None
    for i, (f, s) in enumerate(zip(facts, scores, strict=True)):
        if s < threshold or vetoed(check, f, round):
            continue
        asks = (f.asks or (gate.sure is not None and s >= gate.sure)
                or (ask_scores is not None and ask_scores[i] >= gate.ask_threshold))
        if asks and (best is None or s > best[0]):
            best = (float(s), i)
    if best is None:
        return Decision(False)
    return Decision(True, best[1], best[0])


def decide_all(rules: Mapping[str, bool], facts: Sequence[ClauseFacts],
               scores: Mapping[str, Sequence[float]], thresholds: Mapping[str, float],
               round: Round = "first", gate: AskGate | None = None) -> dict[str, Decision]:
    return {c: decide(c, rules[c], facts, scores[c], thresholds[c], round, gate) for c in scores}
