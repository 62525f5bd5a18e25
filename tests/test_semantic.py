"""The semantic layer: pure hybrid decision, logistic regression, the example builder, the saved
model, and (with the bundled encoder) unseen phrasings end to end."""

from __future__ import annotations

import numpy as np
import pytest

from closer.rubric import evaluate
from closer.rubric.semantic import ClauseFacts, clause_facts, decide, hook, load_model
from closer.rubric.semantic.examples import examples
from closer.rubric.semantic.hybrid import AskGate
from closer.rubric.semantic.model import (
    CHECKS,
    SemanticModel,
    fit_logistic,
    save_model,
    train,
    train_kinds,
)
from closer.rubric.text import clauses
from closer.types import Transcript


def _f(asks=True, ns_veto=False, tc_veto=False, next_round_only=False, tc_rule=False):
    return ClauseFacts("x", asks, False, tc_rule, ns_veto, tc_veto, next_round_only)


def test_rules_pass_wins_whatever_the_scores():
    d = decide("next_step", True, [_f()], [0.0], 0.5)
    assert d.passed and d.semantic_index is None


@pytest.mark.parametrize(("check", "facts", "round_", "passed"), [
    ("next_step", _f(), "first", True),
    ("next_step", _f(asks=False), "first", False),          # a statement never passes
    ("next_step", _f(ns_veto=True), "first", False),        # product/onboarding/career veto
    ("next_step", _f(tc_rule=True), "first", False),        # "can I count on moving on?" is a TC
    ("trial_close", _f(), "final", True),
    ("trial_close", _f(tc_veto=True), "first", False),      # salary range, team workload...
    ("trial_close", _f(next_round_only=True), "second", True),
    ("trial_close", _f(next_round_only=True), "final", False),  # the final-round rule
])
def test_semantic_pass_is_gated(check, facts, round_, passed):
    assert decide(check, False, [facts], [0.9], 0.5, round_).passed is passed


def test_below_threshold_fails_and_best_clause_is_reported():
    assert not decide("next_step", False, [_f(), _f()], [0.49, 0.2], 0.5).passed
    d = decide("next_step", False, [_f(), _f(asks=False), _f()], [0.6, 0.99, 0.8], 0.5)
    assert d.passed and d.semantic_index == 2 and d.score == pytest.approx(0.8)


def test_logistic_regression_separates():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(1, 0.3, (40, 5)), rng.normal(-1, 0.3, (60, 5))])
    y = np.r_[np.ones(40), np.zeros(60)]
    model = train({"next_step": (x, y)}, l2=0.1)
    p = model.classifiers["next_step"].proba(x)
    assert (p[:40] > 0.9).all() and (p[40:] < 0.1).all()
    w, b = fit_logistic(x, y)
    assert w.shape == (5,) and isinstance(b, float)


def test_save_and_load_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 384)).astype(np.float32)
    y = np.r_[np.ones(10), np.zeros(10)]
    model = train({c: (x, y) for c in CHECKS}, thresholds={"trial_close": 0.7})
    kinds = train_kinds(x[:10], ["way_out"] * 5 + ["disclaimer"] * 5)
    save_model(SemanticModel(model.classifiers, kinds), tmp_path / "m.npz")
    back = load_model(tmp_path / "m.npz")
    assert back.thresholds() == {"next_step": 0.5, "trial_close": pytest.approx(0.7),
                                 "hesitancy": 0.5}
    np.testing.assert_allclose(back.proba(x)["next_step"], model.proba(x)["next_step"], atol=1e-6)
    assert back.kinds is not None and back.kinds.names == ("disclaimer", "way_out")
    assert back.kinds.kinds(x[:10]) == ["way_out"] * 5 + ["disclaimer"] * 5


def test_clause_facts_follow_the_rules():
    facts = clause_facts("I look forward to the next steps. What are the next steps in the "
                         "process? Is there any reason you wouldn't share the salary range?")
    assert [f.asks for f in facts] == [False, True, True]
    assert facts[1].ns_rule and not facts[1].tc_rule
    assert facts[2].tc_veto and not facts[2].tc_rule


def test_examples_label_clauses_by_the_rules():
    rows = [
        {"id": "a", "round": "final", "next_step": True, "trial_close": False,
         "text": "What are the next steps? Could you pass me on to the next round?"},
        {"id": "b", "round": "first", "next_step": False, "trial_close": False,
         "text": "How big is the team?"},
    ]
    got = {(e.close_id, e.check, e.text, e.label) for e in examples(rows)}
    assert ("a", "next_step", "what are the next steps", True) in got
    assert ("a", "trial_close", "what are the next steps", False) in got
    # a final-round ask for the next round is still a trial close for the classifier
    assert any(c == "a" and k == "trial_close" and lab for c, k, _, lab in got)
    assert ("b", "next_step", "how big is the team", False) in got


def test_shipped_model_loads():
    model = load_model()
    assert set(model.classifiers) == set(CHECKS)
    assert all(0 < t < 1 for t in model.thresholds().values())


def test_ask_gate_widens_the_ask_only_for_sure_or_learned_asks():
    stmt = _f(asks=False)
    assert not decide("next_step", False, [stmt], [0.9], 0.5).passed
    assert decide("next_step", False, [stmt], [0.9], 0.5, gate=AskGate(sure=0.85)).passed
    assert not decide("next_step", False, [stmt], [0.8], 0.5, gate=AskGate(sure=0.85)).passed
    assert decide("next_step", False, [stmt], [0.6], 0.5, ask_scores=[0.7]).passed
    assert not decide("next_step", False, [stmt], [0.6], 0.5, ask_scores=[0.3]).passed
    # the vetoes and the final-round rule still hold for a sure clause
    sure = AskGate(sure=0.85)
    assert not decide("next_step", False, [_f(asks=False, ns_veto=True)], [0.99], 0.5,
                      gate=sure).passed
    assert not decide("trial_close", False, [_f(asks=False, next_round_only=True)], [0.99], 0.5,
                      "final", gate=sure).passed


class _FakeEncoder:
    """Encodes a text as [1, 0] when it names "proceed", else [0, 1]; records what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.array([[1.0, 0.0] if "proceed" in t else [0.0, 1.0] for t in texts],
                        dtype=np.float32)


def _fake_layer():
    from closer.rubric.semantic.model import Classifier

    none = np.zeros((0, 2), np.float16)
    clf = Classifier(np.array([8.0, -8.0], np.float32), 0.0, none, none, 0.5)
    return _FakeEncoder(), SemanticModel({"next_step": clf, "trial_close": clf})


def test_hook_adds_a_pass_only_for_failed_checks_and_asking_clauses():
    enc, _model = layer = _fake_layer()
    cl = clauses("I hope things proceed well. How will things proceed from here? How big is "
                 "the team?")
    on = hook.SemanticSettings()
    assert hook.semantic_passes(cl, "first", {"next_step": False, "trial_close": False}, on,
                                layer) == {"next_step": 1}
    assert "i hope things proceed well" not in enc.seen  # statements are never embedded
    # trial_close is off by default; on request it passes too
    both = hook.SemanticSettings(checks=("next_step", "trial_close"))
    assert hook.semantic_passes(cl, "first", {"next_step": True, "trial_close": False}, both,
                                layer) == {"trial_close": 1}
    enc.seen.clear()
    assert hook.semantic_passes(cl, "first", {"next_step": True, "trial_close": True}, both,
                                layer) == {}
    assert enc.seen == []  # nothing failed: nothing encoded
    off = hook.SemanticSettings(enabled=False)
    assert hook.semantic_passes(cl, "first", {"next_step": False}, off, layer) == {}
    strict = hook.SemanticSettings(thresholds=(("next_step", 0.99999),))
    assert hook.semantic_passes(cl, "first", {"next_step": False}, strict, layer) == {}


def test_settings_from_env():
    assert hook.settings_from_env({}).enabled
    assert not hook.settings_from_env({"CLOSER_SEMANTIC": "0"}).enabled
    assert not hook.settings_from_env({"CLOSER_SEMANTIC": "off"}).enabled
    assert hook.settings_from_env({"CLOSER_SEMANTIC": "1"}).enabled


def test_evaluate_is_rules_only_without_the_model(monkeypatch):
    text = "Could you tell me if the proceed lamp is blue?"  # no rule passes it
    shipped = hook.fallback_from_env({})
    monkeypatch.setattr(hook, "_layer", lambda: None)  # as when the package is missing
    assert not evaluate(Transcript(text), "first", None, shipped).checks["next_step"].passed
    monkeypatch.setattr(hook, "_layer", _fake_layer)
    v = evaluate(Transcript(text), "first", None, shipped)
    assert v.checks["next_step"].passed and v.checks["next_step"].evidence == text
    assert not evaluate(Transcript(text)).checks["next_step"].passed  # no fallback: rules only
    assert hook.fallback_from_env({"CLOSER_SEMANTIC": "0"}) is None


def test_the_rubric_never_reads_the_environment(monkeypatch):
    """evaluate is pure: CLOSER_SEMANTIC is read by the commands, never inside the rubric."""
    import inspect

    import closer.rubric.verdict as verdict

    assert "environ" not in inspect.getsource(verdict) and "CLOSER_SEMANTIC" not in (
        inspect.getsource(verdict))
    monkeypatch.setattr(hook, "_layer", _fake_layer)
    text = "Could you tell me if the proceed lamp is blue?"
    monkeypatch.setenv("CLOSER_SEMANTIC", "1")
    assert not evaluate(Transcript(text)).checks["next_step"].passed


def test_layer_failure_is_silent(monkeypatch):
    import closer.rubric.semantic.encoder

    def boom(*_a, **_k):
        raise closer.rubric.semantic.encoder.ModelError("no package")

    monkeypatch.setattr(closer.rubric.semantic.encoder, "load_encoder", boom)
    hook._load_layer.cache_clear()
    try:
        assert hook._layer() is None
    finally:
        hook._load_layer.cache_clear()


def test_unseen_phrasings_end_to_end():
    from closer.rubric.semantic.encoder import load_encoder

    enc, model = load_encoder(), load_model()
    p = model.proba(enc.encode(["where do we take it from here", "what happens after today",
                                "how big is the team",
                                "is there any reason you would not move me forward",
                                "is there any reason you would not share the salary range"]))
    ns, tc = p["next_step"], p["trial_close"]
    th = model.thresholds()
    assert ns[0] > th["next_step"] and ns[1] > th["next_step"] and ns[2] < th["next_step"]
    assert tc[3] > th["trial_close"] and tc[4] < th["trial_close"]
    assert ns[3] < th["next_step"] and tc[0] < th["trial_close"]


def test_the_encoder_cache_gives_the_same_vectors_and_stays_bounded():
    import numpy as np

    from closer.rubric.semantic.encoder import EncoderSettings, load_encoder

    cached = load_encoder(EncoderSettings(cache_texts=2))
    plain = load_encoder(EncoderSettings(cache_texts=0))
    texts = ["what happens next", "thanks for today", "what happens next",
             "is anything stopping you"]
    # the same up to float rounding: ONNX Runtime's kernels may round differently for another batch
    # size (the cache encodes only the texts it lacks), by about 1e-7
    def same(a, b) -> bool:
        return np.allclose(a, b, rtol=0, atol=1e-5)

    first = cached.encode(texts)
    again = cached.encode(texts[::-1])[::-1]
    assert same(first, plain.encode(texts)) and same(first, again)
    assert len(cached._cache) == 2 and not plain._cache
    first[0] += 1.0  # a caller's array is its own
    assert same(cached.encode(texts[:1])[0], plain.encode(texts[:1])[0])
