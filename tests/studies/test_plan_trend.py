"""The plan-trend benchmark: the path from the last published value to a policy target
(``studies.skill.plan_path_forecast``, ``studies.backtest.plan_targets``/``plan_forecast``)
and the skill headline against the strictest benchmark."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.studies.backtest import PlanTarget, plan_forecast, plan_targets
from suzhou_sim.studies.skill import plan_path_forecast, skill_table


@pytest.mark.parametrize(("last_year", "last", "target_year", "target", "year", "expected"), [
    (2021, 100.0, 2025, 200.0, 2023, 100 * 2 ** 0.5),   # half way on the log scale
    (2021, 100.0, 2025, 200.0, 2025, 200.0),            # the target itself in its year
    (2021, 100.0, 2025, 50.0, 2022, 100 * 0.5 ** 0.25),  # a falling path
    (2021, 100.0, 2025, 200.0, 2026, math.nan),          # beyond the target year
    (2025, 100.0, 2025, 200.0, 2025, math.nan),          # no path left to draw
    (2021, 0.0, 2025, 200.0, 2023, math.nan),            # no log path from zero
])
def test_plan_path_forecast(last_year, last, target_year, target, year, expected):
    got = plan_path_forecast(last_year, last, target_year, target, year)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


PLANS = [
    PlanTarget("A", "hte", 2025, 20000.0, 2022, "苏委发〔2022〕1号"),
    PlanTarget("B", "hte", 2027, 30000.0, 2023, "苏府办〔2023〕1号"),
    PlanTarget("C", "rd", 2025, 4.0, 2022, "苏委发〔2022〕1号"),
]


@pytest.mark.parametrize(("origin", "year", "expected"), [
    (2021, 2023, math.nan),                                     # no target issued by 2021
    (2022, 2023, 10000 * 2 ** (1 / 3)),                         # A: 10k (2022) -> 20k (2025)
    (2023, 2024, 10000 * 3 ** (2 / 5)),                         # B, issued later, wins
])
def test_plan_forecast_uses_targets_issued_by_the_origin(origin, year, expected):
    years, values = [2020, 2022], [8000.0, 10000.0]  # the last published value is 2022's
    got = plan_forecast(PLANS, "hte", origin, years, values, year)
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected)


def test_plan_forecast_without_history_or_target_is_missing():
    assert math.isnan(plan_forecast(PLANS, "hte", 2023, [], [], 2024))
    assert math.isnan(plan_forecast(PLANS, "gdp", 2023, [2022], [1.0], 2024))


def test_plan_targets_of_the_catalogue():
    ids = {p.target_id: p for p in plan_targets("suzhou")}
    assert ids["SZ-HTE-2025"].issued == 2022 and ids["SZ-HTE-2025"].value == 20000
    assert "SZ-TSME-2025" not in ids        # an "every year" floor, not a path end
    assert "SZ-LEADER-2025B" not in ids     # read as a cumulative count
    assert "SZ-FUTURE-2030" not in ids      # document number without a year: could leak
    assert all(p.issued <= p.year for p in ids.values())
    assert all(p.target_id.startswith("KS-") for p in plan_targets("kunshan"))


def test_skill_headline_is_against_the_strictest_benchmark():
    """Two points: the plan path is exact on the second, so the model's skill against it is
    the lowest and becomes the headline."""
    frame = pd.DataFrame({
        "indicator": ["hte", "hte"], "horizon": [1, 1], "observed": [100.0, 200.0],
        "p10": [90.0, 180.0], "p25": [95.0, 190.0], "p50": [100.0, 210.0],
        "p75": [105.0, 215.0], "p90": [110.0, 220.0], "crps": [2.0, 8.0],
        "naive_last": [80.0, 160.0], "naive_drift": [90.0, 180.0],
        "naive_trend": [85.0, 170.0], "naive_plan": [np.nan, 201.0],
    })
    row = skill_table(frame).set_index(["indicator", "horizon"]).loc[("hte", 1)]
    assert row["skill_naive_plan"] == pytest.approx(1 - (8 / 200) / (1 / 200))
    assert row["best_naive"] == "naive_plan"
    assert row["skill_best"] == pytest.approx(row["skill_naive_plan"])
    assert row["skill_best"] < min(row["skill_naive_last"], row["skill_naive_drift"])
    # without the plan column the headline is the strictest of the three history methods
    row3 = skill_table(frame.drop(columns="naive_plan")).iloc[0]
    assert row3["best_naive"] == "naive_drift"


@pytest.mark.parametrize(("target_id", "kept", "why"), [
    ("SZ-TEAMS-2025B", True, "major teams: the series' own quantity"),
    ("SZ-TEAMS-2025", False, "top and major teams: another model variable"),
    ("SZ-LEADER-2025", False, "a lower bound: all programmes against the Gusu series"),
    ("SZ-SCI-2025B", False, "persons against a series of teams"),
])
def test_a_plan_path_aims_only_at_a_value_of_the_series_itself(target_id, kept, why):
    from suzhou_sim.studies.backtest import plan_targets

    assert (target_id in {p.target_id for p in plan_targets("suzhou")}) is kept, why


def test_the_latest_document_year_cited_is_the_year_of_issue():
    import dataclasses

    from suzhou_sim.catalogues.targets import load_targets
    from suzhou_sim.studies.backtest import plan_targets

    ledger = load_targets()
    revised = dataclasses.replace(
        ledger["SZ-HTE-2025"], source_doc="苏委发〔2022〕1号, revised by 苏府〔2024〕9号")
    (plan,) = plan_targets("suzhou", {"SZ-HTE-2025": revised})
    assert plan.issued == 2024  # a 2022-23 origin may not use it
