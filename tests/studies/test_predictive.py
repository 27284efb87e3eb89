"""The structural-error model: estimation, predictive draws, counters and storage; the law
of the error (normal or Student-t), its fit and the out-of-sample comparison that chooses it."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t

from suzhou_sim.errors import InputError
from suzhou_sim.studies.predictive import (
    A_FLOOR,
    ERROR_STREAM,
    POOLINGS,
    ErrorModel,
    PredictiveResults,
    choose_error_law,
    choose_error_variant,
    compare_error_laws,
    error_cdf,
    error_log_density,
    fit_error_model,
    load_error_model,
    predictive_draws,
    predictive_results,
    save_error_model,
    structural_draws,
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


GROUPS = {"pooled": {"a": 0.1, "n": 10, "fitted": True}}


T2 = ErrorModel("suzhou", 2023, GROUPS, law="student_t", df=2.0)


NORMAL = ErrorModel("suzhou", 2023, GROUPS)


def _t2_quantile(p: float) -> float:
    """Quantile of Student-t with 2 df in closed form: (2p - 1) / sqrt(2 p (1 - p))."""
    return (2 * p - 1) / np.sqrt(2 * p * (1 - p))


def test_t_law_draws_have_the_hand_computed_quantiles():
    assert _t2_quantile(0.9) == pytest.approx(1.885618, abs=1e-6)
    assert _t2_quantile(0.75) == pytest.approx(0.816497, abs=1e-6)
    values = np.full((400_000, 1), 100.0)
    for source in (np.random.default_rng(5), structural_draws(5, "gdp", 400_000, T2)):
        out = predictive_draws(values, "gdp", [2024], "suzhou", source, model=T2)[:, 0]
        for p in (0.1, 0.25, 0.5, 0.75, 0.9):
            hand = 100 * np.exp(0.1 * np.sign(p - 0.5) * _t2_quantile(max(p, 1 - p)))
            assert np.quantile(out, p) == pytest.approx(hand, rel=4e-3)
    np.testing.assert_allclose(T2.quantile([0.75, 0.9]), [0.816497, 1.885618], atol=1e-6)


def test_t_density_and_cdf_match_the_exact_law():
    err = np.array([-0.4, -0.05, 0.0, 0.1, 0.8])
    for df in (2.0, 6.0, 30.0):
        np.testing.assert_allclose(error_log_density(err, 0.0, 0.1, "student_t", df),
                                   student_t.logpdf(err / 0.1, df) - np.log(0.1), atol=1e-6)
        np.testing.assert_allclose(error_cdf(err, 0.0, 0.1, "student_t", df),
                                   student_t.cdf(err / 0.1, df), atol=1e-6)
    # with no structural error only the ensemble's normal spread is left
    np.testing.assert_allclose(error_log_density(err, 0.05, 0.0, "student_t", 4.0),
                               norm.logpdf(err, scale=0.05), atol=1e-6)
    np.testing.assert_allclose(error_log_density(err, 0.03, 0.04),
                               norm.logpdf(err, scale=0.05), atol=1e-6)


def _synthetic(law: str, df: float, a: float, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    h = np.tile([1, 2], n // 2)
    e = rng.standard_normal(n)
    if law == "student_t":
        e = e / np.sqrt(rng.chisquare(df, n) / df)
    return pd.DataFrame({"origin": np.repeat([2020, 2021, 2022, 2023], n // 4),
                         "indicator": "gdp", "horizon": h,
                         "observed": 100 * np.exp(a * np.sqrt(h) * e),
                         "p10": 100.0, "p50": 100.0, "p90": 100.0})  # a sure model


def test_ml_fit_recovers_a_known_df_and_scale():
    frame = _synthetic("student_t", 4.0, 0.08, 1200, seed=3)
    model = fit_error_model(frame, "suzhou", 2023, "student_t")
    assert model.law == "student_t" and model.df in (3.0, 4.0, 5.0)
    assert model.groups["economy"]["a"] == pytest.approx(0.08, rel=0.08)
    assert "Student-t" in model.method


def test_an_unknown_law_is_refused():
    with pytest.raises(InputError, match="law must be one of normal, student_t"):
        fit_error_model(_synthetic("normal", 0, 0.05, 40, 1), "suzhou", 2023, "cauchy")


def test_the_comparison_prefers_the_law_the_errors_follow():
    heavy = compare_error_laws(_synthetic("student_t", 2.0, 0.05, 200, seed=4), "suzhou")
    assert choose_error_law(heavy) == "student_t"
    normal = compare_error_laws(_synthetic("normal", 0, 0.05, 200, seed=4), "suzhou")
    assert set(normal.columns) >= {"law", "df", "log_score", "cover50", "cover80"}
    assert choose_error_law(normal) == "normal"
    assert normal.set_index("law").loc["student_t", "df"] >= 15


def test_a_tie_keeps_the_normal_law():
    tie = pd.DataFrame({"law": ["normal", "student_t"], "log_score": [3.0, 3.0]})
    assert choose_error_law(tie) == "normal"


def test_old_file_without_a_law_loads_as_normal(tmp_path):
    path = tmp_path / "forecast_error.yaml"
    path.write_text("region: suzhou\nlast_observed_year: 2023\ngrowth: random_walk_added\n"
                    "groups: {pooled: {a: 0.05, n: 9, fitted: true}}\n", encoding="utf-8")
    model = load_error_model("suzhou", path)
    assert model.law == "normal" and model.df is None
    np.testing.assert_array_equal(structural_draws(3, "gdp", 6, model), z_scale(3, "gdp", 6))


def test_t_law_round_trip_and_malformed_df(tmp_path):
    t5 = ErrorModel("suzhou", 2023, GROUPS, law="student_t", df=5.0)
    path = save_error_model(t5, tmp_path / "forecast_error.yaml")
    text = path.read_text(encoding="utf-8")
    assert "law: student_t" in text and "df: 5.0" in text
    loaded = load_error_model("suzhou", path)
    assert loaded.law == "student_t" and loaded.df == 5.0
    for bad in ("-1", "2.0"):  # df 2 has no finite variance: the reports' sd would be inf
        path.write_text(text.replace("df: 5.0", f"df: {bad}"), encoding="utf-8")
        with pytest.raises(InputError, match="df must be a finite number > 2"):
            load_error_model("suzhou", path)
    path.write_text(text.replace("law: student_t", "law: laplace"), encoding="utf-8")
    with pytest.raises(InputError, match="law must be one of"):
        load_error_model("suzhou", path)


def test_t_draws_pair_scenarios_and_share_the_normal_numbers():
    t1 = structural_draws(9, "gdp", 500, T2)
    np.testing.assert_array_equal(t1, structural_draws(9, "gdp", 500, T2))
    z = z_scale(9, "gdp", 500)
    assert not np.allclose(t1, z)
    np.testing.assert_array_equal(np.sign(t1), np.sign(z))  # z / sqrt(chi2/df): same z
    assert not np.allclose(t1, structural_draws(9, "rd_intensity", 500, T2))
    low, high = np.full((500, 2), 10.0), np.full((500, 2), 30.0)
    a = predictive_draws(low, "gdp", [2025, 2030], "suzhou", t1, model=T2)
    b = predictive_draws(high, "gdp", [2025, 2030], "suzhou", t1, model=T2)
    np.testing.assert_allclose(b / a, 3.0)


class _Level:
    """An ensemble result of two scenarios' GDP level (one higher than the other)."""

    def __init__(self, factor: float):
        from suzhou_sim.catalogues.indicators import load_indicators

        self.variable = load_indicators()["gdp"].variable
        self.times = np.arange(2023.0, 2027.0)
        self.data = {self.variable: np.full((40, self.times.size), 100.0 * factor)}

    def __getitem__(self, name):
        return self.data[name]


def test_scenarios_get_the_same_t_errors():
    base, lever = _Level(1.0), _Level(1.5)
    x = PredictiveResults(base, "suzhou", seed=4, model=T2)[base.variable]
    y = PredictiveResults(lever, "suzhou", seed=4, model=T2)[lever.variable]
    np.testing.assert_allclose(y / x, 1.5)
    e = structural_draws(4, "gdp", 40, T2)
    np.testing.assert_allclose(np.log(x[:, 2] / 100.0), 0.1 * np.sqrt(2) * e)
    z = PredictiveResults(base, "suzhou", seed=4, model=NORMAL)[base.variable]
    np.testing.assert_allclose(np.log(z[:, 2] / 100.0),
                               0.1 * np.sqrt(2) * z_scale(4, "gdp", 40))


def test_reports_name_the_law_and_the_comparison():
    from types import SimpleNamespace

    from suzhou_sim.reporting.backtest_report import law_lines
    from suzhou_sim.reporting.fit_report import forecast_error_section

    t6 = ErrorModel("suzhou", 2024, GROUPS, law="student_t", df=6.0)
    comparison = pd.DataFrame({"law": ["normal", "student_t"], "df": [np.nan, 6.0],
                               "points": [9, 9], "log_score": [1.0, 2.0],
                               "mean_log_score": [0.11, 0.22], "cover50": [0.5, 0.4],
                               "cover80": [0.8, 0.7], "pit_sd": [0.29, 0.28]})
    text = "\n".join(law_lines(SimpleNamespace(error_model=t6, law_comparison=comparison)))
    assert "Student-t with 6 degrees of freedom" in text
    assert "| normal    | –    |" in text and "LOO log score (sum)" in text
    single = "\n".join(law_lines(SimpleNamespace(error_model=NORMAL, law_comparison=None)))
    assert "normal (e = z ~ N(0, 1))" in single and "not compared" in single
    fit = "\n".join(forecast_error_section(t6, None))
    assert "Student-t with 6 degrees of freedom" in fit
    assert f"±{student_t.ppf(0.9, 6):.3f}·τ" in fit and f"sd {np.sqrt(1.5):.3f}·τ(h)" in fit
    assert "Law of the error: normal" in "\n".join(forecast_error_section(NORMAL, None))


def test_a_pooled_model_uses_the_pooled_scale_even_beside_a_fitted_group():
    groups = {"pooled": {"a": 0.05, "n": 10, "fitted": True},
              "rd": {"a": 0.30, "n": 6, "fitted": True}}
    pooled = ErrorModel("suzhou", 2023, groups, pooling="pooled")
    assert pooled.group_of("rd_intensity") == "pooled" and pooled.scale("rd_intensity") == 0.05
    assert ErrorModel("suzhou", 2023, groups).scale("rd_intensity") == 0.30


def test_a_tie_prefers_the_normal_law_before_the_grouped_pooling():
    tie = pd.DataFrame({"law": ["student_t", "normal"], "pooling": ["grouped", "pooled"],
                        "log_score": [3.0, 3.0]})
    assert choose_error_variant(tie) == ("normal", "pooled")
