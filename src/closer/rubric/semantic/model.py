"""Per-check clause classifiers over sentence embeddings: L2-regularised logistic regression
(trained in numpy by Newton's method), kept with its training prototypes for a kNN comparison.

Saved as one `.npz`: for each check `c` in CHECKS, `{c}_w` (384,), `{c}_b` (), `{c}_pos` and
`{c}_neg` (n, 384) float16 prototype embeddings (optional, kNN only), and `{c}_threshold` ();
`{c}_veto` () with `{c}_neg`: the cosine at or above which the nearest of those negatives vetoes
a clause the regression passed (the hesitancy check keeps its hardest confident clauses for this);
for the hesitancy check's kind, `kinds_w` (k, 384), `kinds_b` (k,) and `kinds_names` (k,) str,
one-vs-rest regressions whose highest score names the kind heard.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

CHECKS = ("next_step", "trial_close", "hesitancy")
NO_VETO = 2.0  # above any cosine: no negative prototype vetoes
FILE_NAME = "semantic_prototypes.npz"


def default_path() -> Path:
    """The shipped classifiers, in the prompts folder (`CLOSER_PROMPTS_DIR` honoured)."""
    from closer.prompts import prompts_dir

    return prompts_dir() / FILE_NAME


@dataclass(frozen=True)
class Classifier:
    """One check's logistic regression and the prototypes it was trained on."""

    w: np.ndarray
    b: float
    pos: np.ndarray
    neg: np.ndarray
    threshold: float = 0.5
    veto: float = NO_VETO  # cosine to the nearest negative prototype that vetoes a pass

    def proba(self, emb: np.ndarray) -> np.ndarray:
        """P(clause carries the check) for each row of `emb` (n, 384)."""
        import numpy as np

        z = emb.astype(np.float32) @ self.w + self.b
        return 1.0 / (1.0 + np.exp(-z))

    def knn_margin(self, emb: np.ndarray, k: int = 3) -> np.ndarray:
        """Mean cosine to the k nearest positives minus that to the k nearest negatives."""
        import numpy as np

        def top(protos: np.ndarray) -> np.ndarray:
            s = emb.astype(np.float32) @ protos.astype(np.float32).T
            kk = min(k, s.shape[1])
            return np.sort(s, axis=1)[:, -kk:].mean(1)

        return top(self.pos) - top(self.neg)

    def nearest_negative(self, emb: np.ndarray) -> np.ndarray:
        """Cosine of each row of `emb` (L2-normalised) to its nearest negative (-1: none)."""
        import numpy as np

        if not len(self.neg):
            return np.full(len(emb), -1.0, dtype=np.float32)
        return (emb.astype(np.float32) @ self.neg.astype(np.float32).T).max(axis=1)


@dataclass(frozen=True)
class KindClassifier:
    """One-vs-rest regressions over the kinds of hesitancy: the highest names the kind."""

    w: np.ndarray  # (k, 384)
    b: np.ndarray  # (k,)
    names: tuple[str, ...]

    def kinds(self, emb: np.ndarray) -> list[str]:
        import numpy as np

        z = emb.astype(np.float32) @ self.w.T + self.b
        return [self.names[int(i)] for i in np.argmax(z, axis=1)]


@dataclass(frozen=True)
class SemanticModel:
    classifiers: dict[str, Classifier] = field(default_factory=dict)
    kinds: KindClassifier | None = None

    def proba(self, emb: np.ndarray) -> dict[str, np.ndarray]:
        return {c: clf.proba(emb) for c, clf in self.classifiers.items()}

    def thresholds(self) -> dict[str, float]:
        return {c: clf.threshold for c, clf in self.classifiers.items()}


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0,
                 iterations: int = 25) -> tuple[np.ndarray, float]:
    """Class-balanced L2 logistic regression; returns (weights, bias)."""
    import numpy as np

    x = x.astype(np.float64)
    y = y.astype(np.float64)
    n, d = x.shape
    pos = max(y.sum(), 1.0)
    sw = np.where(y > 0, n / (2 * pos), n / (2 * max(n - pos, 1.0)))
    xa = np.hstack([x, np.ones((n, 1))])
    theta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xa @ theta)))
        grad = xa.T @ (sw * (p - y)) + reg * theta
        hess = (xa * (sw * p * (1 - p))[:, None]).T @ xa + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-6:
            break
    return theta[:-1].astype(np.float32), float(theta[-1])


def train(examples: dict[str, tuple[np.ndarray, np.ndarray]], l2: float = 1.0,
          thresholds: dict[str, float] | None = None) -> SemanticModel:
    """`examples[check] = (embeddings (n, 384), labels (n,) 0/1)`."""
    import numpy as np

    out: dict[str, Classifier] = {}
    for check, (x, y) in examples.items():
        w, b = fit_logistic(x, y, l2)
        out[check] = Classifier(w, b, x[y > 0].astype(np.float16), x[y == 0].astype(np.float16),
                                (thresholds or {}).get(check, 0.5))
    return SemanticModel(out)


def train_kinds(x: np.ndarray, kinds: list[str], l2: float = 1.0) -> KindClassifier:
    """One-vs-rest regressions over the hesitant clauses `x`, labelled with their `kinds`."""
    import numpy as np

    names = tuple(sorted(set(kinds)))
    fitted = [fit_logistic(x, np.array([k == n for k in kinds], dtype=np.float32), l2)
              for n in names]
    return KindClassifier(np.stack([w for w, _ in fitted]),
                          np.array([b for _, b in fitted], dtype=np.float32), names)


def save_model(model: SemanticModel, path: Path, prototypes: bool = False) -> None:
    """Write the classifiers; the prototype embeddings (~1 MB, kNN only) on request, and a
    vetoing classifier's negatives always."""
    import numpy as np

    arrays: dict[str, np.ndarray] = {}
    if model.kinds is not None:
        arrays.update({"kinds_w": model.kinds.w, "kinds_b": model.kinds.b,
                       "kinds_names": np.array(model.kinds.names)})
    for c, clf in model.classifiers.items():
        arrays.update({f"{c}_w": clf.w, f"{c}_b": np.float32(clf.b),
                       f"{c}_threshold": np.float32(clf.threshold)})
        if prototypes:
            arrays.update({f"{c}_pos": clf.pos, f"{c}_neg": clf.neg})
        if clf.veto < NO_VETO:  # the veto needs its negatives
            arrays.update({f"{c}_neg": clf.neg.astype(np.float16),
                           f"{c}_veto": np.float32(clf.veto)})
    with path.open("wb") as f:
        np.savez_compressed(f, **arrays)


def load_model(path: Path | None = None) -> SemanticModel:
    """Read the classifiers built by scripts/build_prototypes.py."""
    import numpy as np

    path = path or default_path()
    with np.load(path) as z:
        none = np.zeros((0, len(z[f"{CHECKS[0]}_w"])), dtype=np.float16)
        out = {c: Classifier(z[f"{c}_w"], float(z[f"{c}_b"]), z.get(f"{c}_pos", none),
                             z.get(f"{c}_neg", none), float(z[f"{c}_threshold"]),
                             float(z.get(f"{c}_veto", NO_VETO)))
               for c in CHECKS if f"{c}_w" in z}
        kinds = (KindClassifier(z["kinds_w"], z["kinds_b"], tuple(str(n) for n in z["kinds_names"]))
                 if "kinds_w" in z else None)
    _LOGGER.debug("semantic model %s: %s", path, sorted(out))
    return SemanticModel(out, kinds)
