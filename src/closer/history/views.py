"""Pure text views of stored attempts: the history table, one attempt's replay text, CSV and JSON.

Times are stored in UTC and shown in the local zone. Check columns follow `closer.types.CHECKS`,
then any other check an attempt carries (e.g. "objection_handling") in name order. The table
shows a scenario column only when an attempt was made with one (most are generic, and the
column would be all dashes); CSV always has `scenario` and `objection`, so its columns are stable.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from closer.history.store import StoredAttempt
from closer.types import CHECKS

# short column headers for the table; other checks show under their own name
_CHECK_LABELS = {"next_step": "next", "trial_close": "trial", "confident_tone": "tone",
                 "objection_handling": "objection"}
_MARK = {True: "pass", False: "miss", None: "-"}
# delivery fields copied into CSV columns, in this order
_DELIVERY_FIELDS = ("words_per_minute", "filler_count", "longest_pause_s", "duration_s",
                    "speech_s")
_EXTRA_FIELDS = ("reaction_s", "cut_at_limit")


def check_names(attempts: Sequence[StoredAttempt]) -> list[str]:
    """The shared checks first, then any other check found in `attempts`, sorted."""
    others = sorted({name for a in attempts for name in a.checks} - set(CHECKS))
    return [*CHECKS, *others]


def local_time(created_at: str) -> str:
    """ISO 8601 (UTC when no zone is given) -> 'YYYY-MM-DD HH:MM' in the local zone."""
    try:
        when = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _wpm(attempt: StoredAttempt) -> str:
    value = (attempt.delivery or {}).get("words_per_minute")
    return "-" if value is None else f"{float(value):.0f}"


def format_table(attempts: Sequence[StoredAttempt]) -> str:
    """Aligned table, one row per attempt in the order given."""
    checks = check_names(attempts)
    with_scenario = any(a.scenario for a in attempts)
    header = ["id", "when", "mode", "round", "score",
              *(_CHECK_LABELS.get(c, c) for c in checks), "wpm",
              *(["scenario"] if with_scenario else [])]
    rows = [[str(a.id), local_time(a.created_at), a.mode, a.round, str(a.score),
             *(_MARK[a.check_passed(c)] for c in checks), _wpm(a),
             *([a.scenario or "-"] if with_scenario else [])] for a in attempts]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {0, 4, header.index("wpm")}  # right-aligned columns

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])


def format_replay(attempt: StoredAttempt) -> str:
    """The exchange as a script, then the verdict check by check, then delivery figures."""
    scenario = f", scenario {attempt.scenario}" if attempt.scenario else ""
    out = [f"Attempt {attempt.id}, {local_time(attempt.created_at)}, {attempt.mode}, "
           f"{attempt.round} round{scenario}", ""]
    for turn in attempt.exchange:
        who = "You" if turn.get("speaker") == "candidate" else "Interviewer"
        out.append(f"{who}: {turn.get('text', '')}")
    if not attempt.exchange and attempt.transcript:
        out.append(f"You: {attempt.transcript}")
    verdict = "passed" if attempt.passed else "not passed yet"
    out += ["", f"Verdict: {verdict}, score {attempt.score}."]
    for name in check_names([attempt]):
        result = attempt.checks.get(name)
        if not isinstance(result, dict):
            continue
        line = f"  {_MARK[bool(result.get('passed'))]:<4}  {name.replace('_', ' ')}"
        if result.get("evidence"):
            line += f': "{result["evidence"]}"'
        out.append(line)
        if result.get("tip") and not result.get("passed"):
            out.append(f"        tip: {result['tip']}")
    if attempt.order_ok is False:
        out.append("  The next-step question should come before the trial close.")
    figures = _figures({**(attempt.delivery or {}), **attempt.extra})
    if figures:
        out.append("Delivery: " + ", ".join(figures) + ".")
    return "\n".join(out)


def _figures(values: dict) -> list[str]:
    """Delivery and timing figures as short phrases with units, for the figures present."""
    formats = {"words_per_minute": "{:.0f} words per minute", "filler_count": "fillers: {}",
               "longest_pause_s": "longest pause {:.1f} s", "duration_s": "{:.1f} s long",
               "reaction_s": "started {:.1f} s after the question"}
    out = [fmt.format(values[k]) for k, fmt in formats.items()
           if isinstance(values.get(k), int | float) and not isinstance(values.get(k), bool)]
    if values.get("cut_at_limit"):
        out.append("cut at the time limit")
    return out


def export_json(attempts: Sequence[StoredAttempt]) -> str:
    """A JSON list, one object per attempt (WAV path, never samples)."""
    return json.dumps([a.to_json() for a in attempts], indent=2, ensure_ascii=False) + "\n"


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def export_csv(attempts: Sequence[StoredAttempt]) -> str:
    """Flat CSV: one row per attempt, one `<check>_passed` column per check (1/0, empty: absent)."""
    checks = check_names(attempts)
    header = ["id", "created_at", "mode", "round", "score", "passed", "order_ok",
              *(f"{c}_passed" for c in checks), *_DELIVERY_FIELDS, *_EXTRA_FIELDS,
              "scenario", "objection", "transcript", "audio_path"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for a in attempts:
        delivery = a.delivery or {}
        extra = [a.extra.get(k) for k in _EXTRA_FIELDS]
        writer.writerow([
            a.id, a.created_at, a.mode, a.round, a.score, _flag(a.passed), _flag(a.order_ok),
            *(_flag(a.check_passed(c)) for c in checks),
            *(delivery.get(k, "") for k in _DELIVERY_FIELDS),
            *(_flag(v) if isinstance(v, bool) else ("" if v is None else v) for v in extra),
            a.scenario or "", a.objection or "", a.transcript, a.audio_path or "",
        ])
    return buf.getvalue()
