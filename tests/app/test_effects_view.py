"""The app's "what each lever buys" view and the levers named beside each probability change."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.catalogues.scenarios import load_levers
from suzhou_sim.paths import REPO_ROOT
from suzhou_sim.reporting.effects_report import text
from tests.app.apptest import html_table, lever, open_page


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def test_effects_view_shows_the_table_for_the_current_settings(app):
    open_page(app, "effects")
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert text("effect", "zh") in table.columns and text("cost", "zh") in table.columns
    levers = load_levers()
    assert levers["special_fund"].label("zh") in set(table[text("lever", "zh")])
    assert any(text("evidence", "zh") in s.value for s in app.subheader)
    # the money step is Suzhou's own: a share of its fund, said in the view
    assert any(text("money_rule_share_app", "zh", pct=0.1) in c.value for c in app.caption)
    # no command-line option in the app's own text
    assert not any("--" in c.value for c in app.caption)
    step = table.loc[table[text("lever", "zh")] == levers["special_fund"].label("zh"),
                     text("step", "zh")]
    assert step.str.contains("本地区专项资金200亿元的10%").all()


def test_scoreboard_names_the_levers_behind_a_change(app):
    lever(app, "special_fund", "14th").set_value(400).run()
    lever(app, "talent_weight", "14th").set_value(0.45).run()
    assert not app.exception, app.exception
    assert any(text("attribution_how", "zh") in c.value for c in app.caption)
    header, *rows = html_table(app, "attribution")
    causes = [row[header.index(text("attr_causes", "zh"))] for row in rows]
    named = {k for k, lv in load_levers().items()
             if any(lv.label("zh") in cause for cause in causes)}
    assert named == {"special_fund", "talent_weight"}


