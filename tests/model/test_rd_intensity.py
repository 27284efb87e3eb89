"""R&D intensity as published: the model's R&D over the model's GDP, the two published measures.

The calibration matches the gdp indicator (the year-end rate ``GDP`` at t = Y) to the
annual GDP and the rd_expenditure indicator (``RD expenditure in year``) to the annual R&D,
so the published intensity R&D / GDP must be the ratio of those two measures. Dividing by
the calendar-year integral of the GDP rate instead (half a year of growth lower) put the
model's intensity about 3% above the ratio of its own published R&D and GDP, a gap the fit
split between the two series (R&D fitted too low, intensity too high) and that grew with
GDP growth.
"""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.catalogues.indicators import indicator_values, load_indicators
from suzhou_sim.engine import load_model

YEARS = list(range(2019, 2036))
GROWTH = [0.0, 0.056, 0.15]


@pytest.fixture(scope="module")
def runs(model_file):
    model = load_model(model_file)
    registry = load_indicators()
    columns = [registry[i].variable for i in ("rd_intensity", "rd_expenditure", "gdp")]
    params = {
        "Historic GDP growth": np.array(GROWTH),
        "Future GDP growth": np.array(GROWTH),
    }
    return model.run(params=params, n_runs=len(GROWTH), return_columns=columns)


def test_published_intensity_is_published_rd_over_published_gdp(runs):
    intensity = indicator_values(runs, "rd_intensity", YEARS)
    rd = indicator_values(runs, "rd_expenditure", YEARS)
    gdp = indicator_values(runs, "gdp", YEARS)
    np.testing.assert_allclose(intensity, 100 * rd / gdp, rtol=1e-9)


def test_intensity_has_no_growth_dependent_offset_against_rd_over_gdp(runs):
    # The old ratio over the in-year GDP integral was high by about (1 + g) ** 0.5: 0% at
    # no growth, 7% at 15% a year; the published ratio has no such term at any growth rate.
    intensity = indicator_values(runs, "rd_intensity", [2023])[:, 0]
    ratio = (100 * indicator_values(runs, "rd_expenditure", [2023])
             / indicator_values(runs, "gdp", [2023]))[:, 0]
    offset = intensity / ratio - 1
    assert np.all(np.abs(offset) < 1e-9), offset
