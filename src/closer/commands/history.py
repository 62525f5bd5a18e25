"""`closer history`, `closer progress`, `closer replay ID`, `closer export` (by `args.command`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from closer.errors import UserError
from closer.history.store import History, open_history

_EMPTY = "No attempts yet; run `closer drill` to record one."


def run(args: argparse.Namespace) -> int:
    handlers = {"history": _history, "progress": _progress, "replay": _replay, "export": _export}
    with open_history() as history:
        return handlers[args.command](history, args)


def _history(history: History, args: argparse.Namespace) -> int:
    from closer.history.views import format_table

    if args.limit < 1:
        raise UserError("--limit must be at least 1.")
    name = getattr(args, "scenario", None)
    if name is not None and not name.strip():
        raise UserError("--scenario needs part of a scenario name, e.g. --scenario acme.")
    attempts = history.recent(args.limit, scenario=name.strip() if name else None)
    if not attempts:
        print(_EMPTY if name is None else
              f'No attempts for a scenario named like "{name.strip()}"; `closer history` '
              "lists them all.")
        return 0
    if name is not None:  # the table has no scenario column: say which were matched
        names = sorted({a.scenario for a in attempts if a.scenario})
        print(f"Scenario: {'; '.join(names)}")
    print(format_table(list(reversed(attempts))))  # oldest first: the newest sits by the prompt
    return 0


def _progress(history: History, args: argparse.Namespace) -> int:
    from closer.history.progress_plot import progress_series, render_png

    attempts = history.all()
    if not attempts:
        raise UserError("No attempts to plot yet; run `closer drill` first.", code=1)
    out = Path(args.out).expanduser() if args.out else history.data_dir / "progress.png"
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a PNG file path to --out.")
    series = progress_series(attempts)
    try:
        render_png(series, out)
    except OSError as exc:
        raise UserError(f"Cannot write the plot to {out} ({exc.strerror}).") from None
    unit = "days" if series.by == "day" else "points"
    print(f"{len(attempts)} attempts, {len(series.points)} {unit}; plot saved to {out}")
    return 0


def _replay(history: History, args: argparse.Namespace) -> int:
    from closer.history.playback import play_recording
    from closer.history.views import format_replay

    attempt = history.get(args.id)
    print(format_replay(attempt))
    print()
    wav = attempt.audio_path
    if wav is None:
        print("No recording was kept for this attempt.")
    elif not wav.is_file():
        print(f"The recording {wav} is missing.")
    else:
        sys.stdout.flush()
        if play_recording(wav, args.output_device):
            print(f"Played {wav}")
        else:
            print(f"No output device to play on; the recording is {wav}")
    return 0


def _export(history: History, args: argparse.Namespace) -> int:
    from closer.history.views import export_csv, export_json

    attempts = history.all()
    text = export_json(attempts) if args.format == "json" else export_csv(attempts)
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UserError(f"{out} is a folder; give a file path to --out.")
    temp = out.with_name(f".{out.name}.tmp")
    try:
        with temp.open("w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise UserError(f"Cannot write {out} ({exc.strerror}).") from None
    print(f"Exported {len(attempts)} attempts to {out}", file=sys.stderr)
    return 0
