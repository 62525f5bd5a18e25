"""The heard-as table (prompts/heard_as.toml, closer.rubric.heard_as): tiny.en's mishearings of
key words are read as the words meant, only in the context each entry names, in one place before
the rubric's matching; and the word alignment scripts/mishearings.py measures them with."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from closer.errors import UserError
from closer.rubric import evaluate, heard_as
from closer.rubric.text import normalise
from closer.types import Transcript

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import mishearings  # scripts/mishearings.py

SHIPPED = heard_as.table()


def _id(entry: heard_as.Entry) -> str:
    return entry.name


@pytest.mark.parametrize("entry", SHIPPED, ids=_id)
def test_each_entry_rewrites_its_example(entry: heard_as.Entry) -> None:
    out = heard_as.apply(entry.example, (entry,))
    assert out != entry.example and normalise(entry.meant) in normalise(out)
    assert heard_as.apply(entry.example) == out  # and the whole table reads it the same way


@pytest.mark.parametrize("entry", SHIPPED, ids=_id)
def test_each_entry_leaves_its_look_alike_alone(entry: heard_as.Entry) -> None:
    assert entry.heard in normalise(entry.miss)  # a real look-alike: the heard words are in it
    assert heard_as.apply(entry.miss) == entry.miss


def test_the_table_has_one_entry_per_mishearing() -> None:
    pairs = [(e.heard, e.meant) for e in SHIPPED]
    assert len(pairs) == len(set(pairs)) and len(pairs) >= 5


# (transcript, what the rubric should read) -- the rewrites keep punctuation and capitals
REWRITES = [
    ("Is there anything that would stop you from making me an officer?",
     "Is there anything that would stop you from making me an offer?"),
    ("...keep you from extending me and off or down the line?",
     "...keep you from extending me an offer down the line?"),
    ("One with the next conversation be?", "When would the next conversation be?"),
    ("How do you define success in the seat and one with the next round be?",
     "How do you define success in the seat and when would the next round be?"),
    ("So, I like to know what the next steps are.",
     "So, I'd like to know what the next steps are."),
    ("I love to hear what the timeline is.", "I'd love to hear what the timeline is."),
    ("and that is their, I guess, any reason you wouldn't move me on?",
     "and that is there, I guess, any reason you wouldn't move me on?"),
    ("Would you offer me the roll?", "Would you offer me the role?"),
    ("Would you put me through to the final route?",
     "Would you put me through to the final round?"),
]

# look-alikes: the heard word outside its context
UNTOUCHED = [
    "You made me an officer.",  # not an ask
    "Would you make him an officer?",  # not about me
    "The officer asked me a question.",
    "I'd like to know what the next steps are.",  # already right: "I'd" is one token
    "I like to work with people who ship.",
    "What I love to hear from a team is candour.",
    "It was the one with the next slot.",
    "Is their timeline fixed?",
    "They are on a roll. The roll out went well. Take the roll call.",
    "Which route do you take?",
    "Could you switch it on and off or leave it?",
]


@pytest.mark.parametrize("heard,meant", REWRITES)
def test_mishearings_are_read_as_the_words_meant(heard: str, meant: str) -> None:
    assert heard_as.apply(heard) == meant


@pytest.mark.parametrize("text", UNTOUCHED)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert heard_as.apply(text) == text


def test_untouched_text_comes_back_byte_for_byte() -> None:
    text = "  What's  next?\n\nAny  doubts about me?  "
    assert heard_as.apply(text) == text


def test_only_the_sentence_holding_the_mishearing_changes() -> None:
    text = "Thanks!  Would you make me an officer?\nWhat's next?"
    assert heard_as.apply(text) == "Thanks!  Would you make me an offer?\nWhat's next?"


def test_the_rubric_reads_the_table_before_it_matches() -> None:
    heard = Transcript("If you don't mind, I kind of like to know what the next steps are.")
    assert evaluate(heard, "first").checks["next_step"].passed
    assert not evaluate(heard, "first", mishearings=False).checks["next_step"].passed


def test_the_rubric_evidence_quotes_the_reading() -> None:
    verdict = evaluate(Transcript("And one with the next conversation be?"), "first")
    assert verdict.checks["next_step"].evidence == "And when would the next conversation be?"


SOURCE = """# a comment
[officer]
heard_as = "officer -> offer"
context = "(an|the) _"
example = "e"
miss = "m"

[bad]
%s
"""
GOOD = 'heard_as = "x -> y"\ncontext = "_"\nexample = "e"\nmiss = "m"'


@pytest.mark.parametrize("change,message", [
    (("x -> y", "Officer -> offer"), "bad hears 'Officer', which is not written as normalised"),
    (("x -> y", "x y"), "bad's heard_as 'x y' is not \"what was heard -> what was meant\""),
    (("x -> y", "x -> ?"), "bad's heard_as 'x -> \\?' is not"),
    (('context = "_"', 'context = "a b"'), r"bad's context 'a b' must hold one _"),
    (('context = "_"', 'context = "(_"'), r"bad's context '\(_' is not a valid regular expression"),
    (('context = "_"', 'context = "_"\nclause = "statement"'),
     "bad's clause 'statement' is not one of ask, ask_about_me"),
    (('example = "e"\nmiss = "m"', ""), "bad has no example, miss"),
    (('miss = "m"', 'miss = "m"\nexampel = "e"'), "bad has unknown keys exampel"),
])
def test_a_bad_entry_is_named_by_its_line(change: tuple[str, str], message: str) -> None:
    with pytest.raises(UserError, match=r"^prompts/heard_as.toml line 8: " + message):
        heard_as.parse(SOURCE % GOOD.replace(*change))


def test_a_good_file_parses_in_order() -> None:
    entries = heard_as.parse(SOURCE % GOOD)
    assert [(e.name, e.heard, e.meant, e.line) for e in entries] == [
        ("officer", "officer", "offer", 2), ("bad", "x", "y", 8)]


def test_a_file_without_entries_says_so() -> None:
    with pytest.raises(UserError, match="has no entries"):
        heard_as.parse("# nothing yet\n")
    with pytest.raises(UserError, match="line 1: x is not a table"):
        heard_as.parse("x = 1\n")
    with pytest.raises(UserError, match="is not valid TOML"):
        heard_as.parse("[x\n")


def test_the_shipped_file_is_readable() -> None:
    source = (Path(__file__).resolve().parents[1] / "prompts" / "heard_as.toml").read_text()
    assert max(len(line) for line in source.splitlines()) <= 100
    assert all(e.line for e in SHIPPED) and len(SHIPPED) == source.count("heard_as = ")


# ---- the alignment scripts/mishearings.py counts with ----------------------------------------

def _align(said: str, heard: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return mishearings.align(said.split(), heard.split())


def test_alignment_groups_the_words_between_matches() -> None:
    assert _align("would anything stop you making me an offer",
                  "would anything stop you making me and off or") == [
        (("an", "offer"), ("and", "off", "or"))]


def test_alignment_reports_dropped_and_added_words() -> None:
    assert _align("i would like to know", "i like to know") == [(("would",), ())]
    assert _align("what next", "so what next") == [((), ("so",))]
    assert _align("what is next", "what was next then") == [(("is",), ("was",)), ((), ("then",))]
    assert _align("a b", "a b") == []


def test_distance_counts_word_edits() -> None:
    def dist(said: str, heard: str) -> int:
        return mishearings.distance(said.split(), heard.split())

    assert dist("an offer", "and off or") == 3
    assert dist("what is next", "what is next") == 0
    assert dist("", "so") == 1
    assert dist("i would like to know", "i like to know") == 1
