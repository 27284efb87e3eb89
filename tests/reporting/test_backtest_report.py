"""The backtest report's wording: one sign convention for every error it shows."""

from __future__ import annotations

import pytest

from suzhou_sim.reporting import backtest_report
from suzhou_sim.reporting.backtest_report import skill_text


@pytest.mark.parametrize("stored, shown", [(-0.1, 0.1), (0.05, -0.05), (None, None)])
def test_error_model_log_error_is_shown_as_forecast_over_observed(stored, shown):
    # the error model stores log(observed / forecast): a model forecasting too high has a
    # negative one, and the report (forecast against observed) shows it positive
    assert backtest_report._forecast_sign(stored) == shown


@pytest.mark.parametrize("lang, words", [("en", "forecast minus observed"),
                                         ("zh", "预测值减观测值")])
def test_sign_convention_is_stated_in_both_languages(lang, words):
    assert words in skill_text("sign", lang)
