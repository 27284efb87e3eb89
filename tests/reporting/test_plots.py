"""Fan charts (``reporting/plots.py``): the years worth drawing, the history of one series, the
file names, the PNG bytes and the texts a chart figure replays (the charts ``run`` writes:
``tests/cli/test_scenarios.py``)."""

from __future__ import annotations

import io
import threading

import numpy as np
import pandas as pd
from PIL import Image

from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.paths import OBSERVED_FILE
from suzhou_sim.reporting.plots import (
    CHART_LOCK,
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


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _draw(fig, title: str, ylabel: str, color: str) -> bytes:
    ax = fig.axes[0]
    for text in [*ax.texts]:
        text.remove()
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.annotate("SZ-1\nP=0.50", (0.5, 0.5), color=color, fontsize=7)
    return chart_png(fig)


def test_texts_drawn_again_at_the_same_place_give_the_same_pixels():
    # the second chart of a figure replays the glyphs of texts the first drew (title,
    # annotation in another colour) and draws its new texts afresh
    shared = chart_figure()
    _draw(shared, "Science-and-technology carrier area", "unit a", "#d62728")
    again = _draw(shared, "Science-and-technology carrier area", "unit b", "#08519c")
    fresh = _draw(chart_figure(), "Science-and-technology carrier area", "unit b", "#08519c")
    assert (_pixels(again) == _pixels(fresh)).all()
    other = _draw(chart_figure(), "Science-and-technology carrier area", "unit b", "#d62728")
    assert (_pixels(other) != _pixels(fresh)).any()  # the colour is the new one


def test_a_chart_waits_while_another_session_draws_under_changed_settings():
    # matplotlib's settings are global: a chart drawn while another thread holds the lock
    # (an app session's Word report changing the font family) waits for it
    done = threading.Event()
    worker = threading.Thread(target=lambda: (chart_png(chart_figure()), done.set()))
    with CHART_LOCK:
        worker.start()
        assert not done.wait(0.5)
    worker.join(60)
    assert done.is_set()
