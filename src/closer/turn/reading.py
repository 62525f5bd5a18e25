"""What the running transcript does so far, read with the rubric's own clause analysis.

The candidate is there to ask two questions, so the words say most about whether they are done:
an answer that has asked nothing yet is rarely over; one whose last clause is a finished ask
(the next-step question, the trial close) usually is. Whisper's punctuation of half an answer is
a guess ("that." where the voice said "that,"), so a full stop never counts as evidence that a
clause is finished: dangling last words, short openers ("So given all of that.") and questions
cut before their verb ("What does the next step") are recognised from the words alone.
Word lists live in `prompts/turn.toml`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from closer import prompts

EndKind = Literal["finished_ask", "open", "statement", "empty"]
AskKind = Literal["trial_close", "next_step", "other"]

_WORD_RE = re.compile(r"[a-z0-9']+")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Reading:
    """What the words so far say about the end of the turn."""

    end: EndKind  # how the last clause reads
    ask: AskKind | None  # what the last clause asks, when end == "finished_ask"
    asked: bool  # a next-step question or a trial close was asked somewhere so far
    trial_close: bool  # the trial close was made somewhere so far
    why: str  # a few words for logs and tests ("dangling last word 'and'")
    # a finished ask whose last word usually takes a destination ("...putting me forward" [pause]
    # "to the hiring manager?"): the word, else None
    awaits: str | None = None


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text.lower().replace("’", "'"))


_WH = frozenset({"what", "how", "when", "where", "who", "which", "why", "whom"})
_LEAD_INS = frozenset({"and", "so", "okay", "ok", "also", "then", "but", "well"})


@functools.cache
def _set(key: str) -> frozenset[str]:
    return frozenset(str(w) for w in prompts.load("turn")[key])


def lacks_verb(words: list[str]) -> bool:
    """A question opened by an auxiliary ("what does", "when would", "do you") whose main verb
    has not come yet: "what does the next step" waits for "look like"."""
    aux, verbs = _set("question_auxiliaries"), _set("question_verbs")
    opens = [j for j, w in enumerate(words) if w in aux and (
        j == 0 or words[j - 1] in _WH | _LEAD_INS or (j >= 2 and words[j - 2] in _WH))]
    if not opens:
        return False
    rest = words[opens[-1] + 1:]
    return not any(w in verbs or w.endswith(("ing", "ed")) for w in rest[1:])


def opens_frame(text: str) -> bool:
    """Does the last sentence of `text` open with a frame ("So given all of that", "Based on
    today") that waits for its main clause?"""
    last = _words(_SENTENCE_RE.split(text.strip())[-1])
    joined = " ".join(last)
    max_words = int(prompts.load("turn")["dangling_opener_max_words"])
    return len(last) <= max_words and any(
        joined == op or joined.startswith(op + " ") for op in _set("dangling_openers"))


def open_reason(text: str, last_clause_asks: bool = False) -> str | None:
    """Why the last clause of `text` is still going, or None when it reads as finished.

    A short opener ("Based on today.") is a clause waiting for its main part only when nothing
    in it asks: "And what are the next steps?" and "Based on today, any concerns?" are done."""
    stripped = text.strip().strip("\"'”“").rstrip()
    words = _words(stripped)
    if not words:
        return "nothing said"
    if " ".join(words) in _set("pleasantries"):
        return "only a pleasantry so far"
    if stripped.endswith(("...", "…", ",", "-", "—", ";", ":")):
        return "trailing punctuation"
    if words[-1] in _set("dangling_last_words") or (
            words[-1] in _set("open_unless_asked") and not stripped.endswith("?")):
        return f"dangling last word {words[-1]!r}"
    if not last_clause_asks and opens_frame(stripped):
        return "a short opening clause"
    if lacks_verb(_words(_SENTENCE_RE.split(stripped)[-1])):
        return "a question cut before its verb"
    return None


def read(text: str) -> Reading:
    """Read the running transcript `text` (pure; the rubric's clause analysis decides asks)."""
    from closer.rubric import next_step, trial_close
    from closer.rubric.text import clauses

    if not _words(text):
        return Reading("empty", None, False, False, "nothing said")
    cl = [c for c in clauses(text) if c.core]
    made_close = trial_close.find(cl) is not None
    asked = made_close or next_step.find(cl) is not None
    why = open_reason(text, bool(cl) and cl[-1].asks)
    if why is not None or not cl:
        return Reading("open", None, asked, made_close, why or "no clause")
    last, prev = cl[-1], (cl[-2] if len(cl) > 1 else None)
    tail = _words(text)[-1]
    awaits = tail if tail in _set("destination_words") else None
    if trial_close.is_close(last, prev):
        return Reading("finished_ask", "trial_close", True, True, "ends with a trial close",
                       awaits)
    if last.asks and next_step.is_next_step(last, prev):
        return Reading("finished_ask", "next_step", True, made_close, "ends with the next step",
                       awaits)
    if last.asks:
        return Reading("finished_ask", "other", asked, made_close, "ends with a question")
    return Reading("statement", None, asked, made_close, "ends with a statement")
