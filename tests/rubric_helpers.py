"""Shared by the rubric's class tests: one call that says whether a text passes a check."""

from closer.rubric import evaluate
from closer.rubric.semantic.hook import fallback_from_env
from closer.types import Transcript

# As a user gets it: the rules and the shipped semantic fallback.
SHIPPED = fallback_from_env({})


def passed(text: str, check: str, round: str = "first") -> bool:
    return evaluate(Transcript(text), round, None, SHIPPED).checks[check].passed  # type: ignore[arg-type]
