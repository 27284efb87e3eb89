"""The scenario report and the terminal scoreboard (``reporting/markdown.py``): a target's
probability in words, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.reporting.markdown import probability_text


@pytest.mark.parametrize(("status", "values", "en", "zh"), [
    # a lower bound at 0: what the measured part shows, never "≥ 0.00"
    ("lower_bound", dict(probability=0.0, median=4500.0, threshold=10000.0),
     "at least 0.00: the part the model counts reaches 45% of the threshold in the median run",
     "至少 0.00:模型所计部分在中位情形下达到目标值的 45%"),
    ("lower_bound", dict(probability=0.42, median=9000.0, threshold=10000.0),
     "at least 0.42 (the model counts part of what the target counts)",
     "至少 0.42(模型只计目标口径的一部分)"),
    ("upper_bound", dict(probability=0.9, p_bracket=0.3),
     "at most 0.90 (the model counts more than the target does); at least 0.30 with the "
     "observed share", "至多 0.90(模型所计范围大于目标口径);按观测占比折算至少 0.30"),
    ("upper_bound", dict(probability=0.9, p_bracket=0.0),  # "at least 0" is not printed
     "at most 0.90 (the model counts more than the target does)",
     "至多 0.90(模型所计范围大于目标口径)"),
    # a bound that a drawn input moves beyond the rule: its range, with the input
    ("lower_bound", dict(probability=0.34, prior_sensitive=True, p_curve_min=0.05,
                         p_curve_max=0.68, drivers="Approval stringency"),
     "at least 0.05–0.68 over National HTE approval (multiplier) (the model counts part of "
     "what the target counts)",
     "至少 0.05–0.68,随国家高企认定宽严(倍数)(模型只计目标口径的一部分)"),
    ("prior_driven", dict(probability=0.63, prior_sensitive=True, p_curve_min=0.37,
                          p_curve_max=0.83, drivers="Marginal firm RD elasticity"),
     "0.37–0.83 over Marginal firm RD elasticity", "0.37–0.83 随边际企业研发弹性"),
    # a nowcast reads as its forecast status
    ("awaiting_data", dict(probability=0.63, forecast_status="prior_driven", p_curve_min=0.37,
                           p_curve_max=0.83, drivers="Government RD ratio"),
     "0.37–0.83 over Government RD ratio", "0.37–0.83 随政府研发投入比率"),
])
def test_bound_and_range_wording_on_a_table_of_cases(status, values, en, zh):
    from types import SimpleNamespace

    row = SimpleNamespace(**{"status": status, "forecast_status": status, "p_about": np.nan,
                             "p_bracket": np.nan, "p_curve_min": np.nan, "p_curve_max": np.nan,
                             "drivers": None, "median": np.nan, "threshold": np.nan,
                             "prior_sensitive": False, **values})
    assert probability_text(row, "en") == en and probability_text(row, "zh") == zh
    assert "≥ 0.00" not in en + zh
    # the short form beside a chart's marker: the same numbers without the reason
    short = probability_text(row, "zh", short=True)
    assert short.startswith(zh[:2]) and len(short) < len(zh) and "(" not in short
