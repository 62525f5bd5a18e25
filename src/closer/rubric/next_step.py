"""The next-step check: does the candidate ASK what happens next in the hiring process?

A clause passes when it asks (question or request) and its subject is the hiring process moving
on (next step/round/stage, timeline, hearing back, who they would meet next, "where do we go from
here"), unless the context is a product, project, onboarding or a career step, or the clause is a
yes/no request to be moved forward (that is the trial close, not a question about the process).
"""

from __future__ import annotations

from closer.rubric import lexicon, trial_close
from closer.rubric.text import Clause


def is_next_step(clause: Clause) -> bool:
    core = clause.core
    if not clause.asks or not lexicon.has("next_step_topics", core):
        return False
    if lexicon.has("next_step_strong_exclusions", core):
        return False
    if lexicon.has("next_step_exclusions", core) and not lexicon.has("next_step_hiring_words",
                                                                        core):
        return False
    # "can I count on moving to the next step?" asks for a commitment, not about the process
    return not trial_close.is_close(clause, None)


def mentions_next_step(clause: Clause) -> bool:
    """A statement naming the next steps without asking ("I look forward to the next steps.")."""
    return not clause.asks and lexicon.has("next_step_topics", clause.core)


def find(clauses: list[Clause]) -> int | None:
    """Index of the first next-step clause, or None."""
    for i, c in enumerate(clauses):
        if is_next_step(c):
            return i
    return None
