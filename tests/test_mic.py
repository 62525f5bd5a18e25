"""Microphone adapters without hardware: device choice, rechunking/resampling, ArrayMicrophone."""

from __future__ import annotations

import numpy as np
import pytest

from closer.audio import mic
from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES
from fakes import ArrayMicrophone

DEVICES = [
    {"index": 0, "name": "HDA Intel PCH: ALC3246 Analog", "max_input_channels": 2,
     "max_output_channels": 2, "default_samplerate": 44100.0},
    {"index": 1, "name": "HDMI 0", "max_input_channels": 0, "max_output_channels": 8,
     "default_samplerate": 48000.0},
    {"index": 2, "name": "USB Desk Mic", "max_input_channels": 1, "max_output_channels": 0,
     "default_samplerate": 48000.0},
]


@pytest.mark.parametrize(("wanted", "default", "expected"), [
    (None, 2, 2), (None, None, 0), (None, 1, 0), ("2", None, 2), ("usb", None, 2),
    ("ALC", None, 0),
])
def test_pick_input(wanted, default, expected):
    assert mic.pick_input(DEVICES, wanted, default) == expected


@pytest.mark.parametrize(("wanted", "message"), [
    ("1", "no input device 1"), ("7", "no input device 7"), ("webcam", "No input device matches"),
])
def test_pick_input_refuses_unknown(wanted, message):
    with pytest.raises(DeviceError, match=message):
        mic.pick_input(DEVICES, wanted, None)


def test_no_inputs_is_no_microphone():
    with pytest.raises(DeviceError, match="No microphone found") as info:
        mic.pick_input(DEVICES[1:2], None, None)
    assert info.value.code == 2
    assert "closer score FILE" in str(info.value) and "closer demo" in str(info.value)


class _FakeSd:
    class default:
        device = (-1, -1)

    def __init__(self, devices, rates=(16000,)):
        self._devices, self._rates = devices, rates

    def query_devices(self):
        return [{k: v for k, v in d.items() if k != "index"} for d in self._devices]

    def check_input_settings(self, device, channels, dtype, samplerate):
        if samplerate not in self._rates:
            raise ValueError("Invalid sample rate")


def test_make_microphone_falls_back_to_the_default_rate(monkeypatch):
    monkeypatch.setattr(mic, "import_sounddevice", lambda: _FakeSd(DEVICES, rates=(48000,)))
    m = mic.make_microphone("usb", prime=False)
    assert (m.device, m.rate_hz) == (2, 48000)


def test_make_microphone_without_inputs(monkeypatch):
    monkeypatch.setattr(mic, "import_sounddevice", lambda: _FakeSd(DEVICES[1:2]))
    with pytest.raises(DeviceError, match="No microphone found"):
        mic.make_microphone(None, prime=False)


def test_rechunker_keeps_samples_in_order_across_odd_blocks():
    samples = np.arange(5000, dtype=np.float32) / 5000
    r = mic._Rechunker(16000)
    out = [c for start in range(0, 5000, 700) for c in r.push(samples[start:start + 700])]
    assert all(len(c) == CHUNK_SAMPLES for c in out)
    np.testing.assert_array_equal(np.concatenate(out), samples[:len(out) * CHUNK_SAMPLES])


def test_rechunker_resamples_48k_to_16k():
    t = np.arange(48000) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    r = mic._Rechunker(48000)
    out = np.concatenate([c for i in range(0, 48000, 1536) for c in r.push(tone[i:i + 1536])])
    assert abs(len(out) - 16000) <= 2 * CHUNK_SAMPLES
    spectrum = np.abs(np.fft.rfft(out[2000:10000]))
    assert np.argmax(spectrum) * 16000 / 8000 == pytest.approx(440, abs=4)


def test_array_microphone_plays_then_trails_silence():
    samples = np.ones(1300, dtype=np.float32)
    chunks = list(ArrayMicrophone(samples, trailing_s=0.1).chunks())
    assert len(chunks) == 3 + 3
    assert chunks[0].sum() == CHUNK_SAMPLES and chunks[2].sum() == 1300 - 2 * CHUNK_SAMPLES
    assert not any(c.any() for c in chunks[3:])


def test_array_microphone_stops_when_closed():
    m = ArrayMicrophone(np.zeros(16000, dtype=np.float32))
    got = 0
    for _ in m.chunks():
        got += 1
        if got == 4:
            m.close()
    assert got == 4
