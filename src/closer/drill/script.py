"""The interviewer's lines for one drill, picked up front from `prompts/interviewer.toml`.

Every line a drill could need is chosen when the drill is set up, from one seeded RNG, so the
same `DrillSetup` always gives the same lines whatever the candidate says ("again" repeats a drill
exactly, and `--seed` repeats a session).

A scenario (`closer.scenario`) tailors the lines after the generic ones are drawn, from a second
RNG seeded from the same seed, so a drill without one gets exactly the lines it always got: the
opener says the role, the company and who is speaking; the next-step answer is the real next step;
an objection is worded from one of the weak spots (three times in four, when there are any) or is
a generic one, its skill taken from the scenario's skills.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from closer import prompts
from closer.types import Round

if TYPE_CHECKING:
    from closer.scenario.model import Scenario

WEAK_SPOT_SHARE = 0.75  # the candidate named these to practise them; generic ones keep surprises


@dataclass(frozen=True)
class DrillSetup:
    """What defines one drill: the round, objections only or not, the line seed, the scenario."""

    round: Round = "first"
    objections_only: bool = False  # "harder": always an objection, never a rebuttal
    seed: int = 0
    scenario: Scenario | None = None  # the candidate's own interview; None: the generic one


@dataclass(frozen=True)
class Script:
    """The lines of one drill. `reply` answers a trial close; `reply_kind` names its pool."""

    round: Round
    wrap_up: str
    next_step_answer: str
    follow_up: str
    reply: str
    reply_kind: str  # "rebuttal" | "objection"
    closing: str
    reprompt_question: str
    reprompt_reply: str


def _fill(line: str, skill: str) -> str:
    return line.replace("{skill}", skill)


def pick_script(setup: DrillSetup, content: dict[str, Any] | None = None) -> Script:
    """Pick every line of a drill for `setup`; pure given `content` (default: interviewer.toml)."""
    data = content if content is not None else prompts.load("interviewer")
    lines = data[setup.round]
    rng = random.Random(setup.seed)
    skill = rng.choice(list(data.get("skills") or ["the core skills of this role"]))
    wrap_up = rng.choice(lines["wrap_up"])
    next_step_answer = rng.choice(lines["next_step_answer"])
    follow_up = rng.choice(lines["follow_up"])
    rebuttal = rng.choice(lines["rebuttal"])
    template = rng.choice(lines["objection"])
    objection = _fill(template, skill)
    use_objection = setup.objections_only or rng.random() < 0.5
    closing = rng.choice(lines["closing"])
    reprompt = data.get("reprompt", {})
    if setup.scenario is not None:
        wrap_up, next_step_answer, objection = _tailor(
            setup, data, wrap_up, next_step_answer, template, objection)
    reply = objection if use_objection else rebuttal
    return Script(
        round=setup.round,
        wrap_up=wrap_up,
        next_step_answer=next_step_answer,
        follow_up=follow_up,
        reply=reply,
        reply_kind="objection" if use_objection else "rebuttal",
        closing=closing,
        reprompt_question=rng.choice(reprompt.get("question") or [wrap_up]),
        reprompt_reply=rng.choice(reprompt.get("reply") or [reply]),
    )


def _tailor(setup: DrillSetup, data: dict[str, Any], wrap_up: str, next_step_answer: str,
            template: str, objection: str) -> tuple[str, str, str]:
    """(wrap-up, next-step answer, objection) for the setup's scenario."""
    from closer.scenario import lines
    from closer.scenario.objections import objection_for

    scenario = setup.scenario
    assert scenario is not None
    rng = random.Random(f"scenario:{setup.seed}")  # str seeds are stable across runs
    templates = data.get("scenario", {})
    opener = lines.opener(scenario, templates, rng)
    if opener:
        wrap_up = f"{opener} {wrap_up}"
    next_step_answer = (lines.next_step_answer(scenario, setup.round, templates, rng)
                        or next_step_answer)
    if scenario.skills:
        objection = _fill(template, rng.choice(scenario.skills))
    if scenario.weak_spots and rng.random() < WEAK_SPOT_SHARE:
        objection = objection_for(rng.choice(scenario.weak_spots), rng)
    return wrap_up, next_step_answer, objection


def new_seed(rng: random.Random) -> int:
    """A fresh drill seed drawn from the session RNG (so a session seed repeats every drill)."""
    return rng.randrange(2**31)
