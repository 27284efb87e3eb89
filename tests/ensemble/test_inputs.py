"""Input layering and common random numbers (``ensemble/inputs.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.catalogues.regions import load_region
from suzhou_sim.catalogues.scenarios import lever_constants, load_scenario, sample_assumptions
from suzhou_sim.ensemble.inputs import (
    check_constants,
    layered_inputs,
    posterior_seed,
    scenario_inputs,
)
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR


def test_later_layers_override_earlier_ones():
    scenario = load_scenario(SCENARIOS_DIR / "kunshan_baseline.yaml")
    region = load_region("kunshan").constants
    lever = next(k for k in lever_constants(scenario) if k in region)  # e.g. Special fund 14th
    shared = next(iter(region))
    params = layered_inputs(scenario, {shared: -1.0, lever: -2.0}, {lever: -3.0})
    assert params[lever] == lever_constants(scenario)[lever]  # levers last
    if shared != lever:
        assert params[shared] == -1.0  # calibrated over the region's constant
    only_region = layered_inputs(scenario, {}, {})
    for name, value in region.items():
        if name not in lever_constants(scenario):
            assert only_region[name] == value


def test_the_same_draws_for_every_scenario_of_a_region(baseline, talent_first, posterior):
    a = scenario_inputs(baseline, 40, 3, posterior)
    b = scenario_inputs(talent_first, 40, 3, posterior)
    for name in posterior.names:
        assert np.array_equal(a[name], b[name])  # posterior rows: common random numbers
    for name, values in sample_assumptions(baseline, 40, 3).items():
        if name not in lever_constants(baseline):
            assert np.array_equal(a[name], values)
    differs = [k for k in lever_constants(baseline)
               if not np.array_equal(a[k], b[k])]
    assert differs  # the scenarios differ by their levers only
    c = scenario_inputs(baseline, 40, 4, posterior)
    assert not all(np.array_equal(a[n], c[n]) for n in posterior.names)  # another seed


def test_the_posterior_stream_is_independent_of_the_assumption_stream():
    assert posterior_seed(1) != 1 and posterior_seed(1) == posterior_seed(1)
    assert len({posterior_seed(s) for s in range(50)}) == 50


def test_draws_outside_the_limit_and_unknown_constants_are_refused(baseline, posterior):
    with pytest.raises(InputError, match="draws: 0 is outside the allowed range 1-100000"):
        scenario_inputs(baseline, 0, 1, posterior)
    with pytest.raises(InputError, match="not constants of .*: Speical fund"):
        check_constants({"Speical fund": 1.0, "Special fund 15th": 2.0})
    check_constants({"Special fund 15th": 2.0})  # a constant passes
