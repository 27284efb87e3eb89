"""The goal-seeking page (``app/pages/goal.py``) through AppTest: only open periods and the
targets they move, conditional answers for range and prior-driven targets, an applied answer
that is not out of date."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.text import period_label, tr
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from tests.app.apptest import (
    lever,
    needs_suzhou,
    open_page,
)


@needs_suzhou
def test_goal_seek_offers_only_open_periods_and_the_targets_they_move(app):
    # a closed period kept in the session (an earlier version's default) is replaced
    app.session_state["goal.period"] = "14th"
    open_page(app, "goal")
    assert not app.exception, app.exception
    periods = app.selectbox(key="goal.period")
    chosen = load_targets()[app.session_state["goal.target.suzhou"]]
    # open periods whose levers act by the target year: the ones the command line accepts
    assert periods.options == [period_label(p, "zh") for p in ("15th", "16th")
                               if PERIOD_YEARS[p][0] <= chosen.year]
    # the 14th plan's one remaining year (2025) began with the data vintage: said so
    assert any(period_label("14th", "zh") in c.value and "已开始" in c.value
               for c in app.caption)
    years = {load_targets()[o.rsplit("(", 1)[1].rstrip(")")].year
             for o in app.selectbox(key="goal.target.suzhou").options}
    assert years and min(years) >= 2026, years
    assert app.session_state["goal.period"] == "15th"
    slider = app.slider(key="goal.p")
    assert slider.min == pytest.approx(0.05) and slider.value == pytest.approx(0.8)


@needs_suzhou
def test_goal_seek_for_a_2030_target_offers_no_period_acting_after_2030(app):
    open_page(app, "goal")
    app.selectbox(key="goal.target.suzhou").set_value("SZ-FUTURE-2035").run()
    assert period_label("16th", "zh") in app.selectbox(key="goal.period").options
    app.selectbox(key="goal.target.suzhou").set_value("SZ-FUTURE-2030").run()
    assert not app.exception, app.exception
    # the 16th plan's levers act from 2031, after the target year: not offered (the CLI
    # refuses it), and the period is the 15th
    assert app.selectbox(key="goal.period").options == [period_label("15th", "zh")]
    assert app.session_state["goal.period"] == "15th"


@needs_suzhou
def test_goal_seek_on_a_2030_range_target_is_conditional_on_the_fixed_driver(app):
    _seek_future_2030(app)
    result = app.session_state["goal.result"][1][0]
    assert result.target_id == "SZ-FUTURE-2030" and result.period == "15th"
    assert result.status == "found", result.status
    assert result.condition == "Future industry base 2023"
    assert result.condition_setting == "fixed" and result.condition_value == pytest.approx(1200)
    assert result.achieved >= 0.5 > result.baseline_probability
    text = app.success[0].value
    assert text.startswith("条件概率:在") and "1,200" in text, text
    # fixing the driver higher answers another conditional question: P rises, less is needed
    driver = app.select_slider(key="goal.fix.suzhou.Future industry base 2023")
    assert len(driver.options) >= 3  # low, central, high
    driver.set_value(2500.0).run()
    assert tr("gs_stale", "zh") in [c.value for c in app.caption]
    app.button(key="run_goal_seek").click().run()
    high = app.session_state["goal.result"][1][0]
    assert high.status == "already_met" and high.condition_value == pytest.approx(2500)
    assert app.info and app.info[0].value.startswith("条件概率:")


@needs_suzhou
@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ("取决于先验:在按", ("最低", "中间", "最高"))),
    ("en", ("Prior-driven: among the ", ("lowest", "middle", "highest"))),
])
def test_goal_seek_on_a_prior_driven_target_answers_each_band(app, monkeypatch, lang, words):
    """A prior-driven target has one answer per band of its driving input, each labelled as
    conditional on its band (the command line's goal-seek answers the same way)."""
    import dataclasses

    from suzhou_sim.studies import goal_seek as gs

    def per_band(scenario, target, lever, period, probability, **kw):
        one = gs.GoalSeekResult(
            target_id=target, lever_key=lever, period=period, goal=probability,
            status="found", value=120.0, achieved=probability, probability_at_min=0.1,
            probability_at_max=0.9, baseline_value=100.0, baseline_probability=0.4,
            lower=0.0, upper=1000.0, evaluations=5, confirmed=True)
        return [dataclasses.replace(one, band=True, condition="Marginal firm RD elasticity",
                                    condition_setting=b, condition_value=v)
                for b, v in (("low", 0.6), ("mid", 0.85), ("high", 1.1))]

    monkeypatch.setattr(gs, "goal_seek_all", per_band)
    app.session_state[S.K_LANG] = lang
    app.run()
    _seek_future_2030(app, probability=0.37 if lang == "zh" else 0.38)  # uncached requests
    texts = [m.value for m in app.success]
    assert len(texts) == 3 and all(t.startswith(words[0]) for t in texts), texts
    for text, fifth in zip(texts, words[1], strict=True):
        assert fifth in text, text
    assert tr("gs_band_intro", lang) in [c.value for c in app.caption]
    assert len([b for b in app.button if b.label == tr("gs_apply", lang)]) == 3


@needs_suzhou
def test_goal_seek_conditional_label_in_english(app):
    app.session_state[S.K_LANG] = "en"
    app.run()
    _seek_future_2030(app)
    text = app.success[0].value
    assert text.startswith("Conditional probability: given ") and "1,200" in text, text


@needs_suzhou
def test_applied_goal_seeking_answer_is_not_out_of_date(app):
    _seek_future_2030(app)
    result = app.session_state["goal.result"][1][0]
    assert result.status == "found", result.status
    apply = next(b for b in app.button if b.label == tr("gs_apply", "zh"))
    apply.click().run()
    assert not app.exception, app.exception
    assert app.session_state[S.lever_widget_key("special_fund", "15th")] == pytest.approx(
        result.value)
    # the whole page was redrawn: the sidebar's slider shows the applied value
    assert app.radio, "applying the answer redrew only the results"
    assert lever(app, "special_fund", "15th").value == pytest.approx(result.value)
    assert tr("gs_stale", "zh") not in [c.value for c in app.caption]


def _seek_future_2030(app: AppTest, probability: float = 0.5) -> None:
    """Seek the 15th-plan special fund reaching SZ-FUTURE-2030 with its driver (the 2023
    future-industry base) at its central value: about 0.42 at no fund, 0.53 at the top."""
    open_page(app, "goal")
    app.session_state["goal.target.suzhou"] = "SZ-FUTURE-2030"
    app.session_state["goal.lever"] = "special_fund"
    app.session_state["goal.p"] = probability
    app.run()
    app.button(key="run_goal_seek").click().run()
    assert not app.exception, app.exception
