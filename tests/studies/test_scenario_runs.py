"""Scenario runs, comparisons and goal seeking on the engine with a fixture posterior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.scenarios import PERIODS, load_scenario
from suzhou_sim.catalogues.targets import CURVE_POINTS, SCOREBOARD_COLUMNS, targets_for_region
from suzhou_sim.ensemble.runs import tqdm_progress
from suzhou_sim.errors import InputError
from suzhou_sim.paths import CALIBRATION_DIR, SCENARIOS_DIR
from suzhou_sim.reporting.goal_seek_text import goal_seek_message
from suzhou_sim.studies.goal_seek import goal_seek
from suzhou_sim.studies.scenario_runs import (
    CURVE_DRAWS,
    assumption_curves,
    compare_scenarios,
    run_scenario,
    with_curves,
)
from tests.posterior_fixture import write_fixture_posterior

DRAWS = 300
TALENT_TARGETS = ["SZ-SCI-2025", "SZ-FOREIGN-2025", "SZ-LEADER-2025", "SZ-LEADER-2025B",
                  "SZ-TEAMS-2025", "SZ-TEAMS-2025B"]


@pytest.fixture(scope="module")
def standin_dir(tmp_path_factory):
    """The small stand-in calibration (tests whose expected answer depends on it)."""
    return write_fixture_posterior(tmp_path_factory.mktemp("standin"))


@pytest.fixture(scope="module", params=["stand-in", "shipped"])
def posterior_dir(request, standin_dir):
    """The scenario tests run on the small stand-in and on the shipped calibration."""
    return CALIBRATION_DIR if request.param == "shipped" else standin_dir


@pytest.fixture(scope="module")
def base_result(baseline, posterior_dir):
    return run_scenario(baseline, draws=DRAWS, posterior=posterior_dir)


def test_targets_table(base_result):
    t = base_result.targets
    assert list(t.columns) == SCOREBOARD_COLUMNS
    assert t["target_id"].tolist() == [x.target_id for x in targets_for_region("suzhou")]
    inside, outside = t[t["in_scope"]], t[~t["in_scope"]]
    # what the probability measures: the forecast status, also once a year has passed
    measured = inside["forecast_status"]
    no_number = measured.isin(["set_by_lever", "assumption_driven"]) | inside["status"].isin(
        ["met", "missed"])
    assert inside.loc[~no_number, "probability"].between(0, 1).all()
    assert inside.loc[no_number, "probability"].isna().all()
    driven = inside[measured == "assumption_driven"]
    assert (driven["p_curve_min"] <= driven["p_curve_max"]).all()
    assert (inside["p10"] <= inside["median"]).all() and (inside["median"] <= inside["p90"]).all()
    assert outside[["probability", "median", "p10", "p90"]].isna().all().all()
    assert outside["reason"].str.len().gt(0).all()


def test_assumption_curves(base_result):
    """Each driver of each assumption-driven target at CURVE_POINTS values, same draws."""
    curves = base_result.curves
    driven = base_result.targets.query("forecast_status == 'assumption_driven'")["target_id"]
    assert set(curves["target_id"]) == set(driven)
    for (_, _), part in curves.groupby(["target_id", "driver"]):
        assert len(part) == CURVE_POINTS and part["value"].is_monotonic_increasing
        assert part["runs"].eq(min(DRAWS, CURVE_DRAWS)).all()
    future = curves[curves["target_id"] == "SZ-FUTURE-2030"]["probability"]
    assert future.is_monotonic_increasing and future.iloc[-1] > future.iloc[0]


def test_series_table(base_result):
    s = base_result.series
    assert list(s.columns) == ["indicator", "year", "p10", "p50", "p90", "mean"]
    for name, rows in s.groupby("indicator"):
        assert rows["year"].tolist() == list(range(2019, 2036)), name
    assert {"high_tech_enterprises", "leading_talents", "gdp", "rd_intensity",
            "future_industry_output"} <= set(s["indicator"])
    rd = s[s["indicator"] == "rd_intensity"]
    assert rd["p50"].between(2, 10).all()  # percent, not a fraction
    unicorns = s[s["indicator"] == "unicorn_cultivation_new"]  # cumulative since 2022
    assert unicorns.loc[unicorns["year"] < 2022, "p50"].isna().all()
    assert unicorns.loc[unicorns["year"] >= 2022, "p50"].notna().all()


def test_same_draws_same_answer(baseline, posterior_dir, base_result):
    again = run_scenario(baseline, draws=DRAWS, posterior=load_posterior("suzhou",
                                                                          posterior_dir / "suzhou"))
    pd.testing.assert_frame_equal(again.targets, base_result.targets)
    other = run_scenario(baseline, draws=DRAWS, seed=baseline.seed + 1, posterior=posterior_dir)
    assert not other.series["p50"].equals(base_result.series["p50"])


def test_scoreboard_first_curves_after_give_the_same_result(baseline, posterior_dir,
                                                            base_result):
    """run_scenario(curves=False) then assumption_curves: the numbers of one run_scenario."""
    first = run_scenario(baseline, draws=DRAWS, posterior=posterior_dir, curves=False)
    assert not first.curves_done and first.curves.empty
    driven = first.targets["status"] == "assumption_driven"
    assert driven.any() and first.targets.loc[driven, "p_curve_min"].isna().all()
    # everything but the curves is already final
    cols = [c for c in first.targets.columns if c not in ("p_curve_min", "p_curve_max")]
    pd.testing.assert_frame_equal(first.targets[cols], base_result.targets[cols])
    pd.testing.assert_frame_equal(first.series, base_result.series)
    assert first.reached == base_result.reached
    curves = assumption_curves(baseline, draws=DRAWS, posterior=posterior_dir)
    pd.testing.assert_frame_equal(curves, base_result.curves)
    done = with_curves(first, curves)
    assert done.curves_done and base_result.curves_done
    pd.testing.assert_frame_equal(done.targets, base_result.targets)
    assert first.targets.loc[driven, "p_curve_min"].isna().all()  # the first one unchanged


def test_without_driven_targets_curves_are_done_at_once(posterior_dir):
    kunshan = load_scenario(SCENARIOS_DIR / "kunshan_baseline.yaml")
    res = run_scenario(kunshan, draws=100, posterior=posterior_dir, curves=False)
    has_driven = any(t.drivers and t.in_scope for t in targets_for_region("kunshan"))
    assert res.curves_done is not has_driven
    assert assumption_curves(kunshan, draws=100, posterior=posterior_dir).empty is not has_driven


def _with(scenario, **levers):
    for key, value in levers.items():
        for p in PERIODS:
            scenario = scenario.with_lever(key, p, value)
    return scenario


def test_more_talent_funding_never_lowers_talent_targets(baseline, posterior_dir):
    """Talent spending rises while every other spending line stays the same."""
    rows = []
    for w in (0.0, 0.15, 0.3, 0.6):
        s = _with(baseline, talent_weight=w, special_fund=200 * (0.85 + w))
        t = run_scenario(s, draws=DRAWS, posterior=posterior_dir).targets.set_index("target_id")
        rows.append(t.loc[TALENT_TARGETS, ["probability", "p_curve_min", "p_curve_max",
                                           "median"]])
    for lower, higher in zip(rows, rows[1:], strict=False):
        for col in ("probability", "p_curve_min", "p_curve_max"):  # blank where the status
            both = higher[col].notna() & lower[col].notna()        # gives no such number
            assert (higher[col] >= lower[col])[both].all(), col
            assert (higher[col].isna() == lower[col].isna()).all(), col
        assert (higher["median"] >= lower["median"] - 1e-9).all()
    assert rows[-1].loc["SZ-FOREIGN-2025", "median"] > rows[0].loc["SZ-FOREIGN-2025", "median"]


def test_more_special_fund_never_lowers_the_hte_target(baseline, posterior_dir):
    previous = None
    for fund in (0, 100, 200, 400, 1000):
        s = baseline.with_lever("special_fund", "14th", fund)
        t = run_scenario(s, draws=DRAWS, posterior=posterior_dir).targets.set_index("target_id")
        now = t.loc[["SZ-HTE-2025", "SZ-HTSHARE-2025"], ["probability", "median"]]
        if previous is not None:
            assert (now["probability"] >= previous["probability"]).all()
            assert (now["median"] > previous["median"]).all()
        previous = now


def test_compare_scenarios(baseline, posterior_dir, base_result):
    talent = load_scenario(SCENARIOS_DIR / "talent_first.yaml")
    table = compare_scenarios([baseline, talent], draws=DRAWS, posterior=posterior_dir)
    assert table["status"].tolist() == base_result.targets["status"].tolist()
    np.testing.assert_allclose(table["p_baseline"], base_result.targets["probability"])
    np.testing.assert_allclose(table["d_talent_first"],
                               table["p_talent_first"] - table["p_baseline"])
    kunshan = load_scenario(SCENARIOS_DIR / "kunshan_2026.yaml")
    with pytest.raises(InputError, match="one region"):
        compare_scenarios([baseline, kunshan], draws=10, posterior=posterior_dir)


def test_kunshan_scenario(posterior_dir):
    r = run_scenario(SCENARIOS_DIR / "kunshan_2026.yaml", draws=100, posterior=posterior_dir)
    assert set(r.targets["region"]) == {"kunshan"}
    projects = r.targets.set_index("target_id").loc["KS-TECHPROJ-2026"]
    assert projects["median"] == pytest.approx(3000)  # the lever: 1000 a year over 2024-26


def test_goal_seek_found_and_confirmed(baseline, standin_dir):
    posterior_dir = standin_dir  # the expected answers hold for the stand-in
    g = goal_seek(baseline, "SZ-VCFUND-2025", "special_fund", period="14th", probability=0.8,
                  draws=DRAWS, posterior=posterior_dir)
    assert g.status == "found" and g.confirmed
    assert g.achieved >= 0.8 and g.baseline_probability < 0.8
    below = baseline.with_lever("special_fund", "14th", g.value - 10)  # one step lower
    p_below = run_scenario(below, draws=DRAWS, posterior=posterior_dir).probability(
        "SZ-VCFUND-2025")
    assert p_below < 0.8  # smallest value on the lever's grid
    assert "reaches SZ-VCFUND-2025" in goal_seek_message(g)


def test_goal_seek_not_enough_and_already_met(baseline, standin_dir):
    posterior_dir = standin_dir  # the expected answers hold for the stand-in
    g = goal_seek(baseline, "SZ-LEADER-2025B", "special_fund", period="14th", draws=100,
                  posterior=posterior_dir)
    assert g.status == "not_enough" and g.value is None
    assert "Not enough" in goal_seek_message(g) and "1000" in goal_seek_message(g)
    g = goal_seek(baseline, "SZ-TSME-2025", "special_fund", period="14th", probability=0.5,
                  draws=100, posterior=posterior_dir)
    assert g.status == "already_met" and g.value == 0
    assert "already reached" in goal_seek_message(g)
    g = goal_seek(baseline, "SZ-HTE-2025", "special_fund", period="16th", probability=1.0,
                  draws=50, posterior=posterior_dir)
    assert "after the target year 2025" in goal_seek_message(g)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"target_id": "SZ-HTE-2052", "lever_key": "special_fund"}, "did you mean 'SZ-HTE-2025'"),
    ({"target_id": "SZ-HTE-2025", "lever_key": "special_funds"}, "did you mean 'special_fund'"),
    ({"target_id": "SZ-SMARTFAC-2025", "lever_key": "special_fund"}, "outside model scope"),
    ({"target_id": "SZ-FUTURE-2030", "lever_key": "special_fund"}, "assumption_driven"),
    ({"target_id": "KS-HTE-2026", "lever_key": "special_fund"}, "kunshan target"),
    ({"target_id": "SZ-HTE-2025", "lever_key": "special_fund", "period": "17th"}, "14th"),
    ({"target_id": "SZ-HTE-2025", "lever_key": "special_fund", "probability": 1.5}, r"\(0, 1\]"),
])
def test_goal_seek_bad_input(baseline, posterior_dir, kwargs, message):
    with pytest.raises(InputError, match=message):
        goal_seek(baseline, draws=10, posterior=posterior_dir, **kwargs)


def test_no_posterior_is_an_input_error(baseline, tmp_path):
    with pytest.raises(InputError, match="calibrate"):
        run_scenario(baseline, draws=10, posterior=tmp_path)


def test_progress_bar_runs_in_chunks_with_the_same_answer(baseline, posterior_dir, capsys):
    plain = run_scenario(baseline, draws=600, posterior=posterior_dir)
    calls = []
    chunked = run_scenario(baseline, draws=600, posterior=posterior_dir,
                           progress=lambda done, total: calls.append((done, total)))
    assert calls == [(250, 600), (500, 600), (600, 600)]
    pd.testing.assert_frame_equal(plain.targets, chunked.targets)
    pd.testing.assert_frame_equal(plain.series, chunked.series)
    with tqdm_progress("simulating") as bar:
        run_scenario(baseline, draws=300, posterior=posterior_dir, progress=bar)
    assert "simulating" in capsys.readouterr().err


def test_goal_seek_monotonicity_probe_flags_a_peaked_response():
    from suzhou_sim.studies.goal_seek import values_below_reaching

    grid = np.arange(0.0, 101.0, 10.0)

    def peaked(v):  # reaches the goal around 30, dips, and rises again at the top
        return 0.9 if 20 <= v <= 40 or v >= 90 else 0.1

    def rising(v):
        return v / 100

    assert values_below_reaching(grid, 9, peaked, 0.8)  # bisection would answer 90
    assert values_below_reaching(grid, 8, rising, 0.8) == []
    assert values_below_reaching(grid, 0, rising, 0.0) == []
