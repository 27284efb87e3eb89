"""Targets whose year has passed: met / missed / undetermined / awaiting data, by cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from suzhou_sim.catalogues.judging import best_figure, judge

TODAY = dt.date(2026, 12, 3)


def _rows(*rows):
    return pd.DataFrame(
        [{"year": y, "value": v, "bound": b, "quality": q, "source_url": f"u{y}"}
         for y, v, b, q in rows],
        columns=["year", "value", "bound", "quality", "source_url"])


CASES = [
    # (name, measure, year, level, rows, vintage, from_year, base_year, status, value)
    ("exact above", "level", 2024, 100, [(2024, 120, "exact", "reported")], 2024, None, None,
     "met", 120),
    ("exact below", "level", 2024, 100, [(2024, 90, "exact", "reported")], 2024, None, None,
     "missed", 90),
    ("exact equal meets", "level", 2024, 100, [(2024, 100, "approx", "reported")], 2024, None,
     None, "met", 100),
    ("lower bound above", "level", 2024, 100, [(2024, 110, "lower", "reported")], 2024, None,
     None, "met", 110),
    ("lower bound below", "level", 2024, 100, [(2024, 90, "lower", "reported")], 2024, None,
     None, "undetermined", 90),
    ("upper bound below", "level", 2024, 100, [(2024, 95, "upper", "reported")], 2024, None,
     None, "missed", 95),
    ("upper bound above", "level", 2024, 100, [(2024, 105, "upper", "reported")], 2024, None,
     None, "undetermined", 105),
    ("point beats bound", "level", 2024, 100,
     [(2024, 90, "exact", "reported"), (2024, 110, "lower", "reported")], 2024, None, None,
     "missed", 90),
    ("reported beats preliminary", "level", 2024, 100,
     [(2024, 90, "approx", "preliminary"), (2024, 101, "approx", "reported")], 2024, None,
     None, "met", 101),
    ("unverified never judges", "level", 2024, 100, [(2024, 120, "exact", "unverified")], 2024,
     None, None, "awaiting_data", None),
    ("covered year without figure", "level", 2023, 100, [(2024, 120, "exact", "reported")],
     2024, None, None, "awaiting_data", None),
    ("year passed, not covered", "level", 2025, 100, [(2024, 120, "exact", "reported")], 2024,
     None, None, "awaiting_data", None),
    ("every year: one year short", "annual", 2024, 100,
     [(2022, 120, "exact", "reported"), (2023, 90, "exact", "reported"),
      (2024, 130, "exact", "reported")], 2024, 2022, None, "missed", 90),
    ("every year: all met", "annual", 2024, 100,
     [(2022, 120, "exact", "reported"), (2023, 110, "exact", "reported"),
      (2024, 130, "exact", "reported")], 2024, 2022, None, "met", 110),
    ("every year: a year missing", "annual", 2024, 100,
     [(2022, 120, "exact", "reported"), (2024, 130, "exact", "reported")], 2024, 2022, None,
     "awaiting_data", None),
    ("cumulative sum met", "cumulative", 2024, 100,
     [(2023, 60, "exact", "reported"), (2024, 50, "exact", "reported")], 2024, None, 2023,
     "met", 110),
    ("cumulative with a bound waits", "cumulative", 2024, 100,
     [(2023, 60, "lower", "reported"), (2024, 50, "exact", "reported")], 2024, None, 2023,
     "awaiting_data", None),
]


@pytest.mark.parametrize(
    ("measure", "year", "level", "rows", "vintage", "from_year", "base_year", "status", "value"),
    [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_judgement_table(measure, year, level, rows, vintage, from_year, base_year, status,
                         value):
    got = judge(measure=measure, year=year, level=level, rows=_rows(*rows), vintage=vintage,
                today=TODAY, from_year=from_year, base_year=base_year)
    assert got.status == status
    assert got.value == value


@pytest.mark.parametrize("year", [2026, 2030])
def test_a_year_that_has_not_ended_is_a_forecast(year):
    rows = _rows((2024, 1e9, "exact", "reported"))
    assert judge(measure="level", year=year, level=1, rows=rows, vintage=2024,
                 today=TODAY) is None


def test_best_figure_none_without_rows():
    assert best_figure(_rows(), 2024) is None
