"""Prior sensitivity from the ensemble's own runs: the band probabilities on hand-computed
cases, the candidate drivers, and that sampling noise alone never makes a target
prior-driven at the default 1,000 draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.targets import (
    SENSITIVITY_COLUMNS,
    apply_prior_sensitivity,
    load_targets,
    prior_driven,
    target_status,
    targets_for_region,
)
from suzhou_sim.studies.prior_sensitivity import (
    band_probabilities,
    candidate_drivers,
    weak_parameters,
)


def test_band_probabilities_by_hand():
    # 10 runs, bands of 2: driver ranks 0-1 (low), 4-5 (middle), 8-9 (high)
    driver = np.array([9, 0, 5, 1, 8, 4, 2, 7, 3, 6], dtype=float)
    reached = np.array([1, 0, 1, 1, 1, 0, 0, 0, 1, 0], dtype=bool)
    b = band_probabilities(reached, driver, band=0.2)
    # low: values 0, 1 -> runs 1, 3 -> reached 0, 1; middle: values 4, 5 -> runs 5, 2 ->
    # 0, 1; high: values 8, 9 -> runs 4, 0 -> 1, 1
    assert (b.low, b.mid, b.high, b.runs) == (0.5, 0.5, 1.0, 2)
    assert (b.value_low, b.value_high) == (0.5, 8.5)
    assert b.spread == 0.5
    assert b.se == pytest.approx(np.sqrt((0.25 + 0.0) / 2))


def test_band_probabilities_refuse_bad_bands():
    with pytest.raises(ValueError):
        band_probabilities(np.ones(10, bool), np.arange(10.0), band=0.5)
    with pytest.raises(ValueError):
        band_probabilities(np.ones(10, bool), np.arange(9.0))


def test_candidate_drivers_are_the_inputs_that_vary():
    params = {"Approval stringency": np.array([0.9, 1.0, 0.95]),
              "Listing openness": 1.0,  # fixed by the scenario: not a candidate
              "Future GDP growth": np.array([0.05, 0.05, 0.05]),  # no spread: not one
              "SME loss rate": np.array([0.1, 0.2, 0.3]),
              "Initial HTE": np.array([1.0, 2.0, 3.0])}
    found = candidate_drivers(params, ["SME loss rate"])
    assert list(found) == ["Approval stringency", "SME loss rate"]
    assert [k for k, _ in found.values()] == ["assumption", "parameter"]


def test_weak_parameters_are_the_uninformed_fitted_ones():
    post = load_posterior("suzhou")
    weak = weak_parameters(post)
    # the calibration report's identification table: 8 of 39 not informed (sd ratio > 0.7)
    assert "SME loss rate" in weak and "Government RD ratio" in weak
    assert "Initial HTE" not in weak and "Gazelle selection fraction" not in weak
    assert not any(n.endswith(("correction", "correction time")) for n in weak)
    assert set(weak) <= set(post.fitted)


def _table(status: str = "assessable", probability: float = 0.5) -> pd.DataFrame:
    return pd.DataFrame({"target_id": ["T"], "probability": [probability], "status": [status],
                         "forecast_status": [status], "p_curve_min": [np.nan],
                         "p_curve_max": [np.nan], "drivers": [None]})


def _sensitivity(*rows) -> pd.DataFrame:
    return pd.DataFrame([["T", d, "assumption", 0.2, lo, (lo + hi) / 2, hi, 0.0, 1.0, n,
                          abs(hi - lo), 0.0] for d, lo, hi, n in rows],
                        columns=SENSITIVITY_COLUMNS)


@pytest.mark.parametrize(("rows", "status", "want_status", "want_range", "want_drivers"), [
    # spread 0.5 well beyond noise: prior-driven, range and driver named
    ([("A", 0.2, 0.7, 200)], "assessable", "prior_driven", (0.2, 0.7), "A"),
    # just above the rule at 1,000 draws: 0.31 > 0.3 and > 5 * 0.0475 = 0.24
    ([("A", 0.3, 0.61, 200)], "assessable", "prior_driven", (0.3, 0.61), "A"),
    # just below: 0.29
    ([("A", 0.3, 0.59, 200)], "assessable", "assessable", (0.3, 0.59), "A"),
    # spread 0.31 > 0.3 but within noise of bands of 40 runs (5 * 0.106 = 0.53)
    ([("A", 0.3, 0.61, 40)], "assessable", "assessable", (0.3, 0.61), "A"),
    # bands too small to judge (29 runs): not prior-driven whatever the spread
    ([("A", 0.0, 1.0, 29)], "assessable", "assessable", (0.0, 1.0), "A"),
    # two drivers over the rule: both named, the range over both
    ([("A", 0.1, 0.9, 200), ("B", 0.3, 0.8, 200), ("C", 0.5, 0.6, 200)], "assessable",
     "prior_driven", (0.1, 0.9), "A; B"),
    # no input moves it: no driver, the range is the probability
    ([("A", 1.0, 1.0, 200)], "assessable", "assessable", (1.0, 1.0), None),
    # a lower bound keeps its status (its range is filled)
    ([("A", 0.0, 0.8, 200)], "lower_bound", "lower_bound", (0.0, 0.8), "A"),
])
def test_prior_driven_rule_on_a_table_of_cases(rows, status, want_status, want_range,
                                               want_drivers):
    p = rows[0][1] if rows[0][1] == rows[0][2] else 0.5
    out = apply_prior_sensitivity(_table(status, p), _sensitivity(*rows)).iloc[0]
    assert out["status"] == want_status and out["forecast_status"] == want_status
    # the flag: some input passes the rule (a prior-driven target, or a bound shown as range)
    passes = any(prior_driven(lo, hi, n) for _, lo, hi, n in rows)
    assert bool(out["prior_sensitive"]) == passes
    assert (out["p_curve_min"], out["p_curve_max"]) == pytest.approx(want_range)
    assert out["drivers"] == want_drivers


def test_a_nowcast_keeps_its_status_and_gets_the_forecast_status():
    table = _table().assign(status="awaiting_data")
    out = apply_prior_sensitivity(table, _sensitivity(("A", 0.1, 0.9, 200))).iloc[0]
    assert (out["status"], out["forecast_status"]) == ("awaiting_data", "prior_driven")


def test_assumption_driven_and_decided_rows_are_left_alone():
    sens = _sensitivity(("A", 0.0, 1.0, 200))
    driven = apply_prior_sensitivity(_table("assumption_driven", np.nan), sens).iloc[0]
    assert driven["status"] == "assumption_driven" and pd.isna(driven["p_curve_min"])
    met = apply_prior_sensitivity(_table("met", np.nan), sens).iloc[0]
    assert met["status"] == "met" and pd.isna(met["drivers"])


@pytest.mark.parametrize(("n", "largest"), [(1000, (0.1, 0.3)), (200, (0.3, 0.52))])
def test_noise_alone_never_makes_a_target_prior_driven(n, largest):
    # 200 targets at p = 0.5 (the largest binomial noise) against 30 drivers that do not
    # move them. At the default 1,000 draws the largest noise spread of 6,000 pairs of bands
    # stays under 0.3 by itself; at 200 draws (bands of 40 runs) it exceeds 0.3, and only
    # the rule's 5 standard errors keep noise from making a target prior-driven.
    rng = np.random.default_rng(7)
    drivers = rng.random((30, n))
    worst = 0.0
    for _ in range(200):
        reached = rng.random(n) < 0.5
        for d in drivers:
            b = band_probabilities(reached, d)
            worst = max(worst, b.spread)
            assert not prior_driven(b.low, b.high, b.runs)
    assert largest[0] < worst < largest[1]


def test_a_real_driver_is_found_at_1000_draws():
    rng = np.random.default_rng(3)
    driver = rng.random(1000)
    reached = rng.random(1000) < 0.2 + 0.6 * driver  # P from 0.2 to 0.8 over the driver
    b = band_probabilities(reached, driver)
    assert b.low < 0.4 and b.high > 0.6
    assert prior_driven(b.low, b.high, b.runs)


def test_prior_driven_rule_by_hand():
    se = np.sqrt((0.3 * 0.7 + 0.72 * 0.28) / 200)
    assert 0.42 > max(0.3, 5 * se) and prior_driven(0.3, 0.72, 200)
    assert not prior_driven(0.3, 0.72, 40)  # the same spread from bands of 40 runs: noise
    assert prior_driven(0.72, 0.3, 200)  # a driver that lowers the probability counts too
    assert not prior_driven(0.0, 1.0, 29)


# --- on a scenario run: every target with a probability, and the curves' agreement ----------


@pytest.fixture(scope="module")
def run(posterior_dir, baseline):
    from suzhou_sim.studies.scenario_runs import run_scenario

    return run_scenario(baseline, draws=500, seed=1, posterior=posterior_dir)


def test_every_target_with_a_probability_gets_its_range(run):
    board = run.targets
    with_p = board[board["probability"].notna() & board["in_scope"]]
    ledger_trend = {t.target_id for t in targets_for_region("suzhou") if t.trend}
    measured = with_p[~with_p["target_id"].isin(ledger_trend)]
    assert not measured.empty
    assert measured["p_curve_min"].notna().all() and measured["p_curve_max"].notna().all()
    assert (measured["p_curve_min"] <= measured["p_curve_max"]).all()
    # a 2025 target is judged as much as a later one; the status follows the rule exactly
    sens = run.sensitivity
    for r in measured.itertuples():
        mine = sens[sens["target_id"] == r.target_id]
        passes = any(prior_driven(a, b, int(n)) for a, b, n in zip(
            mine["p_low"], mine["p_high"], mine["runs"], strict=True))
        expected = passes and target_status_of(r.target_id) == "assessable"
        assert ("prior_driven" in (r.status, r.forecast_status)) == expected, r.target_id


def target_status_of(target_id: str) -> str:
    return target_status(load_targets()[target_id])


def test_bands_agree_with_the_assumption_curves(run):
    """Where a ledger driver is also drawn by the ensemble (the 2023 future-industry output),
    the band probabilities match the curve (the driver fixed) read at the band's median
    driver value, within sampling error, and lie inside the curve's span: the band range is
    the curve's, narrowed to the 10th-90th percentile of the draws."""
    sens, curves = run.sensitivity, run.curves
    driver = "Future industry base 2023"
    band = sens[(sens["target_id"] == "SZ-FUTURE-2030") & (sens["driver"] == driver)].iloc[0]
    curve = curves[(curves["target_id"] == "SZ-FUTURE-2030") & (curves["driver"] == driver)]
    values, probs = curve["value"].to_numpy(float), curve["probability"].to_numpy(float)
    for p, v in ((band["p_low"], band["value_low"]), (band["p_high"], band["value_high"])):
        assert p == pytest.approx(np.interp(v, values, probs), abs=0.15)
    assert probs.min() - 0.05 <= band["p_low"] <= band["p_high"] <= probs.max() + 0.05


@pytest.mark.parametrize("draws", [1, 4])
def test_an_ensemble_too_small_for_a_band_gives_no_range_and_no_error(posterior_dir, baseline,
                                                                      draws):
    """Fewer than five runs leave no run in a fifth: the scoreboard keeps its one
    probability (it raised a ValueError from the band split)."""
    from suzhou_sim.studies.driven import band_answer
    from suzhou_sim.studies.scenario_runs import run_scenario

    run = run_scenario(baseline, draws=draws, seed=1, posterior=posterior_dir)
    assert run.sensitivity.empty
    assert not run.targets["prior_sensitive"].fillna(False).astype(bool).any()
    answer = band_answer("SZ-HTE-2025", np.ones(draws, dtype=bool),
                         {"Approval stringency": np.linspace(0.8, 1.0, draws)},
                         ["Approval stringency"])
    assert answer.kind != "range" and answer.probability == 1.0


def test_a_spread_of_exactly_the_rule_is_not_above_it():
    """0.33 - 0.03 is 0.30000000000000004 in floating point: the rule compares what the runs
    say (60 of 200 runs), so a spread of exactly 0.3 never passes."""
    for low in range(0, 141):
        assert not prior_driven(low / 200, (low + 60) / 200, 200), low
    assert prior_driven(6 / 200, 67 / 200, 200)  # 61 of 200 runs: above
