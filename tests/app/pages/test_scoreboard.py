"""The scoreboard page (``app/pages/scoreboard.py``) through AppTest: targets by year, the
numbers first and then the curves, the headline of every target year, a fixed driver's
conditional probability."""

from __future__ import annotations

import re

import pytest
import streamlit as st

from suzhou_sim.app import compute
from suzhou_sim.app import state as S
from suzhou_sim.app.text import fmt_probability, tr
from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.targets import load_targets, targets_for_region
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.app.apptest import (
    html_table,
    lever,
    needs_suzhou,
    scoreboard,
)


@needs_suzhou
def test_scoreboard_by_target_year(app):
    years = html_table(app, "sb-years")
    assert len(years) >= 4  # a header and one summary row per target year
    app.button_group(key="sb_year").set_value("2030").run()
    _, page = scoreboard(app)
    shown = re.findall(r'data-target="([^"]+)"', page)
    ledger = load_targets()
    assert shown and {ledger[t].year for t in shown} == {2030}


@needs_suzhou
def test_scoreboard_shows_the_numbers_first_then_the_curves_of_run_scenario(app, monkeypatch):
    """After a slider change the table comes first (every probability, median and status of
    run_scenario; "computing" where the curves go), then the same table with the curves:
    the whole HTML equals what run_scenario's result (curves included) gives."""
    from suzhou_sim.app.views import (
        Outcome,
        scoreboard_frame,
        scoreboard_html,
        scoreboard_inside_html,
    )

    class CurvesNotReady(Exception):
        pass

    def not_yet(*args, **kwargs):
        raise CurvesNotReady

    st.cache_data.clear()
    compute.clear_stores()
    monkeypatch.setattr(compute, "assumption_curves", not_yet)  # the second step stops here
    lever(app, "special_fund", "14th").set_value(270).run()
    assert app.exception and "CurvesNotReady" in "".join(app.exception[0].stack_trace)
    state = app.session_state
    draws, seed, post = int(state[S.K_DRAWS]), int(state[S.K_SEED]), load_posterior("suzhou")
    _, baseline = S.region_baseline("suzhou")
    scenario = baseline.with_lever("special_fund", "14th", 270)

    def page(curves: bool) -> str:
        res, base = (run_scenario(s, draws=draws, seed=seed, posterior=post, curves=curves)
                     for s in (scenario, baseline))
        frame = scoreboard_frame(Outcome(res, base, None, False), "zh")
        # as st.html shows it; the targets outside scope come after the curves' step
        return (scoreboard_html if curves else scoreboard_inside_html)(frame, "zh").strip()

    probs, first = scoreboard(app)
    assert first == page(curves=False)
    driven = [t.target_id for t in targets_for_region("suzhou") if t.drivers and t.in_scope]
    pending = re.findall(r'data-target="([^"]+)"[^>]*data-curve="pending"', first)
    assert driven and pending == driven
    assert tr("curves_pending", "zh") in first and tr("computing", "zh") in first
    full = run_scenario(scenario, draws=draws, seed=seed, posterior=post)
    assert probs == {t: round(float(p), 4) for t, p, scope in zip(
        full.targets["target_id"], full.targets["probability"], full.targets["in_scope"],
        strict=True) if scope and p == p}  # the numbers are already final

    monkeypatch.undo()  # the curves can be computed now
    app.run()
    assert not app.exception, app.exception
    final = scoreboard(app)[1]
    assert final == page(curves=True)
    assert "data-curve" not in final and tr("curves_pending", "zh") not in final
    for target in driven:  # the curve and the range over the assumption are shown
        row = full.targets.set_index("target_id").loc[target]
        if row["status"] == "assumption_driven":
            assert fmt_probability(row["p_curve_min"]) in final


@needs_suzhou
def test_scoreboard_opens_with_the_headline_for_every_target_year(app):
    assert app.subheader[0].value == tr("headline", "zh")
    head = next(m.value for m in app.markdown if m.value.startswith("- 2025 年:"))
    years = sorted({t.year for t in targets_for_region("suzhou") if t.in_scope})
    assert [line[2:6] for line in head.splitlines()[:len(years)]] == [str(y) for y in years]
    assert "数据截至" in head.splitlines()[-1]
    assert any("数据截至" in m.value for m in app.markdown[:3])  # also in the page's header
    assert app.get("vega_lite_chart")  # the headline chart with its targets
    state = app.session_state
    res = run_scenario(S.region_baseline("suzhou")[1], draws=int(state[S.K_DRAWS]),
                       seed=int(state[S.K_SEED]), posterior=load_posterior("suzhou"))
    row = res.targets.set_index("target_id").loc["SZ-FUTURE-2030"]
    assert f"{fmt_probability(row['p_curve_min'])}–{fmt_probability(row['p_curve_max'])}" in head


@needs_suzhou
def test_fixing_a_driver_shows_one_conditional_probability(app):
    state = app.session_state
    res = run_scenario(S.region_baseline("suzhou")[1], draws=int(state[S.K_DRAWS]),
                       seed=int(state[S.K_SEED]), posterior=load_posterior("suzhou"))
    curves = res.curves[res.curves["target_id"] == "SZ-FUTURE-2030"]
    driver = curves["driver"].iloc[0]
    value, p = float(curves["value"].iloc[1]), float(curves["probability"].iloc[1])
    _, page = scoreboard(app)
    assert "data-conditional" not in page  # left free: the range
    app.select_slider(key=f"fix.suzhou.{driver}").set_value(value).run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    shown = re.search(r'data-target="SZ-FUTURE-2030"[^>]*data-conditional="([0-9.]+)"', page)
    assert shown and float(shown[1]) == pytest.approx(p, abs=1e-4)
    head = next(m.value for m in app.markdown if m.value.startswith("- 2025 年:"))
    assert f"{fmt_probability(p)}(条件概率:" in head
