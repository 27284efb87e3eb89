"""Each page of the app (``app/pages/`` and the effects and portfolio views) drawn through
AppTest: reached through the view selector and the URL's ``view`` parameter, it draws its
own controls and nothing fails."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from tests.app.apptest import APP, needs_suzhou, open_page


def _has_key(at: AppTest, key: str) -> bool:
    for kind in ("button", "selectbox", "multiselect", "slider", "segmented_control"):
        for widget in getattr(at, kind):
            if getattr(widget, "key", None) == key:
                return True
    return False


#: A control or element only the page draws.
PAGES = {
    "scoreboard": lambda at: any('id="scoreboard"' in h.value for h in at.html),
    "charts": lambda at: _has_key(at, "charts.suzhou"),
    "compare": lambda at: _has_key(at, "run_compare"),
    "goal": lambda at: _has_key(at, "run_goal_seek"),
    "effects": lambda at: _has_key(at, "effects.target"),
    "portfolio": lambda at: _has_key(at, "pf.run"),
    "about": lambda at: _has_key(at, "about.part"),
}


@needs_suzhou
@pytest.mark.parametrize("view", list(PAGES))
def test_each_page_draws_its_own_controls(view):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert PAGES["scoreboard"](at)  # the first page
    open_page(at, view)
    assert not at.exception, at.exception
    assert PAGES[view](at), view
    others = [v for v in PAGES if v != view and v != "scoreboard"]
    assert not any(PAGES[v](at) for v in others), view  # one page at a time


@needs_suzhou
@pytest.mark.parametrize("view", ["goal", "about"])
def test_a_link_opens_its_page(view):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["view"] = view
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[S.K_VIEW] == view and PAGES[view](at)


