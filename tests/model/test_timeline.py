"""The model's calendar follows the data: levers act after the last published year, and the
state corrections' default years are the years of the figures they condition on."""

from __future__ import annotations

import pytest

from suzhou_sim.calibration.conditioning import STATE_SPECS, latest_figure
from suzhou_sim.catalogues.observations import data_vintage, load_observations
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.engine import load_model
from suzhou_sim.paths import MODEL_FILE


@pytest.fixture(scope="module")
def constants():
    return load_model(MODEL_FILE).constants


def test_policy_starts_after_the_data_vintage(constants):
    vintage = data_vintage("suzhou").year
    assert constants["Policy start time"] == vintage
    # the first plan period's levers act from the first year after the data
    assert PERIOD_YEARS["14th"][0] == vintage + 1


@pytest.mark.parametrize("spec", STATE_SPECS, ids=[s.key for s in STATE_SPECS])
def test_state_correction_years_are_the_latest_figures(constants, spec):
    figure = latest_figure(load_observations(region="suzhou"), spec.indicators)
    assert figure is not None, spec.key
    assert constants[spec.time] == figure["year"], spec.key
