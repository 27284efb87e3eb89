"""Scenario runs show the predictive distribution of the published statistic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.predictive import load_error_model
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.posterior_fixture import write_fixture_posterior

DRAWS = 400


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


@pytest.fixture(scope="module")
def result(posterior_dir):
    return run_scenario(SCENARIOS_DIR / "baseline.yaml", draws=DRAWS, posterior=posterior_dir)


@pytest.mark.parametrize("indicator", ["high_tech_enterprises", "rd_intensity", "gdp"])
def test_bands_are_at_least_the_backtest_error_and_widen(result, indicator):
    model = load_error_model("suzhou")
    series = result.series[result.series["indicator"] == indicator].set_index("year")
    for year in (2025, 2030, 2035):
        row = series.loc[year]
        log_sd = (np.log(row["p90"]) - np.log(row["p10"])) / 2.563
        tau = float(model.sigma(indicator, [year - model.last_observed_year])[0])
        assert log_sd >= 0.85 * tau, (year, log_sd, tau)
    width = series["p90"] / series["p10"]
    assert width.loc[2035] > width.loc[2025]


def test_same_seed_same_errors(posterior_dir, result):
    again = run_scenario(SCENARIOS_DIR / "baseline.yaml", draws=DRAWS, posterior=posterior_dir)
    assert again.series.equals(result.series) and again.targets.equals(result.targets)
