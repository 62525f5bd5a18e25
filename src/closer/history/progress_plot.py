"""Progress over time: pass rate per check and score, plotted to a PNG (the CLI) or SVG (the page).

`progress_series` is pure. Decision: with attempts on at least `ProgressSettings.min_days_daily`
different local days, one point per day; otherwise one point per attempt, each pass rate taken over
the last `window_attempts` attempts (a single attempt's pass/miss is too jumpy to read as a rate).
`render_png` imports matplotlib lazily, on the Agg backend, with no display.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from closer.history.store import StoredAttempt
from closer.history.views import check_names, local_time

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgressSettings:
    min_days_daily: int = 3  # days with attempts needed before plotting one point per day
    window_attempts: int = 5  # attempts per rolling pass rate when plotting per attempt
    width_in: float = 9.0  # figure size, inches
    height_in: float = 6.0
    dpi: int = 100  # dots per inch


@dataclass(frozen=True)
class ProgressPoint:
    label: str  # "YYYY-MM-DD" or "#<attempt id>"
    attempts: int  # attempts the rates are taken over
    pass_rate: dict[str, float | None]  # check -> percent passed, None when no attempt had it
    score: float  # the day's mean score, or the attempt's own score


@dataclass(frozen=True)
class ProgressSeries:
    by: str  # "day" | "attempt"
    checks: list[str]
    points: list[ProgressPoint]


def _point(label: str, group: Sequence[StoredAttempt], checks: list[str],
           score: float | None = None) -> ProgressPoint:
    rates: dict[str, float | None] = {}
    for name in checks:
        flags = [f for f in (a.check_passed(name) for a in group) if f is not None]
        rates[name] = 100.0 * sum(flags) / len(flags) if flags else None
    mean = sum(a.score for a in group) / len(group)
    return ProgressPoint(label, len(group), rates, mean if score is None else score)


def progress_series(attempts: Sequence[StoredAttempt],
                    settings: ProgressSettings = ProgressSettings()) -> ProgressSeries:
    """Points over time from attempts in any order (sorted by ID, i.e. by time, here)."""
    ordered = sorted(attempts, key=lambda a: a.id)
    checks = check_names(ordered)
    days: dict[str, list[StoredAttempt]] = {}
    for a in ordered:
        days.setdefault(local_time(a.created_at)[:10], []).append(a)
    if len(days) >= settings.min_days_daily:
        points = [_point(day, group, checks) for day, group in sorted(days.items())]
        return ProgressSeries("day", checks, points)
    window = max(1, settings.window_attempts)
    points = [_point(f"#{a.id}", ordered[max(0, i + 1 - window):i + 1], checks, a.score)
              for i, a in enumerate(ordered)]
    return ProgressSeries("attempt", checks, points)


def render_png(series: ProgressSeries, out: Path,
               settings: ProgressSettings = ProgressSettings()) -> Path:
    """Draw pass rates (top) and score (bottom) and save them as a PNG at `out`."""
    fig = _draw(series, settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png")
    _LOGGER.debug("wrote progress plot %s (%d points, by %s)", out, len(series.points), series.by)
    return out


def render_svg(series: ProgressSeries, settings: ProgressSettings = ProgressSettings()) -> str:
    """The same chart as SVG text for the page: text drawn as paths, so it needs no font and
    refers to nothing outside itself."""
    import io

    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "closer"}):
        _draw(series, settings).savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _draw(series: ProgressSeries, settings: ProgressSettings) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    xs = list(range(len(series.points)))
    labels = [p.label for p in series.points]
    fig = Figure(figsize=(settings.width_in, settings.height_in), dpi=settings.dpi,
                 layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    rate_note = ("per day" if series.by == "day"
                 else f"over the last {settings.window_attempts} attempts")
    for name in series.checks:
        ys = [p.pass_rate[name] for p in series.points]
        if all(y is None for y in ys):
            continue
        top.plot(xs, [float("nan") if y is None else y for y in ys], marker="o",
                 label=name.replace("_", " "))
    top.set_ylim(-5, 105)
    top.set_ylabel("pass rate (%)")
    top.set_title(f"closer: pass rate per check ({rate_note})")
    top.grid(True, alpha=0.3)
    top.legend(loc="best", fontsize="small")
    bottom.plot(xs, [p.score for p in series.points], marker="o", color="black")
    bottom.set_ylabel("score" + (" (daily mean)" if series.by == "day" else ""))
    bottom.set_ylim(bottom=0, top=max(100.0, *(p.score for p in series.points)) * 1.05)
    bottom.grid(True, alpha=0.3)
    bottom.set_xlabel("day" if series.by == "day" else "attempt")
    step = max(1, len(xs) // 12)  # at most ~12 tick labels
    bottom.set_xticks(xs[::step], labels[::step], rotation=30, ha="right")
    return fig
