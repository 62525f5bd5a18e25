"""`closer scenario --job JOB.txt [--resume CV.txt]`: print the scenario a job ad (and a resume)
give, as TOML that `--scenario` loads, so it can be edited and kept.

`scenario_from_args` is how `closer drill` and `closer rehearse` read `--scenario FILE.toml` or
`--job JOB.txt [--resume CV.txt]` (before any device opens, so a bad file costs nothing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from closer.errors import UserError

if TYPE_CHECKING:
    from closer.scenario.job import JobScenario
    from closer.scenario.model import Scenario


def _from_job(job: str, resume: str | None) -> JobScenario:
    from closer.scenario.job import scenario_from_job
    from closer.scenario.load import read_text_file

    job_path = Path(job)
    job_text = read_text_file(job_path, "job ad")
    resume_text = read_text_file(Path(resume), "resume") if resume else None
    return scenario_from_job(job_text, resume_text, job_path.stem)


def scenario_from_args(args: argparse.Namespace) -> Scenario | None:
    """The scenario `--scenario` or `--job`/`--resume` ask for; None when neither is given."""
    scenario_file = getattr(args, "scenario", None)
    job = getattr(args, "job", None)
    resume = getattr(args, "resume", None)
    if scenario_file and job:
        raise UserError("Give --scenario FILE.toml or --job JOB.txt, not both "
                        "(`closer scenario --job` makes a file to edit).")
    if resume and not job:
        raise UserError("--resume is read against a job ad; give --job JOB.txt too.")
    if scenario_file:
        from closer.scenario.load import load_scenario_file

        return load_scenario_file(scenario_file)
    if job:
        return _from_job(job, resume).scenario
    return None


def run(args: argparse.Namespace) -> int:
    from closer.scenario.dump import to_toml

    made = _from_job(args.job, args.resume)
    sys.stdout.write(to_toml(made, Path(args.job).name,
                             Path(args.resume).name if args.resume else None))
    return 0
