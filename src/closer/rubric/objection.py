"""`evaluate_objection_reply`: after the trial close the interviewer raises an objection and the
candidate gets one answer. It passes when the answer

1. addresses the objection: a statement of some substance that refers to the objection's subject
   (a content word of the objection, or a word of the same topic from `[objection_topics]`, e.g.
   "far from the office" -> commute, relocate, hybrid), and
   when the objection names a skill or credential of `prompts/skills.toml` ("You haven't worked
   with Kubernetes in production"), the topic is that skill: its aliases and related words ("EKS",
   "clusters", "k8s", "the CKA") and the words of a plan to learn it ("a course", "ramp up"),
   instead of the broad experience topic, so "I've managed teams for years" does not take up
   Kubernetes, and
2. closes again: asks whether that resolves the concern, or asks again to move forward (any
   trial close counts).
"""

from __future__ import annotations

import functools
import re

from closer.rubric import lexicon, trial_close
from closer.rubric.text import Clause, clauses, normalise
from closer.scenario import skills
from closer.types import CheckResult, Round, Transcript

_MIN_ANSWER_WORDS = 5  # words in the addressing statement
_STEM = 5  # characters compared when matching content words ("relocating" ~ "relocate")


_EVERYDAY = frozenset({"it", "go", "do", "be", "as", "or", "an", "in", "on", "at", "to", "us",
                       "we", "me", "my", "so", "no", "up", "is", "am", "of", "by", "if"})


def _spoken(word: str) -> str:
    """An alias or related word as it appears in normalised speech; "" when too short or an
    everyday word to tell a topic ("Go", "R", "IT")."""
    norm = normalise(word)
    if len(norm) < 2 or norm in _EVERYDAY or (len(norm) == 2 and not word.isupper()):
        return ""
    return norm


@functools.cache
def _skill_topics(skill_id: str) -> tuple[str, ...]:
    """A lexicon entry's topic words as spoken: its names and its related words."""
    skill = skills.lexicon().skills[skill_id]
    return tuple(dict.fromkeys(w for w in map(_spoken, skill.aliases + skill.related) if w))


def _named_skills(objection: str) -> tuple[list[str], set[str]]:
    """(the topic words of every skill or credential the objection names, the words of the
    names it used), found in the objection as written ("C#", "Go" and "R" included)."""
    words: list[str] = []
    used: set[str] = set()
    for found in skills.lexicon().find(objection):
        words.extend(_skill_topics(found.skill.id))
        used.update(normalise(found.text).split())
    return words, used


def _subject_words(objection: str) -> tuple[set[str], list[str]]:
    """(content-word stems of the objection, topic words a reply may use)."""
    stop = set(lexicon.phrases()["objection_stopwords"])
    norm = normalise(objection)
    topic_words, named = _named_skills(objection)
    # a named skill is matched whole, by its names and related words: "management" alone does
    # not take up "warehouse management system"
    words = [w for w in norm.split() if len(w) >= 4 and w not in stop and w not in named]
    stems = {w[:_STEM] for w in words}
    replaced: set[str] = set()
    if topic_words:
        lex = skills.lexicon()
        topic_words.extend(w for w in map(normalise, lex.learning) if w)
        replaced = set(lex.replaces_topics)
    padded = f" {norm} "
    for name, words_of_topic in lexicon.phrases()["objection_topics"].items():
        if name not in replaced and any(f" {t} " in padded for t in words_of_topic):
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
