"""The backtest study on a series the model generated itself (where it must beat the naive
forecasts), its out-of-sample rows, origin checks and Laplace posterior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.fit import Calibrator, load_free_parameters
from suzhou_sim.calibration.posterior import Posterior
from suzhou_sim.catalogues.indicators import indicator_values, load_indicators
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.backtest import (
    check_origins,
    laplace_posterior,
    out_of_sample_rows,
    run_backtest,
)
from suzhou_sim.studies.skill import NAIVE_METHODS

SYNTHETIC = ("high_tech_enterprises", "tech_smes_registered", "hte_recognitions",
             "rd_expenditure", "rd_intensity", "listed_companies", "gdp",
             "industrial_output", "high_tech_output_share")
YEARS = list(range(2019, 2024))


def _row(indicator, year, value, bound="exact", quality="reported", region="suzhou"):
    return {"region": region, "indicator": indicator, "year": year, "value": value,
            "unit": "-", "bound": bound, "quality": quality, "source_url": "synthetic",
            "quote_zh": ""}


@pytest.fixture(scope="module")
def synthetic_history() -> pd.DataFrame:
    """2019-2023 of the baseline run at the prior centres: data the model itself made."""
    params = load_free_parameters("suzhou")
    truth = Posterior("suzhou", {p.name: p.centre for p in params},
                      pd.DataFrame({p.name: [p.centre] for p in params}), {})
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    registry = load_indicators()
    results = run_ensemble(scenario_inputs(scenario, 200, 5, truth), 200,
                           [registry[i].variable for i in SYNTHETIC])
    rows = []
    for ind in SYNTHETIC:
        median = np.median(indicator_values(results, ind, YEARS), axis=0)
        rows += [_row(ind, y, float(v)) for y, v in zip(YEARS, median, strict=True)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def synthetic_backtest(synthetic_history):
    return run_backtest("suzhou", [2021], draws=40, observations=synthetic_history, n_starts=1,
                        steps=200)


def test_model_beats_the_naive_forecasts_on_its_own_series(synthetic_backtest):
    pooled = synthetic_backtest.skill.set_index(["indicator", "horizon"]).loc["ALL"]
    for h in (1, 2):
        for name in NAIVE_METHODS:
            assert pooled.loc[h, f"skill_{name}"] > 0, (h, name)
        assert pooled.loc[h, "mape_pct"] < pooled.loc[h, "mape_naive_last_pct"]
        assert pooled.loc[h, "cover80"] >= 0.8


def test_backtest_table_has_one_row_per_out_of_sample_value(synthetic_backtest,
                                                           synthetic_history):
    table = synthetic_backtest.table
    assert len(table) == len(SYNTHETIC) * 2                    # 2022 and 2023 after 2021
    assert set(table["horizon"]) == {1, 2}
    assert (table["year"] - table["origin"] == table["horizon"]).all()
    for col in ("origin", "indicator", "year", "horizon", "observed", "p10", "p50", "p90",
                *NAIVE_METHODS):
        assert col in table.columns
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()
    # The naive forecasts come from 2019-2021 only: the last value is 2021's.
    hte = table[(table["indicator"] == "high_tech_enterprises") & (table["year"] == 2023)]
    h = synthetic_history
    last = h[(h["indicator"] == "high_tech_enterprises") & (h["year"] == 2021)]["value"]
    assert hte["naive_last"].iloc[0] == pytest.approx(last.iloc[0])


def test_out_of_sample_rows_prefer_exact_reported_and_skip_bounds():
    obs = pd.DataFrame([
        _row("rd_intensity", 2022, 3.9, "approx"), _row("rd_intensity", 2022, 3.95),
        _row("rd_intensity", 2023, 4.2, "exact", "preliminary"),
        _row("rd_intensity", 2023, 4.1),
        _row("tech_contract_turnover", 2023, 1000, "lower"),
        _row("rd_intensity", 2021, 3.8),                          # not after the origin
        _row("angel_fund_size", 2023, 4.5),                       # outside model scope
    ])
    rows = out_of_sample_rows(obs, 2021)
    assert rows[["indicator", "year", "value"]].values.tolist() == [
        ["rd_intensity", 2022, 3.95], ["rd_intensity", 2023, 4.1]]


@pytest.mark.parametrize(("origins", "message"), [
    ([2023], r"2023 is outside the data of suzhou \(allowed: 2019-2022"),
    # the model starts in 2018: a fit up to 2018 would end where the run begins
    ([2018], r"2018 is outside the data of suzhou \(allowed: 2019-2022"),
    ([2010], "2010 is outside the data"),
    ([2019], "no observation of suzhou up to 2019"),
    ([], "give at least one year"),
])
def test_bad_origins(origins, message):
    obs = pd.DataFrame([_row("gdp", 2021, 1.0), _row("gdp", 2023, 1.1)])
    with pytest.raises(InputError, match=message):
        check_origins("suzhou", origins, obs)


def test_unknown_region():
    with pytest.raises(InputError, match="'shanghai' is not a region"):
        run_backtest("shanghai", [2021], draws=5)


def test_laplace_posterior_stays_inside_the_bounds(synthetic_history):
    cal = Calibrator("suzhou", observations=synthetic_history, max_year=2021)
    fit = cal.fit_map(n_starts=1)
    post = laplace_posterior(cal, fit, 300, seed=1)
    assert list(post.draws.columns) == cal.names and len(post.draws) == 300
    for p in cal.parameters:
        v = post.draws[p.name]
        assert v.between(p.lower, p.upper).all(), p.name
    # Spread around the MAP, not a point mass.
    assert (post.draws.std() > 0).sum() >= len(cal.names) // 2


def test_leave_one_origin_out_band_follows_the_error_law(monkeypatch):
    """The backtest's predictive band draws the law of the error model it fits: with the
    same scale a, a Student-t band is wider at 10-90% than a normal one (it was drawn
    normal whatever the law, so a t model's band was too narrow)."""
    from suzhou_sim.studies import backtest as bt
    from suzhou_sim.studies.predictive import ErrorModel

    ens = np.full(4000, 100.0)  # no ensemble spread: the band is the structural error alone
    table = pd.DataFrame({"origin": [2020, 2021], "indicator": ["high_tech_enterprises"] * 2,
                          "horizon": [1, 1], "_ensemble": [ens, ens]})
    groups = {"pooled": {"a": 0.1, "n": 50, "fitted": True}}

    def band(law, df):
        model = ErrorModel("suzhou", 0, groups, law=law, df=df)
        monkeypatch.setattr(bt, "fit_error_model", lambda *a, **k: model)
        out = bt._predictive_band(table, "suzhou", seed=3, law=law)
        return np.log(out["pred_p90"] / out["pred_p10"]).to_numpy()

    normal, t3 = band("normal", None), band("student_t", 3.0)
    # exact half-widths of the 80% interval in units of a: normal 1.2816, t(3) 1.6377
    assert normal == pytest.approx(2 * 0.1 * 1.2816, rel=0.05)
    assert t3 == pytest.approx(2 * 0.1 * 1.6377, rel=0.06)
