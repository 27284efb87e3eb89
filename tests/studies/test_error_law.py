"""The law of the structural error: Student-t draws, its fit, its storage and the
out-of-sample comparison that chooses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from scipy.stats import t as student_t

from suzhou_sim.errors import InputError
from suzhou_sim.studies.predictive import (
    ErrorModel,
    PredictiveResults,
    choose_error_law,
    compare_error_laws,
    error_cdf,
    error_log_density,
    fit_error_model,
    load_error_model,
    predictive_draws,
    save_error_model,
    structural_draws,
    z_scale,
)

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
