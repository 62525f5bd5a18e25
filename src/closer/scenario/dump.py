"""A scenario as the TOML `closer scenario` prints: valid, loadable by `--scenario`, and commented
so the user can edit it (what is missing is a commented-out key; what the ad says about the
hiring steps and the weak spots left out are comments beside the keys they help fill).
"""

from __future__ import annotations

import json

from closer.scenario.job import MAX_WEAK_SPOTS, JobScenario
from closer.scenario.model import Scenario

_WIDTH = 100


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _array(key: str, items: tuple[str, ...] | list[str]) -> list[str]:
    one_line = f"{key} = [{', '.join(_s(i) for i in items)}]"
    if len(one_line) <= _WIDTH:
        return [one_line]
    if key == "weak_spots":  # one a line: the ones to edit or drop
        return [f"{key} = [", *(f"  {_s(i)}," for i in items), "]"]
    out, line = [f"{key} = ["], " "
    for item in items:
        if len(line) + len(_s(item)) + 2 > _WIDTH:
            out.append(line.rstrip())
            line = " "
        line += f" {_s(item)},"
    return [*out, line.rstrip(), "]"]


def scenario_toml(scenario: Scenario, header: list[str] | None = None) -> str:
    """Any scenario as TOML, its absent keys commented out."""
    return "\n".join(_lines(scenario, header or [], None)) + "\n"


def to_toml(made: JobScenario, job_name: str, resume_name: str | None) -> str:
    """What `closer scenario --job JOB [--resume CV]` prints."""
    source = f"{job_name} and {resume_name}" if resume_name else job_name
    header = [f"# The scenario closer made from {_comment(source)}.",
              "# Edit it and keep it, then practise with: closer drill --scenario THIS_FILE.toml",
              "# Every key is optional; prompts/scenarios/ has commented examples."]
    return "\n".join(_lines(made.scenario, header, made)) + "\n"


def _lines(s: Scenario, header: list[str], made: JobScenario | None) -> list[str]:
    out = [*header, ""] if header else []
    out.append(f"company = {_s(s.company)}" if s.company else
               '# company = ""  # the ad names none')
    out.append(f"role = {_s(s.role)}" if s.role else '# role = ""  # the job title')
    out.append(f"round = {_s(s.round)}" if s.round else
               '# round = "first"  # the round you are preparing for: first, second or final')
    if s.next_step:
        out.append(f"next_step = {_s(s.next_step)}")
    else:
        out.append('# next_step = ""  # what really comes after that round, '
                   'e.g. "a panel with the CTO"')
        if made is not None and made.ad.process:
            out.append("# The ad describes these steps:")
            out += [f"#   {i}. {_comment(step)}" for i, step in enumerate(made.ad.process, 1)]
    fields = [f"{k} = {_s(v)}" for k, v in (("name", s.interviewer.name),
                                            ("title", s.interviewer.title)) if v]
    if fields:
        note = "" if s.interviewer.name else '  # add name = "..." when you know who'
        out.append(f"interviewer = {{ {', '.join(fields)} }}{note}")
    else:
        out.append('# interviewer = { name = "", title = "" }  # who you will meet')
    if s.skills:
        if made is not None:
            out.append("# What the ad asks for (the interviewer's skill questions use these):")
        out += _array("skills", s.skills)
    out += _weak_spots(s, made)
    return out


def _weak_spots(s: Scenario, made: JobScenario | None) -> list[str]:
    out: list[str] = []
    if made is not None and made.with_resume:
        out.append("# What the ad asks for and the resume does not name, in the ad's order: the"
                   " objections")
        out.append("# come from these. Put them in your own words, drop what you have done.")
    elif made is not None:
        out.append("# Your weak spots in your own words, e.g. \"no production Kubernetes\", "
                   "\"a two-year gap\";")
        out.append("# with --resume CV.txt closer lists what the ad asks for and the resume "
                   "does not name.")
    out += _array("weak_spots", s.weak_spots) if s.weak_spots or made is not None else \
        ["# weak_spots = []  # in your own words, e.g. \"a two-year gap\""]
    if made is not None and len(made.missing) > MAX_WEAK_SPOTS:
        rest = ", ".join(_s(m) for m in made.missing[MAX_WEAK_SPOTS:])
        out.append(f"# Also not in the resume (add the ones you want to practise): {rest}")
    return out
