"""closer.audio.decode: any format/rate decodes to the same 16 kHz mono signal; bad files: one
sentence."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from closer.audio.decode import load_audio, resample, write_wav
from closer.errors import AudioDecodeError

RATE = 16_000


def _encode(path: Path, samples: np.ndarray, rate: int, codec: str, channels: int) -> Path:
    """Encode 16 kHz mono samples with PyAV at `rate` Hz, duplicated to `channels` channels."""
    layout = "mono" if channels == 1 else "stereo"
    data = resample(samples, RATE, rate)
    planes = np.ascontiguousarray(np.tile(data, (channels, 1)).astype(np.float32))
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        frame = av.AudioFrame.from_ndarray(planes, format="fltp", layout=layout)
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


def _envelope(samples: np.ndarray, hop: int = 800) -> np.ndarray:
    n = samples.size // hop
    return np.sqrt((samples[: n * hop].reshape(n, hop) ** 2).mean(axis=1))


def _aligned_envelope_correlation(a: np.ndarray, b: np.ndarray, max_lag: int = 2048) -> float:
    """Envelope correlation after undoing the encoder's priming delay (AAC, MP3: < 2048 samples)."""
    window = a[RATE : 3 * RATE]
    lag = max(range(0, max_lag, 8), key=lambda k: float(np.dot(window, b[RATE + k : 3 * RATE + k])))
    ea, eb = _envelope(a), _envelope(b[lag:])
    n = min(ea.size, eb.size)
    return float(np.corrcoef(ea[:n], eb[:n])[0, 1])


@pytest.fixture(scope="module")
def clip(speech_clip: Path) -> np.ndarray:
    return load_audio(speech_clip)


def test_espeak_clip_decodes_to_16k_mono_float(clip: np.ndarray, speech_clip: Path) -> None:
    assert clip.dtype == np.float32 and clip.ndim == 1
    with av.open(str(speech_clip)) as c:
        stream = c.streams.audio[0]
        assert stream.rate == 22050  # so the 16 kHz result really was resampled
        seconds = float(stream.duration * stream.time_base)
    assert clip.size / RATE == pytest.approx(seconds, abs=0.01)
    assert 0.05 < np.abs(clip).max() <= 1.0


@pytest.mark.parametrize(("name", "codec", "rate", "channels"), [
    ("clip.wav", "pcm_s16le", 8000, 1),
    ("clip.flac", "flac", 44100, 2),
    ("clip.mp3", "libmp3lame", 22050, 1),
    ("clip.ogg", "libopus", 48000, 2),
    ("clip.m4a", "aac", 32000, 1),
])
def test_formats_rates_and_channels(tmp_path: Path, clip: np.ndarray, name: str, codec: str,
                                    rate: int, channels: int) -> None:
    decoded = load_audio(_encode(tmp_path / name, clip, rate, codec, channels))
    assert decoded.dtype == np.float32 and decoded.ndim == 1
    assert decoded.size / RATE == pytest.approx(clip.size / RATE, abs=0.1)
    assert _aligned_envelope_correlation(clip, decoded) > 0.9
    # stereo is averaged, not summed: the level stays that of the source
    assert np.abs(decoded).max() == pytest.approx(np.abs(clip).max(), rel=0.35)


def test_write_wav_round_trip(tmp_path: Path) -> None:
    t = np.arange(RATE // 2) / RATE
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    write_wav(tmp_path / "tone.wav", tone, RATE)
    back = load_audio(tmp_path / "tone.wav")
    assert back.size == tone.size
    assert np.max(np.abs(back - tone)) < 1e-3


def test_write_wav_clips_out_of_range(tmp_path: Path) -> None:
    write_wav(tmp_path / "loud.wav", np.array([2.0, -2.0, 0.0] * 100, dtype=np.float32), RATE)
    back = load_audio(tmp_path / "loud.wav")
    assert back.max() == pytest.approx(1.0, abs=1e-3)
    assert back.min() == pytest.approx(-1.0, abs=1e-3)


def test_resample_keeps_pitch_and_length() -> None:
    t = np.arange(48_000) / 48_000
    tone = np.sin(2 * np.pi * 300 * t).astype(np.float32)
    out = resample(tone, 48_000, RATE)
    assert out.dtype == np.float32
    assert out.size == pytest.approx(RATE, abs=64)
    peak_hz = np.argmax(np.abs(np.fft.rfft(out[:RATE // 2]))) * 2
    assert peak_hz == pytest.approx(300, abs=4)
    assert resample(tone, RATE, RATE) is not tone
    assert resample(np.zeros(0, np.float32), 48_000, RATE).size == 0


def _bad_files(tmp_path: Path, clip_path: Path) -> dict[str, tuple[Path, str]]:
    whole = clip_path.read_bytes()
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "half.wav").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "notes.wav").write_text("this is not audio at all\n" * 20)
    (tmp_path / "folder.wav").mkdir()
    flac = _encode(tmp_path / "full.flac", load_audio(clip_path), 16000, "flac", 1).read_bytes()
    (tmp_path / "half.flac").write_bytes(flac[: len(flac) // 2])
    return {
        "missing": (tmp_path / "missing.wav", "does not exist"),
        "empty": (tmp_path / "empty.wav", "is empty"),
        "truncated wav": (tmp_path / "half.wav", "truncated"),
        "truncated flac": (tmp_path / "half.flac", "truncated"),
        "not audio": (tmp_path / "notes.wav", "cannot be decoded"),
        "directory": (tmp_path / "folder.wav", "directory"),
    }


def test_bad_files_raise_one_sentence(tmp_path: Path, speech_clip: Path) -> None:
    for kind, (path, phrase) in _bad_files(tmp_path, speech_clip).items():
        with pytest.raises(AudioDecodeError) as info:
            load_audio(path)
        message = str(info.value)
        assert phrase in message, kind
        assert message.endswith(".") and "\n" not in message, kind
        assert info.value.code == 2


def test_streaming_riff_size_is_not_truncation(tmp_path: Path, speech_clip: Path) -> None:
    data = bytearray(speech_clip.read_bytes())
    data[4:8] = b"\xff\xff\xff\xff"  # recorders that never patched the header
    (tmp_path / "stream.wav").write_bytes(bytes(data))
    assert load_audio(tmp_path / "stream.wav").size > RATE


def test_streamed_pieces_join_to_the_loaded_signal(tmp_path: Path, clip: np.ndarray) -> None:
    from closer.audio.decode import stream_audio

    path = _encode(tmp_path / "clip.flac", clip, 44_100, "flac", 2)
    pieces = list(stream_audio(path))
    assert len(pieces) > 10 and all(p.dtype == np.float32 and p.ndim == 1 for p in pieces)
    assert np.array_equal(np.concatenate(pieces), load_audio(path))


def test_streaming_reports_bad_files_like_loading(tmp_path: Path) -> None:
    from closer.audio.decode import stream_audio

    (tmp_path / "notes.mp3").write_text("not audio\n" * 50)
    for name in ("notes.mp3", "missing.wav"):
        with pytest.raises(AudioDecodeError) as loaded:
            load_audio(tmp_path / name)
        with pytest.raises(AudioDecodeError) as streamed:
            list(stream_audio(tmp_path / name))
        assert str(streamed.value) == str(loaded.value)


@pytest.mark.parametrize("channels", [1, 2])
def test_a_plain_16k_wav_is_read_directly_with_pyavs_samples(
        tmp_path: Path, clip: np.ndarray, channels: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """closer's own recordings skip PyAV (a twentieth of the cost) and give the same samples."""
    import wave

    from closer.audio import decode

    pcm = (np.clip(clip, -1, 1) * 32767).astype("<i2")
    if channels == 2:
        pcm = np.stack([pcm, pcm // 2], axis=1).reshape(-1)
    path = tmp_path / "plain.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    assert decode._plain_wav(path) is not None
    direct = load_audio(path)
    monkeypatch.setattr(decode, "_plain_wav", lambda _path: None)  # as PyAV decodes it
    np.testing.assert_allclose(direct, load_audio(path), atol=1e-7)


def test_other_wavs_go_to_pyav(tmp_path: Path, clip: np.ndarray) -> None:
    from closer.audio import decode

    assert decode._plain_wav(_encode(tmp_path / "c44.wav", clip, 44_100, "pcm_s16le", 1)) is None
    assert decode._plain_wav(_encode(tmp_path / "f32.wav", clip, RATE, "pcm_f32le", 1)) is None
    (tmp_path / "notes.wav").write_text("not audio\n" * 50)
    assert decode._plain_wav(tmp_path / "notes.wav") is None
