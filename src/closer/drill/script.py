"""The interviewer's lines for one drill, picked up front from `prompts/interviewer.toml`.

Every line a drill could need is chosen when the drill is set up, from one seeded RNG, so the
same `DrillSetup` always gives the same lines whatever the candidate says ("again" repeats a drill
exactly, and `--seed` repeats a session).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from closer import prompts
from closer.types import Round


@dataclass(frozen=True)
class DrillSetup:
    """What defines one drill: the round, objections only or not, and the line seed."""

    round: Round = "first"
    objections_only: bool = False  # "harder": always an objection, never a rebuttal
    seed: int = 0


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
    objection = _fill(rng.choice(lines["objection"]), skill)
    use_objection = setup.objections_only or rng.random() < 0.5
    closing = rng.choice(lines["closing"])
    reprompt = data.get("reprompt", {})
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


def new_seed(rng: random.Random) -> int:
    """A fresh drill seed drawn from the session RNG (so a session seed repeats every drill)."""
    return rng.randrange(2**31)
