"""The SQLite file behind `closer.history.store`: open, check, create, and set a damaged file aside.

Decisions:
- WAL journal and `synchronous=FULL`: each attempt is one committed transaction, so a crash or a
  kill later in the drill loses nothing already finished, and `closer history` can read while a
  drill writes.
- The schema carries a version (`PRAGMA user_version`). A file that is not SQLite, fails
  `quick_check`, or has a version/table layout this code does not recognise is *renamed* to
  `history.sqlite3.corrupt-<timestamp>` (with its -wal/-shm sidecars), never overwritten or deleted,
  and a fresh database is started. A file from a newer closer is left alone and refused.
- An older schema is migrated in place, in one transaction, keeping every row: version 1 -> 2
  adds `scenario` (the scenario's name) and `objection` (the objection the interviewer raised,
  copied for old rows from `extra`, where version 1 kept it). Added columns go at the end, so a
  database made fresh and one migrated have the same layout.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path

from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 5_000  # wait this long for another closer process holding the write lock

_SCHEMA_V1 = """
CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so replay IDs stay stable
    created_at  TEXT    NOT NULL,                   -- ISO 8601 UTC
    mode        TEXT    NOT NULL,
    round       TEXT    NOT NULL,
    exchange    TEXT    NOT NULL,                   -- JSON list of turns
    transcript  TEXT    NOT NULL,
    checks      TEXT    NOT NULL,                   -- JSON object: check -> {passed, evidence, tip}
    delivery    TEXT,                               -- JSON object or NULL
    score       INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    order_ok    INTEGER,
    extra       TEXT    NOT NULL,                   -- JSON object
    audio_path  TEXT                                -- WAV path relative to the data dir, or NULL
);
CREATE INDEX attempts_created_at ON attempts (created_at);
"""

# version -> the statements that bring a database of that version to the next one
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE attempts ADD COLUMN scenario TEXT",  # the scenario's name, or NULL
        "ALTER TABLE attempts ADD COLUMN objection TEXT"),  # the objection raised, or NULL
}

COLUMNS: tuple[str, ...] = (
    "id", "created_at", "mode", "round", "exchange", "transcript", "checks", "delivery",
    "score", "passed", "order_ok", "extra", "audio_path", "scenario", "objection",
)


# SQLite result codes that mean the file itself is damaged (not busy, not unreadable)
_DAMAGED = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


class CorruptHistory(Exception):
    """The file is not a closer history database this code can use."""


def connect(data_dir: Path) -> tuple[sqlite3.Connection, str | None]:
    """Open (or create) the history DB in `data_dir`.

    Returns the connection and a one-sentence notice when a damaged file was set aside.
    Raises UserError when the directory or file cannot be used at all.
    """
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Cannot create the history folder {data_dir} ({exc.strerror}).") from None
    path = data_dir / DB_NAME
    if path.is_dir():
        raise UserError(f"{path} is a folder, not the history database; move it away.")
    try:
        return _open_checked(path), None
    except CorruptHistory as exc:
        kept = set_aside(path)
        _LOGGER.debug("set aside %s: %s", path, exc)
        notice = (f"The history database was damaged ({exc}); it is kept as {kept} "
                  f"and a fresh one was started.")
        _LOGGER.warning("%s", notice)
        try:
            return _open_checked(path), notice
        except CorruptHistory as again:  # pragma: no cover - a fresh file cannot be corrupt
            raise UserError(f"Cannot start a fresh history database at {path} ({again}).") from None


def _open_checked(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise UserError(f"Cannot open the history database {path} ({exc}).") from None
    try:
        _prepare(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if getattr(exc, "sqlite_errorname", "") in _DAMAGED:
            raise CorruptHistory(str(exc)) from None
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise UserError("The history database is busy in another closer; try again.") from None
        raise UserError(f"Cannot use the history database {path} ({exc}).") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(conn: sqlite3.Connection) -> None:
    """Check the file, set pragmas, create or verify the schema. DatabaseError when damaged."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise CorruptHistory(f"integrity check says {check[0] if check else 'nothing'}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    if version > SCHEMA_VERSION:
        raise UserError(f"The history database was written by a newer closer (schema {version}, "
                        f"this one reads {SCHEMA_VERSION}); upgrade closer.")
    if version == 0 and tables:
        raise CorruptHistory(f"unversioned tables {sorted(tables)}")
    if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
        _LOGGER.warning("history: WAL journal unavailable; using the default journal")
    conn.execute("PRAGMA synchronous = FULL")
    if version == 0:
        _create_schema(conn)
        version = SCHEMA_VERSION
    elif version < SCHEMA_VERSION:
        _migrate(conn)
        version = SCHEMA_VERSION
    found = tuple(r[1] for r in conn.execute("PRAGMA table_info(attempts)"))
    if found != COLUMNS:
        raise CorruptHistory(f"schema {version} has attempts columns {list(found) or 'missing'}")


def _create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables in one transaction, unless another process just did."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in _SCHEMA_V1.split(";"):
                if statement.strip():
                    conn.execute(statement)
            for version in range(1, SCHEMA_VERSION):  # a fresh file has a migrated one's layout
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            _LOGGER.debug("created history schema v%d", SCHEMA_VERSION)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring an older schema up to SCHEMA_VERSION in one transaction (unless another process
    just did); a layout the migration does not expect is damaged."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        start = version
        while version < SCHEMA_VERSION:
            for statement in _MIGRATIONS[version]:
                conn.execute(statement)
            if version == 1:
                _backfill_objection(conn)
            version += 1
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        if start < SCHEMA_VERSION:
            _LOGGER.debug("migrated history schema v%d -> v%d", start, SCHEMA_VERSION)
    except sqlite3.OperationalError as exc:  # e.g. a column already there: not our layout
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise CorruptHistory(f"cannot migrate schema {start}: {exc}") from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _backfill_objection(conn: sqlite3.Connection) -> None:
    """Version 1 kept the reply line in `extra` ("objection", with "reply_kind"); the column
    holds it only when it was an objection, not a rebuttal."""
    rows = conn.execute("SELECT id, extra FROM attempts").fetchall()
    for attempt_id, extra in rows:
        try:
            values = json.loads(extra) if extra else {}
        except json.JSONDecodeError:
            continue
        line = values.get("objection") if isinstance(values, dict) else None
        if isinstance(line, str) and values.get("reply_kind") == "objection":
            conn.execute("UPDATE attempts SET objection = ? WHERE id = ?", (line, attempt_id))


def set_aside(path: Path) -> Path:
    """Rename a damaged DB (and its -wal/-shm sidecars) to a name that nothing overwrites."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime())
    kept = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    try:
        os.rename(path, kept)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.rename(side, kept.with_name(kept.name + suffix))
    except OSError as exc:
        raise UserError(f"The history database {path} is damaged and could not be moved aside "
                        f"({exc.strerror}); move it yourself.") from None
    return kept
