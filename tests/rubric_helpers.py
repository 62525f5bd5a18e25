"""Shared by the rubric's class tests: one call that says whether a text passes a check."""

from closer.rubric import evaluate
from closer.types import Transcript


def passed(text: str, check: str, round: str = "first") -> bool:
    return evaluate(Transcript(text), round).checks[check].passed  # type: ignore[arg-type]
