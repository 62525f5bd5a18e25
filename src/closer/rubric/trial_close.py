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
("anything about how I handled the case study that worries you?").
Vetoed when the reservation is about something else [tc_veto: pay, the role's history, the team,
the product] and no advancement is named. In the final round a close aimed only at another round
[next_round_words without offer_words] does not pass; offer-aimed or round-neutral ones do.
`vetoes`/`vetoed` expose both vetoes to callers (a layer adding positives must respect them).
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.rubric import lexicon
from closer.rubric.text import Clause
from closer.types import Round

_ADVANCE = ("tc_advance", "tc_advance_pair", "tc_direction_pair", "tc_offer_pair")


@dataclass(frozen=True)
class TrialClose:
    index: int
    next_round_only: bool  # aims at another round, not at the offer


def advancement(core: str) -> bool:
    return any(lexicon.has(name, core) for name in _ADVANCE)


def judges_candidate(core: str) -> bool:
    """A statement or question judging the candidate ("I'm the right fit")."""
    return lexicon.has("tc_judgement", core) and lexicon.has("tc_candidate", core)


def vetoes(clause: Clause | str, round: Round = "first") -> tuple[str, ...]:
    """Names of the vetoes that fire on the clause (or its core text): "tc_veto" when a reservation
    is about something other than the candidate (pay, the team, the product) and neither an
    advancement nor the candidate is named; "final_round_next_round" when, in the final round, it
    aims at another round and not at the offer. Empty when nothing vetoes it."""
    core = clause if isinstance(clause, str) else clause.core
    fired: list[str] = []
    if (lexicon.has("tc_veto", core) and not advancement(core)
            and not lexicon.has("tc_candidate_strong", core)):
        fired.append("tc_veto")
    if round == "final" and _next_round_only(core):
        fired.append("final_round_next_round")
    return tuple(fired)


def vetoed(clause: Clause | str, round: Round = "first") -> bool:
    """Does any veto fire? A caller may add trial-close positives only where this is False."""
    return bool(vetoes(clause, round))


def is_close(clause: Clause, previous: Clause | None) -> bool:
    core = clause.core
    if not clause.asks:
        return False
    advance = advancement(core)
    if "tc_veto" in vetoes(core):
        return False
    candidate = lexicon.has("tc_candidate", core)
    own_work = _about_own_work(core, previous) or lexicon.has("tc_own_work", core)
    if lexicon.has("tc_reservation", core) and (candidate or advance or own_work):
        return True
    if advance and not clause.wh:
        return True
    if judges_candidate(core) and not clause.wh:
        return True
    if (candidate or advance) and clause.wh and lexicon.has("tc_judgement_wh", core):
        return True
    return (previous is not None and lexicon.has("agreement_tags", core)
            and len(core.split()) <= 8
            and (lexicon.has("tc_judgement", previous.core) or advancement(previous.core)))


def _about_own_work(core: str, previous: Clause | None) -> bool:
    """A reservation about "it" right after the candidate named their own work ("...how I did on
    the case study. Anything about it that gives you pause?")."""
    return (previous is not None and lexicon.has("tc_anaphor", core)
            and lexicon.has("tc_own_work", previous.core))


def _next_round_only(core: str) -> bool:
    return lexicon.has("next_round_words", core) and not lexicon.has("offer_words", core)


def find(clauses: list[Clause]) -> TrialClose | None:
    """The best trial-close clause; offer-aimed or neutral ones beat next-round-only ones."""
    found: TrialClose | None = None
    prev: Clause | None = None
    for i, c in enumerate(clauses):
        if is_close(c, prev):
            tc = TrialClose(i, _next_round_only(c.core))
            if not tc.next_round_only:
                return tc
            found = found or tc
        if c.core:  # an agreement tag looks past a lone hedge ("..., maybe, would you agree?")
            prev = c
    return found
