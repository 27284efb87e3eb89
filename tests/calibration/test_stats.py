"""Goodness-of-fit statistics (``calibration/stats.py``) on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from suzhou_sim.calibration.stats import band_coverage, mape, r_squared, theil_components


def test_mape_is_the_mean_absolute_percentage_error():
    assert mape(np.array([100.0, 200.0]), np.array([110.0, 180.0])) == pytest.approx(10.0)
    assert math.isnan(mape(np.array([]), np.array([])))


def test_r_squared_is_the_squared_correlation_and_nan_when_it_says_nothing():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert r_squared(y, 3.0 * y + 7.0) == pytest.approx(1.0)  # a linear match: 1
    assert r_squared(y, -y) == pytest.approx(1.0)
    assert math.isnan(r_squared(y[:2], y[:2]))  # fewer than three points
    assert math.isnan(r_squared(np.ones(4), y))  # a constant series


def test_theil_components_split_the_error_and_sum_to_one():
    y = np.array([1.0, 2.0, 4.0, 3.0, 5.0])
    um, us, uc = theil_components(y, y + 2.0)  # a pure shift is all bias
    assert (um, us, uc) == pytest.approx((1.0, 0.0, 0.0))
    um, us, uc = theil_components(y, 2.0 * y - y.mean())  # same mean, twice the spread
    assert um == pytest.approx(0.0) and us == pytest.approx(1.0)
    parts = theil_components(y, np.array([1.5, 1.0, 4.5, 3.5, 4.0]))
    assert sum(parts) == pytest.approx(1.0) and all(p >= 0 for p in parts)
    assert all(math.isnan(p) for p in theil_components(y, y))  # no error


def test_band_coverage_counts_the_points_inside_the_band():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert band_coverage(y, np.full(4, 1.5), np.full(4, 3.0)) == pytest.approx(0.5)
    assert band_coverage(y, y, y) == pytest.approx(1.0)  # the band's edges count
    assert math.isnan(band_coverage(np.array([]), np.array([]), np.array([])))
