"""Why a close passed or failed: the steps the checks recorded while they decided, in plain words.

Recording. The check functions (`next_step.is_next_step`/`find`, `trial_close.is_close`/`find`,
`tone.assess`, `verdict.evaluate`) take an optional `steps: list[Step]` (a whole close: a
`Trace`) and append one `Step` per concept they looked at, in the order they looked, fired or
not. They record through `has` (`lexicon.has`, recorded) and `note` (a value they computed,
recorded); with `steps=None` both just return the value. The explanation is built from those
steps only, so it says what the decision used and cannot drift from it.

Roles say what a step did: a `gate` or `need` must hold, `evidence` is a concept found, a `veto`
blocks, a `lift` cancels the veto before it, `context` is read from the clause before, a `marker`
is weak language, and a `result` ends a decision ("-> next-step question").

Wording. Each concept's plain words are data: `prompts/explain.toml` ([words] when it fires,
[absent] for a gate, need or result that does not, [roles] how each role is shown).
`describe(trace)` is the `"explain"` object of `closer score --json --explain` and the source of
the human lines (`closer.report`):
{"clauses": [{"index", "text", "asks", "checks": {check: {"steps", "result", "line"}}}],
 "tone": {"steps", "result", "line"}, "semantic": {"consulted", "added"}}
with each step {"concept", "fired", "role", "words", "heard"}. A check missing from a clause was
not evaluated there (an earlier clause had decided it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from closer import prompts
from closer.rubric import lexicon
from closer.rubric.text import Clause

GATE, NEED, EVIDENCE, VETO, LIFT, CONTEXT, MARKER, RESULT = (
    "gate", "need", "evidence", "veto", "lift", "context", "marker", "result")
ROLES = (GATE, NEED, EVIDENCE, VETO, LIFT, CONTEXT, MARKER, RESULT)
_SHOWN_ABSENT = (GATE, NEED, RESULT)  # roles whose step is shown when it does not fire too


@dataclass(frozen=True)
class Step:
    """One thing a check looked at: the concept (a phrase list or a decision of the check), whether
    it fired, its role, and the words that matched (None when nothing matched)."""

    concept: str
    fired: bool
    role: str
    heard: str | None = None


@dataclass
class Trace:
    """What the checks recorded for one close (use a new one per close): the clauses, the steps
    per (clause index, check), the tone steps, and what the semantic layer added
    (None: not consulted)."""

    clauses: list[Clause] = field(default_factory=list)
    checks: dict[tuple[int, str], list[Step]] = field(default_factory=dict)
    tone: list[Step] = field(default_factory=list)
    semantic: dict[str, int] | None = None

    def steps(self, index: int, check: str) -> list[Step]:
        return self.checks.setdefault((index, check), [])


def has(steps: list[Step] | None, name: str, text: str, role: str) -> bool:
    """`lexicon.has(name, text)`, recorded in `steps` (with the words that matched)."""
    fired = lexicon.has(name, text)
    if steps is not None:
        match = lexicon.find(name, text) if fired else None
        steps.append(Step(name, fired, role, match.group(0).strip(" ,") if match else None))
    return fired


def note(steps: list[Step] | None, concept: str, fired: bool, role: str,
         heard: str | None = None) -> bool:
    """A value the check computed, recorded in `steps`; returns it."""
    if steps is not None:
        steps.append(Step(concept, fired, role, heard))
    return fired


# --- wording ------------------------------------------------------------------------------------

@functools.cache
def table() -> dict[str, Any]:
    """prompts/explain.toml: [words], [absent] and [roles]."""
    return prompts.load("explain")


def words(step: Step) -> str:
    """The plain words of a step: [absent] for a gate, need or result that did not fire."""
    if not step.fired and step.role in _SHOWN_ABSENT:
        return str(table()["absent"][step.concept])
    return str(table()["words"][step.concept])


def _shown(step: Step) -> bool:
    if step.role == NEED:
        return not step.fired
    return step.fired or step.role in _SHOWN_ABSENT


def _phrase(step: Step) -> str:
    heard = f' "{step.heard}"' if step.heard and step.fired else ""
    return str(table()["roles"][step.role]).format(words=words(step), heard=heard)


def line(steps: list[Step]) -> str:
    """One line: the shown steps of each decision, "a | b -> result"; decisions joined by "; "
    (the rules' result, then what the semantic layer or the round rule made of it)."""
    segments: list[str] = []
    current: list[str] = []
    seen: set[tuple[str, bool, str]] = set()
    for step in steps:
        if step.role == RESULT:
            segments.append(" | ".join(current) + f" -> {words(step)}" if current else
                            f"-> {words(step)}")
            current, seen = [], set()
        elif _shown(step) and (step.concept, step.fired, step.role) not in seen:
            seen.add((step.concept, step.fired, step.role))
            current.append(_phrase(step))
    if current:
        segments.append(" | ".join(current))
    return "; ".join(segments)


def _result(steps: list[Step]) -> bool | None:
    return next((s.fired for s in reversed(steps) if s.role == RESULT), None)


def _step_json(step: Step) -> dict[str, Any]:
    return {"concept": step.concept, "fired": step.fired, "role": step.role,
            "words": words(step), "heard": step.heard}


def _decision_json(steps: list[Step]) -> dict[str, Any]:
    return {"steps": [_step_json(s) for s in steps], "result": _result(steps),
            "line": line(steps)}


def describe(trace: Trace) -> dict[str, Any]:
    """The explanation of one close as plain data (the schema is in the module docstring)."""
    clauses = []
    for i, c in enumerate(trace.clauses):
        checks = {name: _decision_json(trace.checks[(i, name)])
                  for name in ("next_step", "trial_close") if (i, name) in trace.checks}
        clauses.append({"index": i, "text": c.raw, "asks": c.asks, "checks": checks})
    semantic = {"consulted": trace.semantic is not None, "added": dict(trace.semantic or {})}
    return {"clauses": clauses, "tone": _decision_json(trace.tone), "semantic": semantic}
