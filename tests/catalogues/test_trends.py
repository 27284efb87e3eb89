"""The trend sub-model and its backtest on observed series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.catalogues.trends import TrendError, trend_backtest, trend_draws, trend_error


def _series(values, indicator="gdp", region="r", start=2010, bound="exact",
            quality="reported"):
    return pd.DataFrame({"region": region, "indicator": indicator,
                         "year": range(start, start + len(values)), "value": values,
                         "bound": bound, "quality": quality})


def test_a_straight_line_has_no_trend_error():
    obs = _series([100.0 + 10 * k for k in range(8)])
    err = trend_backtest(obs)
    assert len(err) == 6 * 7 // 2  # origins 2nd..7th figure, every later figure
    np.testing.assert_allclose(err["log_error"], 0.0, atol=1e-12)


def test_noisier_series_have_a_larger_error():
    rng = np.random.default_rng(0)
    base = np.array([100.0 * 1.05 ** k for k in range(12)])
    small = trend_error(_series(base * np.exp(rng.normal(0, 0.01, 12))))
    large = trend_error(_series(base * np.exp(rng.normal(0, 0.10, 12))))
    assert large.scale > 3 * small.scale


def test_series_are_weighted_equally():
    rng = np.random.default_rng(1)
    long = _series(100.0 * np.exp(rng.normal(0, 0.2, 15)), indicator="gdp")
    short = _series([10.0, 11.0, 12.0, 13.0], indicator="industrial_output")
    both = trend_error(pd.concat([long, short]))
    alone = trend_error(long)
    # the exact short series pulls the pooled scale down by about half its weight
    assert both.scale == pytest.approx(alone.scale / np.sqrt(2), rel=1e-9)
    assert both.series == 2


def test_rows_before_the_basis_year_and_bounds_are_not_trend_points():
    rows = pd.concat([_series([2.0, 2.1], indicator="rd_intensity", start=2017),
                      _series([3.6, 3.7, 3.8], indicator="rd_intensity", start=2019),
                      _series([9.0], indicator="rd_intensity", start=2022, bound="lower")])
    err = trend_backtest(rows)
    assert set(err["origin"]) == {2020}
    np.testing.assert_allclose(err["log_error"], 0.0, atol=1e-9)


def test_trend_draws_are_lognormal_around_the_trend():
    rows = _series([50.0, 60.0], start=2022)
    error = TrendError(scale=0.1, points=10, series=2)
    v = trend_draws(rows, [2023, 2025], 2001, error)
    np.testing.assert_allclose(v[:, 0], 60.0)  # the latest figure itself
    assert np.median(v[:, 1]) == pytest.approx(80.0)  # two more years at +10 a year
    assert np.std(np.log(v[:, 1])) == pytest.approx(0.1 * np.sqrt(2), rel=0.01)
    # P(value >= x) never rises with x
    p = [(v[:, 1] >= x).mean() for x in np.linspace(40, 140, 51)]
    assert all(a >= b for a, b in zip(p, p[1:], strict=False))


def test_one_figure_is_carried_flat():
    v = trend_draws(_series([120.0], start=2023), [2025], 11, TrendError(0.1, 1, 1))
    assert np.median(v[:, 0]) == pytest.approx(120.0)
