"""The rubric: pure checks of a close (next-step question, trial close, confident tone).

Public API: `evaluate(transcript, round, delivery) -> Verdict` and
`evaluate_objection_reply(objection, reply, round) -> CheckResult`.
"""

from closer.rubric.objection import evaluate_objection_reply
from closer.rubric.verdict import WEIGHTS, evaluate

__all__ = ["WEIGHTS", "evaluate", "evaluate_objection_reply"]
