"""Goal seeking on 2030/2035 targets whose probability is a range over a driving assumption."""

from __future__ import annotations

import pytest

from suzhou_sim.reporting.goal_seek_text import goal_seek_message
from suzhou_sim.studies.driven import with_assumptions
from suzhou_sim.studies.goal_seek import goal_seek_all


def test_a_range_target_gets_one_answer_per_driver_setting(baseline, posterior_dir):
    answers = goal_seek_all(baseline, "SZ-FUTURE-2030", "special_fund", "15th", 0.5,
                            draws=30, seed=2, posterior=posterior_dir)
    assert [a.condition_setting for a in answers] == ["low", "central", "high"]
    assert {a.condition for a in answers} == {"Future industry base 2023"}
    assert [a.condition_value for a in answers] == [500, 1200, 2500]
    # a larger future-industry base can only make the 2030 output target easier
    at_max = [a.probability_at_max for a in answers]
    assert at_max == sorted(at_max) and at_max[0] < at_max[-1]
    for a in answers:
        text = goal_seek_message(a)
        assert text.startswith(f"With Future-industry output in 2023 at its "
                               f"{a.condition_setting} value")
        assert a.status in ("found", "not_enough", "already_met")


def test_a_fixed_driver_gives_one_conditional_answer(baseline, posterior_dir):
    fixed = with_assumptions(baseline, {"future_industry_base_2023": 1800})
    (answer,) = goal_seek_all(fixed, "SZ-FUTURE-2035", "special_fund", "16th", 0.5,
                              draws=30, seed=2, posterior=posterior_dir)
    assert answer.condition_setting == "fixed" and answer.condition_value == 1800
    assert "fixed at 1,800 (conditional)" in goal_seek_message(answer)


def test_a_single_probability_target_is_unchanged(baseline, posterior_dir):
    (answer,) = goal_seek_all(baseline, "SZ-VCFUND-2025", "special_fund", "15th", 0.5,
                              draws=20, seed=2, posterior=posterior_dir)
    assert answer.condition == "" and not goal_seek_message(answer).startswith("With")


@pytest.mark.parametrize("value", [-1.0])
def test_assume_outside_the_range_is_refused(baseline, value):
    from suzhou_sim.errors import InputError
    with pytest.raises(InputError, match="--assume: future_industry_base_2023"):
        with_assumptions(baseline, {"future_industry_base_2023": value})
