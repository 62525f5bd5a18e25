"""What the rule rubric says about each clause of a close (read-only use of `closer.rubric`).

The semantic layer embeds the same clauses the rules see (`closer.rubric.text.clauses`, the core
without lead-ins and fillers) and may only add a pass where the rules' vetoes stay silent:
- next_step veto: the forward concept is about a product/project/onboarding/career or the ask's
  target is something else, read with the clause it follows on from (`next_step.vetoed`,
  `next_step.context`), or the clause is a yes/no ask to be moved forward (a trial close);
- trial_close veto: the reservation is about pay, the role's history, the team or the product
  (`trial_close.vetoes` "tc_veto"); in the final round, an ask aimed only at another round
  ("final_round_next_round", kept as `next_round_only` and applied by `hybrid.decide`).
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.rubric import next_step, trial_close
from closer.rubric.text import Clause, clauses
from closer.types import Round


@dataclass(frozen=True)
class ClauseFacts:
    """One clause: the text to embed and the rules' view of it."""

    text: str
    asks: bool
    ns_rule: bool
    tc_rule: bool
    ns_veto: bool
    tc_veto: bool
    next_round_only: bool  # names another round and no offer/hiring decision


def facts_of(cl: list[Clause]) -> list[ClauseFacts]:
    out: list[ClauseFacts] = []
    prev: Clause | None = None
    substantial: Clause | None = None  # as trial_close.find reads the clause before
    for i, c in enumerate(cl):
        tc = trial_close.is_close(c, prev, None, substantial)
        out.append(ClauseFacts(
            text=c.core or c.text,
            asks=c.asks,
            ns_rule=next_step.is_next_step(c),
            tc_rule=tc,
            ns_veto=(next_step.vetoed(c, next_step.context(cl, i))
                     or trial_close.is_close(c, None)),
            tc_veto="tc_veto" in trial_close.vetoes(c),
            next_round_only="final_round_next_round" in trial_close.vetoes(c, "final"),
        ))
        if c.core:
            prev = c
        if len(c.core.split()) > 2:
            substantial = c
    return out


def clause_facts(text: str, round: Round = "first") -> list[ClauseFacts]:
    """The rubric's clauses of `text` with the rules' view of each (`round` kept for symmetry
    with `evaluate`; the round rule is applied in `hybrid.decide`)."""
    del round
    return facts_of(clauses(text))
