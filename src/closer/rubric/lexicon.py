"""The rubric's grammar: named lists of regex entries in `prompts/phrases*.toml`, compiled once.

Every `phrases*.toml` in the prompts folder is read; the files share one namespace and a name may
be defined in one file only. `prompts/README.md` tells an editor how to read and change them.

- `[name]` with `entries = [...]` is a list the checks ask for (a concept: `CONCEPTS` names them
  all, and loading fails naming any that is missing). `means` says what it stands for, `catches`
  holds examples it must match and `misses` near misses it must not (`check_examples`).
- `[fragments.name]` is a named piece used inside entries as `{name}`; it stands for the list's
  alternation. `sequence = true` writes its entries one after another (look-behinds that must all
  hold) instead of as alternatives. A `{name}` may name a concept too; quantifiers such as `{0,4}`
  are not references. An unknown or circular reference fails the load with its file and line.
- `[compose]` name = "template" is a concept of one entry (the older way to write a composition).
- Anything else (`[contractions]`, `[objection_topics]`, `min_words`...) is data for the checks,
  read through `phrases()`; tables of data merge across files key by key.

Every entry is a regex fragment over normalised text; a list compiles to one alternation of its
entries in their order (the first that fits wins where the match's extent matters) wrapped in word
boundaries.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from closer import prompts
from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)

# Lists the checks match (lexicon.has/find/find_all/pattern); tests/test_lexicon.py keeps this set
# equal to the names in src/closer/ and every one must be defined when the grammar loads.
CONCEPTS = frozenset({
    # text.py: the shape of a question, a request or a statement
    "answer_openers", "dangling_question_ends",
    "embedded_wh", "hedged_statement", "imperatives", "inner_questions", "invitations", "lead_ins",
    "misheard_yes_no", "noise", "question_openers", "question_tags", "question_tags_not_asking",
    "requests", "statement_frames", "subordinate_frame", "wh_inside_yes_no",
    # next_step.py
    "next_round_words", "ns_anaphor", "ns_followup", "ns_forward", "ns_hiring", "ns_hiring_object",
    "ns_names_a_thing", "ns_other_subject", "ns_other_topic", "ns_process", "ns_second_ask",
    "ns_counting_opener", "ns_timeline", "ns_leaving_frame",
    "ns_veto", "ns_veto_decision_on", "ns_veto_next_for", "ns_veto_step_for", "ns_veto_strong",
    # trial_close.py (and verdict.py)
    "agreement_tags", "offer_words", "tc_advance", "tc_advance_pair", "tc_anaphor",
    "tc_candidate", "tc_candidate_strong", "tc_direction_pair", "tc_judgement",
    "tc_judgement_wh", "tc_offer_pair", "tc_own_work", "tc_place_in_it", "tc_reservation",
    "tc_veto", "tc_wanted",
    # tone.py
    "apologies", "fillers", "hedges", "permission", "self_deprecation", "sign_off",
    "backing_down", "disclaimer", "keeps_the_ask", "way_out", "worry_how_it_went",
    # semantic/hesitancy.py
    "plan_for_a_gap",
    # objection.py
    "reclose",
})
# Other names the code reads through `phrases()`: words and tables that are not matched as lists.
TABLES = frozenset({"contractions", "contractions_before", "min_words", "objection_stopwords",
                    "objection_topics"})

_GLOB = "phrases*.toml"
_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")  # "{name}"; "{0,4}" is a quantifier
_LIST_KEYS = frozenset({"entries", "means", "catches", "misses", "sequence"})


_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_ASSIGN = re.compile(r'^\s*("?)([^"=\s]+)\1\s*=')


@dataclass
class _Source:
    """One file's text, for the line numbers of messages (indexed on first use)."""

    file: str
    lines: list[str] = field(default_factory=list)
    _places: dict[tuple[str | None, str], int] | None = None

    def line_of(self, needle: str, start: int = 1) -> int:
        """The first line from `start` (1-based) that contains `needle`; else `start`."""
        for i in range(start - 1, len(self.lines)):
            if needle in self.lines[i]:
                return i + 1
        return start

    def header(self, name: str, section: str | None = None) -> int:
        """The line of `[name]` or `[section.name]`, or of `name =` (top level or in section)."""
        if self._places is None:
            self._places = {}
            current: str | None = None
            for i, text in enumerate(self.lines, 1):
                if m := _TABLE.match(text):
                    parts = [p.strip().strip("\"'") for p in m.group(1).split(".")]
                    current = ".".join(parts)
                    key = (parts[0], parts[1]) if len(parts) == 2 else (None, current)
                    self._places.setdefault(key, i)
                elif m := _ASSIGN.match(text):
                    self._places.setdefault((current, m.group(2)), i)
        return self._places.get((section, name), 1)


@dataclass(frozen=True)
class Concept:
    """One named list as written: where, what it means, its examples and its raw entries."""

    name: str
    source: _Source = field(repr=False, compare=False)
    entries: tuple[str, ...]  # as written, `{references}` included
    means: str = ""
    catches: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    fragment: bool = False
    sequence: bool = False
    section: str | None = None  # the table it is written in: "fragments", "compose" or none

    @property
    def file(self) -> str:
        """"prompts/phrases_tone.toml" (the folder's name, then the file)."""
        return self.source.file

    @property
    def line(self) -> int:
        """The line of its header (found when asked: loading does not need it)."""
        return self.source.header(self.name, "fragments" if self.fragment else self.section)

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"


@dataclass(frozen=True)
class Grammar:
    """The merged grammar of one prompts folder: lists by name (expanded) and the data."""

    concepts: dict[str, Concept]
    expanded: dict[str, tuple[str, ...]]  # each list's entries, references replaced
    data: dict[str, Any]
    sources: dict[str, _Source]  # the text of each file, for line numbers


def _read(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            f"The prompt file {path} is missing; restore it from the repository.") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"The prompt file {path} is not valid TOML ({exc}).") from None


def _strings(value: Any, what: str, c: Concept) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{c.where}: {what} must be a list of strings.")
    return tuple(value)


def _concept(name: str, table: dict[str, Any], src: _Source, fragment: bool) -> Concept:
    c = Concept(name=name, source=src, entries=(), fragment=fragment)
    unknown = sorted(table.keys() - _LIST_KEYS)
    if unknown:
        raise UserError(f"{c.where}: {name} has unknown keys {unknown} (known: entries, means, "
                        "catches, misses, sequence).")
    if not isinstance(table.get("means", ""), str):
        raise UserError(f"{c.where}: means of {name} must be a string.")
    return dataclasses.replace(
        c, entries=_strings(table["entries"], f"entries of {name}", c),
        means=table.get("means", ""),
        catches=_strings(table.get("catches", []), f"catches of {name}", c),
        misses=_strings(table.get("misses", []), f"misses of {name}", c),
        sequence=bool(table.get("sequence", False)))


def _is_list(value: Any) -> bool:
    return isinstance(value, dict) and "entries" in value


def _merge(folder: Path) -> tuple[dict[str, Concept], dict[str, Any], dict[str, _Source]]:
    paths = sorted(folder.glob(_GLOB))
    if not paths:
        raise UserError(f"The prompts folder {folder} has no {_GLOB}; restore them from the "
                        "repository.")
    concepts: dict[str, Concept] = {}
    data: dict[str, Any] = {}
    sources: dict[str, _Source] = {}
    data_from: dict[str, _Source] = {}

    def define(c: Concept) -> None:
        if c.name in concepts:
            first = concepts[c.name]
            raise UserError(f"{c.where} redefines {c.name}, already defined in {first.where}.")
        if c.name in data_from:
            first = f"{data_from[c.name].file} line {data_from[c.name].header(c.name)}"
            raise UserError(f"{c.where} redefines {c.name}, already data in {first}.")
        concepts[c.name] = c

    for path in paths:
        parsed, text = _read(path)
        src = _Source(f"{folder.name}/{path.name}", text.splitlines())
        sources[src.file] = src
        for key, value in parsed.items():
            if key == "fragments" and isinstance(value, dict):
                for name, table in value.items():
                    if not _is_list(table):
                        line = src.header(name, "fragments")
                        raise UserError(f"{src.file} line {line}: fragment {name} has no entries.")
                    define(_concept(name, table, src, fragment=True))
            elif _is_list(value):
                define(_concept(key, value, src, fragment=False))
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                # a bare list (`name = [...]`): a list without a description
                define(Concept(name=key, source=src, entries=tuple(value)))
            elif key == "compose" and isinstance(value, dict):
                for name, template in value.items():
                    c = Concept(name=name, source=src, entries=(template,), section="compose")
                    if not isinstance(template, str):
                        raise UserError(f"{c.where}: compose.{name} must be a string.")
                    define(c)
                _merge_data(data, data_from, key, value, src)
            else:
                if key in concepts:
                    raise UserError(f"{src.file} line {src.header(key)} redefines {key}, already "
                                    f"defined in {concepts[key].where}.")
                _merge_data(data, data_from, key, value, src)
    return concepts, data, sources


def _merge_data(data: dict[str, Any], data_from: dict[str, _Source], key: str, value: Any,
                src: _Source) -> None:
    def where(s: _Source) -> str:
        return f"{s.file} line {s.header(key)}"

    if isinstance(value, dict) and isinstance(data.get(key), dict):
        clash = data[key].keys() & value.keys()
        if clash:
            raise UserError(f"{where(src)} redefines {key}.{sorted(clash)[0]}, already defined "
                            f"in {where(data_from[key])}.")
        data[key] = {**data[key], **value}
    elif key in data:
        raise UserError(f"{where(src)} redefines {key}, already defined in "
                        f"{where(data_from[key])}.")
    else:
        data[key] = value
        data_from[key] = src


def _expand(concepts: dict[str, Concept],
            sources: dict[str, _Source]) -> dict[str, tuple[str, ...]]:
    """Every list's entries with each `{name}` replaced by that list's alternation."""
    done: dict[str, tuple[str, ...]] = {}

    def entries(name: str, chain: tuple[str, ...]) -> tuple[str, ...]:
        if name in done:
            return done[name]
        c = concepts[name]

        def ref(m: re.Match[str]) -> str:
            target = m.group(1)
            if target not in concepts:
                line = sources[c.file].line_of(m.group(0), c.line)
                raise UserError(f"{c.file} line {line}: {m.group(0)} in {name} names no list "
                                "(define it, or fix the spelling).")
            if target in chain or target == name:
                line = sources[c.file].line_of(m.group(0), c.line)
                loop = " -> ".join((*chain, name, target))
                raise UserError(f"{c.file} line {line}: {m.group(0)} in {name} is circular "
                                f"({loop}).")
            return f"(?:{'|'.join(_grouped(e) for e in entries(target, (*chain, name)))})"

        out = tuple(_REF.sub(ref, e) for e in c.entries)
        if c.sequence:
            out = ("".join(_grouped(e) for e in out),)
        done[name] = out
        return out

    for name in concepts:
        entries(name, ())
    return done


def _alternation(entries: tuple[str, ...] | list[str]) -> str:
    return "|".join(f"(?:{e})" for e in entries)


def _grouped(entry: str) -> str:
    """The entry as one unit: in a group if it has a `|` of its own (outside groups and classes),
    as it is otherwise (a shorter regex to parse, the same matches)."""
    depth, i, in_class = 0, 0, False
    while i < len(entry):
        ch = entry[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if entry[i + 1:i + 2] == "^":
                i += 1
            if entry[i + 1:i + 2] == "]":  # "[]...]", "[^]...]": a "]" first is a character
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return f"(?:{entry})"
        i += 1
    return entry


def load(folder: Path) -> Grammar:
    """Read, merge and expand every `phrases*.toml` in `folder` (no check of `CONCEPTS`)."""
    concepts, data, sources = _merge(folder)
    return Grammar(concepts, _expand(concepts, sources), data, sources)


@functools.cache
def grammar() -> Grammar:
    """The grammar of the prompts folder, with every name the code uses defined."""
    folder = prompts.prompts_dir()
    g = load(folder)
    for name in sorted(CONCEPTS):
        if name not in g.concepts:
            raise UserError(f"The rubric uses the list {name}, which no {folder.name}/{_GLOB} "
                            "defines.")
    for name in sorted(TABLES):
        if name not in g.data and name not in g.concepts:
            raise UserError(f"The rubric reads {name}, which no {folder.name}/{_GLOB} defines.")
    _LOGGER.debug("grammar: %d lists from %d files in %s", len(g.concepts), len(g.sources), folder)
    return g


@functools.cache
def phrases() -> dict[str, Any]:
    """Every list by name (its entries, references expanded) and the data tables and values."""
    g = grammar()
    return {**g.data, **{name: list(entries) for name, entries in g.expanded.items()}}


def concept(name: str) -> Concept:
    """The list `name` as written (file, line, means, examples, raw entries)."""
    return grammar().concepts[name]


@functools.cache
def model_lines() -> dict[str, Any]:
    return prompts.load("model_lines")


@functools.cache
def pattern(name: str, anchored: bool = False) -> re.Pattern[str]:
    """One compiled alternation for the list (or composed concept) `name`; `anchored` matches
    only at the start."""
    g = grammar()
    if name not in g.expanded:
        raise KeyError(f"no list {name!r} in the rubric's phrase files")
    prefix = "^" if anchored else r"(?<![\w'])"
    try:
        return re.compile(rf"{prefix}(?:{_alternation(g.expanded[name])})(?![\w'])")
    except re.error as exc:
        raise UserError(_bad_regex(g, name, exc)) from None


def _bad_regex(g: Grammar, name: str, exc: re.error) -> str:
    """Name the entry (of `name`, or of a list it references) that is no valid regex."""
    c = g.concepts[name]
    for raw in c.entries:
        for target in _REF.findall(raw):
            if target in g.expanded and not _compiles(_alternation(g.expanded[target])):
                return _bad_regex(g, target, exc)
        expanded = _REF.sub(lambda m: f"(?:{_alternation(g.expanded[m.group(1)])})", raw)
        if not _compiles(expanded):
            line = g.sources[c.file].line_of(raw.replace("\\", "\\\\"), c.line)
            line = line if line != c.line else g.sources[c.file].line_of(raw, c.line)
            return (f"{c.file} line {line}: the entry {raw!r} of {name} is not a valid regular "
                    f"expression ({_error(expanded)}).")
    return f"{c.where}: the list {name} is not a valid regular expression ({exc})."


def _compiles(regex: str) -> bool:
    return _error(regex) is None


def _error(regex: str) -> str | None:
    try:
        re.compile(regex)
    except re.error as exc:
        return str(exc)
    return None


@functools.cache
def contractions() -> tuple[tuple[re.Pattern[str], str], ...]:
    table = phrases()["contractions"]
    return tuple((re.compile(rf"(?<![\w']){k}(?![\w'])"), v) for k, v in table.items())


def find(name: str, text: str) -> re.Match[str] | None:
    return pattern(name).search(text)


def has(name: str, text: str) -> bool:
    return pattern(name).search(text) is not None


@functools.lru_cache(maxsize=16384)
def spans(name: str, text: str) -> tuple[tuple[int, int], ...]:
    """Where the list `name` matches `text`, kept per text: the tone check and the stronger close
    read the same close with the same lists several times (each cleaning tried, then what it
    kept), and one read of a big hesitancy alternation costs ~0.3 ms."""
    return tuple(m.span() for m in pattern(name).finditer(text))


def find_all(name: str, text: str) -> list[str]:
    return [text[start:end].strip(" ,") for start, end in spans(name, text)]


def check_examples(g: Grammar | None = None) -> list[str]:
    """One line per example that fails: a `catches` its list does not match, or a `misses` it
    does. Examples are normalised as the checks see text (lower case, contractions expanded,
    punctuation dropped) and may match with or without their commas."""
    from closer.rubric.text import normalise  # text.py imports this module

    g = g or grammar()
    out: list[str] = []
    for name, c in g.concepts.items():
        pat = re.compile(rf"(?<![\w'])(?:{_alternation(g.expanded[name])})(?![\w'])")
        for example, want in [*((e, True) for e in c.catches), *((e, False) for e in c.misses)]:
            got = any(pat.search(normalise(example, keep_commas=k)) for k in (False, True))
            if got != want:
                line = g.sources[c.file].line_of(example, c.line)
                verb = "does not match" if want else "matches"
                out.append(f"{c.file} line {line}: {name} {verb} the example {example!r} "
                           f"(normalised {normalise(example)!r}).")
    return out
