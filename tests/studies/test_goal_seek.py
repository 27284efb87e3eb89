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


def test_a_prior_driven_target_gets_one_conditional_answer_per_band(baseline, posterior_dir):
    """SZ-TECHCONTRACT-2025 is prior-sensitive on the fixture calibration at 200 draws (the
    drawn knowledge depreciation rate): one answer per band, whose probability at the
    scenario's lever value is the scoreboard's band probability on the same draws."""
    from suzhou_sim.studies.scenario_runs import run_scenario

    run = run_scenario(baseline, draws=200, seed=1, posterior=posterior_dir)
    row = run.targets.set_index("target_id").loc["SZ-TECHCONTRACT-2025"]
    assert row["prior_sensitive"]
    driver = row["drivers"].split("; ")[0]
    sens = run.sensitivity
    bands = sens[(sens["target_id"] == "SZ-TECHCONTRACT-2025")
                 & (sens["driver"] == driver)].iloc[0]
    answers = goal_seek_all(baseline, "SZ-TECHCONTRACT-2025", "special_fund", "14th", 0.8,
                            draws=200, seed=1, posterior=posterior_dir)
    assert [(a.band, a.condition, a.condition_setting) for a in answers] == [
        (True, driver, s) for s in ("low", "mid", "high")]
    assert [a.baseline_probability for a in answers] == pytest.approx(
        [bands["p_low"], bands["p_mid"], bands["p_high"]])
    assert answers[0].condition_value == pytest.approx(bands["value_low"])
    assert answers[2].condition_value == pytest.approx(bands["value_high"])
    for a, fifth in zip(answers, ("lowest", "middle", "highest"), strict=True):
        assert goal_seek_message(a).startswith(f"Prior-driven, among the {fifth} fifth of runs")


def test_a_fixed_prior_driver_gives_one_conditional_answer(baseline, posterior_dir):
    fixed = with_assumptions(baseline, {"knowledge_depreciation_rate": 0.15})
    (answer,) = goal_seek_all(fixed, "SZ-TECHCONTRACT-2025", "special_fund", "14th", 0.8,
                              draws=200, seed=1, posterior=posterior_dir)
    assert (answer.condition, answer.condition_setting, answer.condition_value) == (
        "Knowledge depreciation rate", "fixed", 0.15)
    assert goal_seek_message(answer).startswith(
        "With Depreciation of the knowledge stock fixed at 0.15 (conditional): ")
