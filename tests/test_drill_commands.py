"""Voice-command parsing (pure) and the one-thing choice."""

from __future__ import annotations

import pytest

from closer.drill.commands import parse_command
from closer.drill.feedback import join_transcripts, model_line, one_thing
from closer.types import CheckResult, Transcript, Verdict, Word


@pytest.mark.parametrize("heard, expected", [
    ("Next.", "next"),
    ("okay next one", "next"),
    ("Let's stop.", "stop"),
    ("again please", "again"),
    ("Repeat that.", "again"),
    ("Make it harder!", "harder"),
    ("one more time", "again"),
    ("I'm done", "stop"),
    ("That's enough for today.", "stop"),
    ("Move on", "next"),
    ("next, no wait, stop", "stop"),  # the last command said wins
    ("AGAIN", "again"),
    ("", None),
    ("banana", None),
    ("the weekend was nice", None),  # "end" inside a word is not "end"
    ("nextdoor neighbour", None),
])
def test_parse_command(heard, expected):
    assert parse_command(heard) == expected


def test_parse_command_uses_the_given_table():
    assert parse_command("encore", {"again": ["encore"]}) == "again"
    assert parse_command("next", {"again": ["encore"]}) is None


def _verdict(ns=True, tc=True, tone=True, order=True, round_="first"):
    checks = {"next_step": CheckResult(ns, None, None if ns else 'Why. Try: "NS line"'),
              "trial_close": CheckResult(tc, None, None if tc else 'Why. Try: "TC line"'),
              "confident_tone": CheckResult(tone, None, None if tone else "Drop the hedges.")}
    return Verdict(round=round_, checks=checks, score=0, order_ok=order)


def test_one_thing_priority():
    assert one_thing(_verdict(ns=False, tc=False, tone=False), None).item == "trial_close"
    assert one_thing(_verdict(ns=False, tone=False, order=None), None).item == "next_step"
    failed_reply = CheckResult(False, None, 'Answer it. Try: "Reply line"')
    thing = one_thing(_verdict(tone=False, order=False), failed_reply)
    assert thing.item == "objection_handling" and thing.line == "Reply line"
    assert one_thing(_verdict(tone=False, order=False), None).item == "order"
    assert one_thing(_verdict(tone=False), CheckResult(True)).item == "confident_tone"
    best = one_thing(_verdict(), CheckResult(True))
    assert best.item is None and best.line is None


def test_one_thing_model_line_from_tip_or_table():
    assert one_thing(_verdict(tc=False), None).line == "TC line"
    no_tip = Verdict(round="final", checks={
        "next_step": CheckResult(True), "trial_close": CheckResult(False),
        "confident_tone": CheckResult(True)}, score=0, order_ok=None)
    assert "offer" in one_thing(no_tip, None).line  # final-round line from the table
    assert model_line('Why it matters. Try: "Say this."') == "Say this."
    assert model_line("Plain tip.") == "Plain tip."
    assert model_line(None) is None


def test_join_transcripts_keeps_order_and_shifts_words():
    a = Transcript("Hello there.", (Word("Hello", 0.1, 0.4), Word("there.", 0.5, 0.8)), 1.0)
    b = Transcript("Bye.", (Word("Bye.", 0.2, 0.5),), 2.0)
    joined = join_transcripts([a, Transcript(""), b], [1.0, 0.5, 2.0])
    assert joined.text == "Hello there. Bye."
    assert joined.words[-1].start == pytest.approx(1.7) and joined.duration_s == pytest.approx(3.5)
