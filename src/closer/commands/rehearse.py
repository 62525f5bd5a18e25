"""`closer rehearse`: timed back-to-back drills across rounds (first, second, final, ...).

Each answer has a limit (`--time-limit`, default 45 s) shown as a countdown on the meter; an
answer that runs over is cut and noted. At the end: pass rate per check, time to start speaking,
words per minute, best and worst attempt.

With a scenario (`--scenario`, `--job`) that names a round, every drill is that round (the
candidate is preparing for that one interview); without a round, the rounds cycle as usual.
"""

from __future__ import annotations

import argparse

DEFAULT_REPS = 3


def run(args: argparse.Namespace) -> int:
    from closer.commands.drill import run_with
    from closer.commands.scenario import scenario_from_args
    from closer.drill.session import SessionSettings
    from closer.errors import UserError

    if args.time_limit <= 0:
        raise UserError("--time-limit must be a positive number of seconds.")
    if args.minutes is not None and args.minutes <= 0:
        raise UserError("--minutes must be a positive number.")
    if args.reps is not None and args.reps <= 0:
        raise UserError("--reps must be a positive whole number.")
    scenario = scenario_from_args(args)
    pinned = scenario.round if scenario is not None else None
    reps = args.reps
    if reps is None and args.minutes is None:
        reps = DEFAULT_REPS
    settings = SessionSettings(
        mode="rehearse", round=pinned or "first", cycle_rounds=pinned is None,
        hands_free=args.hands_free, seed=args.seed, max_drills=reps, minutes=args.minutes,
        save_audio=not args.no_save_audio, speak_summary=True, scenario=scenario)
    return run_with(args, settings, max_answer_s=args.time_limit)
