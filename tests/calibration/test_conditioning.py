"""State conditioning: analysis values, the choice of figure, and a synthetic truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.conditioning import (
    STATE_SPECS,
    analysis_values,
    condition_state,
    latest_figure,
    published_percentiles,
)
from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.ensemble.compiled import compiled_model
from suzhou_sim.ensemble.runs import run_ensemble


def _rows(*rows):
    cols = ["region", "indicator", "year", "value", "unit", "bound", "quality"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


@pytest.mark.parametrize(("rows", "expect"), [
    # the latest year wins
    ([("s", "gdp", 2023, 10.0, "u", "exact", "reported"),
      ("s", "gdp", 2024, 11.0, "u", "approx", "preliminary")], (2024, 11.0)),
    # within a year a two-sided figure beats a bound, then the smaller error
    ([("s", "gdp", 2024, 12.0, "u", "lower", "reported"),
      ("s", "gdp", 2024, 11.0, "u", "approx", "preliminary"),
      ("s", "gdp", 2024, 11.5, "u", "exact", "reported")], (2024, 11.5)),
    # rows before the registry's basis year are another statistic (R&D intensity 2018)
    ([("s", "rd_intensity", 2018, 2.8, "u", "approx", "preliminary")], None),
])
def test_latest_figure_choice(rows, expect):
    indicator = rows[0][1]
    got = latest_figure(_rows(*rows), [indicator])
    assert (got if got is None else (got["year"], got["value"])) == expect


def test_latest_figure_prefers_the_first_indicator_on_a_tie():
    rows = _rows(("s", "rd_expenditure", 2024, 1000.0, "u", "exact", "reported"),
                 ("s", "rd_intensity", 2024, 4.15, "u", "exact", "reported"))
    assert latest_figure(rows, ["rd_expenditure", "rd_intensity"])["indicator"] == \
        "rd_expenditure"


def test_analysis_of_a_point_figure_is_the_kalman_update():
    rng = np.random.default_rng(1)
    x = np.exp(rng.normal(np.log(100.0), 0.1, 20_000))
    e = rng.standard_normal(x.size)
    got = analysis_values(x, {"value": 100.0, "bound": "exact", "sigma": 0.05}, e)
    z = np.log(x)
    p = np.var(z)
    gain = p / (p + 0.0025)
    np.testing.assert_allclose(np.log(got), z + gain * (np.log(100.0) + 0.05 * e - z))
    # analysis spread: sqrt((1-K)^2 P + K^2 s^2)
    assert np.std(np.log(got)) == pytest.approx(np.sqrt((1 - gain) ** 2 * p
                                                        + gain ** 2 * 0.0025), rel=0.03)


def test_an_overconfident_ensemble_is_inflated_onto_the_figure():
    x = np.linspace(130.0, 131.0, 500)  # narrow and 30% off
    e = np.random.default_rng(0).standard_normal(x.size)
    got = analysis_values(x, {"value": 100.0, "bound": "exact", "sigma": 0.01}, e)
    assert 40 <= published_percentiles(got, {"value": 100.0, "bound": "exact"}) <= 60


@pytest.mark.parametrize(("bound", "x", "expect_moved"), [
    ("lower", [90.0, 100.0, 120.0], [True, False, False]),
    ("upper", [90.0, 100.0, 120.0], [False, False, True]),
])
def test_bounds_move_only_the_draws_on_the_wrong_side(bound, x, expect_moved):
    e = np.array([0.5, -0.5, 1.0])
    got = analysis_values(np.array(x), {"value": 100.0, "bound": bound, "sigma": 0.02}, e)
    moved = ~np.isclose(got, x)
    assert moved.tolist() == expect_moved
    side = got >= 100.0 if bound == "lower" else got <= 100.0
    assert side.all()


# -- a synthetic truth ------------------------------------------------------------------------
TRUTH = {"Initial HTE": 1.2, "Base formation rate": 0.85, "RD per HTE": 1.15}
YEAR = 2024


def test_conditioning_starts_the_ensemble_from_a_known_true_state():
    """Runs of a mis-specified ensemble, conditioned on figures published from a known truth,
    bracket the truth at the last year and forecast it better two years on."""
    model = compiled_model()
    registry = load_indicators()
    n = 300
    rng = np.random.default_rng(3)
    params = {k: model.constants[k] * rng.uniform(0.9, 1.1, n) for k in TRUTH}
    truth = {k: np.array([model.constants[k] * f]) for k, f in TRUTH.items()}
    indicators = [spec.indicators[0] for spec in STATE_SPECS]
    variables = [registry[i].variable for i in indicators]
    true_run = run_ensemble(truth, 1, variables, model=model)
    col = int(np.flatnonzero(np.isclose(true_run.times, YEAR))[0])
    published = _rows(*[("suzhou", i, YEAR, float(true_run[v][0, col]), "u", "exact", "reported")
                        for i, v in zip(indicators, variables, strict=True)])
    cond = condition_state(params, n, published, model=model, seed=0)
    summary = cond.summary
    # what the runs missed by more than twice the figure's error lands in the central part;
    # nothing ends in the tails
    moved = summary["gap_before"].abs() > 2
    assert moved.sum() >= 3, summary
    assert summary.loc[moved, "percentile_after"].between(20, 80).all(), summary
    assert summary["percentile_after"].between(10, 90).all(), summary
    plain = run_ensemble(params, n, variables, model=model)
    fixed = run_ensemble({**params, **cond.constants}, n, variables, model=model)
    later = int(np.flatnonzero(np.isclose(plain.times, YEAR + 2))[0])
    for var in ("High tech enterprises", "Tech SMEs registered", "GDP"):
        truth_later = true_run[var][0, later]
        err_plain = abs(np.median(plain[var][:, later]) / truth_later - 1)
        err_fixed = abs(np.median(fixed[var][:, later]) / truth_later - 1)
        assert err_fixed <= err_plain + 1e-9, var
        assert err_fixed < 0.03, var
        if var == "High tech enterprises":  # a slow stock keeps most of its correction
            assert err_fixed < 0.5 * err_plain, var
