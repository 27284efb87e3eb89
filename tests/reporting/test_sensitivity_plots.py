"""Charts of sensitivity indices (``reporting/sensitivity_plots.py``): the factors that matter
most first, at most the asked number of bars, one PNG per target and the heat map."""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.reporting.sensitivity_plots import (
    HEATMAP_FILE,
    bar_chart,
    chart_file,
    heatmap,
    write_sensitivity_plots,
)
from suzhou_sim.studies import sensitivity as sa

PNG = b"\x89PNG\r\n\x1a\n"


def _sobol(target_ids: tuple[str, ...] = ("SZ-HTE-2025", "SZ-TEAMS-2025")) -> pd.DataFrame:
    """Sobol indices of 8 factors: ``f0`` matters most for every target, ``f7`` least."""
    rows = [("sobol", tid, "margin", f"f{i}", "assumption" if i % 2 else "calibrated", "",
             0.8 / (i + 1), 0.01, 0.9 / (i + 1), 0.02)
            for tid in target_ids for i in range(8)]
    return pd.DataFrame(rows, columns=sa.SOBOL_COLUMNS)


def _labels(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels()]


def test_the_heat_map_puts_the_most_influential_factors_first():
    ax = heatmap(_sobol(), max_rows=3).axes[0]
    assert _labels(ax.yaxis) == ["f0", "f1", "f2"]
    assert _labels(ax.xaxis) == ["SZ-HTE-2025", "SZ-TEAMS-2025"]


def test_a_bar_chart_shows_at_most_max_bars_factors_most_influential_first():
    ax = bar_chart(_sobol(), "SZ-HTE-2025", max_bars=4).axes[0]
    labels = [x for x in _labels(ax.yaxis) if x]
    assert len(labels) == 4 and any("f0" in x for x in labels)
    assert not any("f7" in x for x in labels)


def test_indices_of_two_methods_are_refused():
    mixed = _sobol()
    mixed.loc[0, "method"] = "morris"
    with pytest.raises(ValueError, match="one method"):
        heatmap(mixed)


def test_one_png_per_target_and_the_heat_map_are_written(tmp_path):
    files = write_sensitivity_plots(_sobol(), tmp_path)
    assert files == {"SZ-HTE-2025": chart_file("SZ-HTE-2025"),
                     "SZ-TEAMS-2025": chart_file("SZ-TEAMS-2025"), "heatmap": HEATMAP_FILE}
    for name in files.values():
        assert (tmp_path / name).read_bytes().startswith(PNG)
