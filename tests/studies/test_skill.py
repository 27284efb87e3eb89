"""Skill metrics against hand-computed cases: CRPS, band coverage, naive forecasts, skill."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.studies.skill import (
    crps_ensemble,
    crps_point,
    in_band,
    naive_forecasts,
    skill_score,
    skill_table,
)


@pytest.mark.parametrize(("observed", "ensemble", "expected"), [
    # E|X-y| = (1+0+1+2)/4 = 1; E|X-X'| = 20/16 = 1.25 over all 16 ordered pairs -> 0.375
    (1.0, [0.0, 1.0, 2.0, 3.0], 0.375),
    (2.0, [2.0, 2.0, 2.0, 2.0], 0.0),            # a sure and right forecast scores 0
    (5.0, [1.0, 3.0], 2.5),                      # E|X-y| = 3, E|X-X'| = 1 -> 3 - 0.5
    (7.0, [7.0], 0.0),
    (10.0, [4.0], 6.0),                          # one member: the absolute error
])
def test_crps_ensemble_hand_cases(observed, ensemble, expected):
    assert crps_ensemble(observed, np.array(ensemble))[0] == pytest.approx(expected)


def test_crps_ensemble_vectorised_over_observations():
    got = crps_ensemble(np.array([1.0, 2.0]), np.array([[0.0, 1, 2, 3], [2, 2, 2, 2]]))
    np.testing.assert_allclose(got, [0.375, 0.0])


def test_crps_point_is_absolute_error():
    np.testing.assert_allclose(crps_point([5.0, 1.0], [3.0, 4.0]), [2.0, 3.0])


@pytest.mark.parametrize(("observed", "lower", "upper", "inside"), [
    (5.0, 4.0, 6.0, True),
    (4.0, 4.0, 6.0, True),   # ends count as inside
    (6.0, 4.0, 6.0, True),
    (3.9, 4.0, 6.0, False),
    (6.1, 4.0, 6.0, False),
])
def test_in_band(observed, lower, upper, inside):
    assert bool(in_band(observed, lower, upper)) is inside


@pytest.mark.parametrize(("years", "values", "target", "last", "drift", "trend"), [
    # 10% a year: drift and the log-linear trend both compound the recent 10% a year.
    ([2019, 2020, 2021], [100, 110, 121], 2023, 121, 146.41, 146.41),
    # Compound growth over the last five years only: 2012's 10 is outside 2017-2021.
    ([2012, 2017, 2021], [10, 100, 146.41], 2022, 146.41, 161.051, 161.051),
    # Irregular years: only 2020 is within five years of the last value, so drift falls
    # back to the average change (144-77)/5 = 13.4 a year and the trend to the last value.
    ([2015, 2020], [77, 144], 2022, 144, 170.8, 144),
    ([2021], [50], 2023, 50, 50, 50),             # one value: all three repeat it
    ([2021, 2019, 2020], [121, 100, 110], 2022, 121, 133.1, 133.1),  # any order
])
def test_naive_forecasts(years, values, target, last, drift, trend):
    got = naive_forecasts(years, values, target)
    assert got["naive_last"] == pytest.approx(last)
    assert got["naive_drift"] == pytest.approx(drift)
    assert got["naive_trend"] == pytest.approx(trend)


def test_naive_forecasts_without_history_are_missing():
    assert all(math.isnan(v) for v in naive_forecasts([], [], 2023).values())


def test_naive_trend_uses_the_last_five_years_only():
    # A jump in 2014 lies outside the window 2016-2020; the trend is the flat recent level.
    got = naive_forecasts([2014, 2016, 2017, 2018, 2019, 2020], [1, 50, 50, 50, 50, 50], 2022)
    assert got["naive_trend"] == pytest.approx(50)


@pytest.mark.parametrize(("model", "reference", "expected"), [
    (1.0, 4.0, 0.75), (4.0, 4.0, 0.0), (8.0, 4.0, -1.0), (0.0, 2.0, 1.0)])
def test_skill_score(model, reference, expected):
    assert skill_score(model, reference) == pytest.approx(expected)


def test_skill_score_without_reference_is_missing():
    assert math.isnan(skill_score(1.0, 0.0)) and math.isnan(skill_score(1.0, float("nan")))


def test_skill_table_hand_case():
    frame = pd.DataFrame({
        "indicator": ["gdp", "gdp", "gdp"], "horizon": [1, 1, 2],
        "observed": [100.0, 200.0, 100.0],
        "p10": [90.0, 150.0, 50.0], "p25": [95.0, 190.0, 60.0], "p50": [110.0, 190.0, 80.0],
        "p75": [120.0, 195.0, 90.0], "p90": [130.0, 198.0, 95.0],
        "crps": [5.0, 10.0, 20.0],
        "naive_last": [90.0, 180.0, np.nan], "naive_drift": [100.0, 200.0, np.nan],
        "naive_trend": [80.0, 220.0, np.nan],
    })
    table = skill_table(frame).set_index(["indicator", "horizon"])
    h1 = table.loc[("gdp", 1)]
    assert h1["n"] == 2
    assert h1["mape_pct"] == pytest.approx((10 + 5) / 2)           # |110-100|/100, |190-200|/200
    assert h1["bias_pct"] == pytest.approx((10 - 5) / 2)
    assert h1["crps_rel"] == pytest.approx((0.05 + 0.05) / 2)
    assert h1["cover50"] == pytest.approx(0.5)                     # 100 in [95,120]; 200 not
    assert h1["cover80"] == pytest.approx(0.5)                     # 200 > 198
    assert h1["mape_naive_last_pct"] == pytest.approx(10)
    assert h1["skill_naive_last"] == pytest.approx(1 - 0.05 / 0.1)  # naive rel. CRPS 0.1
    assert math.isnan(h1["skill_naive_drift"])                    # a perfect naive: no skill
    assert table.loc[("gdp", 2)]["cover80"] == 0.0
    assert math.isnan(table.loc[("gdp", 2)]["skill_naive_last"])  # no naive forecast
    assert table.loc[("ALL", 1)]["n"] == 2 and table.loc[("ALL", 2)]["n"] == 1
