"""Range answers: cases per driver setting, fixed drivers, the stacking of plans × cases."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.errors import InputError
from suzhou_sim.studies.driven import (
    cases_for,
    driver_settings,
    parse_assume,
    plan_answers,
    with_assumptions,
)

LEDGER = load_targets()


def test_settings_are_the_range_ends_and_the_catalogue_default():
    (driver,) = LEDGER["SZ-FUTURE-2030"].drivers
    assert driver_settings(driver, "suzhou") == (500, 1200, 2500)
    (carrier,) = LEDGER["SZ-CARRIERAREA-2025"].drivers  # not in the assumption catalogue
    low, mid, high = driver_settings(carrier, "suzhou")
    assert mid == (low + high) / 2


def test_cases_skip_fixed_drivers(baseline, posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    targets = [LEDGER["SZ-FUTCLUSTER-2035"]]
    drawn = scenario_inputs(baseline, 10, 1, post)
    assert len(cases_for(targets, drawn, "suzhou")) == 1 + 2 * 3
    fixed = scenario_inputs(with_assumptions(baseline, {"future_industry_base_2023": 900}),
                            10, 1, post)
    cases = cases_for(targets, fixed, "suzhou")
    assert len(cases) == 1 + 3 and {c.driver for c in cases[1:]} == {
        "Largest future field share"}


def test_plan_answers_read_the_range_and_the_conditional(baseline, posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    targets = [LEDGER["SZ-HTE-2025"], LEDGER["SZ-FUTURE-2030"]]
    base = scenario_inputs(baseline, 40, 1, post)
    (single, ranged), = plan_answers(base, 40, targets, "suzhou", 1)
    assert single.kind == "single" and ranged.kind == "range"
    low, mid, high = ranged.by_driver["Future industry base 2023"]
    assert low <= mid <= high and ranged.low == low and ranged.high == high
    # the central setting is the conditional answer at the catalogue default
    fixed = with_assumptions(baseline, {"future_industry_base_2023": 1200})
    (_, conditional), = plan_answers(scenario_inputs(fixed, 40, 1, post), 40, targets,
                                     "suzhou", 1)
    assert conditional.kind == "conditional" and conditional.fixed == {
        "Future industry base 2023": 1200.0}
    assert conditional.probability == pytest.approx(mid)
    # several plans on the same draws: the same plan twice gives the same answer
    twice = plan_answers(base, 40, targets, "suzhou", 1, [{}, {}])
    assert twice[0][1].by_driver == twice[1][1].by_driver
    assert np.isfinite(twice[0][0].probability)


@pytest.mark.parametrize(("items", "message"), [
    (["x"], "is not NAME=VALUE"),
    (["nope=1"], "unknown assumption 'nope'"),
    (["future_industry_base_2023=abc"], "is not a number"),
    (["future_industry_base_2023=nan"], "is not a finite number"),
])
def test_bad_assume(items, message):
    with pytest.raises(InputError, match=message):
        parse_assume(items)


def test_assume_accepts_keys_and_model_names():
    assert parse_assume(["Future industry base 2023=900", "largest_future_field_share=0.3"]) == {
        "future_industry_base_2023": 900.0, "largest_future_field_share": 0.3}
