"""closer.speech.tts: rendering with pyttsx3/espeak-ng, voice and device choice, the WAV
fallback."""

from __future__ import annotations

import sys
import types
import wave
from pathlib import Path

import numpy as np
import pytest

from closer.errors import DeviceError, UserError
from closer.settings import TtsSettings
from closer.speech import tts
from fakes import FakeSpeaker

TEXT = "What does the next step in the process look like?"


def test_render_gives_float_samples_and_keeps_stdout_clean(
        capfd: pytest.CaptureFixture[str]) -> None:
    samples, rate = tts.render(TEXT, TtsSettings(rate_wpm=160))
    out, _err = capfd.readouterr()
    assert out == ""  # pyttsx3's "Audio saved to ..." must not reach stdout
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert rate == 22_050
    assert 1.5 < samples.size / rate < 8.0
    assert 0.05 < float(np.abs(samples).max()) <= 1.0


def test_rate_in_wpm_changes_length() -> None:
    fast, rate = tts.render(TEXT, TtsSettings(rate_wpm=220))
    slow, _ = tts.render(TEXT, TtsSettings(rate_wpm=110))
    assert slow.size / rate > 1.5 * fast.size / rate


def test_voice_by_name_substring_changes_the_sound() -> None:
    us, _ = tts.render(TEXT, TtsSettings(voice="America"))
    rp, _ = tts.render(TEXT, TtsSettings(voice="en-gb-x-rp"))
    assert us.size != rp.size or not np.allclose(us, rp)


def test_empty_text_renders_nothing() -> None:
    samples, rate = tts.render("   ", TtsSettings())
    assert samples.size == 0 and rate > 0


def test_resolve_voice_prefers_exact_id_then_substring() -> None:
    voices = [("gmw/en", "English (Great Britain)"), ("gmw/en-us", "English (America)")]
    assert tts.resolve_voice("gmw/en", voices) == "gmw/en"
    assert tts.resolve_voice("america", voices) == "gmw/en-us"
    assert tts.resolve_voice("EN-US", voices) == "gmw/en-us"
    with pytest.raises(UserError, match="No TTS voice matches 'klingon'"):
        tts.resolve_voice("klingon", voices)


def test_unknown_voice_is_a_user_error_not_a_silent_default() -> None:
    with pytest.raises(UserError):
        tts.render(TEXT, TtsSettings(voice="no-such-voice-xyz"))


DEVICES = [
    {"name": "USB Mic", "max_input_channels": 1, "max_output_channels": 0},
    {"name": "HDA Intel Speakers", "max_input_channels": 0, "max_output_channels": 2},
    {"name": "USB Headset", "max_input_channels": 1, "max_output_channels": 2},
]


def test_pick_output_by_index_or_name_substring() -> None:
    assert tts.pick_output(DEVICES, None) is None
    assert tts.pick_output(DEVICES, "2") == 2
    assert tts.pick_output(DEVICES, "headset") == 2
    assert tts.pick_output(DEVICES, "intel") == 1
    with pytest.raises(DeviceError, match="outputs here: 1: HDA Intel Speakers; 2: USB Headset"):
        tts.pick_output(DEVICES, "0")  # an input-only device is not an output
    with pytest.raises(DeviceError):
        tts.pick_output(DEVICES, "bluetooth")


def test_no_output_device_falls_back_to_wav_files(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "output_devices", lambda: None)
    saved: list[tuple[Path, str]] = []
    speaker = tts.make_speaker(TtsSettings(), "speakers", tmp_path / "out",
                               on_saved=lambda p, t: saved.append((p, t)))
    assert isinstance(speaker, tts.WavSpeaker)
    speaker.say("Hello there.")
    speaker.say(TEXT)
    assert [p.name for p in speaker.paths] == [
        "01-hello-there.wav", "02-what-does-the-next-step-in-the-process.wav"]
    assert saved == [(speaker.paths[0], "Hello there."), (speaker.paths[1], TEXT)]
    with wave.open(str(speaker.paths[1])) as wav:
        assert wav.getnchannels() == 1 and wav.getnframes() / wav.getframerate() > 1.5


def test_this_machine_without_sound_card_gets_a_wav_speaker(tmp_path: Path) -> None:
    if tts.output_devices() is not None:
        pytest.skip("this machine has an output device")
    assert isinstance(tts.make_speaker(TtsSettings(), None, tmp_path), tts.WavSpeaker)


def _fake_sounddevice(accepts_hz: int, played: list[tuple[np.ndarray, int, object]]):
    def check_output_settings(device=None, samplerate=None, **_kw):
        if samplerate != accepts_hz:
            raise ValueError("Invalid sample rate")

    return types.SimpleNamespace(
        query_devices=lambda device=None, kind=None: (
            DEVICES if device is None else {**DEVICES[device], "default_samplerate": accepts_hz}),
        check_output_settings=check_output_settings,
        default=types.SimpleNamespace(device=[0, 1]),
        play=lambda data, rate, device=None, blocking=False: played.append((data, rate, device)),
        PortAudioError=RuntimeError,
    )


def test_device_speaker_resamples_to_a_rate_the_device_takes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[tuple[np.ndarray, int, object]] = []
    monkeypatch.setitem(sys.modules, "sounddevice",
                        _fake_sounddevice(48_000, played))
    speaker = tts.make_speaker(TtsSettings(), "headset")
    assert isinstance(speaker, tts.SoundDeviceSpeaker) and speaker.device == 2
    speaker.say("Hello there.")
    (data, rate, device), = played
    reference, ref_rate = tts.render("Hello there.", TtsSettings())
    assert (rate, device) == (48_000, 2)
    assert abs(data.size / rate - reference.size / ref_rate) < 0.01


def test_device_speaker_keeps_the_rate_when_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[tuple[np.ndarray, int, object]] = []
    monkeypatch.setitem(sys.modules, "sounddevice",
                        _fake_sounddevice(22_050, played))
    tts.make_speaker(TtsSettings(), None).say("Hi.")
    assert played[0][1] == 22_050 and played[0][2] is None


def test_fake_speaker_records_lines() -> None:
    speaker = FakeSpeaker()
    speaker.say("one")
    speaker.say("two")
    assert speaker.lines == ["one", "two"]


def test_an_empty_render_from_the_engine_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tts._render_once
    calls: list[str] = []

    def flaky(text: str, settings: TtsSettings) -> tuple[np.ndarray, int]:
        calls.append(text)
        return (np.zeros(0, np.float32), 22_050) if len(calls) == 1 else real(text, settings)

    monkeypatch.setattr(tts, "_render_once", flaky)
    samples, _rate = tts.render("Hello there.", TtsSettings())
    assert len(calls) == 2 and samples.size > 0
    monkeypatch.setattr(tts, "_render_once", lambda t, s: (np.zeros(0, np.float32), 22_050))
    with pytest.raises(UserError, match="no audio"):
        tts.render("Hello there.", TtsSettings())
