"""The structural-error model: estimation, predictive draws, counters and storage."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.studies.predictive import (
    A_FLOOR,
    ERROR_STREAM,
    POOLINGS,
    ErrorModel,
    PredictiveResults,
    choose_error_variant,
    compare_error_laws,
    fit_error_model,
    load_error_model,
    predictive_draws,
    predictive_results,
    save_error_model,
    z_scale,
)

MODEL = ErrorModel("suzhou", 2023, {
    "pooled": {"a": 0.05, "n": 10, "fitted": True},
    "rd": {"a": 0.03, "n": 6, "fitted": True},
    "economy": {"n": 2, "fitted": False},
})


@pytest.mark.parametrize(("indicator", "horizons", "expected"), [
    ("rd_intensity", [1, 4], [0.03, 0.06]),                 # own group, a sqrt(h)
    ("gdp", [1, 9], [0.05, 0.15]),                          # group without own fit: pooled
    ("listed_companies", [0, -3, 4], [0.05, 0.05, 0.10]),   # h <= 1 uses a
])
def test_sigma_by_group_and_horizon(indicator, horizons, expected):
    np.testing.assert_allclose(MODEL.sigma(indicator, horizons), expected)


def test_fit_recovers_a_known_error_model():
    rng = np.random.default_rng(1)
    h = np.repeat([1, 2, 3], 2000)
    sigma = 0.07 * np.sqrt(h)
    observed = 100 * np.exp(sigma * rng.standard_normal(h.size))
    frame = pd.DataFrame({"indicator": "gdp", "horizon": h, "observed": observed,
                          "p10": 100.0, "p50": 100.0, "p90": 100.0})  # a sure model
    fitted = fit_error_model(frame, "suzhou", 2023).groups["economy"]
    assert fitted["fitted"]
    assert fitted["a"] == pytest.approx(0.07, rel=0.03)


def test_fit_counts_the_ensembles_own_spread():
    """Errors of a forecast whose own spread is 0.05: only the rest is structural error."""
    rng = np.random.default_rng(2)
    h = np.repeat([1, 2, 3], 3000)
    own, a = 0.05, 0.06
    err = np.sqrt(own ** 2 + a * a * h) * rng.standard_normal(h.size)
    frame = pd.DataFrame({"indicator": "gdp", "horizon": h, "observed": 100 * np.exp(err),
                          "p10": 100 * np.exp(-1.2816 * own), "p50": 100.0,
                          "p90": 100 * np.exp(1.2816 * own)})
    assert fit_error_model(frame, "suzhou", 2023).groups["economy"]["a"] == pytest.approx(
        a, rel=0.05)


def test_a_tiny_scale_is_raised_to_the_floor():
    model = ErrorModel("suzhou", 2024, {"pooled": {"a": 0.001, "n": 9, "fitted": True}})
    np.testing.assert_allclose(model.sigma("gdp", [1, 4]), [A_FLOOR, 2 * A_FLOOR])


def test_indicators_with_enough_errors_get_their_own_shrunk_scale():
    """A synthetic series with a known error: its own scale is recovered (shrunk a little
    toward its group's), a neighbour of the same group keeps the group's."""
    rng = np.random.default_rng(8)
    h = np.repeat([1, 2], 1500)
    rows = []
    for ind, a in (("rd_expenditure", 0.12), ("rd_intensity", 0.04)):
        rows.append(pd.DataFrame({"indicator": ind, "horizon": h, "p50": 100.0,
                                  "observed": 100 * np.exp(a * np.sqrt(h)
                                                           * rng.standard_normal(h.size))}))
    few = pd.DataFrame({"indicator": "tech_contract_turnover", "horizon": [1, 2],
                        "p50": 100.0, "observed": [101.0, 99.0]})
    model = fit_error_model(pd.concat(rows + [few]), "suzhou", 2024)
    assert model.scale("rd_expenditure") == pytest.approx(0.12, rel=0.05)
    assert model.scale("rd_intensity") == pytest.approx(0.04, rel=0.08)
    assert "tech_contract_turnover" not in model.indicators  # two errors: the group's scale
    assert model.scale("tech_contract_turnover") == pytest.approx(model.groups["rd"]["a"])


def test_a_change_that_raises_every_run_raises_every_draw():
    """The error is the scenario's own spread-free multiplier: no lever can look harmful."""
    rng = np.random.default_rng(6)
    low = 100 * np.exp(0.2 * rng.standard_normal((500, 2)))
    high = low * np.linspace(1.001, 1.3, 500)[:, None]     # higher, and more spread out
    z = z_scale(1, "gdp", 500)
    a = predictive_draws(low, "gdp", [2025, 2030], "suzhou", z, model=MODEL)
    b = predictive_draws(high, "gdp", [2025, 2030], "suzhou", z, model=MODEL)
    assert np.all(b > a)
    assert np.all(np.median(b, axis=0) > np.median(a, axis=0))


def test_groups_get_their_own_scale_and_small_groups_use_the_pooled_one():
    rng = np.random.default_rng(3)
    h = np.repeat([1, 2, 3], 600)
    gdp = np.arange(h.size) % 2 == 1
    frame = pd.DataFrame({"indicator": np.where(gdp, "gdp", "rd_intensity"), "horizon": h,
                          "observed": 100 * np.exp(np.where(gdp, 0.02, 0.08) * np.sqrt(h)
                                                   * rng.standard_normal(h.size)),
                          "p50": 100.0})
    frame = pd.concat([frame, frame.head(3).assign(indicator="listed_companies")])
    groups = fit_error_model(frame, "kunshan", 2023).groups
    assert groups["economy"]["a"] == pytest.approx(0.02, rel=0.1)
    assert groups["rd"]["a"] == pytest.approx(0.08, rel=0.1)
    assert not groups["capital_markets"]["fitted"]          # 3 errors: pooled fit applies
    model = ErrorModel("kunshan", 2023, groups)
    assert model.group_of("listed_companies") == "pooled"


@pytest.mark.parametrize(("own_sd", "expected_total"), [
    (0.0, 0.10),                    # a sure ensemble: the error size tau(4) = 0.05 * 2
    (0.06, np.hypot(0.06, 0.10)),   # the structural error adds to the ensemble's spread
    (0.15, np.hypot(0.15, 0.10)),
])
def test_predictive_spread_adds_the_error_size(own_sd, expected_total):
    rng = np.random.default_rng(4)
    values = 100 * np.exp(own_sd * rng.standard_normal((40000, 1)))
    out = predictive_draws(values, "gdp", [2027], "suzhou", rng, model=MODEL)
    lo, hi = np.percentile(np.log(out[:, 0]), [10, 90])
    assert (hi - lo) / 2.563 == pytest.approx(expected_total, rel=0.04)


def test_predictive_draws_keep_the_median_and_widen_with_horizon():
    values = np.full((20000, 3), 50.0)
    out = predictive_draws(values, "gdp", [2023, 2024, 2032], "suzhou",
                           np.random.default_rng(0), model=MODEL)
    np.testing.assert_allclose(np.median(out, axis=0), 50.0, rtol=0.01)
    np.testing.assert_allclose(np.log(out / 50).std(axis=0), [0.05, 0.05, 0.15], rtol=0.03)


def test_errors_are_common_random_numbers():
    np.testing.assert_array_equal(z_scale(7, "gdp", 5), z_scale(7, "gdp", 5))
    assert not np.allclose(z_scale(7, "gdp", 5), z_scale(7, "rd_intensity", 5))
    assert not np.allclose(z_scale(7, "gdp", 5), z_scale(8, "gdp", 5))


class _Fake:
    """An ensemble result with a yearly flow and its counter (counter diff = flow)."""

    def __init__(self):
        self.times = np.arange(2018.0, 2031.0)
        runs = 1 + 0.001 * np.arange(50)[:, None]       # an ensemble of (almost) one run
        flow = np.linspace(100, 400, self.times.size)[None, :] * runs
        self.data = {"HTE recognitions in year": flow,
                     "Cumulative HTE recognitions": np.concatenate(
                         [np.zeros((50, 1)), np.cumsum(flow[:, 1:], axis=1)], axis=1),
                     "Some internal variable": flow * 3}

    def __getitem__(self, name):
        return self.data[name]


def test_counters_carry_the_same_error_as_the_flow():
    wrapped = PredictiveResults(_Fake(), "suzhou", seed=3, model=MODEL)
    flow = wrapped["HTE recognitions in year"]
    counter = wrapped["Cumulative HTE recognitions"]
    np.testing.assert_allclose(np.diff(counter, axis=1), flow[:, 1:])
    assert not np.allclose(flow, _Fake().data["HTE recognitions in year"])


def test_variables_outside_the_registry_are_unchanged():
    wrapped = PredictiveResults(_Fake(), "suzhou", seed=3, model=MODEL)
    np.testing.assert_array_equal(wrapped["Some internal variable"],
                                  _Fake().data["Some internal variable"])


def test_error_model_round_trip(tmp_path):
    model = ErrorModel("suzhou", 2023, MODEL.groups,
                       indicators={"gdp": {"a": 0.07, "n": 5, "own_a": 0.08}})
    path = save_error_model(model, tmp_path / "forecast_error.yaml")
    loaded = load_error_model("suzhou", path)
    assert loaded.scale("gdp") == 0.07
    assert loaded.groups["pooled"]["a"] == 0.05 and loaded.last_observed_year == 2023
    np.testing.assert_allclose(loaded.sigma("gdp", [2]), model.sigma("gdp", [2]))


@pytest.mark.parametrize(("text", "message"), [
    (None, "no forecast-error model"),
    ("region: suzhou\n", "malformed"),
    ("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\n"
     "groups: {pooled: {a: -1, fitted: true}}", "a must be a finite number >= 0"),
    ("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\n"
     "groups: {pooled: {a: .nan, fitted: true}}", "a must be a finite number >= 0"),
    # A file of the earlier forms (a + b h, topping the ensemble up) is refused, not read
    # with another meaning.
    ("region: suzhou\nlast_observed_year: 2023\ngroups: {pooled: {a: 0.1, b: 0, fitted: true}}",
     "growth must be 'random_walk_added'"),
    ("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\npooling: some\n"
     "groups: {pooled: {a: 0.1, fitted: true}}", "pooling must be one of grouped, pooled"),
    ("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\npooling: pooled\n"
     "groups: {pooled: {a: 0.1, fitted: true}}\nindicators: {gdp: {a: 0.2}}",
     "a pooled model has no indicator scales"),
])
def test_missing_or_malformed_error_model(tmp_path, text, message):
    path = tmp_path / "forecast_error.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_error_model("suzhou", path)


def test_z_scale_is_shared_and_read_only():
    first = z_scale(11, "gdp", 4)
    assert z_scale(11, "gdp", 4) is first and not first.flags.writeable
    fresh = np.random.default_rng(np.random.SeedSequence(
        [11, ERROR_STREAM, zlib.crc32(b"gdp")])).standard_normal(4)
    np.testing.assert_array_equal(first, fresh)


def test_a_non_finite_model_output_stops_the_study_naming_variable_and_time():
    from suzhou_sim.engine.errors import EngineError
    from suzhou_sim.studies.predictive import check_finite

    times = np.array([2023.0, 2024.0, 2025.0])
    values = np.ones((4, 3))
    check_finite(values, "GDP", times)  # all finite: nothing to say
    values[2, 1] = np.inf
    with pytest.raises(EngineError, match="GDP is not finite at time 2024 in run 3 of 4"):
        check_finite(values, "GDP", times)


def test_the_predictive_wrapper_keeps_the_run_count_a_trend_target_sizes_its_draws_by():
    """A trend-only target draws one value per run of the ensemble it is evaluated with."""
    from suzhou_sim.catalogues.targets import reached_per_run, targets_for_region
    from suzhou_sim.ensemble.results import RunSlice

    class Runs:
        times = np.arange(2018, 2036, dtype=float)
        n_runs = 37

        def __getitem__(self, name):
            return np.ones((37, len(self.times)))

    wrapped = predictive_results(RunSlice(Runs(), 0, 37), "suzhou", 0)
    assert wrapped.n_runs == 37
    trend = next(t for t in targets_for_region("suzhou") if t.trend)
    assert reached_per_run(wrapped, trend).shape == (37,)


def _two_series(a_gdp: float, a_rd: float, n: int = 160, seed: int = 5) -> pd.DataFrame:
    """Backtest errors of gdp and rd_intensity with known scales over four origins."""
    rng = np.random.default_rng(seed)
    h = np.tile([1, 2], n // 2)
    gdp = np.arange(n) % 4 < 2
    scale = np.where(gdp, a_gdp, a_rd)
    return pd.DataFrame({"origin": np.repeat([2020, 2021, 2022, 2023], n // 4),
                         "indicator": np.where(gdp, "gdp", "rd_intensity"), "horizon": h,
                         "observed": 100 * np.exp(scale * np.sqrt(h) * rng.standard_normal(n)),
                         "p10": 100.0, "p50": 100.0, "p90": 100.0})


@pytest.mark.parametrize(("a_gdp", "a_rd", "chosen"), [
    (0.05, 0.05, "pooled"),    # one scale: a scale per group only adds noise
    (0.02, 0.15, "grouped"),   # scales far apart: one scale misses both
])
def test_the_pooling_is_chosen_by_the_out_of_sample_log_score(a_gdp, a_rd, chosen):
    comparison = compare_error_laws(_two_series(a_gdp, a_rd), "suzhou", POOLINGS)
    assert set(comparison["pooling"]) == set(POOLINGS) and len(comparison) == 4
    assert choose_error_variant(comparison)[1] == chosen


def test_a_pooled_model_gives_every_indicator_the_one_scale(tmp_path):
    model = fit_error_model(_two_series(0.02, 0.15), "suzhou", 2023, pooling="pooled")
    assert model.pooling == "pooled" and model.indicators == {}
    assert [g for g, v in model.groups.items() if v.get("fitted")] == ["pooled"]
    a = model.groups["pooled"]["a"]
    assert model.scale("gdp") == model.scale("rd_intensity") == max(a, A_FLOOR)
    assert "One a for every indicator" in model.method
    loaded = load_error_model("suzhou", save_error_model(model, tmp_path / "e.yaml"))
    assert loaded.pooling == "pooled" and loaded.scale("gdp") == model.scale("gdp")


def test_a_file_without_a_pooling_is_grouped_and_a_tie_keeps_the_simplest(tmp_path):
    path = tmp_path / "forecast_error.yaml"
    path.write_text("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\n"
                    "groups: {pooled: {a: 0.05, n: 9, fitted: true}}\n", encoding="utf-8")
    assert load_error_model("suzhou", path).pooling == "grouped"
    tie = pd.DataFrame({"law": ["student_t", "normal", "normal"],
                        "pooling": ["grouped", "pooled", "grouped"], "log_score": [3.0] * 3})
    assert choose_error_variant(tie) == ("normal", "grouped")
    with pytest.raises(InputError, match="pooling must be one of grouped, pooled"):
        fit_error_model(_two_series(0.05, 0.05), "suzhou", 2023, pooling="shared")
