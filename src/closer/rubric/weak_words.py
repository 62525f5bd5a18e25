"""Which words of a close are weak language, read the way the tone check reads it.

The stronger close (`closer.rubric.rewrite`) drops them and measures what it kept with them: the
close as its raw tokens (`Said`, from the clause analysis), each token's clause and stretch (up to a
token ending in punctuation), read with the tone check's own lists (`tone.MARKER_LISTS`,
self-deprecation, `tone.HESITANCY_KINDS`): a marker drops its words; self-deprecation or a
hesitant sentence drops its whole stretch (in a statement, up to the next joiner). The text is read
twice: without the first drop's words, "i just, [um,] want to say" hedges and "i am [probably]
rubbish at this" runs oneself down.

`content_words(text)`: the normalised words of the close that are not function words
(`prompts/rewrite.toml`) and not weak language so read.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.rubric import lexicon, tone
from closer.rubric.text import Clause, clauses, normalise

# Every tone list read here (the tone check's own, named as literals so that tests/test_lexicon.py
# sees which lists the code uses; tests/test_rubric_rewrite.py checks they are tone's).
READ_LISTS = ("fillers", "hedges", "apologies", "permission", "self_deprecation",
              "worry_how_it_went", "backing_down", "disclaimer", "way_out", "sign_off")
WEAK_LISTS = (*tone.MARKER_LISTS, "self_deprecation", *tone.HESITANCY_KINDS)
# Lists whose one hit makes its whole stretch weak (the other words there were carrying it).
WHOLE_STRETCH_LISTS = ("self_deprecation", *tone.HESITANCY_KINDS)
LIGHT_LISTS = ("fillers", "apologies")  # the lighter cleaning, when the full one breaks an ask
PUNCT_END = re.compile(r"[,;:.!?\u2014\u2013-]+$")


@functools.cache
def table() -> dict[str, Any]:
    """prompts/rewrite.toml."""
    return prompts.load("rewrite")


@functools.lru_cache(maxsize=8192)
def token_words(token: str) -> tuple[str, ...]:
    """One raw token normalised (a token is read many times while a rewrite is tried)."""
    return tuple(normalise(token).split())


@dataclass(frozen=True)
class Said:
    """The raw tokens of the clauses, the clause and the stretch (up to a token ending in
    punctuation) of each, and the normalised text the tone lists read (commas kept) with the
    token each of its characters came from (-1: a space between tokens)."""

    tokens: tuple[str, ...]
    clause_of: tuple[int, ...]
    stretch_of: tuple[int, ...]

    @classmethod
    def of(cls, cl: Sequence[Clause]) -> Said:
        tokens: list[str] = []
        clause_of: list[int] = []
        stretch_of: list[int] = []
        stretch = 0
        for j, c in enumerate(cl):
            for tok in c.raw.split():
                tokens.append(tok)
                clause_of.append(j)
                stretch_of.append(stretch)
                stretch += bool(PUNCT_END.search(tok))
            stretch += 1
        return cls(tuple(tokens), tuple(clause_of), tuple(stretch_of))

    def _read(self, gone: AbstractSet[int] = frozenset(),
              commas: bool = True) -> tuple[str, list[int]]:
        """The normalised text of the tokens but `gone` (commas kept, unless not `commas`; not
        the comma of a function word before a token gone: "i just, [um,] want"), and the token
        each of its characters came from (-1: a space between tokens)."""
        parts: list[str] = []
        owner: list[int] = []
        function = set(table()["function_words"])
        for i, tok in enumerate(self.tokens):
            words = token_words(tok)
            if i in gone or not words:
                continue
            comma = commas and PUNCT_END.search(tok) is not None and not (
                i + 1 in gone and " ".join(words) in function)
            piece = " ".join(words) + ("," if comma else "")
            if parts:
                parts.append(" ")
                owner.append(-1)
            parts.append(piece)
            owner.extend([i] * len(piece))
        return "".join(parts), owner

    @staticmethod
    def _covered(norm: str, owner: list[int], lists: Sequence[str]) -> set[int]:
        """The tokens that lie wholly inside matches of `lists`."""
        covered = [False] * len(norm)
        for name in READ_LISTS:
            for start, end in lexicon.spans(name, norm) if name in lists else ():
                covered[start:end] = [True] * (end - start)
        chars: dict[int, list[int]] = {}
        for k, o in enumerate(owner):
            if o >= 0 and norm[k] != ",":
                chars.setdefault(o, []).append(k)
        return {i for i, ks in chars.items() if all(covered[k] for k in ks)}

    @staticmethod
    def _hits(norm: str, owner: list[int], lists: Sequence[str]) -> list[set[int]]:
        """The tokens each match of `lists` reaches into."""
        return [{o for o in owner[start:end] if o >= 0} for name in READ_LISTS
                if name in lists for start, end in lexicon.spans(name, norm)]

    def drop(self, lists: Sequence[str], whole: Sequence[str] = (),
             asks: Sequence[bool] = ()) -> set[int]:
        """The tokens wholly inside a match of `lists`, and every token of a stretch that a match
        of `whole` reaches into, and, in a clause that asks nothing (`asks`, per clause), of the
        stretches after it up to a joiner."""
        norm, owner = self._read()
        out = self._covered(norm, owner, lists)
        # read again without those words: "i just, [um,] want to say" hedges, "i am [probably]
        # rubbish at this" runs oneself down
        out |= self._covered(*self._read(out), lists)
        rest = self._read(out, commas=False)
        hit = {o for hits in (self._hits(norm, owner, whole), self._hits(*rest, whole))
               for h in hits for o in h}
        stretches = {self.stretch_of[o] for o in hit}
        # in a clause that asks nothing, the sentence goes on to the next joiner ("it's totally
        # your call, of course" goes whole; "..., but thanks for having me" stays)
        joiners = set(table()["connectors"])
        for i in range(1, len(self.tokens)):
            st, prev = self.stretch_of[i], self.stretch_of[i - 1]
            if (prev in stretches and st != prev and self.clause_of[i] == self.clause_of[i - 1]
                    and not asks[self.clause_of[i]]
                    and " ".join(token_words(self.tokens[i])) not in joiners):
                stretches.add(st)
        return out | {i for i, st in enumerate(self.stretch_of) if st in stretches}

    def words(self, group: Sequence[int], drop: set[int]) -> str:
        """The group's words without the dropped tokens, tidied."""
        kept: list[str] = []
        function = set(table()["function_words"])
        for i, j in enumerate(self.clause_of):
            if j not in group:
                continue
            if i not in drop:
                kept.append(self.tokens[i])
            elif kept and kept[-1].endswith(",") and " ".join(token_words(kept[-1])) in function:
                kept[-1] = kept[-1][:-1]  # "are you, [uh,] going": the comma was the filler's
        text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", " ".join(kept))
        return re.sub(r"\s+([,;:.!?])", r"\1", text).strip()


def content_words(text: str) -> set[str]:
    """The normalised words of `text` that are not function words and not weak language as the
    rewrite reads it: a marker's or a sign-off's words, and the whole stretch of a
    self-deprecating or hesitant sentence (in a statement, up to the next joiner)."""
    cl = clauses(text)
    said = Said.of(cl)
    drop = said.drop((*WEAK_LISTS, "sign_off"), WHOLE_STRETCH_LISTS, [c.asks for c in cl])
    function = set(table()["function_words"])
    kept = " ".join(t for i, t in enumerate(said.tokens) if i not in drop)
    return {w for w in normalise(kept).split() if w not in function}
