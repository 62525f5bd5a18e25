"""Clause examples from labelled closes, chosen by the rubric itself.

For each labelled close (rows as in tests/data/*.jsonl):
- next_step positives: the clauses the rules pass as next-step in a close labelled next_step;
  negatives: asking clauses of closes labelled not next_step, and trial-close clauses.
- trial_close positives: the clauses the rules pass as a trial close in any close (a final-round
  ask aimed at the next round is still a trial close; the round rule is applied later);
  negatives: asking clauses of closes labelled not trial_close that the rules do not pass, and
  next-step clauses.
- with `other_asks`, every other asking clause the rules do not pass (questions about the team,
  the role...) is a negative too, in positive closes as well: on the training files the rules
  find every positive, so such a clause is a bystander.
- with `statements`, clauses that do not ask (by the rules) are negatives for both checks, so the
  classifier itself learns that "I look forward to the next steps" asks nothing (needed when a
  very sure score may stand in for the rules' ask, `hybrid.AskGate.sure`).
A clause whose rule verdict disagrees with its close's label is left out (no guessing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from closer.rubric.semantic.facts import clause_facts


@dataclass(frozen=True)
class Example:
    close_id: str
    check: str
    text: str
    label: bool


def examples(rows: Iterable[dict], other_asks: bool = True,
             statements: bool = False) -> list[Example]:
    """`other_asks`: also take the asking clauses the rules do not pass in closes labelled
    positive (other questions said next to the genuine ask) as negatives; `statements`: also the
    clauses that do not ask."""
    out: list[Example] = []
    for row in rows:
        facts = clause_facts(row["text"], row["round"])
        ns_gold, tc_gold = bool(row["next_step"]), bool(row["trial_close"])
        for f in facts:
            if not f.asks:
                if statements and f.text:
                    out.extend(Example(row["id"], c, f.text, False)
                               for c in ("next_step", "trial_close"))
                continue
            if f.ns_rule and ns_gold:
                out.append(Example(row["id"], "next_step", f.text, True))
            elif f.tc_rule or (not f.ns_rule and (other_asks or not ns_gold)):
                out.append(Example(row["id"], "next_step", f.text, False))
            if f.tc_rule and (tc_gold or (row["round"] == "final" and f.next_round_only)):
                out.append(Example(row["id"], "trial_close", f.text, True))
            elif f.ns_rule or (not f.tc_rule and (other_asks or not tc_gold)):
                out.append(Example(row["id"], "trial_close", f.text, False))
    return out
