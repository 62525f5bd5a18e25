"""The scenario of one interview: who interviews, for what, what comes next, what the candidate
fears.

A plain frozen value (hashable, so a `DrillSetup` carrying it stays a value: "again" repeats the
same lines). Every field is optional; `name` is what history stores and `closer history --scenario`
matches: "<role> at <company>", either one alone, or the name of the file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.types import Round


@dataclass(frozen=True)
class Interviewer:
    name: str | None = None  # "Dana Whitfield"
    title: str | None = None  # "Head of Data Platform"


@dataclass(frozen=True)
class Scenario:
    name: str  # shown and stored; see scenario_name
    company: str | None = None
    role: str | None = None
    interviewer: Interviewer = Interviewer()
    round: Round | None = None  # None: the command line's round (or first)
    next_step: str | None = None  # what really comes next: a phrase or a whole sentence
    weak_spots: tuple[str, ...] = ()  # in the candidate's words: "no production Kubernetes"
    skills: tuple[str, ...] = ()  # what the job asks for (fills the generic skill objection)


def scenario_name(company: str | None, role: str | None, fallback: str) -> str:
    """"Data Engineer at Acme", "Acme", "Data Engineer", or `fallback` (a file's stem)."""
    if company and role:
        return f"{role} at {company}"
    return company or role or fallback
