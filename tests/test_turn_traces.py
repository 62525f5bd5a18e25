"""The turn decision over recorded live traces (tests/data/turn_traces.json): no audio, no model.

Each trace is what `listen()` fed the decision on one paused natural-voice answer (Silero VAD
probabilities per 32 ms chunk, the running transcripts as they arrived, the measured endings);
scripts/record_turn_traces.py records them. Replayed through the pure `replay_trace`, an answer
must not end before its last words, also when the transcripts arrive later than they did (a
slower machine) or the VAD is noisier, and its end is placed at its last words.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from closer.turn.endpoint import Trace, TraceEnding, TraceText, replay_trace

DATA = Path(__file__).resolve().parent / "data" / "turn_traces.json"
ROWS = json.loads(DATA.read_text(encoding="utf-8"))["traces"]
KNOWN_CUTS: set[str] = set()  # answers the decision is known to cut (none; test_listen_paused.py)


def _trace(row: dict, delay_chunks: int = 0, jitter: float = 0.0) -> Trace:
    t = row["trace"]
    probs = [min(1.0, max(0.0, p + (jitter if i % 7 == 3 else 0.0)))
             for i, p in enumerate(t["probs"])]
    # the recording stops where the live decision ended the turn; after it the room was silent
    probs += [0.0] * round(4.0 / t["chunk_s"])
    texts = [TraceText(**{**x, "chunk": x["chunk"] + delay_chunks}) for x in t["texts"]]
    return Trace(t["chunk_s"], probs, texts, [TraceEnding(**e) for e in t["endings"]])


def _end(row: dict, **kw) -> tuple[str, float]:
    events = replay_trace(_trace(row, **kw))
    return events[-1].kind, events[-1].at_s


def _ids(rows):
    return [pytest.param(r["id"], marks=pytest.mark.xfail(strict=True, reason="known cut"))
            if r["id"] in KNOWN_CUTS else r["id"] for r in rows]


BY_ID = {r["id"]: r for r in ROWS}


@pytest.mark.parametrize("clip_id", _ids(ROWS))
@pytest.mark.parametrize("delay_chunks", [0, 3, 10])
def test_recorded_answer_is_not_cut_even_with_slower_transcripts(clip_id, delay_chunks):
    row = BY_ID[clip_id]
    kind, at_s = _end(row, delay_chunks=delay_chunks)
    assert kind == "speech_end"
    assert at_s >= row["last_word_end_s"] - 0.1, f"ended at {at_s:.2f} s: {row['heard']!r}"


@pytest.mark.parametrize("clip_id", [r["id"] for r in ROWS if r["id"] not in KNOWN_CUTS])
@pytest.mark.parametrize("jitter", [-0.1, 0.1])
def test_recorded_answer_survives_a_noisier_voice_detector(clip_id, jitter):
    row = BY_ID[clip_id]
    kind, at_s = _end(row, jitter=jitter)
    assert kind == "speech_end" and at_s >= row["last_word_end_s"] - 0.1


@pytest.mark.parametrize("clip_id", [r["id"] for r in ROWS if r["id"] not in KNOWN_CUTS])
def test_the_end_is_placed_at_the_last_words_not_later(clip_id):
    row = BY_ID[clip_id]
    kind, at_s = _end(row)
    assert kind == "speech_end" and at_s <= row["last_word_end_s"] + 0.5


def test_replaying_a_trace_is_deterministic():
    row = ROWS[0]
    assert replay_trace(_trace(row)) == replay_trace(_trace(row))


def test_traces_cover_both_voices_and_every_pause_kind():
    voices = {r["id"].split("-")[1] for r in ROWS}
    assert voices == {"piper", "espeak"} and len(ROWS) >= 48


def test_a_trace_with_its_transcripts_removed_waits_for_the_unknown_wait():
    row = next(r for r in ROWS if r["ends_with"] == "question" and r["id"] not in KNOWN_CUTS)
    trace = dataclasses.replace(_trace(row), texts=[])
    kind, at_s = replay_trace(trace)[-1].kind, replay_trace(trace)[-1].at_s
    assert kind == "speech_end" and at_s >= row["last_word_end_s"] - 0.1
