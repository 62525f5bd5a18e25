"""Closes spoken by Piper through bad mics and rooms, through the real model and the rubric.

Issue 7's bar: next_step and trial_close F1 >= 0.85 on every degradation alone (-45 dBFS,
clipping, RT60 0.5 s echo, pink or babble noise at 15 dB SNR, a 300-3400 Hz phone band) and on
all of them together, with the default bundled model. The clean variant is the control: the same
voice and texts undegraded, so a low figure there is the voice or the rubric, not the mic.
`pytest -s tests/test_audio_degraded.py` prints the table and every wrong call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import speech_fixtures as sf

F1_TARGET = 0.85  # issue 7, "resolved when"
VARIANTS = sf.load_manifest()["degraded"]["variants"]
# `make test` has 15 minutes on two cores: every clip through the combined degradation (the bar),
# every third through each single one (16 clips, all four label kinds); scripts/bench.py runs
# them all.
EVERY = {"combined": 1}


@pytest.fixture(scope="module")
def table() -> Iterator[dict[str, dict[str, float]]]:
    """Collects each variant's figures; prints the whole table when the module is done."""
    found: dict[str, dict[str, float]] = {}
    yield found
    if found:
        print("\n" + sf.format_table(found))


@pytest.mark.model
@pytest.mark.parametrize("variant", VARIANTS)
def test_degraded_closes_score_like_their_labels(variant: str, transcriber: Any,
                                                 table: dict[str, dict[str, float]]) -> None:
    scores, wrong = sf.score_variant(transcriber, variant, every=EVERY.get(variant, 3))
    table[variant] = scores
    detail = ", ".join(f"{k} F1 {v:.3f}" for k, v in scores.items())
    print(f"\n{variant}: {detail}\n" + "\n".join(wrong))
    for check, score in scores.items():
        assert score >= F1_TARGET, f"{variant}: {check} F1 {score:.3f} < {F1_TARGET}; {detail}"


def test_f1_counts_misses_and_false_alarms() -> None:
    assert sf.f1([True, True, False, False], [True, True, False, False]) == 1.0
    assert sf.f1([True, True, False, False], [True, False, True, False]) == 0.5
    assert sf.f1([True, False], [False, False]) == 0.0


def test_table_formats_every_variant() -> None:
    text = sf.format_table({"quiet": {"next_step": 0.5, "trial_close": 1.0}})
    assert "quiet" in text and "0.500" in text and "1.000" in text
