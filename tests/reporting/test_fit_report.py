"""The fit report's sections on forecast error by horizon and on identification
(``reporting/fit_report.py``), on hand-made error models and tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.reporting.fit_report import (
    ERROR_CHART,
    error_by_horizon,
    forecast_error_section,
    informed_section,
    measured_error_by_horizon,
    stored_forecast_error,
    write_forecast_error,
)
from suzhou_sim.studies.predictive import A_FLOOR, ErrorModel

MODEL = ErrorModel(
    region="suzhou", last_observed_year=2024,
    groups={"pooled": {"a": 0.05, "n": 40, "fitted": True},
            "enterprise_pipeline": {"a": 0.08, "n": 20, "fitted": True},
            "rd": {"n": 2, "fitted": False},
            "economy": {"a": 0.001, "n": 10, "fitted": True}},
    indicators={"high_tech_enterprises": {"a": 0.06, "n": 6}},
)


def test_error_by_horizon_is_a_sqrt_h_per_group_and_indicator():
    table = error_by_horizon(MODEL).set_index("entry")
    assert [c for c in table.columns if c.startswith("h=")] == [
        "h=1 (2025)", "h=2 (2026)", "h=3 (2027)", "h=6 (2030)", "h=11 (2035)"]
    assert table.loc["enterprise_pipeline", "h=11 (2035)"] == pytest.approx(0.08 * np.sqrt(11))
    assert table.loc["rd", "applies"] == "pooled"                  # too few errors of its own
    assert table.loc["rd", "a"] == pytest.approx(0.05)
    assert table.loc["economy", "a"] == pytest.approx(A_FLOOR)     # never below the floor
    assert table.loc["high_tech_enterprises", "h=6 (2030)"] == pytest.approx(0.06 * np.sqrt(6))


def test_measured_error_by_horizon_against_the_model():
    bt = pd.DataFrame({
        "indicator": ["high_tech_enterprises", "gdp", "high_tech_enterprises"],
        "horizon": [1, 1, 2], "observed": [100.0, 200.0, 100.0],
        "p10": [100.0, 200.0, 100.0], "p50": [110.0, 200.0, 90.0],
        "p90": [100.0, 200.0, 100.0],                   # no ensemble spread: s = 0
        "pred_p10": [95.0, 190.0, 95.0], "pred_p90": [120.0, 210.0, 99.0],
    })
    got = measured_error_by_horizon(bt, MODEL).set_index("horizon")
    assert got.loc[1, "points"] == 2 and got.loc[2, "points"] == 1
    assert got.loc[1, "rms_log_error"] == pytest.approx(np.sqrt(np.log(1.1) ** 2 / 2))
    assert got.loc[2, "rms_log_error"] == pytest.approx(abs(np.log(0.9)))
    # gdp is in the economy group (a floored at 0.02); HTEs have their own a = 0.06
    assert got.loc[1, "tau"] == pytest.approx(np.sqrt((0.06 ** 2 + A_FLOOR ** 2) / 2))
    assert got.loc[2, "modelled_log_sd"] == pytest.approx(0.06 * np.sqrt(2))
    assert got.loc[1, "cover80_pred"] == 1.0 and got.loc[2, "cover80_pred"] == 0.0


def test_section_without_a_stored_model_says_why():
    lines = forecast_error_section(None, None, "no file here")
    assert "No stored forecast-error model: no file here" in lines


@pytest.mark.parametrize("region", ["suzhou", "kunshan"])
def test_stored_error_model_is_reported_with_its_chart(region, tmp_path):
    model, backtest, note = stored_forecast_error(region)
    assert model is not None and backtest is not None and note == ""
    lines = write_forecast_error(tmp_path, region)
    assert (tmp_path / ERROR_CHART).stat().st_size > 0
    text = "\n".join(lines)
    assert "## Forecast error by horizon" in text and "h=11 (2035)" in text
    assert "rms_log_error" in text and f"]({ERROR_CHART})" in text


def test_identification_table_names_the_prior_source():
    informed = pd.DataFrame({
        "parameter": ["A", "B", "C"], "group": "own", "prior_sd": [0.2, 0.3, 0.5],
        "posterior_sd": [0.05, 0.29, 0.49], "sd_ratio": [0.25, 0.97, 0.98],
        "informed": [True, False, False],
        "prior_source": ["evidence", "judgement", "evidence"],
        "prior_citation": ["evidence: row X", "judgement", "evidence: file Y"],
    })
    text = "\n".join(informed_section(informed))
    assert "| A | own | 0.2 | 0.05 | 0.25 | yes | evidence (row X) |" in text
    assert "| B | own | 0.3 | 0.29 | 0.97 | no | judgement |" in text
    assert "resting on judgement alone: B." in text
    # an older table without the column still renders
    assert "prior source" not in "\n".join(
        informed_section(informed.drop(columns=["prior_source", "prior_citation"])))
