"""Fan charts (``reporting/plots.py``): the years worth drawing, the history of one series, the
file names and the PNG bytes (the charts ``run`` writes: ``tests/cli/test_scenarios.py``)."""

from __future__ import annotations

import pandas as pd

from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.paths import OBSERVED_FILE
from suzhou_sim.reporting.plots import (
    chart_figure,
    chart_file,
    chart_png,
    drawn_series,
    observed_points,
)

PNG = b"\x89PNG\r\n\x1a\n"


def test_leading_years_of_a_band_that_does_not_move_are_left_out_but_the_last():
    rows = pd.DataFrame({"year": [2025, 2023, 2024, 2022, 2026],
                         "p10": [2.0, 1.0, 1.0, 1.0, 3.0], "p50": [2.5, 1.0, 1.0, 1.0, 3.5],
                         "p90": [3.0, 1.0, 1.0, 1.0, 4.0]})
    assert drawn_series(rows)["year"].tolist() == [2024, 2025, 2026]
    moving = rows.assign(p50=[2.5, 1.5, 1.0, 0.5, 3.5])
    assert drawn_series(moving)["year"].tolist() == [2022, 2023, 2024, 2025, 2026]


def test_observed_points_are_the_history_of_one_series():
    obs = load_observations(OBSERVED_FILE, include_unverified=True)
    region, indicator = obs.iloc[0]["region"], obs.iloc[0]["indicator"]
    points = observed_points(region, indicator)
    mine = obs[(obs["region"] == region) & (obs["indicator"] == indicator)]
    assert list(points.columns) == ["year", "value", "bound", "quality"]
    assert sorted(points["year"]) == sorted(mine["year"]) and len(points) == len(mine)
    none = observed_points(region, "no_such_indicator")
    assert none.empty and list(none.columns) == ["year", "value", "bound", "quality"]


def test_a_chart_is_named_by_its_indicator_and_saved_as_png():
    assert chart_file("rd_intensity") == "fan_rd_intensity.png"
    assert chart_png(chart_figure()).startswith(PNG)
