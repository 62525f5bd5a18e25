"""`closer devices` and `closer mic-check` without hardware, and the level meter."""

from __future__ import annotations

import io

import numpy as np
import pytest

from closer import cli
from closer.audio import mic
from closer.audio.meter import MeterLine, bar, render
from closer.commands import devices
from closer.turn.listen import ListenStatus
from fakes import ArrayMicrophone

DEVICES = [
    {"name": "Built-in Mic", "max_input_channels": 2, "max_output_channels": 0,
     "default_samplerate": 44100.0},
    {"name": "Speakers", "max_input_channels": 0, "max_output_channels": 2,
     "default_samplerate": 48000.0},
]


class FakeSd:
    def __init__(self, devs):
        self.devs = devs
        self.default = type("D", (), {"device": (0, 1)})()

    def query_devices(self):
        return self.devs


def test_format_devices_marks_defaults():
    lines = devices.format_devices([dict(d, index=i) for i, d in enumerate(DEVICES)], 0, 1)
    assert lines == ["inputs:", " *  0  Built-in Mic  (2 ch, 44100 Hz)",
                     "outputs:", " *  1  Speakers  (2 ch, 48000 Hz)"]


def test_devices_command_lists(monkeypatch, capsys):
    monkeypatch.setattr(mic, "import_sounddevice", lambda: FakeSd(DEVICES))
    assert cli.main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "Built-in Mic" in out and "Speakers" in out


def test_mic_check_without_microphone_is_one_sentence_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(mic, "import_sounddevice", lambda: FakeSd(DEVICES[1:]))
    assert cli.main(["mic-check"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "closer: No microphone found; try `closer score FILE` or `closer demo`."


@pytest.mark.parametrize(("amplitude", "code", "word"), [(0.0, 1, "silent"), (0.3, 0, "fine")])
def test_mic_check_judges_what_it_hears(monkeypatch, capsys, amplitude, code, word):
    rng = np.random.default_rng(1)
    quiet = rng.normal(0, 1e-4, 16000).astype(np.float32)
    voice = (amplitude * np.sin(np.arange(32000) * 0.2)).astype(np.float32)
    audio = np.concatenate([quiet, voice]) if amplitude else np.zeros(48000, np.float32)
    monkeypatch.setattr(mic, "make_microphone", lambda wanted: ArrayMicrophone(audio))
    assert cli.main(["mic-check", "--seconds", "3"]) == code
    assert word in capsys.readouterr().out


def test_meter_render_and_bar():
    assert bar(0.0) == "#" * 20 and bar(-60.0) == "." * 20 and bar(-30.0) == "#" * 10 + "." * 10
    line = render(ListenStatus("hearing", 67.4, -24.0, 38.2))
    assert line.startswith("hearing") and "-24 dB" in line and "1:07" in line
    assert line.endswith("38 s left")
    assert "left" not in render(ListenStatus("listening", 1.0, -100.0, None))


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_meter_writes_only_to_terminals_and_clears_when_thinking():
    piped = io.StringIO()
    MeterLine(piped).update(ListenStatus("hearing", 1.0, -20.0, 10.0))
    assert piped.getvalue() == ""
    tty = Tty()
    meter = MeterLine(tty)
    meter.update(ListenStatus("hearing", 1.0, -20.0, 10.0))
    assert tty.getvalue().startswith("\rhearing")
    meter.update(ListenStatus("thinking", 2.0, -100.0, None))
    assert tty.getvalue().endswith("\r") and "thinking" not in tty.getvalue()


@pytest.mark.parametrize(("wanted", "kind", "expected"), [
    ("0", "input", 0), ("0", "output", None), ("USB", "input", 1), ("usb", "input", 1),
    ("speakers", "output", 2), ("speakers", "input", None), ("9", "output", None),
])
def test_one_rule_names_input_and_output_devices(wanted, kind, expected):
    from closer.audio.devices import match_device

    devices = [{"name": "Built-in Mic", "max_input_channels": 1, "max_output_channels": 0},
               {"name": "USB Headset", "max_input_channels": 1, "max_output_channels": 2},
               {"name": "Speakers", "max_input_channels": 0, "max_output_channels": 2}]
    assert match_device(devices, wanted, kind) == expected


def test_default_devices_tolerate_missing_and_negative_defaults():
    from types import SimpleNamespace

    from closer.audio.devices import default_devices

    assert default_devices(SimpleNamespace(default=SimpleNamespace(device=(-1, 3)))) == (None, 3)
    assert default_devices(SimpleNamespace()) == (None, None)
