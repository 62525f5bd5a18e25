"""The next-step check: does the candidate ASK what happens next in the hiring process?

Decided by composing concept classes (lists in `prompts/phrases.toml`):
    ask AND (forward-in-time [ns_forward] + hiring-process [ns_process] OR timeline [ns_timeline])
and vetoed by what the forward concept is about: a product, project or other non-hiring subject
[ns_veto] unless a hiring word [ns_hiring] is also there; onboarding, the first days or a career
step [ns_veto_strong] always. A yes/no ask to be moved forward ("can I count on moving to the next
step?") is a trial close, not a question about the process. A short follow-up ask ("when's
that?") counts when the clause before named a stage [ns_followup].
`vetoes`/`vetoed` expose the vetoes to callers (a layer adding positives must respect them).
"""

from __future__ import annotations

from closer.rubric import lexicon, trial_close
from closer.rubric.text import Clause

# Vetoes that hold whatever else the clause says; ns_veto yields to a hiring word [ns_hiring].
STRONG_VETOES = ("ns_veto_strong", "ns_veto_step_for", "ns_veto_next_for", "ns_veto_decision_on")


def about_process(core: str) -> bool:
    """Does the text name the hiring process going forward (regardless of asking)?"""
    if lexicon.has("ns_timeline", core):
        return True
    return lexicon.has("ns_forward", core) and lexicon.has("ns_process", core)


def vetoes(clause: Clause | str) -> tuple[str, ...]:
    """Names of the veto concepts that fire on the clause (or its core text): the forward concept
    is about something other than the hiring. Empty when nothing vetoes it."""
    core = clause if isinstance(clause, str) else clause.core
    fired = [name for name in STRONG_VETOES if lexicon.has(name, core)]
    if lexicon.has("ns_veto", core) and not lexicon.has("ns_hiring", core):
        fired.append("ns_veto")
    return tuple(fired)


def vetoed(clause: Clause | str) -> bool:
    """Does any veto fire? A caller may add next-step positives only where this is False."""
    return bool(vetoes(clause))


def names_stage(core: str) -> bool:
    """Does the text name a stage of the hiring, even in a trial close ("...the final round")?"""
    return any(lexicon.has(name, core) for name in ("ns_process", "next_round_words"))


def is_next_step(clause: Clause, previous: Clause | None = None) -> bool:
    """An ask about the process; or a short follow-up ask ("when's that?") about a stage the
    previous clause named."""
    core = clause.core
    if not clause.asks or vetoed(core):
        return False
    if not about_process(core):
        if previous is not None and _process_frame(previous):
            return not trial_close.is_close(clause, None)
        return (previous is not None and names_stage(previous.core)
                and lexicon.pattern("ns_followup", anchored=True).match(core) is not None)
    return not trial_close.is_close(clause, None)


def _process_frame(clause: Clause) -> bool:
    """A time clause about the process framing the ask after it ("when I hear back, will it be
    from you or the recruiter?"); the ask is about that process unless it is a trial close."""
    return (not clause.asks and not vetoed(clause.core) and about_process(clause.core)
            and lexicon.pattern("subordinate_frame", anchored=True).match(clause.core) is not None)


def mentions_next_step(clause: Clause) -> bool:
    """A statement naming the next steps without asking ("I look forward to the next steps.")."""
    return not clause.asks and about_process(clause.core) and not vetoed(clause.core)


def find(clauses: list[Clause]) -> int | None:
    """Index of the first next-step clause, or None."""
    for i, c in enumerate(clauses):
        # the last two substantial clauses ("if", "so", "ok" are skipped); one naming a stage wins
        # over a tag between ("the next step is a test, is that right, and what does it involve")
        recent = [p for p in reversed(clauses[max(0, i - 4):i]) if len(p.core.split()) > 2][:2]
        prev = next((p for p in recent if names_stage(p.core)), recent[0] if recent else None)
        if is_next_step(c, prev):
            return i
    return None
