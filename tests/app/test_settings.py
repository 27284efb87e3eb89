"""The app's one settings value (``app.settings.Settings``): its key and the URL round trip."""

from __future__ import annotations

import random

import pytest

from suzhou_sim.app import state as S
from suzhou_sim.app.settings import Settings
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    load_assumptions,
    load_levers,
    scenario_to_yaml,
)

VIEWS = ("scoreboard", "charts", "goal")


def _state() -> dict:
    state: dict = {}
    S.init_state(state)
    return state


def _edited() -> dict:
    """Settings a planner changed: a lever in two periods, an assumption, draws, seed,
    language and view."""
    state = _state()
    S.set_lever(state, "special_fund", PERIODS[0], 333.0)
    S.set_lever(state, "special_fund", PERIODS[-1], 150.0)
    key = next(iter(load_assumptions()))
    low, high = state[S.assumption_range_key(key)]
    state[S.assumption_default_key(key)] = low + (high - low) / 4
    state[S.K_DRAWS], state[S.K_SEED] = 700, 11
    state[S.K_LANG], state[S.K_VIEW] = "en", "charts"
    return state


@pytest.mark.parametrize("make", [_state, _edited])
def test_settings_key_is_stable_across_the_url_round_trip(make):
    settings = Settings.from_state(make())
    back, problems = Settings.from_query(settings.to_query(), VIEWS)
    assert problems == []
    assert back.key == settings.key
    assert hash(back.key) == hash(settings.key)
    assert back.to_query() == settings.to_query()


def test_settings_key_does_not_depend_on_the_order_of_parameters_or_state_keys():
    query = Settings.from_state(_edited()).to_query()
    items = list(query.items())
    keys = set()
    for seed in range(5):
        random.Random(seed).shuffle(items)
        keys.add(Settings.from_query(dict(items), VIEWS)[0].key)
    assert len(keys) == 1
    state = _edited()
    shuffled = list(state.items())
    random.Random(1).shuffle(shuffled)
    assert Settings.from_state(dict(shuffled)).key == Settings.from_state(state).key


def test_settings_key_changes_with_every_kind_of_setting():
    base = Settings.from_state(_state()).key
    for change in (lambda s: S.set_lever(s, "special_fund", PERIODS[1], 400.0),
                   lambda s: s.update({S.K_DRAWS: 900}),
                   lambda s: s.update({S.K_SEED: 5}),
                   lambda s: s.update({S.K_LANG: "en"}),
                   lambda s: s.update({S.K_VIEW: "goal"})):
        state = _state()
        change(state)
        assert Settings.from_state(state).key != base


def test_settings_hold_every_lever_and_assumption_and_go_back_into_a_state():
    settings = Settings.from_state(_edited())
    assert len(settings.levers) == len(load_levers()) * len(PERIODS)
    assert len(settings.assumptions) == len(load_assumptions())
    state: dict = {}
    settings.into_state(state)
    assert state[S.lever_widget_key("special_fund", PERIODS[0])] == 333.0
    assert Settings.from_state(state) == settings


def test_a_saved_scenario_travels_in_the_url_with_the_same_key():
    # a session's saved scenario is carried by the link (its record: title, id, settings)
    state = _edited()
    state[S.K_SAVED] = {"我的方案": scenario_to_yaml(S.scenario_from_state(state))}
    state[S.K_SAVED_IDS] = {"我的方案": "3f9a1c2e"}
    settings = Settings.from_state(state)
    back, problems = Settings.from_query(settings.to_query(), VIEWS)
    assert problems == []
    assert back.key == settings.key
    assert dict(back.saved_ids) == {"我的方案": "3f9a1c2e"}


def test_a_bad_url_parameter_is_reported_and_the_rest_used():
    settings, problems = Settings.from_query(
        {"region": "suzhou", "draws": "abc", "seed": "9", "view": "nowhere"}, VIEWS)
    assert settings.seed == 9
    assert [p.split(":")[0].split("=")[0] for p in problems] == ["view", "draws"]
