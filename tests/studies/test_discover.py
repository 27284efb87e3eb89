"""Scenario discovery: PRIM finds a known box; the scenario's inputs and the sentences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.scenarios import load_assumptions
from suzhou_sim.studies.discover import discover, discover_boxes, uncertain_inputs
from tests.posterior_fixture import CALIBRATED


def synthetic(n: int = 2000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Four uniform inputs; failure exactly when a < 0.3 and b > 0.6 (c, d are inert)."""
    x = pd.DataFrame(np.random.default_rng(seed).random((n, 4)), columns=list("abcd"))
    return x, ((x["a"] < 0.3) & (x["b"] > 0.6)).to_numpy()


def test_prim_recovers_the_known_box():
    x, failed = synthetic()
    boxes = discover_boxes(x, failed)
    first = boxes[0]
    limits = {r.name: r for r in first.restrictions}
    assert set(limits) == {"a", "b"}
    assert limits["a"].side == "below" and limits["a"].high == pytest.approx(0.3, abs=0.03)
    assert limits["b"].side == "above" and limits["b"].low == pytest.approx(0.6, abs=0.03)
    assert first.coverage > 0.9 and first.density > 0.9
    # The trajectory starts from the whole space and keeps every step.
    assert first.trajectory.loc[0, "coverage"] == 1.0
    assert first.trajectory.loc[0, "density"] == pytest.approx(failed.mean())


def test_every_kept_box_clears_the_lift_and_coverage_rules():
    x, failed = synthetic()
    boxes = discover_boxes(x, failed)
    base = failed.mean()
    assert boxes
    for box in boxes:
        assert box.density >= 1.5 * base and box.lift == pytest.approx(box.density / base)
        assert box.coverage >= 0.2 and box.restrictions


@pytest.mark.parametrize("lift, coverage, field", [(1.0, 0.2, "--min-lift"),
                                                   (1.5, 0.0, "--min-coverage"),
                                                   (1.5, 1.2, "--min-coverage")])
def test_bad_rules_are_refused(lift, coverage, field):
    from suzhou_sim.errors import InputError
    x, failed = synthetic(200)
    with pytest.raises(InputError, match=field):
        discover_boxes(x, failed, lift, coverage)


def test_scenario_discovery_uses_posterior_parameters_and_every_uncertain_assumption(
        posterior_dir, baseline):
    scenario = baseline
    found = discover(scenario, "SZ-HTE-2025", draws=300, seed=5, posterior=posterior_dir)
    uncertain = [a.vensim for a in load_assumptions().values() if a.low < a.high]
    assert found.inputs == list(CALIBRATED) + uncertain
    assert 0.0 <= found.base_rate <= 1.0
    again = discover(scenario, "SZ-HTE-2025", draws=300, seed=5, posterior=posterior_dir)
    assert again.table().equals(found.table())


def test_state_corrections_are_not_offered_as_box_inputs(posterior_dir, baseline):
    """Corrections vary over the runs only to start each draw from the published state."""
    post = resolve_posterior(posterior_dir, "suzhou")[0]
    draws = post.draws.assign(**{"HTE state correction": np.linspace(-0.05, 0.05,
                                                                     len(post.draws))})
    params = {name: draws[name].to_numpy() for name in draws}
    with_corrections = type(post)(post.region, post.point, draws, post.meta)
    table = uncertain_inputs(baseline, params, with_corrections)
    assert "HTE state correction" not in table
    assert list(table) == [n for n in CALIBRATED if np.ptp(params[n]) > 0]
