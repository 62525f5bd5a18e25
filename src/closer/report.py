"""How a verdict is shown: the `closer score --json` object and the human-readable text.

`result_json` is the one JSON contract for a scored close (the live drill reuses it):
{"file", "round", "transcript", "checks": {name: {"passed", "evidence", "tip"}}, "delivery",
"score", "order_ok", "stronger_close"}, plus "explain" (`closer.rubric.explain.describe`) only
when asked for (`--explain`). A file that could not be read becomes {"file", "error"}.

"stronger_close" (`closer.rubric.rewrite.stronger_close`) is the candidate's close made stronger in
their own words: always there, also when the close passed everything (then it is the close
cleaned of any single filler or hedge the tone check let through, in order: usually what was
said). The human verdict shows it as "A stronger close: ...".
"""

from __future__ import annotations

import logging
import textwrap
from typing import Any

from closer.types import CHECKS, Delivery, Round, Transcript, Verdict

_LOGGER = logging.getLogger(__name__)

_LABELS = {"next_step": "next-step question", "trial_close": "trial close",
           "confident_tone": "confident tone"}
_GREEN, _RED, _DIM, _BOLD, _RESET = "\033[32m", "\033[31m", "\033[2m", "\033[1m", "\033[0m"
_WIDTH = 88


def stronger_close(transcript: Transcript, verdict: Verdict, **lines: str | None) -> str:
    """The rewrite of the close (`lines`: `next_step_line`, `trial_close_line`, a scenario's)."""
    from closer.rubric.rewrite import stronger_close as rewrite

    return rewrite(transcript.text, verdict, **lines)


def result_json(file: str | None, round: Round, transcript: Transcript, verdict: Verdict,
                delivery: Delivery | None, explain: dict[str, Any] | None = None, *,
                next_step_line: str | None = None,
                trial_close_line: str | None = None) -> dict[str, Any]:
    """The JSON object of one scored close (module docstring); the two lines word what the
    stronger close adds (a scenario's), None: the round's model lines."""
    out = {
        "file": file,
        "round": round,
        "transcript": transcript.text,
        "checks": verdict.checks_json(),
        "delivery": delivery.to_json() if delivery is not None else None,
        "score": int(verdict.score),
        "order_ok": verdict.order_ok,
        "stronger_close": stronger_close(transcript, verdict, next_step_line=next_step_line,
                                         trial_close_line=trial_close_line),
    }
    if explain is not None:
        out["explain"] = explain
    return out


def error_json(file: str, message: str) -> dict[str, Any]:
    return {"file": file, "error": message}


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def format_delivery(d: Delivery) -> str:
    text = (f"{d.duration_s:.1f} s, {d.words_per_minute:.0f} words/min, "
            f"{d.filler_count} filler{'s' if d.filler_count != 1 else ''}, "
            f"longest pause {d.longest_pause_s:.1f} s")
    if d.statement_count:
        text += f", rising endings {d.uptalk_count} of {d.statement_count} statements"
    return text


def format_explain(explain: dict[str, Any], color: bool = False) -> list[str]:
    """The "why" lines: each clause with the decision line of each check looked at there, then
    the tone and the semantic layer (`explain` is `closer.rubric.explain.describe`)."""
    lines = ["  why:"]

    def add(label: str, text: str, indent: str = "       ") -> None:
        lines.extend(textwrap.wrap(f"{label}: {text}", _WIDTH, initial_indent=indent,
                                   subsequent_indent=indent + "  "))

    for clause in explain["clauses"]:
        lines += textwrap.wrap(f'{clause["index"] + 1}. "{clause["text"]}"', _WIDTH,
                               initial_indent="    ", subsequent_indent="       ")
        for name, decision in clause["checks"].items():
            add(_LABELS.get(name, name), decision["line"])
        if not clause["checks"]:
            lines.append(_paint("       not looked at: an earlier clause decided", _DIM, color))
    add(_LABELS["confident_tone"], explain["tone"]["line"], "    ")
    semantic = explain["semantic"]
    if semantic["consulted"]:
        added = ", ".join(f'{_LABELS.get(k, k)} (clause {i + 1})'
                          for k, i in semantic["added"].items())
        add("semantic layer", f"added a pass: {added}" if added else "consulted, added no pass",
            "    ")
    return lines


def format_verdict(file: str, transcript: Transcript, verdict: Verdict,
                   delivery: Delivery | None, color: bool = False,
                   explain: dict[str, Any] | None = None, stronger: str | None = None) -> str:
    """A few lines per file: heading, what was said, each check with evidence and tip, the
    stronger close (`stronger`, made here when None); with `explain`, why (`format_explain`)."""
    status = _paint("PASS", _GREEN, color) if verdict.passed else _paint("FAIL", _RED, color)
    lines = [f"{_paint(file, _BOLD, color)} ({verdict.round} round): {status}, "
             f"score {verdict.score}/100"]
    said = transcript.text.strip() or "(nothing was said)"
    lines += textwrap.wrap(f'"{said}"', _WIDTH, initial_indent="  ", subsequent_indent="   ")
    for name in CHECKS:
        check = verdict.checks[name]
        mark = _paint("pass", _GREEN, color) if check.passed else _paint("fail", _RED, color)
        lines.append(f"  [{mark}] {_LABELS.get(name, name)}")
        if check.evidence:
            lines.append(_paint(f'         heard: "{check.evidence}"', _DIM, color))
        if check.tip and not check.passed:
            lines += textwrap.wrap(f"tip: {check.tip}", _WIDTH, initial_indent="         ",
                                   subsequent_indent="              ")
    if verdict.order_ok is not None:
        order = ("next-step question before the trial close" if verdict.order_ok
                 else "ask the next-step question before the trial close")
        lines.append(f"  order: {order}")
    if delivery is not None:
        lines.append(f"  delivery: {format_delivery(delivery)}")
    better = stronger if stronger is not None else stronger_close(transcript, verdict)
    lines += textwrap.wrap(f'A stronger close: "{better}"', _WIDTH, initial_indent="  ",
                           subsequent_indent="    ")
    if explain is not None:
        lines += format_explain(explain, color)
    return "\n".join(lines)


def format_error(file: str, message: str, color: bool = False) -> str:
    return f"{_paint(file, _BOLD, color)}: {_paint('error', _RED, color)}: {message}"
