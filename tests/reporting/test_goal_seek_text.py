"""The command line's sentences for a goal-seeking answer (``reporting/goal_seek_text.py``), on
hand-made answers: found, not enough, already met, not monotone, a late lever, a condition."""

from __future__ import annotations

import dataclasses

from suzhou_sim.catalogues.scenarios import load_levers
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.reporting.goal_seek_text import condition_text, goal_seek_message
from suzhou_sim.studies.goal_seek import GoalSeekResult

FOUND = GoalSeekResult(
    target_id="SZ-HTE-2025", lever_key="special_fund", period="14th", goal=0.8, status="found",
    value=300.0, achieved=0.82, probability_at_min=0.1, probability_at_max=0.95,
    baseline_value=200.0, baseline_probability=0.4, lower=0.0, upper=500.0, evaluations=7,
    confirmed=True, search_probability=0.81)


def test_a_found_value_names_the_lever_the_value_and_the_probabilities():
    text = goal_seek_message(FOUND)
    label = load_levers()["special_fund"].label_en
    first, last = PERIOD_YEARS["14th"]
    assert text.startswith(f"Setting {label} (14th plan, {first}-{last}) to 300 ")
    assert "reaches SZ-HTE-2025 with probability 0.81 >= 0.80" in text
    assert "gives 0.40)." in text and "Caution" not in text and "Note:" not in text


def test_not_enough_and_already_met_say_so_plainly():
    short = goal_seek_message(dataclasses.replace(FOUND, status="not_enough", value=None))
    assert short.startswith("Not enough: even the top of the allowed range")
    assert "probability only 0.95 < 0.80" in short and "cannot reach the target" in short
    met = goal_seek_message(dataclasses.replace(FOUND, status="already_met", value=0.0))
    assert "already reached with probability 0.10 >= 0.80 at the bottom" in met
    assert "does not need this lever" in met


def test_warnings_for_a_non_monotone_answer_a_weak_re_run_and_a_late_lever():
    bumpy = goal_seek_message(dataclasses.replace(FOUND, smaller_reaching=[250.0, 100.0]))
    assert "not monotone" in bumpy and "the smaller value 100 " in bumpy
    weak = goal_seek_message(dataclasses.replace(FOUND, achieved=0.7))
    assert "The confirming re-run gives only 0.70" in weak
    late = goal_seek_message(dataclasses.replace(FOUND, period="15th"))
    first = PERIOD_YEARS["15th"][0]
    assert late.endswith(f"Note: the 15th-plan lever acts from {first}, after the target year "
                         "2025.")


def test_a_condition_comes_first_and_none_gives_no_prefix():
    assert condition_text(FOUND) == ""
    fixed = dataclasses.replace(FOUND, condition="Future industry base 2023",
                                condition_setting="fixed", condition_value=1500.0)
    assert condition_text(fixed).startswith("With ") and "fixed at" in condition_text(fixed)
    assert goal_seek_message(fixed).startswith(condition_text(fixed) + "Setting ")
    low = dataclasses.replace(fixed, condition_setting="low")
    assert "at its low value" in condition_text(low)
    band = dataclasses.replace(fixed, condition_setting="mid", band=True)
    assert condition_text(band).startswith("Prior-driven, among the middle fifth of runs by ")
