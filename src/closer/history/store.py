"""Every practice attempt, kept locally: a SQLite row each, the recording as a WAV beside it.

Decisions:
- The data dir is `platformdirs.user_data_dir("closer")`; `CLOSER_DATA_DIR` overrides it.
- `History.add` writes the WAV first (temp name, fsync, rename), then inserts the row in one
  committed transaction; an attempt that `add` returned for survives a crash or kill later on.
- Recordings are named by time plus a random tag (never by row id), so a fresh database started
  after a damaged one was set aside never overwrites an old recording. The row stores the path
  relative to the data dir.
- Attempt IDs are never reused (AUTOINCREMENT), so `closer replay ID` stays meaningful.
- The scenario's name and the objection raised are columns of their own, so `closer history
  --scenario NAME` filters in SQL: a substring of the name, in any case (Python's casefold, not
  SQLite's ASCII-only LIKE, so "société" finds "Société Générale").
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer.errors import UserError
from closer.history import database as history_store
from closer.settings import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

RECORDINGS_DIR = "recordings"


@dataclass(frozen=True)
class Attempt:
    """One finished attempt, as the drill hands it over."""

    created_at: str  # ISO 8601 UTC
    mode: str  # "drill" | "rehearse" | "demo"
    round: str  # "first" | "second" | "final"
    exchange: list[dict]  # turns in order: {"speaker": "interviewer"|"candidate", "text": str, ...}
    transcript: str  # everything the candidate said
    checks: dict  # Verdict.checks_json() (+ "objection_handling" when there was one)
    delivery: dict | None
    score: int
    passed: bool
    order_ok: bool | None
    extra: dict = field(default_factory=dict)  # reaction_s, cut_at_limit, objection, ...
    audio: np.ndarray | None = None  # 16 kHz float32; saved as WAV beside the DB unless None
    scenario: str | None = None  # the scenario's name (closer.scenario), None: generic
    objection: str | None = None  # the objection the interviewer raised, if one was


@dataclass(frozen=True)
class StoredAttempt:
    """An attempt read back from history: its ID and the WAV path instead of samples."""

    id: int
    created_at: str
    mode: str
    round: str
    exchange: list[dict]
    transcript: str
    checks: dict
    delivery: dict | None
    score: int
    passed: bool
    order_ok: bool | None
    extra: dict
    audio_path: Path | None  # absolute; None when the recording was not kept
    scenario: str | None = None
    objection: str | None = None

    def check_passed(self, name: str) -> bool | None:
        """The passed flag of one check, None when this attempt did not have it."""
        result = self.checks.get(name)
        return bool(result.get("passed")) if isinstance(result, dict) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "created_at": self.created_at, "mode": self.mode, "round": self.round,
            "score": self.score, "passed": self.passed, "order_ok": self.order_ok,
            "transcript": self.transcript, "exchange": self.exchange, "checks": self.checks,
            "delivery": self.delivery, "extra": self.extra,
            "audio_path": str(self.audio_path) if self.audio_path else None,
            "scenario": self.scenario, "objection": self.objection,
        }


def default_data_dir() -> Path:
    """`CLOSER_DATA_DIR` when set, else the platform's user data dir for closer."""
    env = os.environ.get("CLOSER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("closer"))


def open_history(data_dir: Path | None = None) -> History:
    """Open the history in `data_dir` (default: `default_data_dir()`), creating it if needed.

    A damaged database is set aside and a fresh one started; `History.notice` then says where
    the old file is (the same sentence is logged as a warning).
    """
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    conn, notice = history_store.connect(directory)
    return History(conn, directory, notice)


class History:
    """Attempts in one data dir. Safe to share between threads (one lock, one connection)."""

    def __init__(self, conn: sqlite3.Connection, data_dir: Path, notice: str | None = None) -> None:
        self._conn = conn
        conn.create_function("closer_casefold", 1, _casefold, deterministic=True)
        self._lock = threading.Lock()
        self.data_dir = data_dir
        self.path = data_dir / history_store.DB_NAME
        self.notice = notice

    def add(self, attempt: Attempt) -> int:
        """Save `attempt` (recording first, then the row) and return its ID, committed."""
        wav = None
        if attempt.audio is not None and len(attempt.audio) > 0:
            wav = _save_recording(self.data_dir / RECORDINGS_DIR, attempt.audio)
        values = (
            attempt.created_at, attempt.mode, attempt.round, _dumps(attempt.exchange),
            attempt.transcript, _dumps(attempt.checks),
            None if attempt.delivery is None else _dumps(attempt.delivery),
            int(attempt.score), int(bool(attempt.passed)),
            None if attempt.order_ok is None else int(bool(attempt.order_ok)),
            _dumps(attempt.extra),
            None if wav is None else wav.relative_to(self.data_dir).as_posix(),
            attempt.scenario, attempt.objection,
        )
        columns = ", ".join(history_store.COLUMNS[1:])
        marks = ", ".join("?" * len(values))
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                cur = self._conn.execute(
                    f"INSERT INTO attempts ({columns}) VALUES ({marks})", values)
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                kept = f"; the recording is kept at {wav}" if wav else ""
                raise UserError(f"Could not save the attempt to history ({exc}){kept}.") from None
        attempt_id = int(cur.lastrowid or 0)
        _LOGGER.debug("saved attempt %d (recording %s)", attempt_id, wav)
        return attempt_id

    def recent(self, limit: int = 20, scenario: str | None = None) -> list[StoredAttempt]:
        """The `limit` latest attempts, newest first; with `scenario`, only those whose scenario
        name contains it (any case)."""
        if scenario is None:
            return self._select("ORDER BY id DESC LIMIT ?", (max(0, int(limit)),))
        return self._select("WHERE instr(closer_casefold(scenario), ?) > 0 ORDER BY id DESC "
                            "LIMIT ?", (scenario.casefold(), max(0, int(limit))))

    def get(self, attempt_id: int) -> StoredAttempt:
        found = self._select("WHERE id = ?", (int(attempt_id),))
        if not found:
            raise UserError(f"There is no attempt {attempt_id}; `closer history` lists the IDs.")
        return found[0]

    def all(self) -> list[StoredAttempt]:
        """Every attempt, oldest first."""
        return self._select("ORDER BY id ASC", ())

    def delete(self, attempt_id: int) -> bool:
        """Remove one attempt's row, then its recording; False when there is no such attempt.
        The row goes first: a recording left behind by a crash is only disk, never a row that
        points at nothing."""
        found = self._select("WHERE id = ?", (int(attempt_id),))
        if not found:
            return False
        with self._lock:
            try:
                self._conn.execute("DELETE FROM attempts WHERE id = ?", (int(attempt_id),))
                self._conn.commit()
            except sqlite3.Error as exc:
                raise UserError(f"Could not delete attempt {attempt_id} ({exc}).") from None
        wav = found[0].audio_path
        if wav is not None:
            try:
                wav.unlink(missing_ok=True)
            except OSError as exc:
                _LOGGER.warning("could not remove the recording %s: %s", wav, exc)
        return True

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _select(self, tail: str, params: tuple) -> list[StoredAttempt]:
        sql = f"SELECT {', '.join(history_store.COLUMNS)} FROM attempts {tail}"
        with self._lock:
            try:
                rows = self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise UserError(f"Cannot read the history database {self.path} ({exc}).") from None
        return [self._from_row(row) for row in rows]

    def _from_row(self, row: tuple) -> StoredAttempt:
        r = dict(zip(history_store.COLUMNS, row, strict=True))
        return StoredAttempt(
            id=r["id"], created_at=r["created_at"], mode=r["mode"], round=r["round"],
            exchange=_loads(r["exchange"], []), transcript=r["transcript"],
            checks=_loads(r["checks"], {}), delivery=_loads(r["delivery"], None),
            score=int(r["score"]), passed=bool(r["passed"]),
            order_ok=None if r["order_ok"] is None else bool(r["order_ok"]),
            extra=_loads(r["extra"], {}),
            audio_path=self.data_dir / r["audio_path"] if r["audio_path"] else None,
            scenario=r["scenario"], objection=r["objection"],
        )


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _save_recording(folder: Path, audio: np.ndarray) -> Path:
    """Write 16-bit WAV under a fresh name: temp file, fsync, rename. Returns the final path."""
    from closer.audio.decode import write_wav

    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    final = folder / f"{stamp}-{secrets.token_hex(4)}.wav"
    temp = folder / f".{final.name}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_wav(temp, audio.reshape(-1), SAMPLE_RATE_HZ)
        with temp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, final)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UserError(f"Could not save the recording in {folder} ({exc.strerror}).") from None
    return final


def _json_default(value: Any) -> Any:
    """numpy scalars/arrays and paths in checks or extra become plain JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, ensure_ascii=False)


def _loads(text: str | None, empty: Any) -> Any:
    if text is None:
        return empty
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        _LOGGER.warning("history: a stored field is not valid JSON; showing it as empty")
        return empty
