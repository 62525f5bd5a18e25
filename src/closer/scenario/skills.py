"""The skills and requirements lexicon (`prompts/skills.toml`): what a text names.

`lexicon().find(text)` returns every skill or credential a job ad or a resume names, in order; the
rubric reads `Skill.aliases` and `Skill.related` for the topic words of an objection (see
`closer.rubric.objection`). The file's header says how an entry is written and matched.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)

SHORT = 2  # aliases this short (R, Go, BA) match only as written


@dataclass(frozen=True)
class Skill:
    id: str  # "kubernetes"
    name: str  # its first string: how a credential is written
    kind: str  # "skill" | "credential"
    aliases: tuple[str, ...]  # every string of the entry, the name first
    related: tuple[str, ...]  # words a reply may use about it (not matched in ads or resumes)


@dataclass(frozen=True)
class Found:
    skill: Skill
    text: str  # the alias that matched, in the lexicon's spelling ("EKS")
    start: int  # where in the text

    @property
    def shown(self) -> str:
        """How closer writes what the text asked for: a credential by its name, a skill as named."""
        return self.skill.name if self.skill.kind == "credential" else self.text


def key(alias: str) -> str:
    """The lookup form of an alias or a matched text: lower case, no apostrophes, one space
    between words."""
    return " ".join(re.sub(r"['\u2019]", "", alias.lower()).replace("-", " ").split())


def _alias_pattern(alias: str, as_written: bool) -> str:
    words = [re.escape(w).replace("'", "['\u2019]?") for w in alias.replace("-", " ").split()]
    body = r"[\s-]+".join(words)
    return f"(?-i:{body})" if as_written else body


class Lexicon:
    """The entries of one skills file, and one compiled alternation over all their aliases."""

    def __init__(self, data: dict[str, Any], where: str = "prompts/skills.toml") -> None:
        as_written = set(data.get("as_written", []))
        related = data.get("related", {})
        self.learning: tuple[str, ...] = tuple(data.get("learning", []))
        self.replaces_topics: tuple[str, ...] = tuple(data.get("replaces_topics", []))
        self.skills: dict[str, Skill] = {}
        by_key: dict[str, tuple[Skill, str]] = {}
        patterns: list[tuple[int, str]] = []
        for kind, table in (("skill", data.get("skills", {})),
                            ("credential", data.get("credentials", {}))):
            for sid, strings in table.items():
                if (sid in self.skills or not strings
                        or not all(isinstance(s, str) for s in strings)):
                    raise UserError(f"{where}: {sid} must be a list of names, once.")
                skill = Skill(sid, strings[0], kind, tuple(strings), tuple(related.get(sid, ())))
                self.skills[sid] = skill
                for alias in strings:
                    k = key(alias)
                    if k in by_key:
                        raise UserError(f'{where}: "{alias}" of {sid} is already an alias of '
                                        f"{by_key[k][0].id}.")
                    by_key[k] = (skill, alias)
                    written = alias in as_written or len(alias) <= SHORT
                    patterns.append((len(alias), _alias_pattern(alias, written)))
        unknown = sorted(set(related) - set(self.skills))
        if unknown:
            raise UserError(f"{where}: [related] names {unknown[0]}, which is no skill.")
        self._by_key = by_key
        alternation = "|".join(p for _, p in sorted(patterns, key=lambda lp: -lp[0]))
        # not inside a longer word or a compound ("360-degree", "PostgreSQL", "Node.js" for "Node")
        self._pattern = re.compile(rf"(?<![\w+#&-])(?:{alternation})(?![\w+#&]|[.-]\w)",
                                   re.IGNORECASE)

    def find(self, text: str) -> list[Found]:
        """Every alias named in `text`, in order (the longest at each place: "Power BI", not
        "BI")."""
        out = []
        for m in self._pattern.finditer(text):
            hit = self._by_key.get(key(m.group(0)))
            if hit is not None:
                out.append(Found(hit[0], hit[1], m.start()))
        return out

    def ids_in(self, text: str) -> set[str]:
        """The ids of every skill or credential `text` names."""
        return {f.skill.id for f in self.find(text)}


@functools.cache
def lexicon() -> Lexicon:
    """The shipped (or CLOSER_PROMPTS_DIR's) skills lexicon, read once."""
    lex = Lexicon(prompts.load("skills"))
    _LOGGER.debug("skills lexicon: %d entries", len(lex.skills))
    return lex
