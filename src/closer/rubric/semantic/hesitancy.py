"""Hesitancy heard by meaning: a clause classifier beside the tone rules' phrase lists.

The tone rules (`closer.rubric.tone`) read hesitancy in what a sentence does from phrase lists; on
closes written later by people who never saw those lists they miss the same acts said in new
words ("feel free to ghost that second bit", "I've a nagging feeling you wanted more"). This
layer embeds every clause of a close the rules found confident and asks one logistic regression
whether the clause hesitates; a second set of one-vs-rest regressions names the kind, so the tip
says what was heard. It may only take a confident verdict away, never give one.

Training examples come from the labelled closes, chosen by the rules themselves (no guessing):
- positive: a clause of a close labelled not confident in which the tone rules, run on that clause
  alone, hear a hesitancy kind or self-deprecation; its kind is the one the rules heard first;
- negative: every clause of a close labelled confident (thanks, plans about a gap, "give it to me
  straight", logistics left to the interviewer...).
A clause the candidate takes straight back up ("I'm not assuming anything, which is exactly why
I'm asking") is lifted as the rules lift it (`tone.LIFTED_BY_THE_ASK`); worry is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from closer.rubric import tone
from closer.rubric.text import Clause, clauses

CHECK = "hesitancy"
SELF_DEPRECATION = tone.SELF_DEPRECATION
# The kinds the layer may name: the tone rules' four acts, and running oneself down.
KINDS = (*tone.HESITANCY_KINDS, SELF_DEPRECATION)


@dataclass(frozen=True)
class HesitancyExample:
    text: str
    hesitant: bool
    kind: str | None  # one of KINDS when hesitant


def clause_texts(cl: Sequence[Clause]) -> list[str]:
    """What the layer embeds: each clause's whole words (lead-ins kept: "honestly, no pressure")."""
    return [c.text for c in cl]


def rules_kind(text: str) -> str | None:
    """The kind the tone rules hear in `text` alone (None: none)."""
    t = tone.assess(text)
    if t.self_deprecating:
        return SELF_DEPRECATION
    return t.hesitancy[0] if t.hesitancy else None


def examples(rows: Iterable[dict]) -> list[HesitancyExample]:
    """Clause examples from labelled rows (`text`, `confident_tone`), one per distinct text; a
    text seen both ways counts as hesitant (it was hesitant somewhere)."""
    out: dict[str, HesitancyExample] = {}
    for row in rows:
        for text in clause_texts(clauses(row["text"])):
            if not text.strip():
                continue
            if row["confident_tone"]:
                out.setdefault(text, HesitancyExample(text, False, None))
            elif (kind := rules_kind(text)) is not None:
                out[text] = HesitancyExample(text, True, kind)
    return sorted(out.values(), key=lambda e: e.text)


def lifted(cl: Sequence[Clause], index: int, kind: str) -> bool:
    """Does the candidate take the ask straight back up after clause `index`, as the rules
    read it ("..., which is exactly why I'm asking")?"""
    if kind not in tone.LIFTED_BY_THE_ASK:
        return False
    after = " ".join(c.text for c in cl[index + 1:])
    return bool(after) and tone.keeps_the_ask(after)


def decide(cl: Sequence[Clause], scores: Sequence[float], kinds: Sequence[str],
           threshold: float) -> tuple[int, str] | None:
    """The clause heard as most surely hesitant at or above `threshold` and not lifted, with its
    kind; `scores[i]`/`kinds[i]` are clause i's probability and most likely kind. Pure."""
    best: tuple[float, int] | None = None
    for i, (s, k) in enumerate(zip(scores, kinds, strict=True)):
        surest = best is None or s > best[0]
        if s >= threshold and surest and cl[i].text.strip() and not lifted(cl, i, k):
            best = (float(s), i)
    return None if best is None else (best[1], kinds[best[1]])
