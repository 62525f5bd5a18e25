"""Enter ends an answer: polled on a real pseudo-terminal, never blocking."""

from __future__ import annotations

import io
import os
import time

import pytest

from closer.drill.events import HumanSink
from closer.turn.enter_key import EnterKey


@pytest.fixture
def tty():
    master, slave = os.openpty()
    stream = os.fdopen(slave, "r")
    yield master, stream
    stream.close()
    os.close(master)


def _settle() -> None:
    time.sleep(0.05)  # the line discipline hands the bytes over asynchronously


def test_enter_on_a_terminal_is_seen_once(tty):
    master, stream = tty
    key = EnterKey.for_terminal(stream)
    assert key is not None and not key.pressed()
    os.write(master, b"\n")
    _settle()
    assert key.pressed()
    assert not key.pressed()


def test_arm_forgets_keys_typed_before_the_mic_opened(tty):
    master, stream = tty
    key = EnterKey(stream)
    os.write(master, b"\n")
    _settle()
    key.arm()
    assert not key.pressed()


def test_text_without_enter_does_not_end_the_answer(tty):
    master, stream = tty
    key = EnterKey(stream)
    os.write(master, b"abc")
    _settle()
    assert not key.pressed()


def test_not_a_terminal_means_no_enter_key():
    assert EnterKey.for_terminal(io.StringIO("\n")) is None


def test_wrapped_listen_gets_the_stop_callable(tty):
    _, stream = tty
    key = EnterKey(stream)
    seen = {}

    def listen(mic, transcriber, settings, on_status, stop=None):
        seen["stop"] = stop
        return "answer"

    assert key.wrap(listen)("mic", "tr", "settings", None) == "answer"
    assert seen["stop"] == key.pressed


@pytest.mark.parametrize(("enter_ends", "line"), [
    (True, "(your turn - speak now; press Enter when you are done)"),
    (False, "(your turn - speak now)"),
])
def test_listening_line_says_whether_enter_ends_the_answer(enter_ends, line):
    out = io.StringIO()
    HumanSink(out, enter_ends=enter_ends).listening()
    assert out.getvalue() == line + "\n"
