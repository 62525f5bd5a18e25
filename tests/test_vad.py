"""Streaming Silero VAD: same probabilities as faster-whisper's batch model, speech vs silence."""

from __future__ import annotations

import numpy as np
import pytest

from closer.audio import load_audio
from closer.interfaces import CHUNK_SAMPLES
from closer.vad import ScriptedVad, SileroVad, probabilities


@pytest.fixture(scope="module")
def speech(speech_clip) -> np.ndarray:
    audio = load_audio(speech_clip)
    pad = np.zeros(16000, dtype=np.float32)
    return np.concatenate([pad, audio, pad])


def test_streaming_matches_faster_whisper_batch(speech):
    from faster_whisper.vad import get_vad_model

    n = len(speech) // CHUNK_SAMPLES * CHUNK_SAMPLES
    batch = np.asarray(get_vad_model()(speech[:n])).reshape(-1)
    streamed = np.array(probabilities(speech[:n]))
    assert streamed.shape == batch.shape
    np.testing.assert_allclose(streamed, batch, atol=1e-4)


def test_speech_is_likely_and_silence_is_not(speech):
    probs = np.array(probabilities(speech))
    lead = 16000 // CHUNK_SAMPLES
    assert probs[: lead - 2].max() < 0.2
    assert (probs[lead:-lead] > 0.5).mean() > 0.5


def test_reset_forgets_the_past(speech):
    vad = SileroVad()
    chunk = speech[16000:16000 + CHUNK_SAMPLES]
    first = vad.probability(chunk)
    for i in range(20):
        vad.probability(speech[i * CHUNK_SAMPLES:(i + 1) * CHUNK_SAMPLES])
    vad.reset()
    assert vad.probability(chunk) == pytest.approx(first, abs=1e-6)


def test_wrong_chunk_size_is_refused():
    with pytest.raises(ValueError, match="512"):
        SileroVad().probability(np.zeros(400, dtype=np.float32))


def test_scripted_vad_plays_its_script_then_the_default():
    vad = ScriptedVad([0.9, 0.8], after=0.1)
    chunk = np.zeros(CHUNK_SAMPLES, dtype=np.float32)
    assert [vad.probability(chunk) for _ in range(3)] == [0.9, 0.8, 0.1]
    vad.reset()
    assert vad.probability(chunk) == 0.9
