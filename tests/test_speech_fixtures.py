"""Every natural-voice fixture is what tests/data/speech_manifest.json says it is.

Paused clips: lengths add up, the pauses are silent and exactly where the sidecar says, the parts
are loud. Degraded clips: each degradation left the level, SNR or band it promises. One clip is
rendered again here and must come out byte for byte the same, or the cache key would lie.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import degrade as dg
import speech_fixtures as sf
from closer.audio.decode import load_audio

RATE = 16_000
MANIFEST = sf.load_manifest()
PAUSE_KINDS = {"statement", "pleasantry", "dangling", "filler", "conjunction", "mid_question"}


def dbfs(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


@pytest.mark.parametrize("held_out", [False, True])
def test_paused_entries_cover_the_issue(held_out: bool) -> None:
    entries = [e for e in MANIFEST["paused"] if (e.get("set") == "holdout") == held_out]
    assert 20 <= len(entries) <= 30
    assert len({e["id"] for e in entries}) == len(entries)
    for e in entries:
        gaps = len(e["parts"]) - 1
        assert gaps >= 1 and len(e["pauses_s"]) == gaps and len(e["pause_kind"]) == gaps, e["id"]
        assert set(e["pause_kind"]) <= PAUSE_KINDS, e["id"]
        assert set(e["pauses_s"]) <= {1.2, 2.0}, e["id"]
        # a pause after a finished question may end the turn; these must all wait
        assert not any(p.rstrip().endswith("?") for p in e["parts"][:-1]), e["id"]
        assert e["ends_with"] == ("question" if e["parts"][-1].endswith("?") else "statement")
        assert set(e["labels"]) == set(sf.CHECKS) and e["round"] in {"first", "second", "final"}
    kinds = Counter(k for e in entries for k in e["pause_kind"])
    assert set(kinds) == PAUSE_KINDS and min(kinds.values()) >= 4, kinds
    assert Counter(p for e in entries for p in e["pauses_s"]).keys() == {1.2, 2.0}
    ends = Counter(e["ends_with"] for e in entries)
    assert 3 <= ends["statement"] <= ends["question"] / 2, ends
    assert len({e["round"] for e in entries}) == 3
    for check in sf.CHECKS:
        assert 6 <= sum(e["labels"][check] for e in entries) <= len(entries) - 6, check


def test_degraded_variants_are_the_registry() -> None:
    assert MANIFEST["degraded"]["variants"] == ["clean", *dg.DEGRADATIONS]


PAUSED_IDS = [f"{e['id']}-{v}" for e in MANIFEST["paused"] for v in MANIFEST["voices"]]


@pytest.mark.parametrize("clip_id", PAUSED_IDS)
def test_paused_clip_has_silent_pauses_where_the_sidecar_says(clip_id: str) -> None:
    clip = next(c for c in sf.paused_clips(clip_id.split("-")[1]) if c.id == clip_id)
    audio = load_audio(clip.path)
    spans = clip.record["offsets"]
    pad = int(MANIFEST["pad_s"] * RATE)
    assert audio.size == spans["samples"]
    assert spans["parts"][0][0] == pad and spans["parts"][-1][1] == audio.size - pad
    pauses = [e - s for s, e in spans["pauses"]]
    assert pauses == [round(p * RATE) for p in clip.record["pauses_s"]]
    parts = sum(e - s for s, e in spans["parts"])
    assert parts + sum(pauses) + 2 * pad == audio.size
    for (_, end), (start, _) in zip(spans["parts"], spans["parts"][1:], strict=False):
        assert start - end in pauses  # each pause sits between two parts
    for start, end in [*spans["pauses"], [0, pad], [audio.size - pad, audio.size]]:
        assert dbfs(audio[start:end]) < -60, (clip.id, start, end)
    for start, end in spans["parts"]:
        assert (end - start) / RATE > 0.15, (clip.id, start)  # even "um," is a syllable
        assert dg.active_rms_dbfs(audio[start:end]) > -30, (clip.id, start)
    assert abs(dg.active_rms_dbfs(audio) - MANIFEST["speech_rms_dbfs"]) < 0.5


def _clips(variant: str) -> list[tuple[str, np.ndarray]]:
    return [(c.id, load_audio(c.path)) for c in sf.degraded_clips(variant)]


@pytest.fixture(scope="module")
def clean() -> dict[str, np.ndarray]:
    return dict(_clips("clean"))


def test_clean_clips_are_at_the_speech_level(clean: dict[str, np.ndarray]) -> None:
    assert list(clean) == sf.degraded_ids(MANIFEST)
    for clip_id, audio in clean.items():
        assert abs(dg.active_rms_dbfs(audio) - MANIFEST["speech_rms_dbfs"]) < 0.5, clip_id
        assert dbfs(audio[: RATE // 4]) < -60, clip_id  # the lead-in pad is silent


def band_drop_db(out: np.ndarray, ref: np.ndarray, low: float, high: float) -> float:
    def energy(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
        freqs = np.fft.rfftfreq(x.size, 1 / RATE)
        return float(spectrum[(freqs >= low) & (freqs < high)].sum())

    return 10 * np.log10(energy(out) / energy(ref))


@pytest.mark.parametrize("variant", list(dg.DEGRADATIONS))
def test_degraded_clip_is_as_specified(variant: str, clean: dict[str, np.ndarray]) -> None:
    for clip_id, audio in _clips(variant):
        ref = clean[clip_id]
        assert audio.size == ref.size and np.all(np.isfinite(audio)), clip_id
        if variant == "quiet":
            assert abs(dg.active_rms_dbfs(audio) + 45.0) < 0.5, clip_id
        elif variant == "clipped":
            assert np.mean(np.abs(audio) > 0.999) > 0.001, clip_id
        elif variant in {"pink", "babble"}:
            noise = audio.astype(np.float64) - ref
            snr = 10 * np.log10(dg.active_power(ref) / np.mean(noise**2))
            assert abs(snr - 15.0) < 0.5, (clip_id, snr)
        elif variant == "phone":
            assert band_drop_db(audio, ref, 0, 250) < -20, clip_id
            assert band_drop_db(audio, ref, 3500, 8000) < -20, clip_id
        elif variant == "echo":
            assert abs(dg.active_rms_dbfs(audio) - dg.active_rms_dbfs(ref)) < 1.0, clip_id
            assert dbfs(audio[-RATE // 2: -RATE // 4]) > dbfs(ref[-RATE // 2: -RATE // 4]) + 10
        elif variant == "combined":
            seed = sf.variant_seed(clip_id, variant)
            speech = dg.quiet(dg.phone_band(dg.echo(ref, seed=seed)), -45.0)
            noise = audio.astype(np.float64) - speech
            snr = 10 * np.log10(dg.active_power(speech) / np.mean(noise**2))
            assert abs(snr - 15.0) < 1.0, (clip_id, snr)
            assert -55 < dg.active_rms_dbfs(audio) < -42, clip_id


def test_a_piper_clip_renders_again_byte_for_byte(tmp_path: Path) -> None:
    from closer.audio.decode import write_wav

    entry = MANIFEST["paused"][0]
    clip = sf.paused_clips("piper")[0]
    audio, spans = sf.render_paused(entry, sf.load_piper(MANIFEST), MANIFEST)
    write_wav(tmp_path / "again.wav", audio, RATE)
    assert spans["parts"] == clip.record["offsets"]["parts"]
    assert (tmp_path / "again.wav").read_bytes() == clip.path.read_bytes()


def test_unknown_names_are_refused() -> None:
    with pytest.raises(KeyError):
        sf.degraded_clips("underwater")
    with pytest.raises(KeyError):
        sf.paused_clips("robot")
