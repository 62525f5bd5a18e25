"""`closer history|progress|replay|export` through closer.cli.main, with a tmp data dir."""

from __future__ import annotations

import csv
import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from closer.cli import main
from closer.history.store import open_history
from test_history import make_attempt, tone
from test_tts import FakeSoundDevice


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLOSER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def filled(data_dir: Path) -> Path:
    """Six attempts over four days; the last has an objection check and no recording."""
    with open_history(data_dir) as h:
        for day, score in ((1, 30), (1, 45), (2, 60), (4, 70), (5, 85)):
            h.add(make_attempt(score=score, created_at=f"2025-03-0{day}T12:00:00+00:00",
                               audio=tone(0.2)))
        checks = {**make_attempt().checks,
                  "objection_handling": {"passed": True, "evidence": "I led a team", "tip": None}}
        h.add(make_attempt(score=95, created_at="2025-03-05T13:00:00+00:00", checks=checks,
                           passed=True, delivery=None))
    return data_dir


def test_history_empty_says_so(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["history"]) == 0
    out = capsys.readouterr().out
    assert "No attempts yet" in out and "closer drill" in out


def test_history_table_is_aligned(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--limit", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "when", "mode", "round", "score", "next", "trial", "tone",
                                "objection", "wpm"]
    assert [line.split()[0] for line in lines[1:]] == ["3", "4", "5", "6"]  # newest at the bottom
    assert len({line.index("first") for line in lines[1:]}) == 1  # columns line up
    assert lines[1].split()[-5:] == ["pass", "miss", "pass", "-", "142"]
    assert lines[-1].split()[-5:] == ["pass", "miss", "pass", "pass", "-"]


def test_history_bad_limit_is_one_sentence(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--limit", "0"]) == 2
    assert capsys.readouterr().err.strip() == "closer: --limit must be at least 1."


def test_progress_writes_png(filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "plots" / "progress.png"
    assert main(["progress", "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (900, 600) and len(data) > 20_000


def test_progress_default_path_in_data_dir(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["progress"]) == 0
    assert (filled / "progress.png").is_file()


def test_progress_without_attempts_exits_1(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["progress"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No attempts" in err


def test_replay_prints_exchange_and_verdict(filled: Path, capsys: pytest.CaptureFixture,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    played: list[tuple[Path, str | None]] = []
    monkeypatch.setattr("closer.history.playback.play_recording",
                        lambda path, dev: played.append((path, dev)) or True)
    assert main(["replay", "1", "--output-device", "pulse"]) == 0
    out = capsys.readouterr().out
    assert "Interviewer: What questions do you have for me?" in out
    assert "You: What does the next step look like?" in out
    assert "score 30" in out and "tip: Ask for the job." in out
    assert "Delivery: 142 words per minute, fillers: 1, started 0.8 s after the question." in out
    assert played and played[0][1] == "pulse" and played[0][0].suffix == ".wav"


def test_replay_without_output_device_prints_wav_path(
        filled: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("closer.audio.playback.output_devices", lambda: None)
    assert main(["replay", "2"]) == 0
    out = capsys.readouterr().out
    assert "No output device" in out and str(filled / "recordings") in out


def test_replay_without_recording(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["replay", "6"]) == 0
    out = capsys.readouterr().out
    assert "No recording was kept" in out and "objection handling" in out


def test_replay_unknown_id(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["replay", "99"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("closer: ") and err.count("\n") == 1 and "Traceback" not in err


def test_export_json(filled: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["export", "--format", "json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [i["score"] for i in items] == [30, 45, 60, 70, 85, 95]
    assert items[0]["audio_path"].endswith(".wav") and "audio" not in items[0]
    assert items[5]["audio_path"] is None and items[5]["checks"]["objection_handling"]["passed"]


def test_export_csv_to_file(filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "attempts.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 6
    assert rows[0]["next_step_passed"] == "1" and rows[0]["trial_close_passed"] == "0"
    assert rows[0]["objection_handling_passed"] == ""
    assert rows[5]["objection_handling_passed"] == "1"
    assert rows[0]["words_per_minute"] == "142.5" and rows[5]["words_per_minute"] == ""
    assert rows[0]["score"] == "30" and rows[0]["reaction_s"] == "0.8"
    assert "Exported 6 attempts" in capsys.readouterr().err


def test_corrupt_db_via_cli_keeps_it_and_says_where(
        data_dir: Path, capsys: pytest.CaptureFixture, caplog: pytest.LogCaptureFixture) -> None:
    data_dir.mkdir(parents=True)
    garbage = np.arange(4096, dtype=np.uint8).tobytes()
    (data_dir / "history.sqlite3").write_bytes(garbage)
    assert main(["history"]) == 0
    kept = list(data_dir.glob("history.sqlite3.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    # the CLI's logging shows warnings on stderr; pytest captures them as records instead
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and str(kept[0]) in warnings[0]
    assert "No attempts yet" in capsys.readouterr().out


def test_replay_plays_on_named_device_resampled(
        filled: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeSoundDevice(48_000)  # two outputs that take 48 kHz only
    monkeypatch.setattr("closer.audio.playback.import_sounddevice", lambda: fake)
    assert main(["replay", "1", "--output-device", "speakers"]) == 0
    assert "Played" in capsys.readouterr().out
    (stream,) = fake.streams
    assert (stream.samplerate, stream.device) == (48_000, 1)
    played = stream.audio()
    loud = np.flatnonzero(np.abs(played) > 1e-3)
    assert abs((loud[-1] - loud[0]) / 48_000 - 0.2) < 0.01  # the 0.2 s tone, resampled
    assert main(["replay", "1", "--output-device", "hdmi"]) == 2  # no such output: one sentence
    assert "No output device matches 'hdmi'" in capsys.readouterr().err
