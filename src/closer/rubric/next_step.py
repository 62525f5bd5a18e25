"""The next-step check: does the candidate ASK what happens next in the hiring process?

Decided by composing concept classes (lists in `prompts/phrases.toml`):
    ask AND (forward-in-time [ns_forward] + hiring-process [ns_process] OR timeline [ns_timeline])
and vetoed by what the forward concept is about: a product, project or other non-hiring subject
[ns_veto] unless a hiring word [ns_hiring] is also there; onboarding, the first days or a career
step [ns_veto_strong] always. A yes/no ask to be moved forward ("can I count on moving to the next
step?") is a trial close, not a question about the process.
"""

from __future__ import annotations

from closer.rubric import lexicon, trial_close
from closer.rubric.text import Clause


def about_process(core: str) -> bool:
    """Does the text name the hiring process going forward (regardless of asking)?"""
    if lexicon.has("ns_timeline", core):
        return True
    return lexicon.has("ns_forward", core) and lexicon.has("ns_process", core)


def vetoed(core: str) -> bool:
    if lexicon.has("ns_veto_strong", core):
        return True
    return lexicon.has("ns_veto", core) and not lexicon.has("ns_hiring", core)


def is_next_step(clause: Clause) -> bool:
    core = clause.core
    if not clause.asks or not about_process(core) or vetoed(core):
        return False
    return not trial_close.is_close(clause, None)


def mentions_next_step(clause: Clause) -> bool:
    """A statement naming the next steps without asking ("I look forward to the next steps.")."""
    return not clause.asks and about_process(clause.core) and not vetoed(clause.core)


def find(clauses: list[Clause]) -> int | None:
    """Index of the first next-step clause, or None."""
    for i, c in enumerate(clauses):
        if is_next_step(c):
            return i
    return None
