"""closer.history.progress_plot.progress_series: by day or by attempt, pass rates per check."""

from __future__ import annotations

from pathlib import Path

from closer.history.progress_plot import ProgressSettings, progress_series
from closer.history.store import open_history
from test_history import make_attempt


def _stored(tmp_path: Path, days: list[int], trial: list[bool]) -> list:
    with open_history(tmp_path) as h:
        for i, (day, ok) in enumerate(zip(days, trial, strict=True)):
            checks = {**make_attempt().checks,
                      "trial_close": {"passed": ok, "evidence": None, "tip": None}}
            h.add(make_attempt(score=10 * (i + 1), checks=checks,
                               created_at=f"2025-03-{day:02d}T12:00:00+00:00"))
        return h.all()


def test_by_day_when_three_days(tmp_path: Path) -> None:
    series = progress_series(_stored(tmp_path, [1, 1, 2, 3], [False, True, True, True]))
    assert series.by == "day"
    assert [p.label for p in series.points] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert [p.pass_rate["trial_close"] for p in series.points] == [50.0, 100.0, 100.0]
    assert [p.score for p in series.points] == [15.0, 30.0, 40.0]
    assert series.points[0].pass_rate["next_step"] == 100.0
    assert series.points[0].pass_rate.get("objection_handling") is None


def test_by_attempt_uses_rolling_window(tmp_path: Path) -> None:
    attempts = _stored(tmp_path, [1, 1, 1, 2], [False, True, True, False])
    series = progress_series(list(reversed(attempts)), ProgressSettings(window_attempts=2))
    assert series.by == "attempt"
    assert [p.label for p in series.points] == ["#1", "#2", "#3", "#4"]
    assert [p.pass_rate["trial_close"] for p in series.points] == [0.0, 50.0, 100.0, 50.0]
    assert [p.score for p in series.points] == [10, 20, 30, 40]  # each attempt's own score
