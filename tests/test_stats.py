"""Tests of :mod:`suzhou_sim.stats`: percentiles equal to numpy's and normal quantiles equal to
scipy's, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.stats import normal_quantile, percentiles

QS = [[10, 50, 90], [0, 2.5, 25, 50, 75, 97.5, 100], [33.3], [100, 0, 50]]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 999, 1000])
@pytest.mark.parametrize("q", QS)
def test_percentiles_equal_numpy(n, q):
    rng = np.random.default_rng(n)
    values = rng.lognormal(size=(n, 5)) * 1e3
    values[:, 1] = np.round(values[:, 1] / 500)  # ties
    values[:, 2] = 4.0  # constant
    if n > 1:
        values[0, 3] = np.inf
        values[-1, 4] = -np.inf
    with np.errstate(invalid="ignore"):  # inf - inf between infinite order statistics
        expected = np.percentile(values, q, axis=0)
        got, column = percentiles(values, q), percentiles(values[:, 0], q)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(column, expected[:, 0])


def test_percentiles_of_columns_with_nan_are_nan_as_in_numpy():
    values = np.arange(30.0).reshape(10, 3)
    values[4, 1] = np.nan
    expected = np.percentile(values, [10, 50, 90], axis=0)
    got = percentiles(values, [10, 50, 90])
    np.testing.assert_array_equal(got, expected)
    assert np.isnan(got[:, 1]).all() and not np.isnan(got[:, [0, 2]]).any()
    assert np.isnan(percentiles(values[:, 1], [50])).all()


def test_percentiles_leave_the_input_unchanged():
    values = np.array([3.0, 1.0, 2.0])
    percentiles(values, [50])
    assert values.tolist() == [3.0, 1.0, 2.0]


def _same_bits(p: np.ndarray) -> None:
    from scipy.special import ndtri

    mine = np.array([normal_quantile(x) for x in p.tolist()])
    theirs = ndtri(p)
    assert np.array_equal(mine, theirs, equal_nan=True), p[mine != theirs][:5]


@pytest.mark.parametrize("n", [1, 2, 3, 10, 100, 999, 1000, 4096, 10_000, 50_000])
def test_normal_quantiles_of_a_run_grid_are_scipys(n):
    _same_bits((np.arange(n) + 0.5) / n)


def test_normal_quantiles_are_scipys_everywhere():
    rng = np.random.default_rng(7)
    tails = np.concatenate([10.0 ** -rng.uniform(0, 20, 20_000), [np.exp(-2), np.exp(-32)]])
    _same_bits(np.concatenate([rng.random(50_000), tails, 1 - tails,
                               [0.0, 1.0, 0.5, -0.1, 1.1, np.nan, 5e-324]]))
