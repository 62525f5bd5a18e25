"""History with scenarios: the scenario name and the objection raised are columns (schema 2); a
database made by the version-1 code opens, keeps its rows and gains the columns (the objection
copied from `extra`); `closer history --scenario NAME` filters by substring in any case."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from closer.cli import main
from closer.history.database import DB_NAME, SCHEMA_VERSION
from closer.history.store import open_history
from test_history import make_attempt

# The version-1 schema exactly as closer wrote it before scenarios (a frozen copy: the test
# must keep opening what old installs have on disk, whatever the code's constants become).
V1 = """
CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  TEXT    NOT NULL,
    mode        TEXT    NOT NULL,
    round       TEXT    NOT NULL,
    exchange    TEXT    NOT NULL,
    transcript  TEXT    NOT NULL,
    checks      TEXT    NOT NULL,
    delivery    TEXT,
    score       INTEGER NOT NULL,
    passed      INTEGER NOT NULL,
    order_ok    INTEGER,
    extra       TEXT    NOT NULL,
    audio_path  TEXT
);
CREATE INDEX attempts_created_at ON attempts (created_at);
"""


def make_v1(path: Path, rows: list[dict]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1)
    for r in rows:
        conn.execute(
            "INSERT INTO attempts (created_at, mode, round, exchange, transcript, checks, "
            "delivery, score, passed, order_ok, extra, audio_path) "
            "VALUES (?, 'drill', 'first', '[]', ?, '{}', NULL, ?, 0, NULL, ?, NULL)",
            (r["created_at"], r["transcript"], r["score"], json.dumps(r["extra"])))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_version_1_database_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    make_v1(tmp_path / DB_NAME, [
        {"created_at": "2025-01-01T10:00:00+00:00", "transcript": "one", "score": 40,
         "extra": {"objection": "You don't have much experience with Kubernetes.",
                   "reply_kind": "objection"}},
        {"created_at": "2025-01-02T10:00:00+00:00", "transcript": "two", "score": 55,
         "extra": {"objection": "We'll let you know by Friday.", "reply_kind": "rebuttal"}},
        {"created_at": "2025-01-03T10:00:00+00:00", "transcript": "three", "score": 70,
         "extra": {}},
    ])
    with open_history(tmp_path) as h:
        assert h.notice is None  # migrated, not set aside
        rows = h.all()
        assert [(a.id, a.transcript, a.score) for a in rows] == [(1, "one", 40), (2, "two", 55),
                                                                 (3, "three", 70)]
        assert [a.objection for a in rows] == ["You don't have much experience with Kubernetes.",
                                               None, None]  # a rebuttal is no objection
        assert all(a.scenario is None for a in rows)
        new_id = h.add(make_attempt(scenario="data engineer at Acme", objection="Why us?"))
        assert new_id == 4
    assert not list(tmp_path.glob("*.corrupt-*"))
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    with open_history(tmp_path) as again:  # opening a migrated file changes nothing
        assert [a.scenario for a in again.all()] == [None, None, None, "data engineer at Acme"]


def test_a_fresh_database_has_the_migrated_layout(tmp_path: Path) -> None:
    open_history(tmp_path / "fresh").close()
    make_v1(tmp_path / "old.sqlite3", [])
    (tmp_path / "old").mkdir()
    (tmp_path / "old.sqlite3").rename(tmp_path / "old" / DB_NAME)
    open_history(tmp_path / "old").close()

    def layout(p: Path) -> list[tuple]:
        return sqlite3.connect(p).execute("PRAGMA table_info(attempts)").fetchall()

    assert layout(tmp_path / "fresh" / DB_NAME) == layout(tmp_path / "old" / DB_NAME)


def test_a_version_1_file_with_the_columns_already_is_set_aside(tmp_path: Path) -> None:
    make_v1(tmp_path / DB_NAME, [])
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("ALTER TABLE attempts ADD COLUMN scenario TEXT")
    conn.commit()
    conn.close()
    with open_history(tmp_path) as h:
        assert h.notice and "cannot migrate schema 1" in h.notice
        assert h.all() == []
    assert len(list(tmp_path.glob(f"{DB_NAME}.corrupt-*"))) == 1


def test_scenario_and_objection_round_trip_and_export(tmp_path: Path) -> None:
    with open_history(tmp_path) as h:
        got = h.get(h.add(make_attempt(scenario="nurse at St. Brigid's",
                                       objection="The role asks for ACLS.")))
        assert (got.scenario, got.objection) == ("nurse at St. Brigid's", "The role asks for ACLS.")
        assert got.to_json()["scenario"] == "nurse at St. Brigid's"
        assert h.get(h.add(make_attempt())).scenario is None


@pytest.fixture
def scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLOSER_DATA_DIR", str(tmp_path / "data"))
    with open_history(tmp_path / "data") as h:
        for i, name in enumerate(["data engineer at Acme", None, "Account Executive at Acme",
                                  "Lehrer an der Schule Straße", "data engineer at Acme"]):
            h.add(make_attempt(score=10 * (i + 1), scenario=name,
                               created_at=f"2025-03-0{i + 1}T12:00:00+00:00"))
    return tmp_path / "data"


def test_recent_filters_by_substring_in_any_case(scenarios: Path) -> None:
    with open_history(scenarios) as h:
        assert [a.id for a in h.recent(20, scenario="ACME")] == [5, 3, 1]
        assert [a.id for a in h.recent(1, scenario="acme")] == [5]  # the limit after the filter
        assert [a.id for a in h.recent(20, scenario="data engineer")] == [5, 1]
        assert [a.id for a in h.recent(20, scenario="SCHULE STRASSE")] == [4]  # ß ~ ss
        assert [a.id for a in h.recent(20, scenario="straße")] == [4]
        assert [a.id for a in h.recent(20, scenario="%")] == []  # no LIKE wildcards
        assert len(h.recent(20)) == 5


def test_closer_history_scenario(scenarios: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["history", "--scenario", "Account"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Scenario: Account Executive at Acme"
    assert lines[1].split()[0] == "id" and [ln.split()[0] for ln in lines[2:]] == ["3"]
    assert main(["history", "--scenario", "nobody"]) == 0
    assert 'No attempts for a scenario named like "nobody"' in capsys.readouterr().out
    assert main(["history", "--scenario", "  "]) == 2
    assert capsys.readouterr().err.strip() == ("closer: --scenario needs part of a scenario "
                                               "name, e.g. --scenario acme.")


def test_the_table_shows_a_scenario_column_only_when_one_was_used(scenarios: Path) -> None:
    from closer.history import views

    with open_history(scenarios) as h:
        table = views.format_table(h.recent(20)).splitlines()
        generic = views.format_table([a for a in h.recent(20) if a.scenario is None])
    assert table[0].split()[-1] == "scenario"
    assert table[1].endswith("data engineer at Acme") and table[4].split()[-1] == "-"  # id 2
    assert "scenario" not in generic.splitlines()[0]  # an all-generic history: no empty column


def test_csv_always_has_scenario_and_objection_columns(tmp_path: Path) -> None:
    import csv
    import io

    from closer.history import views

    with open_history(tmp_path) as h:
        h.add(make_attempt(scenario="nurse at St. Brigid's", objection="The role asks for ACLS."))
        h.add(make_attempt())
        rows = list(csv.DictReader(io.StringIO(views.export_csv(h.all()))))
    assert [(r["scenario"], r["objection"]) for r in rows] == [
        ("nurse at St. Brigid's", "The role asks for ACLS."), ("", "")]
