"""`evaluate`: run the three checks over one close and combine them into a Verdict.

Score weights (0-100): trial_close 45, next_step 30, confident_tone 25 (the trial close is the point
of the technique; the next-step question sets it up; tone decides how it lands). Asking the two
questions in the wrong order costs 10 points. The score is clamped to 0-100. With a `trace`,
every check records what it looked at (`closer.rubric.explain`), the final-round rule and the
semantic layer's passes included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from closer.rubric import explain, heard_as, lexicon, next_step, tone, trial_close
from closer.rubric.explain import EVIDENCE, RESULT, VETO, Trace
from closer.rubric.text import Clause, clauses
from closer.types import CheckResult, Delivery, Round, Transcript, Verdict

_LOGGER = logging.getLogger(__name__)

# The semantic fallback: (clauses, round, rule results) -> {check: index of the clause it passes},
# and {hesitancy kind: index of the clause heard that way} when the tone rules passed.
# Passed in (closer.rubric.semantic.hook.fallback_from_env builds the shipped one), so that
# evaluate stays pure and a test says exactly which layer it runs.
SemanticFallback = Callable[[list[Clause], Round, Mapping[str, bool]], dict[str, int]]

WEIGHTS: dict[str, int] = {"next_step": 30, "trial_close": 45, "confident_tone": 25}
ORDER_PENALTY = 10


def tip(why_key: str, line_key: str | None, round: Round) -> str:
    lines = lexicon.model_lines()
    why = lines["why"][why_key]
    if line_key is None:
        return why
    return f'{why} Try: "{lines[round][line_key]}"'


def _empty(round: Round, trace: Trace | None) -> Verdict:
    msg = lexicon.model_lines()["why"]["empty"]
    if trace is not None:
        explain.note(trace.tone, "empty_close", True, VETO)
        explain.note(trace.tone, "confident_tone", False, RESULT)
    checks = {name: CheckResult(False, None, msg) for name in WEIGHTS}
    return Verdict(round=round, checks=checks, score=0, order_ok=None, notes=(msg,))


def _check_next_step(cl: list, round: Round,
                     trace: Trace | None) -> tuple[CheckResult, int | None]:
    idx = next_step.find(cl, trace)
    if idx is not None:
        return CheckResult(True, cl[idx].raw), idx
    said = next((c for c in cl if next_step.mentions_next_step(c)), None)
    if said is not None:
        return CheckResult(False, said.raw, tip("next_step_statement", "next_step", round)), None
    return CheckResult(False, None, tip("next_step", "next_step", round)), None


def _check_trial_close(cl: list, round: Round,
                       trace: Trace | None) -> tuple[CheckResult, int | None]:
    tc = trial_close.find(cl, trace)
    if tc is not None and not (round == "final" and tc.next_round_only):
        c = cl[tc.index]
        prev = next((x for x in reversed(cl[:tc.index]) if x.core), None)
        tag_only = prev is not None and not c.text.count(" ") > 7 and not lexicon.has(
            "tc_candidate", c.core)
        evidence = f"{prev.raw} {c.raw}" if tag_only and prev is not None else c.raw
        return CheckResult(True, evidence), tc.index
    if tc is not None:
        if trace is not None:  # the round rule: in the final round, the next round is not enough
            steps = trace.steps(tc.index, "trial_close")
            explain.note(steps, "final_round_next_round", True, VETO)
            explain.note(steps, "trial_close_final_round", False, RESULT)
        why = tip("trial_close_final", "trial_close", round)
        return CheckResult(False, cl[tc.index].raw, why), None
    stated = next((c for c in cl if not c.asks and trial_close.judges_candidate(c.core)), None)
    if stated is not None:
        why = tip("trial_close_statement", "trial_close", round)
        return CheckResult(False, stated.raw, why), None
    return CheckResult(False, None, tip("trial_close", "trial_close", round)), None


def _check_tone(text: str, delivery: Delivery | None, round: Round,
                trace: Trace | None) -> CheckResult:
    t = tone.assess(text, delivery, steps=None if trace is None else trace.tone)
    evidence = ", ".join(t.markers) if t.markers else None
    if t.confident:
        return CheckResult(True, evidence)
    return CheckResult(False, evidence, tip(tone.tip_key(t), "trial_close", round))


def _hesitancy_heard(tone_check: CheckResult, cl: list[Clause], added: Mapping[str, int],
                     round: Round, trace: Trace | None) -> CheckResult:
    """The semantic layer heard hesitancy the tone rules missed: the tone fails, with the tip
    of the kind heard and that clause as evidence."""
    kind = next((k for k in added if k in HESITANCY_TIPS), None)
    if kind is None or not tone_check.passed:
        return tone_check
    if trace is not None:
        explain.note(trace.tone, f"semantic_{kind}", True, VETO, cl[added[kind]].raw)
        explain.note(trace.tone, "confident_tone", False, RESULT)
    return CheckResult(False, cl[added[kind]].raw, tip(HESITANCY_TIPS[kind], "trial_close", round))


# The kinds the semantic layer may hear, and the tip each gets (prompts/model_lines.toml [why]).
HESITANCY_TIPS = {k: tone.kind_tip_key(k) for k in (*tone.HESITANCY_KINDS, tone.SELF_DEPRECATION)}


def _trace_semantic(trace: Trace, added: Mapping[str, int]) -> None:
    """The semantic layer was consulted; each pass it added is a decision on that clause."""
    trace.semantic = dict(added)
    for check, index in added.items():
        if check in HESITANCY_TIPS:  # recorded with the tone (_hesitancy_heard)
            continue
        steps = trace.steps(index, check)
        explain.note(steps, f"semantic_{check}", True, EVIDENCE)
        explain.note(steps, check, True, RESULT)


def evaluate(transcript: Transcript, round: Round = "first",
             delivery: Delivery | None = None,
             fallback: SemanticFallback | None = None, trace: Trace | None = None,
             mishearings: bool = True) -> Verdict:
    """Check one close against the rubric (pure; reads prompts once). See the module docstring.

    `fallback` may add a next-step or trial-close pass the rules missed (the semantic layer);
    None: rules only. `trace` (a new `explain.Trace`) records why; None records nothing.
    `mishearings`: read tiny.en's known mishearings of key words as the words meant
    (`closer.rubric.heard_as`, prompts/heard_as.toml); False only to measure what that buys."""
    text = transcript.text or ""
    if mishearings:
        text = heard_as.apply(text)
    cl = clauses(text)
    if trace is not None:
        trace.clauses = cl
    if not cl:
        return _empty(round, trace)
    ns, ns_idx = _check_next_step(cl, round, trace)
    tc, tc_idx = _check_trial_close(cl, round, trace)
    tone_check = _check_tone(text, delivery, round, trace)
    if fallback is not None and not (ns.passed and tc.passed and not tone_check.passed):
        added = fallback(cl, round, {"next_step": ns.passed, "trial_close": tc.passed,
                                     "confident_tone": tone_check.passed})
        if trace is not None and (added or not (ns.passed and tc.passed)):
            _trace_semantic(trace, added)
        if "next_step" in added:
            ns_idx = added["next_step"]
            ns = CheckResult(True, cl[ns_idx].raw)
        if "trial_close" in added:
            tc_idx = added["trial_close"]
            tc = CheckResult(True, cl[tc_idx].raw)
        tone_check = _hesitancy_heard(tone_check, cl, added, round, trace)
    checks = {"next_step": ns, "trial_close": tc, "confident_tone": tone_check}
    order_ok = None if ns_idx is None or tc_idx is None else ns_idx <= tc_idx
    score = sum(WEIGHTS[k] for k, c in checks.items() if c.passed)
    notes: list[str] = []
    if order_ok is False:
        score -= ORDER_PENALTY
        notes.append(lexicon.model_lines()["why"]["order"])
    for name in ("next_step", "trial_close", "confident_tone"):
        if not checks[name].passed and checks[name].tip:
            notes.append(checks[name].tip.split(" Try:")[0])
    _LOGGER.debug("verdict %s %s", {k: c.passed for k, c in checks.items()}, order_ok)
    return Verdict(round=round, checks=checks, score=max(0, min(100, score)), order_ok=order_ok,
                   notes=tuple(notes))
