"""Probabilities that obey arithmetic: P(value >= x) never rises with x, over the whole ledger
and both regions; the levels reachable with 50/80/90% are the hand-computed quantiles."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.catalogues.targets import (
    EXCEEDANCE_PROBABILITIES,
    exceedance_curves,
    load_targets,
    reach_levels,
)
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.scenario_runs import run_scenario

YEARS = np.arange(2018, 2036, dtype=float)


class FakeResult(dict):
    times = YEARS


@pytest.fixture(scope="module", params=["baseline.yaml", "kunshan_baseline.yaml"])
def result(request, posterior_dir):
    return run_scenario(load_scenario(SCENARIOS_DIR / request.param), draws=120, seed=5,
                        posterior=posterior_dir)


def test_exceedance_curves_never_rise(result):
    for tid, curve in result.exceedance.groupby("target_id"):
        curve = curve.sort_values("probability")
        assert np.all(np.diff(curve["level"].to_numpy()) <= 1e-9), tid


def test_targets_on_one_quantity_are_ordered_by_threshold(result):
    """Two targets on the same quantity and year (SZ-FUTCLUSTER-2035 at 1 and 2 clusters,
    SZ-TSME-2025B/-2025 ...): the higher threshold never has the larger probability."""
    t = result.targets[result.targets["probability"].notna()]
    ledger = load_targets()
    key = t["target_id"].map(lambda i: (ledger[i].indicator, ledger[i].year,
                                        ledger[i].eval_measure, ledger[i].eval_base_year,
                                        ledger[i].from_year))
    for _, group in t.groupby(key):
        g = group.sort_values("threshold")
        assert np.all(np.diff(g["probability"].to_numpy()) <= 1e-12), g["target_id"].tolist()


def test_assumption_curves_of_one_quantity_are_ordered_by_threshold(result):
    """The same for the curves over a driving assumption (the two cluster targets)."""
    ledger = load_targets()
    curves = result.curves.assign(
        quantity=result.curves["target_id"].map(
            lambda i: (ledger[i].indicator, ledger[i].year)),
        threshold=result.curves["target_id"].map(lambda i: ledger[i].threshold))
    pairs = 0
    for _, group in curves.groupby(["quantity", "driver", "value"]):
        g = group.sort_values("threshold")
        pairs += len(g) > 1
        assert np.all(np.diff(g["probability"].to_numpy()) <= 1e-12), g.to_dict("records")
    if result.scenario.region == "suzhou":
        assert pairs > 0  # the cluster targets at 1 and 2 are compared


def test_a_count_of_designations_carries_no_forecast_error(result):
    median = result.targets.set_index("target_id")["median"]
    if "SZ-FUTCLUSTER-2035" in median:
        assert median["SZ-FUTCLUSTER-2035"] in (0.0, 1.0)


def test_the_probability_is_the_exceedance_at_the_threshold(result):
    for r in result.targets[result.targets["probability"].notna()
                            & result.targets["reach_50"].notna()].itertuples():
        # P(value >= reach_50) >= 0.5 and the probability falls on the right side of it
        if r.probability > 0.5 + 1e-9:
            assert r.reach_50 >= r.threshold * (1 - 1e-9), r.target_id
        if r.probability < 0.5 - 1e-9:
            assert r.reach_50 <= r.threshold * (1 + 1e-9), r.target_id


def test_reach_levels_are_hand_computed_quantiles():
    t = load_targets()["SZ-HTE-2025"]
    values = np.zeros((5, len(YEARS)))
    values[:, 7] = [100.0, 200.0, 300.0, 400.0, 500.0]  # 2025
    res = FakeResult({"High tech enterprises": values})
    np.testing.assert_allclose(reach_levels(res, t), values[:, 7])
    curve = exceedance_curves(res, [t]).set_index("probability")["level"]
    # level reachable with probability q = the (1 - q) quantile (linear interpolation)
    for q in (0.5, 0.8, 0.9):
        if q in EXCEEDANCE_PROBABILITIES:
            assert curve[q] == pytest.approx(np.percentile(values[:, 7], 100 * (1 - q)))
    assert curve[0.5] == pytest.approx(300.0)


def test_every_year_targets_reach_their_lowest_year():
    t = load_targets()["SZ-TSME-2025"]  # >= 15,000 in each year 2022-2025
    values = np.full((2, len(YEARS)), 20000.0)
    values[1, 5] = 14000.0  # 2023
    res = FakeResult({"Tech SMEs registered": values})
    np.testing.assert_allclose(reach_levels(res, t), [20000.0, 14000.0])
