"""Spoken closes through the real model and the rubric: F1 of next_step and trial_close per variant.

The clips are the project's own TTS (espeak-ng through pyttsx3) reading corpus closes, plain,
slower and with noise at 20 dB SNR (tests/data/audio_manifest.json, tests/audio_fixtures.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

import audio_fixtures as fx

F1_FLOOR = 0.93
LABELS = ("next_step", "trial_close")


def f1(expected: list[bool], predicted: list[bool]) -> float:
    tp = sum(e and p for e, p in zip(expected, predicted, strict=True))
    fp = sum(p and not e for e, p in zip(expected, predicted, strict=True))
    fn = sum(e and not p for e, p in zip(expected, predicted, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_f1_counts_misses_and_false_alarms() -> None:
    assert f1([True, True, False, False], [True, True, False, False]) == 1.0
    assert f1([True, True, False, False], [True, False, True, False]) == 0.5
    assert f1([True, False], [False, False]) == 0.0


def test_manifest_matches_the_corpus() -> None:
    manifest, corpus = fx.load_manifest(), fx.load_corpus()
    ids = manifest["ids"]
    assert len(ids) == len(set(ids)), "duplicate ids in the manifest"
    assert 40 <= len(ids) <= 60
    missing = [i for i in ids if i not in corpus]
    assert not missing, f"manifest ids not in closes.jsonl: {missing}"
    for clip_id, labels in manifest["labels"].items():
        record = corpus[clip_id]
        assert {k: record[k] for k in labels} == labels, f"{clip_id}: labels disagree with corpus"
    assert set(manifest["labels"]) == set(ids)
    for label in LABELS:  # balanced: each label has positives and negatives, neither under a third
        positives = sum(bool(corpus[i][label]) for i in ids)
        assert len(ids) / 3 <= positives <= 2 * len(ids) / 3, (label, positives)
    hard = sum(any("hard" in t for t in corpus[i].get("tags", [])) for i in ids)
    assert hard >= 8, f"only {hard} hard negatives"
    assert set(Counter(corpus[i]["round"] for i in ids)) == {"first", "second", "final"}
    assert set(manifest["variants"]) == {"plain", "slow", "noisy"}


@pytest.mark.model
@pytest.mark.parametrize("variant", ["plain", "slow", "noisy"])
def test_spoken_closes_score_like_their_labels(variant: str, transcriber) -> None:
    from closer.audio.decode import load_audio
    from closer.rubric import evaluate
    from closer.rubric.semantic.hook import fallback_from_env

    expected: dict[str, list[bool]] = {label: [] for label in LABELS}
    predicted: dict[str, list[bool]] = {label: [] for label in LABELS}
    wrong: list[str] = []
    for clip in fx.clips(variant):
        transcript = transcriber.transcribe(load_audio(clip.path))
        verdict = evaluate(transcript, clip.record["round"], None,
                           fallback_from_env({}))
        for label in LABELS:
            expected[label].append(bool(clip.record[label]))
            predicted[label].append(verdict.checks[label].passed)
            if expected[label][-1] != predicted[label][-1]:
                wrong.append(f"{clip.id} {label}={predicted[label][-1]}: {transcript.text!r}")
    scores = {label: f1(expected[label], predicted[label]) for label in LABELS}
    detail = ", ".join(f"{k} F1 {v:.3f}" for k, v in scores.items()) + "\n" + "\n".join(wrong)
    print(f"\n{variant}: {detail}")  # the figures, with `pytest -s`
    for label, score in scores.items():
        assert score >= F1_FLOOR, f"{variant}: {label} F1 below {F1_FLOOR}; {detail}"
