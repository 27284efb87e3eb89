"""The headline's numbers (reporting/headline.py) on hand-made scoreboards (its wording:
``test_headline_text.py``)."""

from __future__ import annotations

import math

import pytest

from suzhou_sim.reporting.headline import (
    AT_RISK,
    conditional_probability,
    driver_values,
    headline,
    headline_indicator,
)
from tests.reporting.scoreboards import BOARD, CURVES, NAN, scoreboard


@pytest.mark.parametrize("year, field, expected", [
    (2025, "in_scope", 5), (2025, "outside", 1), (2025, "with_probability", 4),
    (2025, "likely", 2), (2025, "already_met", 1), (2025, "set_by_lever", 1),
    (2025, "n_at_risk", 2), (2025, "n_ranges", 0),
    (2030, "in_scope", 1), (2030, "with_probability", 0), (2030, "n_ranges", 1),
])
def test_counts_per_target_year(year, field, expected):
    h = headline(BOARD, CURVES)
    by_year = {y.year: y for y in h.years}
    assert getattr(by_year[year], field) == expected


def test_at_risk_lowest_first_and_ranges_with_their_driver():
    h = headline(BOARD, CURVES)
    first, second = h.years
    assert [t.target_id for t in first.at_risk] == ["A4", "A2"]
    assert all(t.probability < AT_RISK for t in first.at_risk)
    (ranged,) = second.ranges
    assert (ranged.low, ranged.high, ranged.drivers) == (0.1, 0.9, (("基数", "Base"),))
    assert math.isnan(ranged.probability) and ranged.fixed is None


def test_fixing_the_driver_gives_the_curves_conditional_probability():
    assert conditional_probability(CURVES, "D1", {"Base": 1000.0}) == ("Base", 1000.0, 0.4)
    assert conditional_probability(CURVES, "D1", {"Base": 1400.0})[2] == 0.9  # nearest point
    assert conditional_probability(CURVES, "D1", {"Other": 1.0}) is None
    (ranged,) = headline(BOARD, CURVES, fixed={"Base": 1000.0}).years[1].ranges
    assert ranged.probability == 0.4 and ranged.fixed == ("基数", "Base", 1000.0,
                                                           "100m_yuan/year")
    assert driver_values(CURVES) == {"Base": ("基数", "Base", "100m_yuan/year",
                                              [500.0, 1000.0, 1500.0])}


def test_moves_against_the_baseline():
    base = BOARD.assign(probability=BOARD["probability"].where(BOARD["target_id"] != "A2", 0.5))
    h = headline(BOARD, CURVES, baseline=base)
    assert (h.years[0].up, h.years[0].down) == (0, 1)
    assert headline(BOARD, CURVES).years[0].up is None  # no baseline: no moves


def test_headline_indicator_spans_the_most_target_years():
    board = scoreboard([("X1", 2025, "assessable", 0.5, NAN, NAN, True),
                      ("X2", 2025, "assessable", 0.5, NAN, NAN, True),
                      ("Y1", 2030, "assumption_driven", NAN, 0, 1, True),
                      ("Y2", 2035, "assumption_driven", NAN, 0, 1, True)])
    assert headline_indicator(board, ["ind_X", "ind_Y"]) == "ind_Y"
    assert headline_indicator(board, ["ind_X"]) == "ind_X"
    assert headline_indicator(board, []) is None


