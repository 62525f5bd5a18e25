"""The end-of-session summary (rehearse, hands-free "stop"): pure functions over finished drills.

Pass rate per check, average time to start speaking after the cue (`Answer.reaction_s` of each
drill's first answer), words per minute, and the best and worst attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from closer.types import CHECKS

RATE_ITEMS: tuple[str, ...] = (*CHECKS, "order", "objection_handling", "all")


@dataclass(frozen=True)
class DrillRecord:
    """What the summary needs from one scored drill (plain values)."""

    index: int  # 1-based position in the session
    round: str
    checks: Mapping[str, bool]  # the three checks
    order_ok: bool | None
    objection_ok: bool | None  # None: no trial close, so nothing to handle
    score: int
    reaction_s: float | None
    words_per_minute: float | None
    cut_at_limit: bool = False
    attempt_id: int | None = None

    @property
    def passed_count(self) -> int:
        return sum(self.checks.values()) + (1 if self.objection_ok else 0)

    @property
    def total(self) -> int:
        return len(self.checks) + (0 if self.objection_ok is None else 1)

    @property
    def passed(self) -> bool:
        return all(self.checks.values()) and self.objection_ok is not False


@dataclass(frozen=True)
class Summary:
    drills: int
    pass_rate: dict[str, float | None]  # None when no drill had the item (e.g. no objection)
    avg_reaction_s: float | None
    avg_words_per_minute: float | None
    best: int | None  # DrillRecord.index
    worst: int | None
    cut_count: int = 0
    records: tuple[DrillRecord, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        def r2(x: float | None) -> float | None:
            return None if x is None else round(x, 2)

        return {"drills": self.drills, "pass_rate": {k: r2(v) for k, v in self.pass_rate.items()},
                "avg_reaction_s": r2(self.avg_reaction_s),
                "avg_words_per_minute": r2(self.avg_words_per_minute),
                "best": self.best, "worst": self.worst, "cut_count": self.cut_count}


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _rate(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _rank_key(rec: DrillRecord) -> tuple[float, int]:
    return (rec.passed_count / rec.total if rec.total else 0.0, rec.score)


def summarize(records: Sequence[DrillRecord]) -> Summary:
    """Summarize scored drills. Ties for best/worst go to the earliest drill."""
    rates: dict[str, float | None] = {
        name: _rate([r.checks[name] for r in records if name in r.checks]) for name in CHECKS}
    rates["order"] = _rate([r.order_ok for r in records if r.order_ok is not None])
    rates["objection_handling"] = _rate([r.objection_ok for r in records
                                          if r.objection_ok is not None])
    rates["all"] = _rate([r.passed for r in records])
    best = worst = None
    if records:
        best = max(records, key=lambda r: (_rank_key(r), -r.index)).index
        worst = min(records, key=lambda r: (_rank_key(r), r.index)).index
    return Summary(
        drills=len(records),
        pass_rate=rates,
        avg_reaction_s=_mean([r.reaction_s for r in records if r.reaction_s is not None]),
        avg_words_per_minute=_mean([r.words_per_minute for r in records
                                    if r.words_per_minute is not None]),
        best=best, worst=worst,
        cut_count=sum(r.cut_at_limit for r in records),
        records=tuple(records),
    )


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{round(100 * x)}%"


def summary_text(s: Summary) -> str:
    """Human lines for the terminal."""
    if not s.drills:
        return "No finished drills to summarize."
    by_index = {r.index: r for r in s.records}
    lines = [f"Session: {s.drills} drill{'s' if s.drills != 1 else ''}"]
    lines += [f"  {name:<19} {_pct(s.pass_rate[name])}" for name in RATE_ITEMS]
    react = "n/a" if s.avg_reaction_s is None else f"{s.avg_reaction_s:.1f} s"
    wpm = "n/a" if s.avg_words_per_minute is None else f"{s.avg_words_per_minute:.0f}"
    lines.append(f"  time to start speaking: {react}; words per minute: {wpm}")
    if s.cut_count:
        lines.append(f"  answers cut at the time limit: {s.cut_count}")
    for label, idx in (("best", s.best), ("worst", s.worst)):
        if idx is not None:
            rec = by_index[idx]
            lines.append(f"  {label}: drill {idx} ({rec.round} round), "
                         f"{rec.passed_count} of {rec.total} checks")
    return "\n".join(lines)


def summary_spoken(s: Summary, coach: Mapping[str, str]) -> str:
    """One or two sentences for the coach to say."""
    if not s.drills:
        return coach["goodbye"]
    passed = sum(r.passed for r in s.records)
    best_line = ""
    if s.best is not None:
        rec = next(r for r in s.records if r.index == s.best)
        best_line = coach["summary_best"].format(index=rec.index, passed=rec.passed_count,
                                                 total=rec.total)
    text = coach["summary_spoken"].format(count=s.drills, passed=passed, best=best_line)
    return f"{text} {coach['goodbye']}".strip()
