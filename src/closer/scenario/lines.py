"""The interviewer's scenario lines (`[scenario]` of `prompts/interviewer.toml`), pure and seeded:
the opener before the wrap-up ("Thanks for coming in for the data engineer role at Acme.") and the
answer to the next-step question from the scenario's `next_step`; and, from `[scenario]` of
`prompts/model_lines.toml`, the candidate's own asks worded for it, which the stronger close adds.
"""

from __future__ import annotations

import random
import re
from typing import Any

from closer.scenario.fill import fill, usable
from closer.scenario.model import Scenario
from closer.types import Round


def _role(role: str | None) -> str:
    """"a Data Engineer role" -> "Data Engineer": the templates say "the {role} role"."""
    if not role:
        return ""
    role = re.sub(r"^(?:an?|the)\s+", "", role.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+(?:role|position|job)$", "", role, flags=re.IGNORECASE)


def fields(scenario: Scenario) -> dict[str, str]:
    return {"role": _role(scenario.role), "company": scenario.company or "",
            "name": scenario.interviewer.name or "", "title": scenario.interviewer.title or ""}


def opener(scenario: Scenario, templates: dict[str, Any], rng: random.Random) -> str | None:
    """The scenario's opening sentence, or None when it names nothing the templates use."""
    values = fields(scenario)
    found = usable(list(templates.get("opener", [])), values)
    return fill(rng.choice(found), values) if found else None


def next_step_answer(scenario: Scenario, round: Round, templates: dict[str, Any],
                     rng: random.Random) -> str | None:
    """The real next step, said as the interviewer would; None when the scenario has none, or it
    is for another round than this drill's (the file's next_step follows the file's round)."""
    step = scenario.next_step
    if not step or (scenario.round is not None and scenario.round != round):
        return None
    if step[-1] in ".!?":
        return step  # a whole sentence: said as written
    step = _inside_sentence(step)  # "A panel ..." -> "The next step is a panel ..."
    found = usable(list(templates.get("next_step", [])), {"next_step": step})
    return fill(rng.choice(found), {"next_step": step}) if found else None


def close_lines(scenario: Scenario | None, round: Round, templates: dict[str, Any]
                ) -> dict[str, str | None]:
    """The stronger close's added asks worded for `scenario` (`next_step_line`,
    `trial_close_line`; None: the round's model line). The real next step is named only when it
    is a phrase for this round ("passing me on to a panel interview with the CTO"): a whole
    sentence ("We'll call you on Friday.") or another round's step would not fit the ask."""
    if scenario is None:
        return {"next_step_line": None, "trial_close_line": None}
    values = fields(scenario)
    step = scenario.next_step
    if step and step[-1] not in ".!?" and scenario.round in (None, round):
        values["next_step"] = _inside_sentence(step)
    suffix = "_final" if round == "final" else ""

    def line(key: str) -> str | None:
        template = templates.get(key + suffix)
        found = usable([template], values) if isinstance(template, str) else []
        return fill(found[0], values) if found else None

    return {"next_step_line": line("next_step"), "trial_close_line": line("trial_close")}


def _inside_sentence(phrase: str) -> str:
    """A next-step phrase as it reads inside a sentence: its leading determiner lower case."""
    first = phrase.split(" ", 1)[0]
    if first[:1].isupper() and first.lower() in _LOWER_STARTS:
        return phrase[0].lower() + phrase[1:]
    return phrase


# determiners that begin a phrase and are lower case inside a sentence ("A panel with the CTO")
_LOWER_STARTS = {"a", "an", "the", "one", "two", "three", "four", "another", "our", "your", "some",
                 "my", "his", "her", "their"}
