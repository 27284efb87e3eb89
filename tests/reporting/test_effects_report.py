"""The wording of the lever effects (``reporting/effects_report.py``): every phrase in both
languages, plan periods with their years, the money rule, targets in order."""

from __future__ import annotations

import pandas as pd

from suzhou_sim.catalogues.timeline import PERIOD_NAMES, PERIOD_YEARS
from suzhou_sim.reporting.effects_report import (
    TEXT,
    chart_file,
    money_rule,
    period_name,
    target_ids,
    text,
)


def test_every_phrase_has_both_languages():
    assert all(set(v) == {"zh", "en"} and all(v.values()) for v in TEXT.values())


def test_a_plan_period_is_named_with_its_years_in_each_language():
    first, last = PERIOD_YEARS["15th"]
    zh, en = PERIOD_NAMES["15th"]
    assert period_name("15th", "zh") == f"{zh} {first}–{last}"
    assert period_name("15th", "en").startswith(en)
    assert period_name("15th", "en").endswith(f" {first}–{last}")


def test_the_money_rule_is_in_one_language_or_in_both():
    both = money_rule(float("nan"), 0.1)
    assert both == f"{money_rule(float('nan'), 0.1, 'en')} · {money_rule(float('nan'), 0.1, 'zh')}"
    assert money_rule(50.0, 0.1, "en") == text("money_rule_fixed", "en", money=50.0)
    assert money_rule(float("nan"), 0.1, "en", command_line=False) == text(
        "money_rule_share_app", "en", pct=0.1)


def test_targets_come_in_order_without_benchmark_rows_and_name_their_chart():
    table = pd.DataFrame({"target_id": ["B", None, "A", "B", ""]})
    assert target_ids(table) == ["B", "A"]
    assert chart_file("SZ-HTE-2025") == "effects_SZ-HTE-2025.png"
