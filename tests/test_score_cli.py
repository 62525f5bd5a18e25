"""`closer score`: the JSON contract, exit codes, stdin, bad files, bad models, plain output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from closer import cli
from closer.audio.decode import write_wav
from closer.types import Transcript, Word

GOOD = ("What does the next step in the interview process look like? Based on what we've talked "
        "about today, is there any reason why you wouldn't feel comfortable passing me on to the "
        "next round?")
WEAK = "Um, sorry, I guess I just wanted to say, like, thanks for your time."
CHECK_KEYS = {"next_step", "trial_close", "confident_tone"}
CLOSER = [sys.executable, "-m", "closer"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict], str]:
    code = cli.main(["score", "--json", *argv])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def _assert_result_shape(obj: dict, file: str, round: str = "first") -> None:
    assert list(obj) == ["file", "round", "transcript", "checks", "delivery", "score", "order_ok",
                         "stronger_close"]
    assert obj["file"] == file and obj["round"] == round
    assert isinstance(obj["transcript"], str)
    assert set(obj["checks"]) == CHECK_KEYS
    for check in obj["checks"].values():
        assert list(check) == ["passed", "evidence", "tip"]
        assert isinstance(check["passed"], bool)
        assert check["evidence"] is None or isinstance(check["evidence"], str)
        assert check["tip"] is None or isinstance(check["tip"], str)
    assert isinstance(obj["score"], int) and not isinstance(obj["score"], bool)
    assert obj["order_ok"] in (True, False, None)
    assert isinstance(obj["stronger_close"], str) and obj["stronger_close"]


@pytest.fixture
def texts(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "good.txt").write_text(GOOD + "\n", encoding="utf-8")
    (tmp_path / "weak.txt").write_text(WEAK, encoding="utf-8")
    return {"good": tmp_path / "good.txt", "weak": tmp_path / "weak.txt"}


class FakeTranscriber:
    def __init__(self, transcript: Transcript) -> None:
        self.transcript, self.calls = transcript, 0

    def transcribe(self, audio: np.ndarray) -> Transcript:
        self.calls += 1
        return self.transcript


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Replace the model loader; returns the list of settings it was called with."""
    words = tuple(Word(w, 0.5 + i * 0.3, 0.7 + i * 0.3) for i, w in enumerate(GOOD.split()))
    loads: list[object] = []

    def load(settings: object) -> FakeTranscriber:
        loads.append(settings)
        return FakeTranscriber(Transcript(GOOD, words, duration_s=15.0))

    monkeypatch.setattr("closer.speech.transcriber.load_transcriber", load)
    return loads


def _wav(path: Path, seconds: float = 1.0) -> Path:
    write_wav(path, 0.1 * np.sin(np.arange(int(16000 * seconds)) / 5.0).astype(np.float32))
    return path


# --- text files and the JSON contract ---------------------------------------------------------

def test_good_text_passes_with_exit_0(capsys, texts) -> None:
    code, rows, _ = _run(capsys, str(texts["good"]))
    assert code == 0 and len(rows) == 1
    _assert_result_shape(rows[0], str(texts["good"]))
    assert all(c["passed"] for c in rows[0]["checks"].values())
    assert rows[0]["delivery"] is None and rows[0]["transcript"] == GOOD
    assert rows[0]["order_ok"] is True


def test_weak_text_fails_with_exit_1_and_tips(capsys, texts) -> None:
    code, rows, _ = _run(capsys, "--round", "final", str(texts["weak"]))
    assert code == 1
    _assert_result_shape(rows[0], str(texts["weak"]), "final")
    assert not rows[0]["checks"]["trial_close"]["passed"]
    assert rows[0]["checks"]["trial_close"]["tip"]


def test_one_line_per_file_in_the_order_given(capsys, texts) -> None:
    order = [texts["weak"], texts["good"], texts["weak"]]
    code, rows, _ = _run(capsys, *map(str, order))
    assert code == 1
    assert [r["file"] for r in rows] == [str(p) for p in order]


def test_stdin(capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(GOOD.encode())))
    code, rows, _ = _run(capsys, "-")
    assert code == 0 and rows[0]["file"] == "-" and rows[0]["transcript"] == GOOD


def _bad_inputs(tmp: Path, speech_clip: Path) -> list[Path]:
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "blank.txt").write_text("  \n\n")
    (tmp / "latin1.txt").write_bytes("Quelle est la prochaine étape ?".encode("latin-1"))
    (tmp / "dir.txt").mkdir()
    (tmp / "dir.wav").mkdir()
    (tmp / "empty.wav").write_bytes(b"")
    whole = speech_clip.read_bytes()
    (tmp / "cut.wav").write_bytes(whole[: len(whole) // 3])
    (tmp / "notes.mp3").write_text("not audio\n" * 50)
    return [tmp / n for n in ("missing.txt", "empty.txt", "blank.txt", "latin1.txt", "dir.txt",
                              "missing.wav", "dir.wav", "empty.wav", "cut.wav", "notes.mp3")]


def test_every_bad_file_kind_gets_an_error_line(capsys, tmp_path, texts, speech_clip,
                                                fake_model) -> None:
    bad = _bad_inputs(tmp_path, speech_clip)
    args = [str(texts["good"]), *map(str, bad), str(texts["good"])]
    code, rows, err = _run(capsys, *args)
    assert code == 2
    assert [r["file"] for r in rows] == args
    _assert_result_shape(rows[0], args[0])
    _assert_result_shape(rows[-1], args[-1])
    for row in rows[1:-1]:
        assert list(row) == ["file", "error"], row
        assert row["error"].endswith(".") and "\n" not in row["error"]
        assert "Traceback" not in row["error"]
    assert "Traceback" not in err
    assert fake_model == []  # no audio decoded, so no model was loaded


def test_bad_file_in_human_mode_is_one_line(capsys, tmp_path) -> None:
    code = cli.main(["score", str(tmp_path / "gone.wav")])
    out, _ = capsys.readouterr()
    assert code == 2
    assert out.strip().splitlines() == [f"{tmp_path / 'gone.wav'}: error: "
                                        f"{tmp_path / 'gone.wav'} does not exist."]


# --- audio and the model -------------------------------------------------------------------

def test_audio_result_has_delivery_and_model_loads_once(capsys, tmp_path, texts,
                                                        fake_model) -> None:
    a, b = _wav(tmp_path / "a.wav"), _wav(tmp_path / "b.wav")
    code, rows, _ = _run(capsys, str(a), str(texts["good"]), str(b))
    assert code == 0 and len(fake_model) == 1
    for row, name in zip(rows, (a, texts["good"], b), strict=True):
        _assert_result_shape(row, str(name))
    for row in (rows[0], rows[2]):
        d = row["delivery"]
        for key in ("duration_s", "words_per_minute", "filler_count", "longest_pause_s"):
            assert isinstance(d[key], int | float) and not isinstance(d[key], bool), key
        assert d["duration_s"] == 15.0 and d["filler_count"] == 0
        assert d["words_per_minute"] > 0


def test_text_only_never_loads_the_model(capsys, texts, fake_model) -> None:
    assert cli.main(["score", str(texts["good"])]) == 0
    assert fake_model == []


@pytest.mark.parametrize("kind", ["missing dir", "no model.bin", "unknown name"])
def test_bad_model_is_exit_2_with_one_sentence(capsys, tmp_path, texts, kind) -> None:
    (tmp_path / "empty").mkdir()
    model = {"missing dir": str(tmp_path / "nowhere"), "no model.bin": str(tmp_path / "empty"),
             "unknown name": "enormous.en"}[kind]
    code = cli.main(["score", "--json", "--model", model, str(texts["good"])])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("closer: ") and len(err.strip().splitlines()) == 1


def test_corrupt_model_bin_is_exit_2(capsys, tmp_path, speech_clip) -> None:
    from closer.speech.transcriber import resolve_model

    bundled = Path(resolve_model(None))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    (tmp_path / "model.bin").write_bytes(b"\x01not a model" * 64)
    code = cli.main(["score", "--model", str(tmp_path), str(speech_clip)])
    _, err = capsys.readouterr()
    assert code == 2 and "damaged" in err and "Traceback" not in err


# --- as a real process ---------------------------------------------------------------------

def test_human_output_is_plain_when_not_a_tty(texts) -> None:
    proc = subprocess.run([*CLOSER, "score", str(texts["weak"]), str(texts["good"])],
                          capture_output=True, text=True, env={**os.environ, "TERM": "xterm"})
    assert proc.returncode == 1
    assert "\033[" not in proc.stdout and "\033[" not in proc.stderr
    assert "FAIL" in proc.stdout and "PASS" in proc.stdout
    assert "trial close" in proc.stdout and "tip:" in proc.stdout
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal


def test_stdin_as_a_process() -> None:
    proc = subprocess.run([*CLOSER, "score", "--json", "-"], input=WEAK, capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["file"] == "-"


@pytest.mark.model
def test_spoken_close_end_to_end(tmp_path, espeak) -> None:
    wav = espeak("What are the next steps in the process? Have I convinced you that I'm the "
                 "right candidate for this job?", tmp_path / "close.wav")
    proc = subprocess.run([*CLOSER, "score", "--json", str(wav)], capture_output=True, text=True)
    row = json.loads(proc.stdout)
    _assert_result_shape(row, str(wav))
    assert "next steps" in row["transcript"].lower()
    assert row["checks"]["next_step"]["passed"] and row["checks"]["trial_close"]["passed"]
    assert proc.returncode == 0, proc.stdout
    assert row["delivery"]["duration_s"] > 3 and 80 < row["delivery"]["words_per_minute"] < 300


def test_format_verdict_colours_only_when_asked() -> None:
    from closer.report import format_error, format_verdict
    from closer.rubric import evaluate
    from closer.types import Delivery

    transcript = Transcript(WEAK)
    verdict = evaluate(transcript, "first")
    delivery = Delivery(4.0, 3.5, 150.0, 2, 0.8, 1, 2)
    plain = format_verdict("a.wav", transcript, verdict, delivery, color=False)
    coloured = format_verdict("a.wav", transcript, verdict, delivery, color=True)
    assert "\033[" not in plain and "\033[31m" in coloured
    assert "FAIL" in plain and "2 fillers" in plain and "rising endings 1 of 2" in plain
    assert "\033[" not in format_error("x.wav", "x.wav is empty.")
