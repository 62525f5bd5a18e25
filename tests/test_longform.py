"""closer.speech.longform: blocks cut at silences, bounded in length, joined back with the right
times;
and a 3.5-minute mock interview through the real model with speech_s within 5% of the truth."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from closer.speech.longform import BlockSettings, cut_point, score_blocks, split_blocks
from closer.types import Transcript, Word

RATE = 16_000
FRAME = 320  # 20 ms


def bursts(spans: list[tuple[float, float]], total_s: float, seed: int = 3) -> np.ndarray:
    """Seeded noise bursts at `spans` (seconds) over a floor 50 dB lower."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(int(total_s * RATE)) * 1e-3).astype(np.float32)
    for start, end in spans:
        a, b = int(start * RATE), int(end * RATE)
        x[a:b] += (rng.standard_normal(b - a) * 0.3).astype(np.float32)
    return x


def pieces_of(x: np.ndarray, seed: int = 5) -> list[np.ndarray]:
    """`x` in uneven pieces, as a decoder hands them over."""
    rng = np.random.default_rng(seed)
    out, i = [], 0
    while i < x.size:
        n = int(rng.integers(200, 5000))
        out.append(x[i:i + n].copy())
        i += n
    return out


class BurstTranscriber:
    """A `Transcriber` that hears each loud run of 20 ms frames as one word (block-local times)."""

    def __init__(self) -> None:
        self.block_lengths: list[int] = []

    def transcribe(self, audio: np.ndarray) -> Transcript:
        self.block_lengths.append(audio.size)
        n = audio.size // FRAME
        loud = (np.abs(audio[: n * FRAME].reshape(n, FRAME)).mean(axis=1) > 0.05).astype(int)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], loud, [0]])))
        words = tuple(Word("word.", s * FRAME / RATE, e * FRAME / RATE)
                      for s, e in zip(edges[::2], edges[1::2], strict=True))
        return Transcript(" ".join(w.text for w in words), words, duration_s=audio.size / RATE)


# --- cutting --------------------------------------------------------------------------------

def test_cut_goes_in_the_middle_of_the_longest_silence() -> None:
    x = bursts([(0, 10), (11, 20), (24, 27), (28, 40)], 40)  # silences 1 s, 4 s, 1 s
    cut = cut_point(x, 5 * RATE, 35 * RATE)
    assert cut / RATE == pytest.approx(22.0, abs=0.05)


def test_cut_without_silence_goes_at_the_quietest_frame() -> None:
    x = bursts([(0, 30)], 30)
    x[15 * RATE:15 * RATE + FRAME] *= 0.01
    assert cut_point(x, 10 * RATE, 20 * RATE) / RATE == pytest.approx(15.0, abs=0.03)


def test_a_recording_shorter_than_a_block_is_one_block_unchanged() -> None:
    x = bursts([(1, 5), (6, 9)], 10)
    blocks = list(split_blocks(pieces_of(x)))
    assert len(blocks) == 1 and blocks[0].start_s == 0.0
    assert np.array_equal(blocks[0].samples, x)


def test_blocks_are_bounded_cut_at_silences_and_lose_no_sample() -> None:
    spans = [(t, t + 7.0) for t in np.arange(1.0, 590.0, 9.0)]  # 7 s of speech, 2 s pauses
    x = bursts(spans, 600)
    settings = BlockSettings(max_block_s=60.0, min_block_s=30.0)
    pieces = pieces_of(x)
    blocks = list(split_blocks(pieces, settings))
    assert np.array_equal(np.concatenate([b.samples for b in blocks]), x)
    assert max(b.samples.size for b in blocks) <= 60 * RATE
    assert all(b.samples.size >= 30 * RATE for b in blocks[:-1])
    for b in blocks[1:]:  # every cut lies inside a pause
        assert not any(s < b.start_s < e for s, e in spans), b.start_s
    starts = np.cumsum([0] + [b.samples.size for b in blocks[:-1]]) / RATE
    assert [b.start_s for b in blocks] == pytest.approx(list(starts))


# --- joining and measuring ------------------------------------------------------------------

def test_words_come_back_at_recording_times_and_delivery_counts_speech_only() -> None:
    # three answers with 1 s pauses inside, 12 s of silence between them (turn boundaries)
    spans, t = [], 2.0
    for _ in range(3):
        for _ in range(4):
            spans.append((t, t + 3.0))
            t += 4.0
        t += 12.0 - 1.0
    x = bursts(spans, t + 2.0)
    fake = BurstTranscriber()
    settings = BlockSettings(max_block_s=30.0, min_block_s=15.0)
    transcript, delivery = score_blocks(split_blocks(pieces_of(x), settings), fake)
    assert len(fake.block_lengths) >= 3 and max(fake.block_lengths) <= 30 * RATE
    # the two 12 s silences between answers were not transcribed (bar their edges)
    assert sum(fake.block_lengths) / RATE < x.size / RATE - 2 * (12.0 - 2 * 0.5) + 1.0
    got = [t for w in transcript.words for t in (w.start, w.end)]
    assert got == pytest.approx([t for span in spans for t in span], abs=0.03)
    assert delivery.duration_s == pytest.approx(x.size / RATE)
    assert delivery.speech_s == pytest.approx(3 * 15.0, abs=0.1)  # 4 words + 3 pauses, x3
    assert delivery.longest_pause_s == pytest.approx(1.0, abs=0.05)
    assert delivery.words_per_minute == pytest.approx(12 * 60 / 45.0, rel=0.01)


def test_the_transcriber_sees_nothing_when_the_file_does_not_decode(tmp_path: Path) -> None:
    from closer.errors import AudioDecodeError
    from closer.speech.longform import score_file

    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio\n" * 50)
    fake = BurstTranscriber()
    with pytest.raises(AudioDecodeError):
        score_file(bad, fake)
    assert fake.block_lengths == []


# --- the real model ---------------------------------------------------------------------------

@pytest.mark.model
def test_a_mock_interview_scores_speech_only_in_bounded_blocks() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import long_fixtures

    made = long_fixtures.build(long_fixtures.LongSpec(duration_s=210.0))
    script = (
        "import json, resource, sys\n"
        "from closer.speech.longform import BlockSettings, score_file\n"
        "from closer.settings import TranscriberSettings\n"
        "from closer.speech.transcriber import load_transcriber\n"
        "inner = load_transcriber(TranscriberSettings())\n"
        "sizes = []\n"
        "class Recording:\n"
        "    def transcribe(self, audio):\n"
        "        sizes.append(audio.size)\n"
        "        return inner.transcribe(audio)\n"
        "t, d = score_file(sys.argv[1], Recording(), BlockSettings(max_block_s=90.0))\n"
        "print(json.dumps({'sizes': sizes, 'words': len(t.words), **d.to_json()}))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(made.path)], capture_output=True,
                          text=True, check=True)
    got = json.loads(proc.stdout)
    truth = made.truth
    assert len(got["sizes"]) >= 3 and max(got["sizes"]) <= 90 * RATE
    assert got["duration_s"] == pytest.approx(truth["duration_s"], abs=0.01)
    assert got["speech_s"] == pytest.approx(truth["speech_s"], rel=0.05)
    assert got["words"] == pytest.approx(truth["words"], rel=0.1)
    assert got["longest_pause_s"] < 3.0  # the 6-20 s gaps between answers are not pauses
    assert 120 < got["words_per_minute"] < 220


def test_long_silences_are_left_out_and_parts_keep_their_times() -> None:
    from closer.speech.longform import Block, speech_parts

    x = bursts([(1, 4), (14, 16), (17, 19)], 22)  # 10 s silence, then a 1 s pause
    parts = speech_parts(Block(100.0, x), BlockSettings(keep_silence_s=0.5))
    assert [p.start_s for p in parts] == pytest.approx([100.0, 113.5], abs=0.03)
    assert [p.samples.size / RATE for p in parts] == pytest.approx([4.5, 8.5], abs=0.03)
    assert np.array_equal(parts[1].samples, x[int(13.5 * RATE):][:parts[1].samples.size])
    silent = Block(0.0, bursts([], 30))
    assert len(speech_parts(silent)) == 1 and speech_parts(silent)[0] is silent
