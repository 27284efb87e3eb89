"""Fit statistics per observation row and per series (``calibration/fit_tables.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.fit_tables import BAND, fit_tables


@pytest.fixture
def rows() -> pd.DataFrame:
    return pd.DataFrame({
        "indicator": ["hte", "hte", "hte", "gdp"],
        "year": [2022, 2023, 2023, 2023],
        "value": [100.0, 110.0, 120.0, 50.0],
        "bound": ["exact", "exact", "upper", "lower"],
        "quality": ["reported", "reported", "reported", "preliminary"],
    })


def test_rows_carry_errors_bands_and_bounds(rows):
    fitted = np.array([90.0, 110.0, 118.0, 40.0])
    ensemble = np.tile(fitted, (11, 1)) * np.linspace(0.9, 1.1, 11)[:, None]
    tables = fit_tables(rows, fitted, ensemble, ensemble)
    out = tables.rows
    assert out["ape_pct"].iloc[:2].tolist() == pytest.approx([10.0, 0.0])
    assert out["ape_pct"].iloc[2:].isna().all()  # one-sided rows have no percentage error
    assert out["bound_respected"].tolist() == [True, True, True, False]  # 40 < lower 50
    assert out["band_low"].tolist() == pytest.approx(np.percentile(ensemble, BAND[0], axis=0))
    assert not tables.bounds_respected
    series = tables.series.set_index("indicator")
    assert series.loc["hte", "two_sided"] == 2 and series.loc["gdp", "two_sided"] == 0
    assert series.loc["hte", "mape_pct"] == pytest.approx(5.0)


def test_a_one_sided_row_contradicting_a_point_is_named(rows):
    contradicting = rows.copy()
    contradicting.loc[2, "value"] = 105.0  # "at most 105" against the exact 110 of 2023
    fitted = contradicting["value"].to_numpy()
    tables = fit_tables(contradicting, fitted, fitted[None], fitted[None])
    assert tables.rows["conflict"].iloc[2] == "upper 105 contradicts exact 110"
    assert tables.rows["conflict"].iloc[[0, 1, 3]].tolist() == ["", "", ""]


def test_coverage_counts_two_sided_points_inside_the_predictive_band(rows):
    fitted = rows["value"].to_numpy()
    narrow = np.tile(fitted, (5, 1))
    shifted = narrow.copy()
    shifted[:, 0] *= 2  # the first point falls outside its band
    assert fit_tables(rows, fitted, narrow, narrow).coverage == 1.0
    assert fit_tables(rows, fitted, narrow, shifted).coverage == 0.5
