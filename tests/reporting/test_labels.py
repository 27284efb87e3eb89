"""Shared labels and number formatting: the reports and the app read the same ones."""

from __future__ import annotations

import math

import pytest

from suzhou_sim.app import text
from suzhou_sim.catalogues.scenarios import PERIODS
from suzhou_sim.reporting import labels
from suzhou_sim.reporting.labels import (
    PERIOD_LABELS,
    PERIOD_SHORT,
    fmt_number,
    fmt_points,
    fmt_value,
    period_label,
    unit_label,
)
from suzhou_sim.reporting.warnings_text import zero_split_message


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (1234567.4, 3, "1,234,567"), (1000, 3, "1,000"), (-2500.5, 3, "-2,500"),
    (999.4, 3, "999"), (0.123456, 3, "0.123"), (0.123456, 4, "0.1235"), (12, 3, "12"),
    (None, 3, "–"), (math.nan, 3, "–"),
])
def test_fmt_number(value, digits, expected):
    assert fmt_number(value, digits) == expected


def test_fmt_number_missing_text_is_the_callers():
    assert fmt_number(None, missing="") == "" and fmt_number(math.nan, missing="n/a") == "n/a"


def test_every_plan_period_is_named_in_both_languages():
    assert set(PERIOD_LABELS) == set(PERIOD_SHORT) == set(PERIODS)
    for p in PERIODS:
        for table in (PERIOD_LABELS, PERIOD_SHORT):
            zh, en = table[p]
            assert zh and en and zh != en
        assert period_label(p, "zh", short=True) in period_label(p, "zh")
    assert period_label("15th", "en") == "15th plan 2026-30"
    assert period_label("14th", "zh", short=True) == "十四五"
    assert period_label("16th", "fr") == period_label("16th", "zh")  # Chinese by default
    assert "“十四五”" in zero_split_message(["14th"], "zh")


def test_units_and_points():
    assert unit_label("100m_yuan/year", "zh") == "亿元/年"
    assert unit_label("unknown_unit", "en") == "unknown unit"
    assert fmt_value(54.98, "percent") == "55.0" and fmt_value(60.5, "firms") == "60"
    assert fmt_points(0.032, "en") == "+3.2 pp" and fmt_points(-0.032, "zh") == "-3.2个百分点"
    assert fmt_points(0.0001, "zh") == "±0"


def test_the_app_text_module_re_exports_the_same_functions():
    for name in ("unit_label", "fmt_value", "fmt_quantity", "fmt_probability", "fmt_points",
                 "period_label"):
        assert getattr(text, name) is getattr(labels, name), name
        assert name in text.__all__
