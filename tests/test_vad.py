"""Streaming Silero VAD: same probabilities as faster-whisper's batch model, speech vs silence."""

from __future__ import annotations

import numpy as np
import pytest

from closer.audio.decode import load_audio
from closer.audio.vad import SileroVad, probabilities
from closer.interfaces import CHUNK_SAMPLES
from fakes import ScriptedVad


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


# --- NormalizedVad: the live VAD behind the AGC -----------------------------------------------

class _LevelVad:
    """An inner VAD that says 'speech' for any chunk louder than -35 dBFS (Silero-like deafness)."""

    def reset(self) -> None:
        pass

    def probability(self, chunk: np.ndarray) -> float:
        rms = float(np.sqrt(np.mean(np.square(chunk, dtype=np.float64))))
        return 0.9 if rms > 10 ** (-35 / 20) else 0.05


def _chunks(audio: np.ndarray) -> list[np.ndarray]:
    return [audio[i:i + CHUNK_SAMPLES] for i in range(0, len(audio) - CHUNK_SAMPLES + 1,
                                                       CHUNK_SAMPLES)]


def _quiet_speech(speech: np.ndarray, db: float) -> np.ndarray:
    from closer.audio.gain import measure

    return (speech * 10 ** ((db - measure(speech).speech_dbfs) / 20)).astype(np.float32)


def test_normalized_vad_hears_a_quiet_voice_the_bare_model_misses(speech):
    from closer.audio.vad import NormalizedVad

    quiet = _quiet_speech(speech, -45.0) + np.random.default_rng(2).normal(
        0, 10 ** (-75 / 20), len(speech)).astype(np.float32)
    bare = [_LevelVad().probability(c) for c in _chunks(quiet)]
    assert max(bare) < 0.5
    vad = NormalizedVad(_LevelVad())
    wrapped = [vad.probability(c) for c in _chunks(quiet)]
    assert np.mean(np.array(wrapped) > 0.5) > 0.3


@pytest.mark.parametrize("level_dbfs", [-80.0, -60.0, -40.0, -20.0])
def test_normalized_silero_hears_no_speech_in_noise(level_dbfs):
    from closer.audio.vad import NormalizedVad

    noise = np.random.default_rng(5).normal(0, 10 ** (level_dbfs / 20), 16000 * 5)
    probs = np.array(probabilities(noise.astype(np.float32), NormalizedVad()))
    assert (probs > 0.5).mean() < 0.02


def test_normalized_silero_hears_quiet_speech(speech):
    from closer.audio.vad import NormalizedVad

    quiet = _quiet_speech(speech, -45.0)
    probs = np.array(probabilities(quiet, NormalizedVad()))
    lead = 16000 // CHUNK_SAMPLES
    assert (probs[lead:-lead] > 0.5).mean() > 0.5


def test_chunks_barely_above_the_floor_are_not_speech():
    from closer.audio.vad import NormalizedVad

    vad = NormalizedVad(ScriptedVad([], after=0.95), quiet_probability=0.3, min_history_s=1.0)
    noise = np.random.default_rng(4).normal(0, 1e-3, 16000 * 3).astype(np.float32)
    probs = [vad.probability(c) for c in _chunks(noise)]
    early, late = probs[: 16000 // CHUNK_SAMPLES - 1], probs[16000 // CHUNK_SAMPLES + 1:]
    assert max(early) == 0.95  # before 1 s the floor is not a measurement yet
    assert np.mean(np.array(late) <= 0.3) > 0.5  # most noise chunks sit within 3 dB of it
    vad.reset()
    assert vad.tracker.heard_s == 0.0 and vad.probability(noise[:CHUNK_SAMPLES]) == 0.95


@pytest.mark.parametrize(("above_db", "p"), [(0.0, 0.0), (4.0, 0.0), (8.0, 0.45), (12.0, 0.9),
                                             (30.0, 0.9)])
def test_energy_above_the_floor_is_speech_evidence(above_db, p):
    from closer.audio.vad import NormalizedVad
    from fakes import ScriptedVad

    assert NormalizedVad(ScriptedVad([])).energy_probability(above_db) == pytest.approx(p)


def test_a_voice_standing_out_of_steady_noise_counts_even_when_the_model_hears_nothing():
    from closer.audio.vad import NormalizedVad
    from fakes import ScriptedVad

    rng = np.random.default_rng(5)
    vad = NormalizedVad(ScriptedVad([], after=0.05))
    noise = [(1e-3 * rng.standard_normal(512)).astype(np.float32) for _ in range(20)]
    probs = [vad.probability(c) for c in noise]
    assert max(probs[10:]) < 0.35, "steady noise is not speech"
    voice = (0.01 * np.sin(np.arange(512) * 0.2)).astype(np.float32)  # ~17 dB above the floor
    assert vad.probability(voice + noise[0]) >= 0.5


def test_a_pause_after_leading_digital_silence_is_silence():
    """Seconds of exact zeros before the room's hum (the page's mic before the browser feeds it,
    a device starting up) must not make the hum in a thinking pause read as speech."""
    from closer.audio.vad import NormalizedVad

    rng = np.random.default_rng(6)
    hum = (10 ** (-73 / 20) * rng.standard_normal(16000 * 2)).astype(np.float32)
    zeros = np.zeros(16000 * 4, dtype=np.float32)
    vad = NormalizedVad(ScriptedVad([], after=0.05))  # the model hears no speech in the hum
    for chunk in _chunks(np.concatenate([zeros, hum])):
        p = vad.probability(chunk)
    assert p < 0.35, "hum 27 dB above digital silence read as speech"
