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
The regression cannot keep every confident training clause apart from the hesitant ones (class
balance, one linear boundary); the hardest of them are kept as prototypes, and a clause within
cosine `veto` of one reads as it does (`decide`).
A clause the candidate takes straight back up ("I'm not assuming anything, which is exactly why
I'm asking") is lifted as the rules lift it (`tone.LIFTED_BY_THE_ASK`); worry is not. A sentence
that names a gap with what the candidate is doing about it [plan_for_a_gap] is a confident
look-alike the layer leaves alone (the rules still hear a put-down in it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from closer.rubric import lexicon, tone
from closer.rubric.semantic.model import NO_VETO
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


# A long clause is also read in windows: an unpunctuated transcript runs the ask and the retreat
# into one clause ("...moving me on but whichever way you go on that i'll nod along"), and one
# embedding of all of it drowns the retreat (leave-one-file-out, hesitancy_holdout7 held out:
# 0.921 / 0.895 -> 0.944 / 0.930 with 7-word windows over clauses of more than 12 words).
WINDOW_WORDS = 7
LONG_CLAUSE_WORDS = 12


def units(cl: Sequence[Clause]) -> tuple[list[str], list[int]]:
    """What the layer embeds, and the clause each comes from: each clause's whole words (lead-ins
    kept: "honestly, no pressure"), then windows of WINDOW_WORDS words, half overlapping, over a
    clause longer than LONG_CLAUSE_WORDS."""
    texts: list[str] = []
    owners: list[int] = []
    for i, c in enumerate(cl):
        words = c.text.split()
        if not words:
            continue
        seen = [c.text]
        if len(words) > LONG_CLAUSE_WORDS:
            step = WINDOW_WORDS // 2
            starts = list(range(0, len(words) - WINDOW_WORDS + 1, step))
            if starts[-1] != len(words) - WINDOW_WORDS:
                starts.append(len(words) - WINDOW_WORDS)
            seen += [" ".join(words[a:a + WINDOW_WORDS]) for a in starts]
        for text in dict.fromkeys(seen):
            texts.append(text)
            owners.append(i)
    return texts, owners


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
        for text in units(clauses(row["text"]))[0]:
            if row["confident_tone"]:
                out.setdefault(text, HesitancyExample(text, False, None))
            elif (kind := rules_kind(text)) is not None:
                out[text] = HesitancyExample(text, True, kind)
    return sorted(out.values(), key=lambda e: e.text)


def lifted(cl: Sequence[Clause], index: int, kind: str) -> bool:
    """Does the candidate take the ask straight back up after clause `index`, as the rules
    read it ("..., which is exactly why I'm asking")? Within the clause too: "I'm not expecting
    a verdict in the room, so put it plainly: ..." is one clause once Whisper drops the comma."""
    if kind not in tone.LIFTED_BY_THE_ASK:
        return False
    after = " ".join(c.text for c in cl[index + 1:])
    words = cl[index].text.split()
    tails = (" ".join([*words[k:], after]).strip() for k in range(1, len(words) + 1))
    return any(tail and tone.keeps_the_ask(tail) for tail in tails)


def plans_for_a_gap(cl: Sequence[Clause], index: int) -> bool:
    """Does the sentence of clause `index` say what the candidate is doing about a gap ("...only
    a handful of excise declarations, so I've enrolled on the excise module")? A gap named with a
    plan handles the objection before it is raised (tests/data/README.md): the rules hear a
    put-down beside it, but the layer must not take the gap alone for one."""
    sentence = " ".join(c.text for c in cl if c.sentence == cl[index].sentence)
    return lexicon.has("plan_for_a_gap", sentence)


def decide(cl: Sequence[Clause], scores: Sequence[float], kinds: Sequence[str],
           threshold: float, nearest_confident: Sequence[float] | None = None,
           veto: float = NO_VETO, owners: Sequence[int] | None = None) -> tuple[int, str] | None:
    """The clause heard as most surely hesitant at or above `threshold`, not lifted and not
    vetoed, with its kind; `scores[i]`/`kinds[i]` are clause i's probability and most likely
    kind, `nearest_confident[i]` its cosine to the nearest confident clause the layer was trained
    on: at or above `veto` the clause reads as that confident one ("I know I can do the same
    here."), which the regression alone could not keep apart. The scores are per unit
    (`units`), `owners[i]` the clause unit i comes from (default: unit i is clause i); the
    index returned is that clause's. Pure."""
    near = nearest_confident if nearest_confident is not None else [-1.0] * len(scores)
    owner = owners if owners is not None else range(len(scores))
    best: tuple[float, int, str] | None = None
    for s, k, n, c in zip(scores, kinds, near, owner, strict=True):
        surest = best is None or s > best[0]
        heard = s >= threshold and n < veto
        if (heard and surest and cl[c].text.strip() and not lifted(cl, c, k)
                and not plans_for_a_gap(cl, c)):
            best = (float(s), c, k)
    return None if best is None else (best[1], best[2])
