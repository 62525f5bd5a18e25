"""The candidate's own interview: a scenario file, or one made from a job ad and a resume.

Public API (pure, stdlib only):
- `load_scenario_text(text, name) -> Scenario`: parse a scenario from TOML text (what the web form
  sends); `name` says where it came from in error messages (raises `closer.errors.UserError`,
  one sentence naming the line and the field) and names the scenario when it names no company or
  role. `load_scenario_file(path)` does the same for a file.
- `scenario_from_job(job_text, resume_text, name) -> Scenario` and `to_toml(...)` (`job.py`,
  `dump.py`): the scenario a job ad (and a resume) give, and the TOML `closer scenario` prints.
- `Scenario`, `Interviewer` (`model.py`): the frozen value a `DrillSetup` carries.
Wording lives in `prompts/`: `interviewer.toml` [scenario], `weak_spots.toml`, `skills.toml`,
`job_ad.toml`; examples in `prompts/scenarios/`.
"""

from closer.scenario.load import load_scenario_file, load_scenario_text
from closer.scenario.model import Interviewer, Scenario

__all__ = ["Interviewer", "Scenario", "load_scenario_file", "load_scenario_text"]
