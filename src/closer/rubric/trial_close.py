"""The trial-close check: does the candidate ASK the interviewer to commit to moving them forward,
or to voice what stands in the way?

A clause passes when it asks and either
- names a reservation (any reason, concerns, hesitations, anything that would keep you from...)
  about the candidate or their advancement,
- asks for the advancement itself as a yes/no question ("can I count on moving to the next step?"),
- asks the interviewer to judge the candidate ("have I convinced you...", "can you see me being
  successful here?", or "...a fantastic fit. Do you agree?").
Reservations about pay, the role's history, the team or the product do not count. In the final
round a close aimed only at "the next round" does not pass; offer-aimed or round-neutral ones do.
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.rubric import lexicon
from closer.rubric.text import Clause


@dataclass(frozen=True)
class TrialClose:
    index: int
    next_round_only: bool  # aims at another round, not at the offer


def _about_candidate(core: str) -> bool:
    return lexicon.has("candidate_subject", core) or lexicon.has("advancement", core)


def is_close(clause: Clause, previous: Clause | None) -> bool:
    core = clause.core
    if not clause.asks:
        return False
    excluded = lexicon.has("trial_close_exclusions", core) and not lexicon.has("advancement", core)
    if excluded:
        return False
    if lexicon.has("reservations", core) and _about_candidate(core):
        return True
    if lexicon.has("advancement", core) and not clause.wh:
        return True
    if lexicon.has("evaluation", core) and _about_candidate(core):
        return True
    if lexicon.has("success", core) and _about_candidate(core) and not clause.wh:
        return True
    return (previous is not None and lexicon.has("agreement_tags", core)
            and len(core.split()) <= 8 and lexicon.has("evaluation", previous.core))


def _next_round_only(core: str) -> bool:
    return lexicon.has("next_round_words", core) and not lexicon.has("offer_words", core)


def find(clauses: list[Clause]) -> TrialClose | None:
    """The best trial-close clause; offer-aimed or neutral ones beat next-round-only ones."""
    found: TrialClose | None = None
    for i, c in enumerate(clauses):
        prev = clauses[i - 1] if i else None
        if is_close(c, prev):
            tc = TrialClose(i, _next_round_only(c.core))
            if not tc.next_round_only:
                return tc
            found = found or tc
    return found
