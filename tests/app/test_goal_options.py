"""What the app's goal seeking offers (:mod:`suzhou_sim.app.goal_options`): open periods
only, the targets they can move, the driver values of a range target, the conditioned
scenario."""

from __future__ import annotations

import pytest

from suzhou_sim.app import goal_options
from suzhou_sim.app.goal_options import (
    GOAL_MIN,
    assumption_key,
    closed_periods,
    conditioned,
    default_period,
    driver_choices,
    goal_periods,
    goal_targets,
    target_periods,
)
from suzhou_sim.catalogues.observations import data_vintage
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.catalogues.timeline import PERIOD_YEARS, PERIODS
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.studies.driven import driver_settings, is_range
from suzhou_sim.studies.goal_seek import check_seek_period, seek_periods


def test_only_periods_not_begun_by_the_data_vintage_are_offered():
    year = data_vintage("suzhou").year
    open_, closed = goal_periods("suzhou"), closed_periods("suzhou")
    assert closed + open_ == list(PERIODS)  # the closed ones first, each list in order
    assert all(PERIOD_YEARS[p][0] > year + 1 for p in open_)
    assert all(PERIOD_YEARS[p][0] <= year + 1 for p in closed)
    assert set(open_) | set(closed) == set(PERIODS) and "14th" in closed  # data through 2024


def test_targets_are_those_the_open_periods_can_move():
    start = PERIOD_YEARS[goal_periods("suzhou")[0]][0]
    offered = goal_targets("suzhou")
    ids = {t.target_id for t in offered}
    assert {"SZ-FUTURE-2030", "SZ-FUTURE-2035"} <= ids
    assert all(t.year >= start and (t.has_probability or is_range(t)) for t in offered)
    assert not any(t.year < start for t in offered)
    movable = [t for t in load_targets().values() if t.region == "suzhou" and t.year >= start
               and (t.has_probability or is_range(t))]
    assert ids == {t.target_id for t in movable}


def test_the_default_period_is_the_open_one_holding_the_target_year():
    targets = load_targets()
    assert default_period(targets["SZ-FUTURE-2030"]) == "15th"
    assert default_period(targets["SZ-FUTURE-2035"]) == "16th"
    assert target_periods(targets["SZ-FUTURE-2035"]) == ["15th", "16th"]
    assert target_periods(targets["SZ-FUTURE-2030"]) == ["15th"]  # the 16th acts after 2030
    with pytest.raises(ValueError, match="SZ-HTE-2025"):  # no open period acts by 2025
        default_period(targets["SZ-HTE-2025"])


def test_the_periods_offered_are_those_the_command_line_accepts():
    """One rule: every offered target's periods are ``seek_periods``' and pass
    ``check_seek_period``; every other period is refused by it."""
    for target in goal_targets("suzhou"):
        offered = target_periods(target)
        assert offered == seek_periods(target) and offered
        for period in PERIODS:
            if period in offered:
                check_seek_period(target.target_id, period)
            else:
                with pytest.raises(InputError):
                    check_seek_period(target.target_id, period)


def test_goal_options_follow_the_goal_seek_rule(monkeypatch):
    # the app restates no rule of its own: with seek_periods changed, the offer changes too
    targets = load_targets()
    monkeypatch.setattr(goal_options, "seek_periods",
                        lambda t: ["15th"] if t.target_id == "SZ-FUTURE-2035" else [])
    assert [t.target_id for t in goal_targets("suzhou")] == ["SZ-FUTURE-2035"]
    assert default_period(targets["SZ-FUTURE-2035"]) == "15th"


def test_driver_choices_are_low_central_high_and_the_scoreboard_value():
    [driver] = load_targets()["SZ-FUTURE-2030"].drivers
    low, central, high = driver_settings(driver, "suzhou")
    assert driver_choices(driver, "suzhou") == [low, central, high]
    inside = (low + central) / 2
    assert driver_choices(driver, "suzhou", inside) == [low, inside, central, high]
    assert driver_choices(driver, "suzhou", high * 10) == [low, central, high]  # outside
    assert 0 < GOAL_MIN <= 0.05


def test_conditioned_fixes_the_driver_as_an_assumption():
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    [driver] = load_targets()["SZ-FUTURE-2030"].drivers
    key = assumption_key(driver.constant)
    assert key == "future_industry_base_2023"
    fixed = conditioned(base, {driver.constant: 1500.0})
    setting = fixed.assumptions[key]
    assert setting.low == setting.high == setting.default == pytest.approx(1500.0)
    assert key not in base.assumptions  # a copy
    with pytest.raises(InputError):
        conditioned(base, {driver.constant: -1.0})
    with pytest.raises(KeyError):
        conditioned(base, {"Not an assumption": 1.0})
