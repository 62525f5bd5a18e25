"""The rehearsal summary (pure)."""

from __future__ import annotations

import pytest

from closer.drill.summary import DrillRecord, summarize, summary_spoken, summary_text


def rec(index, ns=True, tc=True, tone=True, order=True, obj=None, score=100, react=1.0, wpm=150.0,
        cut=False):
    return DrillRecord(index=index, round=("first", "second", "final")[(index - 1) % 3],
                       checks={"next_step": ns, "trial_close": tc, "confident_tone": tone},
                       order_ok=order, objection_ok=obj, score=score, reaction_s=react,
                       words_per_minute=wpm, cut_at_limit=cut)


def test_summary_rates_times_best_worst():
    records = [
        rec(1, tc=False, order=None, score=55, react=2.0, wpm=120.0),
        rec(2, obj=True, score=100, react=None, wpm=180.0, cut=True),
        rec(3, tone=False, obj=False, order=False, score=65, react=1.0, wpm=None),
    ]
    s = summarize(records)
    assert s.drills == 3
    assert s.pass_rate["next_step"] == 1.0
    assert s.pass_rate["trial_close"] == pytest.approx(2 / 3)
    assert s.pass_rate["confident_tone"] == pytest.approx(2 / 3)
    assert s.pass_rate["order"] == 0.5  # drill 1 had no order to judge
    assert s.pass_rate["objection_handling"] == 0.5
    assert s.pass_rate["all"] == pytest.approx(1 / 3)
    assert s.avg_reaction_s == pytest.approx(1.5)
    assert s.avg_words_per_minute == pytest.approx(150.0)
    assert s.best == 2 and s.worst == 3  # 2/4 checks is worse than 2/3
    assert s.cut_count == 1
    text = summary_text(s)
    assert "best: drill 2" in text and "worst: drill 3" in text and "1.5 s" in text
    assert s.to_json()["pass_rate"]["trial_close"] == 0.67


def test_summary_ties_go_to_the_earliest_and_empty_is_safe():
    s = summarize([rec(1), rec(2)])
    assert s.best == 1 and s.worst == 1
    empty = summarize([])
    assert empty.drills == 0 and empty.best is None
    assert empty.pass_rate["objection_handling"] is None
    assert "No finished drills" in summary_text(empty)


def test_spoken_summary():
    coach = {"summary_spoken": "You did {count} drills and passed {passed}. {best}",
             "summary_best": "Best: drill {index}, {passed} of {total}.", "goodbye": "Bye."}
    s = summarize([rec(1, tc=False), rec(2, obj=True)])
    assert summary_spoken(s, coach) == "You did 2 drills and passed 1. Best: drill 2, 4 of 4. Bye."
    assert summary_spoken(summarize([]), coach) == "Bye."
