"""What the current settings give (``app/live.py``), without a browser: one ``Live`` per
settings kept in the session, a lever step makes a new one naming the change, bad settings
are an error message instead of a run."""

from __future__ import annotations

import pytest

from suzhou_sim.app import state as S
from suzhou_sim.app.live import fix_key, fixed_drivers, live_settings
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.paths import SCENARIOS_DIR
from tests.app.apptest import needs_suzhou

FUND = S.lever_widget_key("special_fund", "15th")


@pytest.fixture
def state() -> dict:
    """A session on Suzhou's baseline with few draws."""
    state: dict = {}
    S.init_state(state)
    S.load_into_state(load_scenario(SCENARIOS_DIR / "baseline.yaml"), state, "x")
    state[S.K_DRAWS] = 50
    return state


@needs_suzhou
def test_the_same_settings_give_the_same_live_kept_in_the_session(state):
    live = live_settings(state, "en")
    assert live.messages == () and live.changes == () and live.outcome is not None
    assert live.current is not None and live.posterior is not None
    assert live_settings(state, "en") is live


@needs_suzhou
def test_a_lever_step_gives_a_new_live_that_names_the_change(state):
    live = live_settings(state, "en")
    state[FUND] = state[FUND] + 10
    stepped = live_settings(state, "en")
    assert stepped is not live and stepped.outcome is not None
    assert [(c.kind, c.key, c.period, c.new - c.old) for c in stepped.changes] == [
        ("lever", "special_fund", "15th", 10)]


def test_bad_settings_are_an_error_message_and_no_run(state):
    state[FUND] = float("nan")  # a widget value no scenario file may hold
    live = live_settings(state, "en")
    assert live.current is None and live.outcome is None
    assert [kind for kind, _ in live.messages] == ["error"]


@needs_suzhou
def test_no_driver_is_fixed_before_the_curves_are_in(state):
    outcome = live_settings(state, "en").outcome
    assert fix_key("suzhou", "Future industry base 2023") == "fix.suzhou.Future industry base 2023"
    if not outcome.result.curves_done:
        assert fixed_drivers(state, outcome) == ()
