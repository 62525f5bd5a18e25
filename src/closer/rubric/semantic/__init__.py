"""The semantic layer beside the rule rubric: `closer.rubric.evaluate` calls `hook.semantic_passes`
when a rule check fails (next_step only by default; CLOSER_SEMANTIC=0 turns it off).

- `facts.clause_facts(text, round)`: the rubric's own clauses with what its rules say about each
  (asks, rule hits, vetoes, next-round-only), read-only.
- `model.SemanticModel`: per-check logistic regression over clause embeddings, saved as a small
  `.npz` (`prompts/semantic_prototypes.npz`, built by `scripts/build_prototypes.py`).
- `hybrid.decide(...)`: the pure hybrid decision
  (rules OR (semantic AND asks AND no veto), with the final-round rule for the trial close).
- `hook.semantic_passes(clauses, round, rules)`: the rubric's fallback, with a lazily loaded,
  process-cached encoder; silent (rules only) when the model package is missing.
"""

from closer.rubric.semantic.facts import ClauseFacts, clause_facts
from closer.rubric.semantic.hybrid import Decision, decide
from closer.rubric.semantic.model import SemanticModel, load_model

__all__ = ["ClauseFacts", "Decision", "SemanticModel", "clause_facts", "decide", "load_model"]
