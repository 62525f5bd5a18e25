"""closer.speech.tts and closer.audio.playback: espeak-ng rendering, speakers that stream piece by
piece on a warm output, the voice cache, the fallback when Piper cannot load, the WAV fallback,
device choice, the one WAV reader."""

from __future__ import annotations

import logging
import threading
import time
import types
import wave
from pathlib import Path

import numpy as np
import pytest

from closer.audio import decode, playback
from closer.audio.decode import write_wav
from closer.errors import DeviceError, UserError
from closer.settings import TtsSettings
from closer.speech import espeak, piper, tts
from closer.speech.cache import VoiceCache
from closer.speech.voices import Voice
from fakes import FakeSpeaker

TEXT = "What does the next step in the process look like?"
ESPEAK = TtsSettings(voice="espeak")


def test_render_gives_float_samples_and_keeps_stdout_clean(
        capfd: pytest.CaptureFixture[str]) -> None:
    samples, rate = tts.render(TEXT, TtsSettings(rate_wpm=160, voice="espeak"))
    out, _err = capfd.readouterr()
    assert out == ""  # pyttsx3's "Audio saved to ..." must not reach stdout
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert rate == 22_050
    assert 1.5 < samples.size / rate < 8.0
    assert 0.05 < float(np.abs(samples).max()) <= 1.0


def test_espeak_rate_in_wpm_changes_length() -> None:
    fast, rate = tts.render(TEXT, TtsSettings(rate_wpm=220, voice="espeak"))
    slow, _ = tts.render(TEXT, TtsSettings(rate_wpm=110, voice="espeak"))
    assert slow.size / rate > 1.5 * fast.size / rate


def test_an_espeak_voice_by_id_changes_the_sound() -> None:
    us, _ = tts.render(TEXT, TtsSettings(voice="gmw/en-us"))
    rp, _ = tts.render(TEXT, TtsSettings(voice="en-gb-x-rp"))
    assert us.size != rp.size or not np.allclose(us, rp)


def test_empty_text_renders_nothing() -> None:
    samples, rate = tts.render("   ", ESPEAK)
    assert samples.size == 0 and rate > 0


def test_unknown_voice_is_a_user_error_not_a_silent_default() -> None:
    with pytest.raises(UserError, match="No voice matches 'no-such-voice-xyz'"):
        tts.render(TEXT, TtsSettings(voice="no-such-voice-xyz"))


def test_an_empty_render_from_the_engine_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    real = espeak._render_once
    calls: list[str] = []

    def flaky(text: str, *args: object) -> tuple[np.ndarray, int]:
        calls.append(text)
        return (np.zeros(0, np.float32), 22_050) if len(calls) == 1 else real(text, *args)

    monkeypatch.setattr(espeak, "_render_once", flaky)
    samples, _rate = espeak.render("Hello there.", None, 160, 1.0)
    assert len(calls) == 2 and samples.size > 0
    monkeypatch.setattr(espeak, "_render_once", lambda *a: (np.zeros(0, np.float32), 22_050))
    with pytest.raises(UserError, match="no audio"):
        espeak.render("Hello there.", None, 160, 1.0)


DEVICES = [
    {"name": "USB Mic", "max_input_channels": 1, "max_output_channels": 0},
    {"name": "HDA Intel Speakers", "max_input_channels": 0, "max_output_channels": 2},
    {"name": "USB Headset", "max_input_channels": 1, "max_output_channels": 2},
]


def test_pick_output_by_index_or_name_substring() -> None:
    assert playback.pick_output(DEVICES, None) is None
    assert playback.pick_output(DEVICES, "2") == 2
    assert playback.pick_output(DEVICES, "headset") == 2
    assert playback.pick_output(DEVICES, "intel") == 1
    with pytest.raises(DeviceError, match="outputs here: 1: HDA Intel Speakers; 2: USB Headset"):
        playback.pick_output(DEVICES, "0")  # an input-only device is not an output
    with pytest.raises(DeviceError):
        playback.pick_output(DEVICES, "bluetooth")


class FakeOutputStream:
    """A blocking PortAudio output stream that plays ten times faster than real time and keeps
    everything but the writer's idle silence."""

    latency = 0.01
    write_available = 220

    def __init__(self, device: int | None = None, samplerate: int = 0, fail: bool = False,
                 **_kw: object) -> None:
        self.device, self.samplerate, self.fail = device, samplerate, fail
        self.written: list[np.ndarray] = []
        self.events: list[str] = []
        self.active = True
        self.time = 0.0

    def start(self) -> None:
        pass

    def write(self, data: np.ndarray) -> bool:
        if self.fail:
            raise RuntimeError("device unplugged")
        idle = int(playback.IDLE_BLOCK_S * self.samplerate)
        if data.shape[0] != idle or data.any():
            self.written.append(data[:, 0].copy())
            self.events.append("write")
        time.sleep(data.shape[0] / self.samplerate / 10)
        return False

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        pass

    def audio(self) -> np.ndarray:
        return np.concatenate(self.written) if self.written else np.zeros(0, np.float32)


class FakeSoundDevice:
    """Stands in for the sounddevice module: DEVICES, outputs that take only `accepts_hz`."""

    PortAudioError = RuntimeError

    def __init__(self, accepts_hz: int, fail: bool = False) -> None:
        self.accepts_hz, self.fail = accepts_hz, fail
        self.default = types.SimpleNamespace(device=[0, 1])
        self.streams: list[FakeOutputStream] = []

    def query_devices(self, device: int | None = None, kind: str | None = None) -> object:
        if device is None:
            return DEVICES
        return {**DEVICES[device], "default_samplerate": self.accepts_hz}

    def check_output_settings(self, device: object = None, samplerate: int | None = None,
                              **_kw: object) -> None:
        if samplerate != self.accepts_hz:
            raise ValueError("Invalid sample rate")

    def OutputStream(self, **kw: object) -> FakeOutputStream:
        stream = FakeOutputStream(fail=self.fail, **kw)  # type: ignore[arg-type]
        self.streams.append(stream)
        return stream


@pytest.fixture
def fake_sd(monkeypatch: pytest.MonkeyPatch) -> FakeSoundDevice:
    sd = FakeSoundDevice(48_000)
    monkeypatch.setattr("closer.audio.devices.import_sounddevice", lambda: sd)
    monkeypatch.setattr(playback, "import_sounddevice", lambda: sd)
    return sd


def test_no_output_device_falls_back_to_wav_files(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(playback, "output_devices", lambda: None)
    saved: list[tuple[Path, str]] = []
    speaker = tts.make_speaker(ESPEAK, "speakers", tmp_path / "out",
                               on_saved=lambda p, t: saved.append((p, t)))
    assert isinstance(speaker, tts.WavSpeaker)
    speaker.say("Hello there.")
    speaker.say(TEXT)
    assert [p.name for p in speaker.paths] == [
        "01-hello-there.wav", "02-what-does-the-next-step-in-the-process.wav"]
    assert saved == [(speaker.paths[0], "Hello there."), (speaker.paths[1], TEXT)]
    assert speaker.first_sound.is_set()
    with wave.open(str(speaker.paths[1])) as wav:
        assert wav.getnchannels() == 1 and wav.getnframes() / wav.getframerate() > 1.5


def test_this_machine_without_sound_card_gets_a_wav_speaker(tmp_path: Path) -> None:
    if playback.output_devices() is not None:
        pytest.skip("this machine has an output device")
    assert isinstance(tts.make_speaker(ESPEAK, None, tmp_path), tts.WavSpeaker)


def test_device_speaker_resamples_to_a_rate_the_device_takes(fake_sd: FakeSoundDevice) -> None:
    speaker = tts.make_speaker(ESPEAK, "headset")
    assert isinstance(speaker, tts.DeviceSpeaker) and speaker.device == 2
    speaker.say("Hello there.")
    speaker.close()
    (stream,) = fake_sd.streams
    reference, ref_rate = tts.render("Hello there.", ESPEAK)
    assert (stream.samplerate, stream.device) == (48_000, 2)
    played_s = stream.audio().size / stream.samplerate
    ref_s = reference.size / ref_rate  # and at most the warm-up of a fresh stream
    assert ref_s - 0.01 < played_s < ref_s + playback.WARM_S + 0.01
    assert speaker.first_sound.is_set()


def test_device_speaker_keeps_the_rate_when_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    sd = FakeSoundDevice(22_050)
    monkeypatch.setattr(playback, "import_sounddevice", lambda: sd)
    speaker = tts.make_speaker(ESPEAK, None)
    speaker.say("Hi.")
    speaker.close()
    assert sd.streams[0].samplerate == 22_050 and sd.streams[0].device is None


def test_a_failing_output_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    sd = FakeSoundDevice(22_050, fail=True)
    monkeypatch.setattr(playback, "import_sounddevice", lambda: sd)
    out = playback.OutputStream(None, 22_050)
    with pytest.raises(DeviceError, match="stopped while speaking"):
        out.play(np.ones(2205, np.float32) * 0.1, 22_050)
    out.close()


class ScriptedEngine:
    """An engine that makes each sentence of a line on demand and logs when."""

    engine = "fake"
    rate_hz = 16_000
    cacheable = True

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.started = False

    def start(self) -> None:
        self.started = True

    def wait(self) -> None:
        pass

    def cache_key(self) -> str:
        return "fake 1"

    def sentences(self, text: str):  # type: ignore[no-untyped-def]
        for k, _sentence in enumerate(text.split(". ")):
            self.log.append(f"made {k}")
            yield np.full(1600, 0.1 * (k + 1), np.float32)


def _speech(log: list[str], cache: VoiceCache | None) -> tts.Speech:
    speech = tts.Speech(TtsSettings(), Voice("fake", "v", "en"), cache=cache)
    speech.engine = ScriptedEngine(log)
    return speech


def test_the_first_sentence_plays_while_the_next_is_made(fake_sd: FakeSoundDevice) -> None:
    log: list[str] = []
    out = playback.OutputStream(None, 16_000)
    real_write = out.write
    out.write = lambda s, r: (log.append("queued"), real_write(s, r))[1]  # type: ignore[method-assign]
    tts.DeviceSpeaker(_speech(log, None), out).say("One. Two. Three")
    out.close()
    assert log == ["made 0", "queued", "made 1", "queued", "made 2", "queued"]
    played = fake_sd.streams[0].audio()
    assert played.size >= 3 * 4800 and played[-1] == pytest.approx(0.3, abs=1e-3)


def test_a_line_said_before_comes_from_the_voice_cache(tmp_path: Path) -> None:
    log: list[str] = []
    cache = VoiceCache(tmp_path / "voices")
    first, _rate = _speech(log, cache).render("One. Two")
    assert log == ["made 0", "made 1"] and len(list(cache.folder.glob("*.wav"))) == 1
    log.clear()
    again = _speech(log, cache)
    second, _ = again.render("One. Two")
    assert log == [] and again.engine.started  # not made again; the voice loads meanwhile
    assert second.size == first.size and np.allclose(second, first, atol=1 / 16_000)
    other = _speech(log, cache)
    other.engine.cache_key = lambda: "fake 2"  # type: ignore[method-assign]
    other.render("One. Two")
    assert log == ["made 0", "made 1"]  # another pace or voice is another line


def test_a_damaged_cache_file_is_a_miss(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path)
    cache.folder.mkdir(exist_ok=True)
    cache.path("k", "hi").write_bytes(b"RIFF....WAVEjunk")
    assert cache.get("k", "hi") is None


def test_the_cache_keeps_at_most_its_limit(tmp_path: Path) -> None:
    cache = VoiceCache(tmp_path, limit_files=3)
    for k in range(5):
        cache.put("k", f"line {k}", np.full(100, 0.1, np.float32), 16_000)
    assert len(list(tmp_path.glob("*.wav"))) == 3 and cache.get("k", "line 4") is not None


def test_the_cache_is_off_or_elsewhere_by_environment(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("CLOSER_VOICE_CACHE", "off")
    assert VoiceCache.from_env() is None
    monkeypatch.setenv("CLOSER_VOICE_CACHE", str(tmp_path))
    assert VoiceCache.from_env().folder == tmp_path  # type: ignore[union-attr]


def test_piper_that_cannot_load_falls_back_to_espeak_with_one_line(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(voice: Voice) -> None:
        raise RuntimeError("onnxruntime: model file is damaged")

    monkeypatch.setattr(piper, "_load_now", broken)
    piper.forget_loads()
    try:
        speech = tts.Speech(TtsSettings(), cache=None)
        assert speech.label == "piper:en_US-joe-medium"
        with caplog.at_level(logging.WARNING):
            samples, rate = speech.render(TEXT)
            speech.render("Hello there.")
        assert samples.size / rate > 1.0 and speech.label.startswith("espeak:")
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1, warnings
        assert "Piper cannot load" in warnings[0] and "espeak-ng" in warnings[0]
        asked = tts.Speech(TtsSettings(voice="joe"), cache=None)
        with pytest.raises(piper.PiperUnavailable, match="Piper cannot load the voice"):
            asked.render(TEXT)  # the user named Piper's voice: say why it cannot speak
    finally:
        piper.forget_loads()


def test_read_wav_averages_channels_and_names_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    pcm = (np.array([[0.5, -0.5], [0.25, 0.25]] * 10) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(pcm.tobytes())
    samples, rate = decode.read_wav(path)
    assert rate == 8000 and samples.size == 20
    assert samples[:2] == pytest.approx([0.0, 0.25], abs=1e-3)
    mono = tmp_path / "mono.wav"
    write_wav(mono, np.full(160, 0.5, np.float32), 16_000)
    assert decode.read_wav(mono)[0] == pytest.approx(np.full(160, 0.5), abs=1e-3)
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a wav")
    with pytest.raises(UserError, match=r"bad\.wav cannot be read as a WAV file"):
        decode.read_wav(bad)


def test_play_file_without_outputs_plays_nothing(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(playback, "output_devices", lambda: None)
    path = tmp_path / "r.wav"
    write_wav(path, np.zeros(1600, np.float32), 16_000)
    assert playback.play_file(path, None) is False


def test_fake_speaker_records_lines() -> None:
    speaker = FakeSpeaker()
    speaker.say("one")
    speaker.say("two")
    assert speaker.lines == ["one", "two"]


def test_output_stream_is_warm_before_the_first_sample(fake_sd: FakeSoundDevice) -> None:
    out = playback.OutputStream(None, 48_000)
    tone = np.full(4800, 0.2, np.float32)
    out.play(tone, 48_000)
    time.sleep(playback.WARM_S)
    out.play(tone, 48_000)
    out.close()
    first, second = fake_sd.streams[0].written[:2]
    lead = np.flatnonzero(first)[0] / 48_000
    assert 0.5 * playback.WARM_S < lead <= playback.WARM_S + 0.01  # silence before the sound
    assert np.flatnonzero(second)[0] == 0  # a stream that has been playing needs none
    assert threading.active_count() < 50
