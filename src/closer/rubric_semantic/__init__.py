"""An experimental semantic layer beside the rule rubric (not wired into `closer.rubric` yet).

- `facts.clause_facts(text, round)`: the rubric's own clauses with what its rules say about each
  (asks, rule hits, vetoes, next-round-only), read-only.
- `model.SemanticModel`: per-check logistic regression over clause embeddings, saved as a small
  `.npz` (`prompts/semantic_prototypes.npz`, built by `scripts/build_prototypes.py`).
- `hybrid.decide(facts, probabilities, round, thresholds)`: the pure hybrid decision
  (rules OR (semantic AND asks AND no veto), with the final-round rule for the trial close).
"""

from closer.rubric_semantic.facts import ClauseFacts, clause_facts
from closer.rubric_semantic.hybrid import Decision, decide
from closer.rubric_semantic.model import SemanticModel, load_model

__all__ = ["ClauseFacts", "Decision", "SemanticModel", "clause_facts", "decide", "load_model"]
