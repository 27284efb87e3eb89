"""Simulation-based calibration (``calibration/sbc.py``) on a toy model with the production
sampler: a well-specified fit gives uniform ranks, a fit with a wrong prior does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.fit import Calibrator, FreeParameter, Payoff
from suzhou_sim.calibration.sbc import (
    observation_draws,
    prior_draws,
    rank_uniformity,
    run_sbc,
    synthetic_observations,
    truth_ranks,
)
from suzhou_sim.catalogues.regions import load_region
from suzhou_sim.errors import InputError

YEARS = np.arange(2018, 2025, dtype=float)
#: GDP level at end-2018 and its growth rate: the toy's two free parameters.
TOY_PRIORS = (
    FreeParameter("Initial GDP", 12000.0, 30000.0, "lognormal", 0.1, 18600.0),
    FreeParameter("Historic GDP growth", -0.05, 0.15, "normal", 0.03, 0.05),
)


class ToyCalibrator(Calibrator):
    """A two-parameter exponential GDP path in place of the engine; the rest (payoff,
    priors, MAP fit, sampler) is the production ``Calibrator``."""

    def __init__(self, observations: pd.DataFrame, parameters=TOY_PRIORS):
        self.region = load_region("suzhou")
        self.parameters = list(parameters)
        self.names = [p.name for p in self.parameters]
        self.joint_prior, self._joint_cols = None, []
        self.times = YEARS
        self.payoff = Payoff(observations, self.times)
        self.last_year = float(self.payoff.rows["year"].max())
        lo, hi = zip(*(p.x_bounds for p in self.parameters), strict=True)
        self.x_lower, self.x_upper = np.array(lo), np.array(hi)

    def run(self, X, columns=None):
        theta = self.thetas(X)
        path = theta["Initial GDP"][:, None] * np.exp(
            theta["Historic GDP growth"][:, None] * (self.times - 2018.0)[None, :])
        return {"GDP": path}


def _rows(values=None) -> pd.DataFrame:
    years = list(range(2019, 2025))
    return pd.DataFrame({
        "region": "suzhou", "indicator": "gdp", "year": years,
        "value": values if values is not None else [19000.0 * 1.05 ** k for k in range(6)],
        "bound": ["exact"] * 5 + ["lower"], "quality": "reported",
    })


def test_prior_draws_follow_the_truncated_prior():
    rng = np.random.default_rng(1)
    x = prior_draws(list(TOY_PRIORS), 20000, rng)
    assert np.exp(np.median(x[:, 0])) == pytest.approx(18600.0, rel=0.01)
    assert np.std(x[:, 1]) == pytest.approx(0.03, rel=0.03)
    narrow = FreeParameter("g", 0.0, 0.06, "normal", 0.03, 0.05)  # truncated above
    y = prior_draws([narrow], 5000, rng)[:, 0]
    assert y.min() >= 0.0 and y.max() <= 0.06
    with pytest.raises(InputError, match="population-prior"):
        prior_draws([FreeParameter("s", 0, 1, "normal", 0.1, 0.5, shared=True)], 3, rng)


def test_observation_draws_give_the_payoff_likelihood():
    """y = m/u with u ~ phi((u-1)/s)/u: the mean of u matches numeric integration of that
    density (not the normal's 1: the draw is not the naive y = m(1 + s z))."""
    rng = np.random.default_rng(2)
    s = 0.2
    y = observation_draws(np.full(200000, 100.0), s, rng)
    u = 100.0 / y
    grid = np.linspace(0.5, 2.0, 20001)
    dens = np.exp(-0.5 * ((grid - 1) / s) ** 2) / grid
    dens /= np.trapezoid(dens, grid)
    assert np.mean(u) == pytest.approx(np.trapezoid(grid * dens, grid), abs=2e-3)
    assert np.mean(u) < 1.0  # the 1/u weight shifts u below the normal's mean
    assert np.all(observation_draws(np.full(50, -10.0), 0.05, rng) < 0)  # a net decrease
    with pytest.raises(InputError, match="zero or not finite"):
        observation_draws(np.array([1.0, 0.0]), 0.05, rng)


def test_synthetic_observations_keep_point_rows_and_their_errors():
    cal = ToyCalibrator(_rows())
    obs = synthetic_observations(cal, cal.to_x({"Initial GDP": 18000.0,
                                                 "Historic GDP growth": 0.06}),
                                 np.random.default_rng(3))
    assert list(obs["year"]) == [2019, 2020, 2021, 2022, 2023]  # the bound row is left out
    truth = 18000.0 * np.exp(0.06 * (obs["year"] - 2018))
    assert np.all(np.abs(obs["value"] / truth - 1) < 0.25)
    assert set(obs["bound"]) == {"exact"} and set(obs["quality"]) == {"reported"}


def test_truth_ranks_count_draws_below():
    draws = np.array([[1.0, 5.0], [2.0, 6.0], [3.0, 7.0]])
    assert truth_ranks(np.array([2.5, 4.0]), draws).tolist() == [2, 0]


@pytest.mark.parametrize(("ranks", "uniform"), [
    (np.tile(np.arange(50), 4), True),           # every rank equally often
    (np.zeros(200, dtype=int), False),           # the truth always below every draw
    (np.r_[np.zeros(100), np.full(100, 49)].astype(int), False),  # U shape: overconfident
])
def test_rank_uniformity_table(ranks, uniform):
    out = rank_uniformity(pd.DataFrame({"p": ranks}), draws=49)
    assert bool(out.loc[0, "uniform"]) is uniform


def test_sbc_of_a_correct_fit_is_uniform_and_a_biased_fit_is_not():
    template = ToyCalibrator(_rows())
    good = run_sbc(template, replicates=24, make_calibrator=ToyCalibrator, draws=19,
                   n_steps=60, n_walkers=8, seed=4)
    assert good.ranks.shape == (24, 2) and good.ranks.to_numpy().max() <= 19
    assert good.uniformity["uniform"].all(), good.uniformity

    def biased(obs):  # the growth prior centred 0.1 (truths come from 0.05), and tight
        wrong = (TOY_PRIORS[0],
                 FreeParameter("Historic GDP growth", -0.05, 0.15, "normal", 0.005, 0.10))
        return ToyCalibrator(obs, wrong)

    bad = run_sbc(template, replicates=12, make_calibrator=biased, draws=19, n_steps=60,
                  n_walkers=8, seed=4)
    row = bad.uniformity.set_index("parameter").loc["Historic GDP growth"]
    assert not row["uniform"] and row["mean_rank"] < 19 / 4  # truths below the posterior


def test_sbc_refuses_too_few_replicates():
    with pytest.raises(InputError, match="at least 2"):
        run_sbc(ToyCalibrator(_rows()), replicates=1)
