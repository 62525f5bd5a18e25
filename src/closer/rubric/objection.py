"""`evaluate_objection_reply`: after the trial close the interviewer raises an objection and the
candidate gets one answer. It passes when the answer

1. addresses the objection: a statement of some substance that refers to the objection's subject
   (a content word of the objection, or a word of the same topic from `[objection_topics]`, e.g.
   "far from the office" -> commute, relocate, hybrid), and
2. closes again: asks whether that resolves the concern, or asks again to move forward (any
   trial close counts).
"""

from __future__ import annotations

import re

from closer.rubric import lexicon, trial_close
from closer.rubric.text import Clause, clauses, normalise
from closer.types import CheckResult, Round, Transcript

_MIN_ANSWER_WORDS = 5  # words in the addressing statement
_STEM = 5  # characters compared when matching content words ("relocating" ~ "relocate")


def _subject_words(objection: str) -> tuple[set[str], list[str]]:
    """(content-word stems of the objection, topic words a reply may use)."""
    stop = set(lexicon.phrases()["objection_stopwords"])
    words = [w for w in normalise(objection).split() if len(w) >= 4 and w not in stop]
    stems = {w[:_STEM] for w in words}
    topic_words: list[str] = []
    norm = f" {normalise(objection)} "
    for words_of_topic in lexicon.phrases()["objection_topics"].values():
        if any(f" {t} " in norm for t in words_of_topic):
            topic_words.extend(words_of_topic)
    return stems, topic_words


def _refers(text: str, stems: set[str], topic_words: list[str]) -> bool:
    words = text.split()
    if any(w[:_STEM] in stems for w in words if len(w) >= 4):
        return True
    padded = f" {text} "
    return any(re.search(rf"\b{re.escape(t)}\b", padded) for t in topic_words)


def _recloses(c: Clause, prev: Clause | None, round: Round) -> bool:
    """Asks whether the concern is resolved, or asks again to move forward (in the final round
    aimed at the offer, not at another round)."""
    if not c.asks or "final_round_next_round" in trial_close.vetoes(c.core, round):
        return False
    return lexicon.has("reclose", c.core) or trial_close.is_close(c, prev)


def evaluate_objection_reply(objection: str, reply: Transcript, round: Round) -> CheckResult:
    """Did the reply answer the objection and close again? Evidence: the re-close or the answer."""
    why = lexicon.model_lines()["why"]
    line = lexicon.model_lines()[round]["objection_close"]
    cl = clauses(reply.text or "")
    if not cl:
        return CheckResult(False, None, why["empty"])
    stems, topic_words = _subject_words(objection)
    answer = next((c for c in cl if _refers(c.text, stems, topic_words)
                   and (not c.asks or len(c.text.split()) >= 2 * _MIN_ANSWER_WORDS)
                   and len(c.text.split()) >= _MIN_ANSWER_WORDS), None)
    close_idx = next((i for i, c in enumerate(cl)
                      if _recloses(c, cl[i - 1] if i else None, round)), None)
    if answer is not None and close_idx is not None:
        return CheckResult(True, f"{answer.raw} {cl[close_idx].raw}" if answer is not cl[close_idx]
                           else answer.raw)
    if answer is None:
        tip = f'{why["objection_subject"]} {why["objection_close"]} Try ending with: "{line}"'
        return CheckResult(False, cl[close_idx].raw if close_idx is not None else None, tip)
    return CheckResult(False, answer.raw, f'{why["objection_close"]} Try: "{line}"')
