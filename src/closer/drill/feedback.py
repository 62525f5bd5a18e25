"""Pure functions that turn a finished exchange into feedback.

- `join_transcripts`: every candidate turn in order, as one Transcript (word times shifted), so the
  rubric's order check sees the whole conversation.
- `one_thing`: the single most important thing to change next time, with a model line.
- `spoken_feedback` / `verdict_text`: what the coach says and prints (the printed verdict ends with
  the stronger close of the result, `closer.rubric.rewrite`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from closer import prompts
from closer.types import CHECKS, CheckResult, Round, Transcript, Verdict


@dataclass(frozen=True)
class OneThing:
    item: str | None  # a check name, "order", "objection_handling"; None when everything passed
    headline: str
    line: str | None  # the model line to say instead

    def to_json(self) -> dict[str, str | None]:
        return {"item": self.item, "headline": self.headline, "line": self.line}


_QUOTED_LINE = re.compile(r'"([^"]+)"\s*$')


def model_line(tip: str | None) -> str | None:
    """The line to say from a rubric tip ('Why. Try: "line"'): the quoted part, else the tip."""
    if not tip:
        return None
    match = _QUOTED_LINE.search(tip.strip())
    return match.group(1) if match else tip.strip()


def join_transcripts(parts: Sequence[Transcript], durations_s: Sequence[float]) -> Transcript:
    """Join candidate turns in order; word times shift by the audio length of earlier turns."""
    words = []
    offset = 0.0
    texts = []
    for part, dur in zip(parts, durations_s, strict=True):
        if part.text.strip():
            texts.append(part.text.strip())
        words.extend(replace(w, start=w.start + offset, end=w.end + offset) for w in part.words)
        offset += dur
    duration = offset if parts else None
    return Transcript(text=" ".join(texts), words=tuple(words), duration_s=duration)


def coach_content() -> dict[str, Any]:
    return prompts.load("voice_commands")


def failed_items(verdict: Verdict, objection: CheckResult | None) -> list[str]:
    """Names of everything that failed: the three checks, "order" and "objection_handling"."""
    failed = [name for name in CHECKS if name in verdict.checks and not verdict.checks[name].passed]
    if verdict.order_ok is False:
        failed.append("order")
    if objection is not None and not objection.passed:
        failed.append("objection_handling")
    return failed


def one_thing(verdict: Verdict, objection: CheckResult | None,
              content: Mapping[str, Any] | None = None) -> OneThing:
    """Choose the ONE most important failed item (priority order from voice_commands.toml).

    The model line is the rubric's tip for that check when it gives one, else the line from the
    priority table (the final-round variant for a final-round trial close).
    """
    data = content if content is not None else coach_content()
    failed = set(failed_items(verdict, objection))
    for entry in data["priority"]:
        item = entry["item"]
        if item not in failed:
            continue
        tip = None
        if item in verdict.checks:
            tip = verdict.checks[item].tip
        elif item == "objection_handling" and objection is not None:
            tip = objection.tip
        line = model_line(tip) or entry.get(f"line_{verdict.round}") or entry.get("line")
        return OneThing(item=item, headline=entry["headline"], line=line)
    return OneThing(item=None, headline=data["all_passed"]["headline"], line=None)


def checks_passed(verdict: Verdict, objection: CheckResult | None) -> tuple[int, int]:
    """(passed, total) over the three checks plus objection handling when there was one."""
    results = [verdict.checks[n].passed for n in CHECKS if n in verdict.checks]
    if objection is not None:
        results.append(objection.passed)
    return sum(results), len(results)


def spoken_feedback(verdict: Verdict, objection: CheckResult | None, thing: OneThing,
                    content: Mapping[str, Any] | None = None) -> str:
    """What the coach says after a drill: the count, then the one thing with its model line."""
    coach = (content if content is not None else coach_content())["coach"]
    passed, total = checks_passed(verdict, objection)
    # nothing failed: say so plainly instead of "change one thing: nothing"
    advice = thing.headline if thing.item is None else coach["one_thing"].format(
        headline=thing.headline)
    parts = [coach["score"].format(passed=passed, total=total), advice]
    if thing.line:
        parts.append(coach["model_line"].format(line=thing.line))
    return " ".join(parts)


def _mark(ok: bool | None) -> str:
    return {True: "pass", False: "FAIL", None: "n/a"}[ok]


def verdict_text(round: Round, verdict: Verdict, objection: CheckResult | None,
                 thing: OneThing, stronger_close: str | None = None) -> str:
    """A few human lines: each check, the order, objection handling, the one thing, then the
    stronger close (the result's "stronger_close"; None: no line)."""
    ok = verdict.passed and (objection is None or objection.passed)
    lines = [f"Verdict ({round} round): score {verdict.score}, {'passed' if ok else 'not yet'}"]
    for name in CHECKS:
        check = verdict.checks.get(name)
        if check is None:
            continue
        evidence = f' - "{check.evidence}"' if check.evidence else ""
        lines.append(f"  {name:<19} {_mark(check.passed)}{evidence}")
    lines.append(f"  {'order':<19} {_mark(verdict.order_ok)}")
    if objection is not None:
        evidence = f' - "{objection.evidence}"' if objection.evidence else ""
        lines.append(f"  {'objection_handling':<19} {_mark(objection.passed)}{evidence}")
    lines.append(thing.headline if thing.item is None else f"Change one thing: {thing.headline}")
    if thing.line:
        lines.append(f'  Say: "{thing.line}"')
    if stronger_close:
        lines.append(f'A stronger close: "{stronger_close}"')
    return "\n".join(lines)
