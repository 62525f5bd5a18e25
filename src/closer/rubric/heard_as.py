"""What tiny.en writes for a key word on hard audio, read as the word the candidate said.

On degraded audio the bundled tiny.en mishears a few of the words the checks depend on, the same
way every time ("making me an offer" -> "making me an officer", "I'd like to know" -> "I like to
know"; measured by scripts/mishearings.py over the degraded fixtures). `apply` rewrites those
words back, in ONE place before the rubric reads a transcript (`closer.rubric.evaluate`), from
the table `prompts/heard_as.toml`: each entry names what was heard, what was meant, and the
context that must surround it for the reading to be safe.

An entry's `context` is a regular expression over the rubric's normalised words of one sentence
(`closer.rubric.text.normalise`) in which `_` stands for the heard words: `"(me|you) _ down"`
rewrites "and off or" only right after "me" or "you" and right before "down". `clause`, when
given, is checked on the rewritten sentence with the rubric's own clause analysis: "ask" (the
clause holding the word asks something) or "ask_about_me" (it asks, and names the candidate).
A rewrite that fails its clause test is not made. The raw text keeps its punctuation and
capitals around the rewritten words, so clause splitting sees what it saw before.

Pure: text in, text out; the table is read once.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.errors import UserError
from closer.rubric.text import clauses, normalise

_LOGGER = logging.getLogger(__name__)

_FILE = "heard_as"
_SENTENCE = re.compile(r"(?<=[.?!;])(\s+)|(\n+)")  # text.py's sentence ends, kept as separators
_CLAUSE_TESTS = ("ask", "ask_about_me")
_CANDIDATE = re.compile(r"\b(i|me|my|myself|mine)\b")
_MAX_REWRITES = 8  # per sentence: a table that rewrites its own output stops here
_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


@dataclass(frozen=True)
class Entry:
    """One table of prompts/heard_as.toml, compiled."""

    name: str  # the table's name ("officer")
    heard: str  # normalised words tiny.en wrote ("officer", "and off or")
    meant: str  # the words meant, as they would be written ("offer", "I'd")
    context: re.Pattern[str]  # over a normalised sentence; group "heard" is the heard words
    clause: str | None  # None, "ask" or "ask_about_me"
    example: str  # a sentence the entry rewrites
    miss: str  # a look-alike it must leave alone
    line: int  # 1-based line of the table's header, for messages


_KEYS = ("heard_as", "context", "clause", "example", "miss")


def _line_of(source: str, name: str) -> int:
    header = re.compile(rf"^\s*(\[\s*{re.escape(name)}\s*\]|{re.escape(name)}\s*=)")
    return next((n for n, line in enumerate(source.splitlines(), 1) if header.match(line)), 0)


def _compile(name: str, raw: dict[str, Any], line: int, where: str) -> Entry:
    missing = [k for k in ("heard_as", "context", "example", "miss") if not raw.get(k)]
    if missing:
        raise UserError(f"{where}: {name} has no {', '.join(missing)}.")
    unknown = sorted(set(raw) - set(_KEYS))
    if unknown:
        raise UserError(f"{where}: {name} has unknown keys {', '.join(unknown)} "
                        f"(known: {', '.join(_KEYS)}).")
    heard, arrow, meant = (part.strip() for part in str(raw["heard_as"]).partition("->"))
    if not arrow or not heard or not normalise(meant):
        raise UserError(f"{where}: {name}'s heard_as {raw['heard_as']!r} is not "
                        "\"what was heard -> what was meant\".")
    if normalise(heard) != heard:
        raise UserError(f"{where}: {name} hears {heard!r}, which is not written as normalised "
                        f"words ({normalise(heard)!r}).")
    context = str(raw["context"])
    if context.count("_") != 1:
        raise UserError(f"{where}: {name}'s context {context!r} must hold one _ (the heard "
                        "words).")
    clause = raw.get("clause")
    if clause is not None and clause not in _CLAUSE_TESTS:
        raise UserError(f"{where}: {name}'s clause {clause!r} is not one of "
                        f"{', '.join(_CLAUSE_TESTS)}.")
    pattern = context.replace("_", f"(?<![a-z0-9])(?P<heard>{re.escape(heard)})(?![a-z0-9])")
    try:
        compiled = re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])")
    except re.error as exc:
        raise UserError(f"{where}: {name}'s context {context!r} is not a valid regular "
                        f"expression ({exc}).") from None
    return Entry(name, heard, meant, compiled, clause, str(raw["example"]), str(raw["miss"]),
                 line)


def parse(source: str, name: str = f"prompts/{_FILE}.toml") -> tuple[Entry, ...]:
    """The entries of a heard-as file's text, compiled; `UserError` naming the line of a bad one."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"The prompt file {name} is not valid TOML ({exc}).") from None
    out = []
    for key, raw in data.items():
        line = _line_of(source, key)
        if not isinstance(raw, dict):
            raise UserError(f"{name} line {line}: {key} is not a table ([{key}] with heard_as, "
                            "context, example, miss).")
        out.append(_compile(key, raw, line, f"{name} line {line}"))
    if not out:
        raise UserError(f"{name} has no entries ([name] tables with heard_as = \"x -> y\").")
    return tuple(out)


@functools.cache
def table() -> tuple[Entry, ...]:
    """The shipped table (or `CLOSER_PROMPTS_DIR`'s), in file order: an earlier entry first."""
    path = prompts.prompts_dir() / f"{_FILE}.toml"
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            f"The prompt file {path} is missing; restore it from the repository.") from None
    return parse(source)


@dataclass(frozen=True)
class _Words:
    """A sentence's raw tokens and its normalised words, with where each word came from."""

    tokens: list[str]
    norm: str  # the normalised words joined by single spaces
    starts: list[int]  # character offset of each normalised word in `norm`
    token_of: list[int]  # raw token index of each normalised word


@functools.lru_cache(maxsize=8192)
def _token_words(token: str) -> tuple[str, ...]:
    """A raw token's normalised words (cached: the same tokens come back in every close)."""
    return tuple(normalise(token).split())


def _words(sentence: str) -> _Words:
    tokens = sentence.split()
    words: list[str] = []
    token_of: list[int] = []
    for i, tok in enumerate(tokens):
        for w in _token_words(tok):
            words.append(w)
            token_of.append(i)
    starts, at = [], 0
    for w in words:
        starts.append(at)
        at += len(w) + 1
    return _Words(tokens, " ".join(words), starts, token_of)


def _replace(ws: _Words, first: int, last: int, meant: str) -> list[str]:
    """The tokens with tokens first..last (inclusive) replaced by `meant`, keeping the leading
    punctuation of the first, the trailing punctuation of the last and a leading capital."""
    head = _EDGE.match(ws.tokens[first])
    tail = _EDGE.match(ws.tokens[last])
    assert head is not None and tail is not None  # _EDGE matches any string
    body = head.group(2)
    word = meant[:1].upper() + meant[1:] if body[:1].isupper() else meant
    return [*ws.tokens[:first], head.group(1) + word + tail.group(3), *ws.tokens[last + 1:]]


def _clause_ok(tokens: list[str], at: int, test: str | None) -> bool:
    """Does the clause holding raw token `at` of the rewritten sentence pass `test`?"""
    if test is None:
        return True
    sentence = " ".join(tokens)
    seen = 0
    for c in clauses(sentence):
        seen += len(c.raw.split())
        if at < seen:
            return c.asks and (test == "ask" or _CANDIDATE.search(c.text) is not None)
    return False


def _heard_in(norm: str, heard: str) -> bool:
    """Are the heard words in `norm` as whole words? An entry's context can match only then."""
    at = norm.find(heard)
    while at >= 0:
        end = at + len(heard)
        if (at == 0 or norm[at - 1] == " ") and (end == len(norm) or norm[end] == " "):
            return True
        at = norm.find(heard, at + 1)
    return False


def _rewrite_sentence(sentence: str, entries: tuple[Entry, ...]) -> str:
    done = 0
    ws = _words(sentence)  # made again only when a rewrite changes the sentence
    for entry in entries:
        if not _heard_in(ws.norm, entry.heard):
            continue  # the cheap test first: most entries' words are not in a sentence
        size, meant_size = len(entry.heard.split()), len(normalise(entry.meant).split())
        start = 0
        while done < _MAX_REWRITES:
            m = entry.context.search(ws.norm, start)
            if m is None:
                break
            w0 = ws.starts.index(m.start("heard"))  # its look-arounds put it on a word start
            first, last = ws.token_of[w0], ws.token_of[w0 + size - 1]
            start = m.end("heard")
            whole = (w0 == 0 or ws.token_of[w0 - 1] != first) and (
                w0 + size == len(ws.token_of) or ws.token_of[w0 + size] != last)
            if not whole:
                continue  # part of a token's words ("i'd" -> "i would"): leave the token alone
            tokens = _replace(ws, first, last, entry.meant)
            if not _clause_ok(tokens, first, entry.clause):
                continue
            _LOGGER.debug("heard %r as %r (prompts/%s.toml [%s])", entry.heard, entry.meant,
                          _FILE, entry.name)
            sentence = " ".join(tokens)
            ws = _words(sentence)
            end_word = w0 + meant_size - 1
            start = ws.starts[end_word] + len(ws.norm.split(" ")[end_word])
            done += 1
    return sentence


@functools.lru_cache(maxsize=8)
def _any_heard(entries: tuple[Entry, ...]) -> re.Pattern[str]:
    """One regex for the first heard word of every entry: a close with none of them (nearly
    every close) is left alone after one search."""
    firsts = sorted({re.escape(e.heard.split()[0]) for e in entries}, key=len, reverse=True)
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(firsts)})(?![a-z0-9])")


def apply(text: str, entries: tuple[Entry, ...] | None = None) -> str:
    """`text` with every heard-as entry (the shipped table unless given) applied where its
    context holds; text the table does not touch comes back unchanged, spacing included."""
    entries = table() if entries is None else entries
    if not entries or _any_heard(entries).search(normalise(text)) is None:
        return text
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        if piece is None:
            continue
        if not piece or piece.isspace():
            out.append(piece)
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        trail = piece[len(piece.rstrip()):]
        rewritten = _rewrite_sentence(piece.strip(), entries)
        out.append(lead + rewritten + trail if rewritten != piece.strip() else piece)
    return "".join(out)
