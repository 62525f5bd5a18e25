"""The trial-close check: does the candidate ASK the interviewer to commit to moving them forward,
or to voice what stands in the way?

Decided by composing concept classes (lists in `prompts/phrases.toml`). A clause that asks passes
when it has
- a RESERVATION [tc_reservation] whose object is the candidate [tc_candidate] or their advancement
  ("anything in my background that gives you pause?", "anything between us and an offer?"),
- ADVANCEMENT of the candidate as a yes/no ask or request: an advancement verb composed with the
  candidate as object [tc_advance_pair, tc_direction_pair, tc_offer_pair] or a named advancement
  [tc_advance] ("would you be a yes on me?", "can I count on moving to the next step?"),
- the interviewer's JUDGEMENT of the candidate [tc_judgement] ("are you convinced I'm the one for
  this job?"; as a wh-question only [tc_judgement_wh]: "how do I stack up?"),
- or an agreement tag after a fit statement or a hoped-for advancement ("...a fantastic fit. Do you
  agree?", "I'm hoping you'll offer me the job. Will you?").
A reservation about the candidate's own work in the same clause counts as about the candidate
("anything about how I handled the case study that worries you?"), and one about "it" or "that"
after a clause naming their work or what they want [tc_own_work, tc_wanted] ("I want to go
through to the practical, so tell me what would stop that"). The candidate's place in a stage or
list the clause before named, by a pronoun [tc_place_in_it] ("...the final shortlist, and is my
name on it?"), is advancement; so is a place in a choice the clause before named ("how do you
pick who carries on, and would you count me in that pool?"). A reason asked after a condition
supposing a rejection ("if the board decided against me, what would the main reason be?") asks
for the objection. An agreement tag framed by a request counts by its own length ("..., and I'm
curious whether you'd agree").
Vetoed when the reservation is about something else [tc_veto: pay, the role's history, the team,
the product] and no advancement is named. In the final round a close aimed only at another round
[next_round_words without offer_words] does not pass; offer-aimed or round-neutral ones do.
`vetoes`/`vetoed` expose both vetoes to callers (a layer adding positives must respect them).
Each check takes an optional `steps` list and records what it looked at
(`closer.rubric.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.rubric import explain, lexicon, text
from closer.rubric.explain import CONTEXT, EVIDENCE, GATE, LIFT, RESULT, VETO, Step, Trace
from closer.rubric.text import Clause
from closer.types import Round

_ADVANCE = ("tc_advance", "tc_advance_pair", "tc_direction_pair", "tc_offer_pair")
# an agreement tag ("do you agree?", "is that how it looks from your side too?") is at most this
# many words
_TAG_MAX_WORDS = 10


@dataclass(frozen=True)
class TrialClose:
    index: int
    next_round_only: bool  # aims at another round, not at the offer


def advancement(core: str, steps: list[Step] | None = None, role: str = EVIDENCE) -> bool:
    return any(explain.has(steps, name, core, role) for name in _ADVANCE)


def judges_candidate(core: str, steps: list[Step] | None = None) -> bool:
    """A statement or question judging the candidate ("I'm the right fit")."""
    return (explain.has(steps, "tc_judgement", core, EVIDENCE)
            and explain.has(steps, "tc_candidate", core, EVIDENCE))


def _reservation_veto(core: str, advance: bool | None, steps: list[Step] | None) -> bool:
    """The reservation is about pay, the team or the product, and neither an advancement
    (`advance`; None: look it up) nor the candidate is named."""
    if not explain.has(steps, "tc_veto", core, VETO):
        return False
    if advance is None:
        advance = advancement(core)
    if advance:
        return not explain.note(steps, "tc_advance_lifts", True, LIFT)
    return not explain.has(steps, "tc_candidate_strong", core, LIFT)


def vetoes(clause: Clause | str, round: Round = "first") -> tuple[str, ...]:
    """Names of the vetoes that fire on the clause (or its core text): "tc_veto" when a reservation
    is about something other than the candidate (pay, the team, the product) and neither an
    advancement nor the candidate is named; "final_round_next_round" when, in the final round, it
    aims at another round and not at the offer. Empty when nothing vetoes it."""
    core = clause if isinstance(clause, str) else clause.core
    fired: list[str] = []
    if _reservation_veto(core, None, None):
        fired.append("tc_veto")
    if round == "final" and _next_round_only(core):
        fired.append("final_round_next_round")
    return tuple(fired)


def vetoed(clause: Clause | str, round: Round = "first") -> bool:
    """Does any veto fire? A caller may add trial-close positives only where this is False."""
    return bool(vetoes(clause, round))


def is_close(clause: Clause, previous: Clause | None, steps: list[Step] | None = None,
             substantial: Clause | None = None) -> bool:
    """`previous`: the clause before (a lone hedge skipped); `substantial`: the last clause before
    of more than two words (past "and", "sorry": what a pronoun refers to), or None: `previous`."""
    core = clause.core
    if not explain.note(steps, "asks", clause.asks, GATE):
        return False
    advance = advancement(core, steps)
    if _reservation_veto(core, advance, steps):
        return False
    candidate = explain.has(steps, "tc_candidate", core, EVIDENCE)
    own_work = (_about_own_work(core, previous, steps)
                or explain.has(steps, "tc_own_work", core, EVIDENCE))
    if (explain.has(steps, "tc_reservation", _with_frame(clause, previous), EVIDENCE)
            and (candidate or advance or own_work)):
        return True
    if advance and not _wh(clause, steps):
        return True
    if _place_in_stage_before(clause, substantial or previous, steps):
        return True
    if _shortfall_named_before(clause, previous, steps):
        return True
    if judges_candidate(core, steps) and not _wh(clause, steps):
        return True
    if ((candidate or advance) and _wh(clause, steps)
            and explain.has(steps, "tc_judgement_wh", core, EVIDENCE)):
        return True
    return (previous is not None and explain.has(steps, "agreement_tags", core, EVIDENCE)
            and explain.note(steps, "tag_short", len(_tag(core).split()) <= _TAG_MAX_WORDS, GATE)
            and (explain.has(steps, "tc_judgement", previous.core, CONTEXT)
                 or advancement(previous.core, steps, CONTEXT)))


def _tag(core: str) -> str:
    """The agreement tag with a request before it dropped ("i am curious | whether you would
    agree"): the request only frames the tag, so the tag alone must be short."""
    tag = lexicon.find("agreement_tags", core)
    request = lexicon.find("requests", core)
    if tag is None or request is None or request.start() != 0 or request.end() > tag.start():
        return core
    return core[tag.start():]


def _wh(clause: Clause, steps: list[Step] | None) -> bool:
    return explain.note(steps, "wh", clause.wh, EVIDENCE)


def _about_own_work(core: str, previous: Clause | None, steps: list[Step] | None) -> bool:
    """A reservation about "it" right after the candidate named their own work ("...how I did on
    the case study. Anything about it that gives you pause?") or what they want ("I'd like the
    job, and I'd like to know if anything would stop you offering it")."""
    return (previous is not None and explain.has(steps, "tc_anaphor", core, EVIDENCE)
            and (explain.has(steps, "tc_own_work", previous.core, CONTEXT)
                 or explain.has(steps, "tc_wanted", previous.core, CONTEXT)))


def _with_frame(clause: Clause, previous: Clause | None) -> str:
    """The clause read with a time frame put first in its sentence: "Before my name goes to the
    partners, is there anything you'd still need to see from me?" asks "...from me before my name
    goes to the partners", what stands between the candidate and being moved on; "Before I start,
    is there anything you'd need from me?" asks about the first days, no reservation."""
    if previous is None or not text.frames(previous, clause):
        return clause.core
    return f"{clause.core} {previous.core}"


def _shortfall_named_before(clause: Clause, previous: Clause | None,
                            steps: list[Step] | None) -> bool:
    """A wh-question about "it" after a condition in the same sentence naming a shortfall of the
    candidate ("If I'm short of the mark anywhere for this role, where is it?"): the interviewer is
    asked to name the reservation the condition supposed."""
    return (previous is not None and clause.wh and previous.sentence == clause.sentence
            and not previous.asks and previous.core.startswith("if ")
            and explain.has(steps, "tc_anaphor", clause.core, EVIDENCE)
            and explain.has(steps, "tc_reservation", previous.core, CONTEXT)
            and explain.has(steps, "tc_candidate", previous.core, CONTEXT))


def _place_in_stage_before(clause: Clause, previous: Clause | None,
                           steps: list[Step] | None) -> bool:
    """The candidate's place in the stage or list the clause before named ("who makes the call on
    the final shortlist, and is my name on it?", "what comes next, and would I be part of it?"):
    advancement by a pronoun, so only after a clause naming a stage, a list or a selection."""
    return (previous is not None and not _wh(clause, steps)
            and explain.has(steps, "tc_place_in_it", clause.core, EVIDENCE)
            and explain.note(steps, "tc_stage_before", _stage_before(previous.core), CONTEXT))


def _stage_before(core: str) -> bool:
    """Does the clause name a stage, a list or the selection ("the final shortlist", "when will
    you pick people for the trial day", "what comes next", "how do you pick who carries on":
    a choice or the offer, offer_words)?"""
    return any(lexicon.has(name, core)
               for name in ("ns_process", "next_round_words", "ns_timeline", "offer_words"))


def _next_round_only(core: str, steps: list[Step] | None = None) -> bool:
    return (explain.has(steps, "next_round_words", core, EVIDENCE)
            and not explain.has(steps, "offer_words", core, EVIDENCE))


def find(clauses: list[Clause], trace: Trace | None = None) -> TrialClose | None:
    """The best trial-close clause; offer-aimed or neutral ones beat next-round-only ones.
    `trace` records each clause looked at."""
    found: TrialClose | None = None
    prev: Clause | None = None
    substantial: Clause | None = None
    for i, c in enumerate(clauses):
        steps = None if trace is None else trace.steps(i, "trial_close")
        close = is_close(c, prev, steps, substantial)
        next_round_only = close and _next_round_only(c.core, steps)
        if explain.note(steps, "trial_close", close, RESULT):
            tc = TrialClose(i, next_round_only)
            if not tc.next_round_only:
                return tc
            found = found or tc
        if c.core:  # an agreement tag looks past a lone hedge ("..., maybe, would you agree?")
            prev = c
        if len(c.core.split()) > 2:  # "..., and, sorry, would I be part of it?": past "sorry"
            substantial = c
    return found
