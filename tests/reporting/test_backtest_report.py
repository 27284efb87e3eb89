"""The backtest report's wording: one sign convention for every error it shows."""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.reporting import backtest_report
from suzhou_sim.reporting.backtest_report import skill_text


@pytest.mark.parametrize("stored, shown", [(-0.1, 0.1), (0.05, -0.05), (None, None)])
def test_error_model_log_error_is_shown_as_forecast_over_observed(stored, shown):
    # the error model stores log(observed / forecast): a model forecasting too high has a
    # negative one, and the report (forecast against observed) shows it positive
    assert backtest_report._forecast_sign(stored) == shown


@pytest.mark.parametrize("lang, words", [("en", "forecast minus observed"),
                                         ("zh", "预测值减观测值")])
def test_sign_convention_is_stated_in_both_languages(lang, words):
    assert words in skill_text("sign", lang)


def _goal_table(plan: list[float]) -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": "high_tech_enterprises", "origin": [2021, 2022, 2022],
        "year": [2022, 2023, 2024], "horizon": [1, 1, 2],
        "observed": [100.0, 110.0, 120.0], "p10": 80.0, "p25": 90.0,
        "p50": [103.0, 113.0, 123.0], "p75": 130.0, "p90": 140.0,
        "naive_last": [90.0, 100.0, 100.0], "naive_drift": [95.0, 104.0, 108.0],
        "naive_trend": [94.0, 103.0, 107.0], "naive_plan": plan,
    })


@pytest.mark.parametrize(("plan", "best", "ok"), [
    # the plan path is almost exact where it exists (2023, 2024): the strictest benchmark,
    # and the model (about 2.6% off there) does not beat it
    ([float("nan"), 110.5, 120.5], "naive_plan", False),
    # a poor plan path: drift stays the strictest, and the model (3% off) beats drift (~7%)
    ([float("nan"), 150.0, 160.0], "naive_drift", True),
    # no target issued by any origin: the three history methods only
    ([float("nan")] * 3, "naive_drift", True),
])
def test_goal_is_judged_against_the_best_benchmark_plan_trend_included(plan, best, ok):
    goals = backtest_report.backtest_goals(_goal_table(plan), ("high_tech_enterprises",))
    row = goals.iloc[0]
    assert row["best_naive"] == best and bool(row["median_ok"]) is ok
    assert row["n_best"] == (2 if best == "naive_plan" else 3)


def test_best_benchmark_is_named_in_both_languages():
    skill = pd.DataFrame({"indicator": ["ALL"], "horizon": [1], "best_naive": ["naive_plan"],
                          "skill_best": [0.1]})
    assert backtest_report.skill_display(skill, "zh").iloc[0, 2] == "规划目标路径"
    assert backtest_report.skill_display(skill, "en").iloc[0, 2] == "plan trend"


def test_the_report_says_where_and_why_the_model_is_worse_than_the_best_benchmark():
    table = _goal_table([float("nan"), 110.5, 120.5])  # the plan path beats the model
    goals = backtest_report.backtest_goals(table, ("high_tech_enterprises",))
    short = backtest_report.goal_shortfalls(table, goals)
    row = short.iloc[0]
    assert (row["indicator"], row["benchmark"], row["n"]) == ("high_tech_enterprises",
                                                              "naive_plan", 2)
    assert (row["origins"], row["years"]) == ("2022", "2023–2024")
    # the model was 3 above on 110 and 120: too high on every point
    assert row["bias_model_pct"] == pytest.approx(100 * (3 / 110 + 3 / 120) / 2)
    assert row["bias_benchmark_pct"] == pytest.approx(100 * (0.5 / 110 + 0.5 / 120) / 2)
    assert row["same_sign"]
    text = "\n".join(backtest_report.shortfall_lines(short))
    assert "`high_tech_enterprises`: worse than the plan trend" in text
    assert "too high on every point" in text and "administrative steering" in text
    assert "2 points cannot tell" in text  # so few points are said to be few


def test_no_shortfall_is_said_plainly():
    table = _goal_table([float("nan"), 150.0, 160.0])
    goals = backtest_report.backtest_goals(table, ("high_tech_enterprises",))
    short = backtest_report.goal_shortfalls(table, goals)
    assert short.empty
    assert backtest_report.shortfall_lines(short) == [
        "The model's median is no worse than the best benchmark on any key series."]


@pytest.mark.parametrize(("band", "inside", "predictive"), [
    # 3 points; the predictive band holds the observed value on some of them
    (80, (True, True, False), "67% (**not met**)"),
    (80, (True, True, True), "100% (**not met**)"),
    (50, (True, False, False), "33% (**not met**)"),
])
def test_coverage_goal_line_for_the_80_and_the_50_percent_bands(band, inside, predictive):
    table = _goal_table([float("nan")] * 3)
    lo, hi = {80: ("pred_p10", "pred_p90"), 50: ("pred_p25", "pred_p75")}[band]
    table[lo] = [v - (1 if ok else -1) for v, ok in zip(table["observed"], inside, strict=True)]
    table[hi] = table["observed"] + 5
    line = backtest_report.coverage_goal_line(table, band)
    goal = {80: "70%–90%", 50: "40%–60%"}[band]
    # the ensemble's bands (80-140, 90-130) hold all three observed values: above the goal
    assert line.startswith(f"{band}% band coverage of the model ensemble: 100% of 3 points "
                           f"(goal {goal}: **not met**)")
    assert f"(leave-one-origin-out): {predictive}." in line
    # what an exact band's coverage of 3 points may be by chance (binomial 95% interval)
    low, high = {80: ("33%", "100%"), 50: ("0%", "100%")}[band]
    assert line.endswith(f"Bands that cover exactly {band}% would hold {low}–{high} of 3 "
                         "points in 95% of backtests.")


def test_a_coverage_inside_its_goal_is_met():
    table = pd.concat([_goal_table([float("nan")] * 3)] * 2, ignore_index=True)
    table["pred_p25"] = table["observed"] - 1
    table["pred_p75"] = table["observed"] + [5, 5, -2, 5, -2, -2]  # 3 of 6 inside: 50%
    assert "(leave-one-origin-out): 50% (met)." in backtest_report.coverage_goal_line(table, 50)


def test_an_older_backtest_without_predictive_quartiles_says_so():
    line = backtest_report.coverage_goal_line(_goal_table([float("nan")] * 3), 50)
    assert "(leave-one-origin-out): not available (needs two or more origins)." in line


def test_steering_is_named_only_where_the_plan_path_erred_less_than_the_model():
    short = pd.DataFrame([{
        "indicator": "tech_smes_registered", "benchmark": "naive_plan", "n": 3,
        "origins": "2022–2023", "years": "2023–2024", "mape_model_pct": 6.6,
        "mape_benchmark_pct": 6.5, "bias_model_pct": 3.3, "bias_benchmark_pct": 4.0,
        "same_sign": False}])
    text = "\n".join(backtest_report.shortfall_lines(short))
    assert "too high on average" in text and "administrative steering" not in text
