"""closer.history.store: round trip, recordings, opt-out, crash safety, damaged databases."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import wave
from pathlib import Path

import numpy as np
import pytest

from closer.errors import UserError
from closer.history.database import DB_NAME, SCHEMA_VERSION
from closer.history.store import Attempt, open_history


def make_attempt(score: int = 70, audio: np.ndarray | None = None, **over) -> Attempt:
    fields = dict(
        created_at="2025-03-01T09:30:00+00:00", mode="drill", round="first",
        exchange=[{"speaker": "interviewer", "text": "What questions do you have for me?"},
                  {"speaker": "candidate", "text": "What does the next step look like?"}],
        transcript="What does the next step look like?",
        checks={"next_step": {"passed": True, "evidence": "next step", "tip": None},
                "trial_close": {"passed": False, "evidence": None, "tip": "Ask for the job."},
                "confident_tone": {"passed": True, "evidence": None, "tip": None}},
        delivery={"words_per_minute": np.float32(142.5), "filler_count": 1},
        score=score, passed=False, order_ok=None, extra={"reaction_s": 0.8}, audio=audio)
    fields.update(over)
    return Attempt(**fields)


def tone(seconds: float = 0.5) -> np.ndarray:
    t = np.arange(int(16000 * seconds)) / 16000
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_round_trip_add_get_recent_all(tmp_path: Path) -> None:
    with open_history(tmp_path) as h:
        ids = [h.add(make_attempt(score=s)) for s in (10, 20, 30)]
        assert ids == sorted(ids) and len(set(ids)) == 3
        got = h.get(ids[1])
        assert got.score == 20 and got.round == "first" and got.mode == "drill"
        assert got.exchange[1] == {"speaker": "candidate",
                                   "text": "What does the next step look like?"}
        assert got.checks["trial_close"]["tip"] == "Ask for the job."
        assert got.delivery == {"words_per_minute": 142.5, "filler_count": 1}
        assert got.extra == {"reaction_s": 0.8}
        assert got.passed is False and got.order_ok is None
        assert got.check_passed("next_step") is True and got.check_passed("nope") is None
        assert [a.score for a in h.recent(2)] == [30, 20]  # newest first
        assert [a.score for a in h.all()] == [10, 20, 30]  # oldest first
    with open_history(tmp_path) as again:  # persisted
        assert [a.id for a in again.all()] == ids


def test_unknown_id_is_one_sentence(tmp_path: Path) -> None:
    with open_history(tmp_path) as h, pytest.raises(UserError, match="no attempt 42") as err:
        h.get(42)
    assert err.value.code == 2


def test_recording_saved_as_16bit_wav_beside_db(tmp_path: Path) -> None:
    audio = tone()
    with open_history(tmp_path) as h:
        stored = h.get(h.add(make_attempt(audio=audio)))
    assert stored.audio_path is not None and stored.audio_path.is_file()
    assert stored.audio_path.parent.parent == tmp_path
    with wave.open(str(stored.audio_path), "rb") as wav:
        assert (wav.getsampwidth(), wav.getnchannels(), wav.getframerate()) == (2, 1, 16000)
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    assert pcm.size == audio.size
    assert np.max(np.abs(pcm / 32767.0 - audio)) < 1e-3
    assert not list(stored.audio_path.parent.glob("*.tmp"))  # temp name renamed away
    # the row stores a path relative to the data dir, so the folder can move
    row = sqlite3.connect(tmp_path / DB_NAME).execute("SELECT audio_path FROM attempts").fetchone()
    assert not Path(row[0]).is_absolute()


def test_audio_opt_out_keeps_no_file(tmp_path: Path) -> None:
    with open_history(tmp_path) as h:
        stored = h.get(h.add(make_attempt(audio=None)))
    assert stored.audio_path is None
    assert not (tmp_path / "recordings").exists() or not any((tmp_path / "recordings").iterdir())


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    open_history(tmp_path).close()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


_CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np
    sys.path.insert(0, {tests!r})
    from test_history import make_attempt, tone
    from closer.history.store import open_history
    h = open_history({data!r})
    first = h.add(make_attempt(score=55, audio=tone()))
    # a second attempt is half-way through its transaction when the kill comes
    h._conn.execute("BEGIN IMMEDIATE")
    h._conn.execute("INSERT INTO attempts (created_at, mode, round, exchange, transcript, checks,"
                    " score, passed, extra) VALUES ('x', 'drill', 'first', '[]', '', '{{}}', 1, 0,"
                    " '{{}}')")
    print(first, flush=True)
    time.sleep(60)
""")


def test_sigkill_after_add_loses_nothing(tmp_path: Path) -> None:
    code = _CHILD.format(tests=str(Path(__file__).parent), data=str(tmp_path))
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip().isdigit(), "child did not add its attempt"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    with open_history(tmp_path) as h:
        attempts = h.all()
        assert h.notice is None
    assert [(a.id, a.score) for a in attempts] == [(int(line), 55)]  # uncommitted one is gone
    assert attempts[0].audio_path.is_file()


def test_garbage_file_is_kept_aside_and_fresh_db_started(tmp_path: Path) -> None:
    garbage = b"this is not a database\n" * 200
    (tmp_path / DB_NAME).write_bytes(garbage)
    with open_history(tmp_path) as h:
        assert h.notice is not None
        kept = sorted(tmp_path.glob(f"{DB_NAME}.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == garbage
        assert str(kept[0]) in h.notice and h.notice.count(".") >= 1
        assert h.all() == []
        h.add(make_attempt())
    with open_history(tmp_path) as h:  # the fresh one is fine next time
        assert h.notice is None and len(h.all()) == 1


def test_second_corruption_never_overwrites_the_first(tmp_path: Path) -> None:
    for n in range(2):
        (tmp_path / DB_NAME).write_bytes(f"garbage {n}".encode() * 100)
        open_history(tmp_path).close()
    kept = sorted(tmp_path.glob(f"{DB_NAME}.corrupt-*"))
    assert {k.read_bytes()[:9] for k in kept} == {b"garbage 0", b"garbage 1"}


def test_broken_schema_is_kept_aside(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()
    conn.close()
    with open_history(tmp_path) as h:
        assert h.notice and "attempts columns" in h.notice
        h.add(make_attempt())
    assert len(list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))) == 1


def test_database_from_newer_closer_is_refused_not_moved(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer closer"):
        open_history(tmp_path)
    assert (tmp_path / DB_NAME).exists() and not list(tmp_path.glob("*.corrupt-*"))


def test_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSER_DATA_DIR", str(tmp_path / "data"))
    with open_history() as h:
        h.add(make_attempt())
    assert (tmp_path / "data" / DB_NAME).is_file()
