"""The hybrid decision, pure: a check passes when the rules pass it, or when some clause that
asks, that no rule veto touches, scores at or above the check's threshold. In the final round a
semantic trial close aimed only at another round does not pass (the rubric's round rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from closer.rubric_semantic.facts import ClauseFacts
from closer.types import Round


@dataclass(frozen=True)
class Decision:
    """passed: the hybrid result; semantic_index: the clause the semantic layer added (or None
    when the rules decided)."""

    passed: bool
    semantic_index: int | None = None
    score: float | None = None


def _eligible(check: str, f: ClauseFacts, round: Round) -> bool:
    if not f.asks:
        return False
    if check == "next_step":
        return not f.ns_veto and not f.tc_rule
    if f.tc_veto:
        return False
    return not (round == "final" and f.next_round_only)


def decide(check: str, rules_passed: bool, facts: Sequence[ClauseFacts],
           scores: Sequence[float], threshold: float, round: Round = "first") -> Decision:
    """`scores[i]` is the semantic score of clause i for `check` ("next_step" or
    "trial_close")."""
    if rules_passed:
        return Decision(True)
    best: tuple[float, int] | None = None
    for i, (f, s) in enumerate(zip(facts, scores, strict=True)):
        if s >= threshold and _eligible(check, f, round) and (best is None or s > best[0]):
            best = (float(s), i)
    if best is None:
        return Decision(False)
    return Decision(True, best[1], best[0])


def decide_all(rules: Mapping[str, bool], facts: Sequence[ClauseFacts],
               scores: Mapping[str, Sequence[float]], thresholds: Mapping[str, float],
               round: Round = "first") -> dict[str, Decision]:
    return {c: decide(c, rules[c], facts, scores[c], thresholds[c], round) for c in scores}
