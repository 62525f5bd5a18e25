"""A stronger close, in the candidate's own words: `stronger_close(text, verdict)`.

A pure function of the transcript and its verdict. It keeps the candidate's words where they
worked and changes only what did not:
- KEPT: the clause that passed the next-step check, the clause(s) that passed the trial close (the
  verdict's `CheckResult.evidence`, matched to `text.clauses`), and the candidate's other clauses
  (thanks, statements of substance, other questions), in their order, before the two asks.
- DROPPED, word by word: what the tone check counts as weak language, read over the whole close
  (`closer.rubric.weak_words`) with its own lexicon (`tone.MARKER_LISTS`: fillers, hedges,
  apologies, permission). Where self-deprecation or a hesitant sentence (`tone.HESITANCY_KINDS`:
  worry about how it went, backing down, a disclaimer, a way out) is heard, its stretch between
  commas goes (in a statement, up to the next joiner: "it's totally your call, of course" goes
  whole); so do a clause of only sign-offs and the joiners ("and", "so") that start a sentence.
- TURNED: in the final round, a trial close aimed only at another round is aimed at the offer in
  the candidate's words ("...from sending me to the next stage?" -> "...from offering me the
  job?", `prompts/rewrite.toml` [[to_the_offer]]).
- ADDED, in the seeds' order: the next-step question, then the trial close for this round, when
  the close lacked them: the round's model lines (`prompts/model_lines.toml`), or the lines given
  (`next_step_line`, `trial_close_line`: a scenario's own wording).
The result is checked with the rules (`closer.rubric.evaluate`, no semantic fallback): where the
candidate's own words, cleaned and moved, no longer pass, it tries them less cleaned, then puts
the model line in their place, so a stronger close always passes all three checks in order.

A close that already passes everything comes back cleaned and in order: usually the original,
without any single filler or hedge the tone check let through.

`content_words(text)` (`closer.rubric.weak_words`): the set of normalised words (lower case,
contractions expanded) that are not function words (`prompts/rewrite.toml`) and not weak language
as the rewrite reads it (a marker's or a sign-off's words; the stretch of self-deprecation or of a
hesitant sentence). A close "asked anything" (`asked_anything`) when any clause of it asks
(`Clause.asks`).
A stronger close keeps at least half of the content words of any close that asked anything
(`kept_share`; tested over the whole labelled corpus).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from closer.rubric import lexicon
from closer.rubric.text import Clause, clauses, normalise
from closer.rubric.verdict import evaluate
from closer.rubric.weak_words import (
    LIGHT_LISTS,
    PUNCT_END,
    WEAK_LISTS,
    WHOLE_STRETCH_LISTS,
    Said,
    content_words,
    table,
)
from closer.types import Round, Transcript, Verdict

_LOGGER = logging.getLogger(__name__)

_LEFT_REQUEST = re.compile(r"^(if )?you (could|would|can|might|will) (.+)$", re.IGNORECASE)
_ASKED_AGAIN = re.compile(r"^(could|would|can|might|will) you\b", re.IGNORECASE)
_FOLLOW_UP = 3  # words: a clause this short goes on the sentence before it ("and when?")
_PRONOUN_I = re.compile(r"(?<![\w'])i(?=(?:'|\u2019)(?:m|d|ll|ve)\b|(?![\w']))")


@dataclass(frozen=True)
class _Unit:
    """A piece of the rewrite: the words, whether it asks, and the clauses of the close it came
    from (`first`..`last`, in `sentence`; -1 for a line the rewrite adds)."""

    text: str
    asks: bool
    first: int = -1
    last: int = -1
    sentence: int = -1
    end: str = ""  # the end mark the candidate gave it (".", "?", "!"), if any


# --- which words worked ------------------------------------------------------------------------

def _evidence_indices(cl: Sequence[Clause], evidence: str | None,
                      taken: Iterable[int] = ()) -> list[int]:
    """The clause(s) whose words are the evidence: one clause, or a statement and the tag after it
    ("...a fantastic fit. Do you agree?", as `verdict` joins them)."""
    if not evidence:
        return []
    taken = set(taken)
    for j, c in enumerate(cl):
        if c.raw == evidence and j not in taken:
            return [j]
    for j, c in enumerate(cl):
        if evidence.endswith(" " + c.raw):
            rest = evidence[: -len(c.raw) - 1]
            k = next((k for k in range(j - 1, -1, -1) if cl[k].raw == rest), None)
            if k is not None:
                return [k, j]
    return next(([j] for j, c in enumerate(cl) if c.raw == evidence), [])


def _groups(cl: Sequence[Clause]) -> list[list[int]]:
    """Clauses as the rewrite moves them: a frame that ends in a comma or colon ("based on what we
    talked about today,", "um,") goes with the ask after it in its sentence, a short follow-up
    ("and when?") with the clause before it."""
    frame = [False] * len(cl)
    for j in range(len(cl) - 2, -1, -1):  # from the end: a frame may lead into another
        c, after = cl[j], cl[j + 1]
        frame[j] = (not c.asks and c.raw.rstrip().endswith((",", ":"))
                    and after.sentence == c.sentence and (after.asks or frame[j + 1]))
    out: list[list[int]] = []
    pending: list[int] = []
    for j, c in enumerate(cl):
        follow_up = (out and not pending and cl[j - 1].sentence == c.sentence
                     and len(c.text.split()) <= _FOLLOW_UP)
        if follow_up:  # "who decides..., | and when?": goes with the clause before
            out[-1].append(j)
            continue
        pending.append(j)
        if not frame[j]:
            out.append(pending)
            pending = []
    return out


def _has_substance(text: str) -> bool:
    """Something besides sign-offs and fillers ("thanks for your time": yes; "okay, cool": no)."""
    norm = normalise(text)
    if re.search(r"\bthank", norm):
        return True
    for name in ("sign_off", "noise"):
        norm = lexicon.pattern(name).sub(" ", norm)
    return bool(norm.split())


@functools.cache
def _offer_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    data = table()
    another = f"(?P<round>(?:{data['next_round']}){data['round_tail']})"
    return tuple((re.compile(rule["pattern"].replace("{round}{tail}", another), re.IGNORECASE),
                  rule["replace"]) for rule in data["to_the_offer"])


def _turn(text: str) -> tuple[str, str] | None:
    """(the ask aimed at the offer, the other round it named) or None when no rule fits."""
    for regex, replace in _offer_rules():
        m = regex.search(text)
        if m:
            return text[:m.start()] + replace + text[m.end():], m.group("round")
    return None


def to_the_offer(text: str) -> str | None:
    """A trial close aimed at another round, aimed at the offer in its own words (None: no rule
    fits)."""
    turned = _turn(text)
    return turned[0] if turned else None


def round_questions(text: str) -> list[str]:
    """The other round a final-round trial close named, asked about as the next step, with whom
    it is and without ("...to the next round with the partners?" -> "Will there be a next round
    with the partners?", "Will there be a next round?")."""
    for regex, _ in _offer_rules():
        m = regex.search(text)
        if m:
            break
    else:
        return []
    named = re.sub(r"^(the|your) ", "a ", m.group("round").strip(), flags=re.IGNORECASE)
    bare = re.sub(rf"(?:{table()['round_tail']})$", "", named, flags=re.IGNORECASE).strip()
    who = m.groupdict().get("who")
    ask = str(table()["next_round_question"])
    full = f"{bare} with {who}" if who and " with " not in named else named
    return list(dict.fromkeys(ask.format(round=r) for r in (full, named, bare) if r))


# --- putting it together -----------------------------------------------------------------------

def _start(text: str) -> str:
    """A sentence's start: no joiner ("and", "so"), a request left behind by a dropped hedge asked
    again ("[I was wondering if] you could walk me through" -> "could you walk me through"), the
    first letter up."""
    words = text.split()
    joiners = set(table()["connectors"])
    while len(words) > 1 and normalise(words[0]) in joiners:
        words = words[1:]
    text = " ".join(words).lstrip(" ,;:")
    m = _LEFT_REQUEST.match(text)
    text = f"{m.group(2)} you {m.group(3)}" if m else text
    return text[:1].upper() + text[1:]


def _render(units: Sequence[_Unit]) -> str:
    """The units as sentences; a unit that goes on from the clause before it in the same sentence
    of the close, after a comma or as a short follow-up, stays in it ("who decides, | and
    when?")."""
    pieces: list[list[_Unit]] = []
    for u in units:
        prev = pieces[-1][-1] if pieces else None
        if (prev is not None and prev.last >= 0 and u.first == prev.last + 1
                and u.sentence == prev.sentence
                and (prev.text.endswith((",", ";", ":")) or len(u.text.split()) <= _FOLLOW_UP)):
            pieces[-1].append(u)
        else:
            pieces.append([u])
    out = []
    for piece in pieces:
        text = _PRONOUN_I.sub("I", " ".join(u.text for u in piece))
        text = PUNCT_END.sub("", _start(text)).strip()
        if not text:
            continue
        said_end = piece[-1].end
        if said_end == "?" and not piece[-1].asks:
            said_end = "."  # "I've shown you I can do it, maybe?": an uncertain rise, dropped
        if _ASKED_AGAIN.match(text):  # "[I was wondering if] you could..." asked again
            said_end = "?"
        out.append(text + (said_end or ("?" if piece[-1].asks else ".")))
    return " ".join(out)


def _in_order(units: Iterable[_Unit]) -> list[_Unit]:
    return sorted(units, key=lambda u: (u.first < 0, u.first))


def _checks(text: str, round: Round) -> dict[str, bool]:
    v = evaluate(Transcript(text), round)
    return {name: c.passed for name, c in v.checks.items()}


def _sort_asks(others: Sequence[_Unit], round: Round
               ) -> tuple[list[_Unit], list[_Unit], list[_Unit]]:
    """(the other clauses, the further next-step questions, the further trial closes): an ask the
    rules read as one of the two goes with them, so the next-step questions come before the trial
    closes whatever order they were said in."""
    rest: list[_Unit] = []
    ns_more: list[_Unit] = []
    tc_more: list[_Unit] = []
    for u in others:
        found = _checks(_render([u]), round) if u.asks else {}
        (tc_more if found.get("trial_close") else ns_more if found.get("next_step")
         else rest).append(u)
    return rest, ns_more, tc_more


def _passes(text: str, round: Round) -> bool:
    """All three checks pass by the rules alone, the next-step question first."""
    v = evaluate(Transcript(text), round)
    return v.passed and v.order_ok is not False


def stronger_close(transcript_text: str, verdict: Verdict, *, next_step_line: str | None = None,
                   trial_close_line: str | None = None) -> str:
    """The candidate's close made stronger (see the module docstring): their own words that worked,
    cleaned, in the seeds' order, with what was missing added. `next_step_line` and
    `trial_close_line` word the added asks (a scenario's); None: the round's model lines."""
    round = verdict.round
    lines = lexicon.model_lines()[round]
    plain = {"ns": [_Unit(lines["next_step"], True)], "tc": [_Unit(lines["trial_close"], True)]}
    model = {"ns": [_Unit(next_step_line, True)] if next_step_line else plain["ns"],
             "tc": [_Unit(trial_close_line, True)] if trial_close_line else plain["tc"]}
    cl = clauses(transcript_text or "")
    said = Said.of(cl)
    ns, tc = verdict.checks["next_step"], verdict.checks["trial_close"]
    ns_at = _evidence_indices(cl, ns.evidence) if ns.passed else []
    tc_at = _evidence_indices(cl, tc.evidence, ns_at) if tc.passed else []
    turn_at: list[int] = []  # a final-round ask for another round, to turn to the offer
    if not tc.passed and round == "final":
        turn_at = [j for j in _evidence_indices(cl, tc.evidence, ns_at) if cl[j].asks]
    groups = _groups(cl)
    tc_groups = [g for g in groups if set(g) & set(tc_at + turn_at)]
    ns_groups = [g for g in groups if set(g) & set(ns_at) and g not in tc_groups]
    other_groups = [g for g in groups if g not in ns_groups and g not in tc_groups]
    cleanings = {"full": said.drop(WEAK_LISTS, WHOLE_STRETCH_LISTS, [c.asks for c in cl]),
                 "light": said.drop(LIGHT_LISTS), "none": set()}

    def units(gs: Sequence[list[int]], how: str, turn: bool = False) -> list[_Unit]:
        out = []
        for g in gs:
            text = said.words(g, cleanings[how])
            if turn and set(g) & set(turn_at):
                text = to_the_offer(text) or ""
            if text and _has_substance(text):
                end = cl[g[-1]].raw.rstrip()[-1:]
                out.append(_Unit(text, cl[g[-1]].asks, g[0], g[-1], cl[g[0]].sentence,
                                 end if end in (".", "?", "!") else ""))
        return out

    # a final-round ask for another round: that round, asked about as the next step
    round_ns = next(([_Unit(q, True)] for j in turn_at for q in round_questions(cl[j].raw)
                     if _checks(q, round)["next_step"]), [])
    others, ns_more, tc_more = _sort_asks(units(other_groups, "full"), round)
    statements = [u for u in others if not u.asks]
    ns_more += round_ns
    own = {how: (_in_order(units(ns_groups, how) + ns_more) or model["ns"],
                 _in_order(units(tc_groups, how, True) + tc_more) or model["tc"])
           for how in cleanings}
    ns_kept = [u for u in units(ns_groups, "full")]  # the candidate's next-step words, as others
    tc_kept = [u for u in units(tc_groups, "full") if not set(range(u.first, u.last + 1))
               & set(turn_at)]
    # the candidate's words cleaned, less cleaned, as said; then the model line after them, then
    # in their place
    attempts = [(others, *own["full"]), (others, *own["light"]), (others, *own["none"]),
                (_in_order(others + ns_kept), model["ns"], own["full"][1]),
                (_in_order(others + tc_kept), own["full"][0], model["tc"]),
                (others, own["full"][0], model["tc"]), (others, model["ns"], own["full"][1]),
                (_in_order(others + ns_kept + tc_kept), model["ns"], model["tc"]),
                (others, model["ns"], model["tc"]), (statements, model["ns"], model["tc"])]
    if model != plain:  # a scenario's line that does not pass gives way to the round's
        attempts += [(a, plain["ns"] if n is model["ns"] else n,
                      plain["tc"] if t is model["tc"] else t) for a, n, t in attempts]
    for before, ns_units, tc_units in attempts:
        text = _render([*before, *ns_units, *tc_units])
        if _passes(text, round):
            return text
    _LOGGER.debug("stronger close: only the model lines pass for %r", transcript_text)
    return _render([*plain["ns"], *plain["tc"]])


# --- the measures of a rewrite (docstring; tests) ----------------------------------------------

def asked_anything(text: str) -> bool:
    return any(c.asks for c in clauses(text))


def kept_share(original: str, rewrite: str) -> float:
    """The share of the original's content words that the rewrite keeps (1.0 when it has none)."""
    words = content_words(original)
    return len(words & content_words(rewrite)) / len(words) if words else 1.0
