"""The planners' Streamlit app (``app.py``), driven by Streamlit's AppTest (no browser).

The app reads the stored calibration (``model/calibration/<region>``); the tests that need
numbers skip with a reason when Suzhou's is missing. Kunshan's may be missing: the app must
then say so instead of failing.
"""

from __future__ import annotations

import json
import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.text import fmt_quantity, period_label, tr
from suzhou_sim.catalogues.scenarios import (
    load_levers,
    load_scenario,
    scenario_to_yaml,
)
from suzhou_sim.catalogues.targets import STATUSES, load_targets
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.reporting.effects_report import text as effects_text
from suzhou_sim.reporting.structure_diagram import (
    ACCOUNTING,
    read_loops,
    read_sectors,
    read_structure,
    structure_dot,
)
from suzhou_sim.reporting.warnings_text import zero_split_message
from tests.app.apptest import (
    APP,
    assumption,
    calibrated,
    fund_probabilities,
    html_table,
    lever,
    needs_suzhou,
    on_page,
    open_page,
    scoreboard,
    widget_values,
)

# Talent targets with one probability (SZ-FOREIGN-2025 and SZ-SCI-2025 are assumption-driven).
TALENT_TARGETS = ("SZ-LEADER-2025", "SZ-TEAMS-2025", "SZ-TEAMS-2025B", "SZ-SCI-2025B")


# --- the app ----------------------------------------------------------------------------------


@needs_suzhou
def test_starts_in_both_regions(app):
    probs, _ = scoreboard(app)
    assert "SZ-HTE-2025" in probs and all(0 <= p <= 1 for p in probs.values())
    app.radio(key=S.K_REGION).set_value("kunshan").run()
    assert not app.exception, app.exception
    assert lever(app, "special_fund", "15th").value == 42  # profile
    if calibrated("kunshan"):
        probs, _ = scoreboard(app)
        assert probs and all(t.startswith("KS-") for t in probs)
    else:
        assert any("kunshan" in w.value for w in app.warning), "no message for Kunshan"
    app.radio(key=S.K_REGION).set_value("suzhou").run()
    assert not app.exception and "SZ-HTE-2025" in scoreboard(app)[0]


@needs_suzhou
def test_raising_talent_weight_helps_talent_targets(app):
    before, page_before = scoreboard(app)
    lever(app, "talent_weight", "14th").set_value(0.45).run()
    assert not app.exception, app.exception
    after, page_after = scoreboard(app)
    for target in TALENT_TARGETS:
        assert after[target] >= before[target], target
    assert page_after != page_before  # at least one number of the scoreboard moved


@needs_suzhou
def test_raising_the_special_fund_helps_the_hte_target(app):
    before, _ = scoreboard(app)
    lever(app, "special_fund", "14th").set_value(400).run()
    after, _ = scoreboard(app)
    assert after["SZ-HTE-2025"] >= before["SZ-HTE-2025"]
    assert after != before
    assert any("400" in m.value for m in app.markdown)  # the change is listed


@needs_suzhou
def test_other_views_render(app):
    for view in ("compare", "goal", "about"):
        open_page(app, view)
        assert not app.exception, (view, app.exception)
    assert any(el.proto.spec.startswith("digraph") for el in app.get("graphviz_chart"))
    open_page(app, "compare")
    app.button(key="run_compare").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert len(table) >= 10 and any(c.startswith("Δ ") for c in table.columns)
    assert set(table[tr("sb_status", "zh")]) <= {tr(f"status_{k}", "zh") for k in STATUSES}
    open_page(app, "goal")
    app.button(key="run_goal_seek").click().run()
    assert not app.exception, app.exception
    assert app.success or app.warning or app.info


@needs_suzhou
def test_language_switch_changes_labels(app):
    _, page = scoreboard(app)
    assert "P(达到目标值)" in page and "有效高新技术企业数" in page
    statuses = dict(re.findall(r'data-target="([^"]+)" data-p="[0-9.]*" data-status="([a-z_]+)"',
                               page))
    # a lower bound reads "至少 p" (its year passed: judged, or awaiting the figures)
    assert statuses["SZ-LEADER-2025"] in ("lower_bound", "awaiting_data") and "至少 " in page
    assert "≥ 0%" not in page  # a lower bound at 0 says what the measured part reaches
    assert statuses["SZ-FUTURE-2030"] == "assumption_driven" and "随假设" in page
    # beside each forecast, the level reachable with 80% probability, with its unit
    reach = dict(re.findall(r'data-target="([^"]+)"[^>]*data-reach80="([^"]+)"', page))
    assert "SZ-HTE-2025" in reach and "80% 概率可达到的水平:" in page
    hte = float(reach["SZ-HTE-2025"])
    assert f"80% 概率可达到的水平:{fmt_quantity(hte, 'firms', 'zh')}" in page
    assert "2023年未来产业产值 (亿元/年) 500:" in page  # its probability curve
    for status in set(statuses.values()):
        assert f'<span class="status">{tr(f"status_{status}", "zh")}</span>' in page
    assert "按状态:" in "".join(m.value for m in app.markdown)
    kedaitong = load_targets()["SZ-KEDAITONG-2025"]  # out of scope: bank credit
    assert kedaitong.reason_zh == "模型未刻画银行信贷。" and kedaitong.reason_zh in page
    assert load_targets()["SZ-LEADER-2025"].note_zh in page  # a definition note in Chinese
    assert kedaitong.reason not in page and "(英文)" not in page
    assert lever(app, "special_fund", "15th").label.startswith(
        "创新集群专项资金")
    app.button_group(key=S.K_LANG).set_value("en").run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    assert "P(value ≥ threshold)" in page and "Valid high-tech enterprises" in page
    assert "P(达到目标值)" not in page and "over the assumption" in page
    for status in set(statuses.values()):
        assert f'<span class="status">{tr(f"status_{status}", "en")}</span>' in page
    assert "By status:" in "".join(m.value for m in app.markdown)
    assert kedaitong.reason in page and kedaitong.reason_zh not in page
    assert "level reachable with 80%: " in page and "80% 概率可达到的水平" not in page
    assert lever(app, "special_fund", "15th").label.startswith(
        "Innovation special fund")
    assert app.session_state[S.K_REGION] == "suzhou"
    # widgets of views not on screen keep their choices across a switch back to Chinese
    for view in ("charts", "goal", "compare", "scoreboard"):
        open_page(app, view)
    app.button_group(key=S.K_LANG).set_value("zh").run()
    assert not app.exception, app.exception
    assert app.session_state[S.K_VIEW] == "scoreboard"


@needs_suzhou
def test_bad_upload_names_the_field_and_changes_nothing(app):
    lever(app, "carrier_weight", "15th").set_value(0.3).run()
    on_page(app)
    before = widget_values(app)
    bad = scenario_to_yaml(load_scenario(SCENARIOS_DIR / "talent_first.yaml")).replace(
        "talent_weight:", "talent_wieght:")
    app.text_area(key=S.K_PASTE).input(bad)
    app.button(key="apply_paste").click().run()
    assert not app.exception, app.exception
    errors = " ".join(e.value for e in app.error)
    # in Chinese: the unknown key, the lever it probably means by its label, no English
    assert "talent_wieght" in errors and "人才计划权重" in errors and "未知的杠杆" in errors
    assert "unknown lever" not in errors
    assert widget_values(app) == before


@needs_suzhou
def test_good_upload_loads_the_scenario(app):
    text = (SCENARIOS_DIR / "funding_boost_15th.yaml").read_text(encoding="utf-8")
    app.text_area(key=S.K_PASTE).input(text.replace("name: funding_boost_15th", "name: mine"))
    app.button(key="apply_paste").click().run()
    assert not app.exception and not app.error
    assert app.session_state[S.K_PICK] == S.UPLOADED
    assert lever(app, "special_fund", "15th").value == 300


# --- helpers, without Streamlit ---------------------------------------------------------------


def test_structure_diagram_shows_stocks_and_loops():
    structure = read_structure()
    loops = read_loops(structure=structure)
    assert [lp.code for lp in loops] == ["R1", "R2", "B1", "B2", "B3", "B4"]
    dot = structure_dot(structure, loops, read_sectors(structure=structure))
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    counters = structure_dot(structure, loops, read_sectors(structure=structure),
                             focus=ACCOUNTING)
    for name in structure.stocks + [v for lp in loops for v in lp.variables]:
        assert f'"{name}" [' in (counters if name.startswith("Cumulative ") else dot), name
    for code in ("R1", "R2", "B1", "B2", "B3", "B4"):
        assert re.search(rf'label="[^"]*{code}', dot), f"no edge coloured for {code}"
    assert '"Tech SME pool" -> "First time recognitions"' in dot  # an outflow arrow


# --- settings that survive, saved scenarios, levers that explain themselves ------------------


def _fresh(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@needs_suzhou
def test_url_sets_the_levers_and_follows_every_change():
    at = _fresh(**{"region": "suzhou", "l.special_fund.14th": "400", "lang": "en",
                   "a.external_shock": "1,0.7,1.1", "nonsense": "1"})
    assert any("nonsense" in w.value for w in at.warning)  # reported, not silently used
    assert lever(at, "special_fund", "14th").value == 400
    assert assumption(at, S.assumption_range_key("external_shock")).value == (0.7, 1.1)
    assert at.session_state[S.K_LANG] == "en"
    plain = _fresh(region="suzhou")
    # the scoreboard follows the URL: a bigger 14th-plan fund helps the 2025 HTE target
    assert scoreboard(at)[0]["SZ-HTE-2025"] > scoreboard(plain)[0]["SZ-HTE-2025"]
    assert at.query_params["l.special_fund.14th"] == "400"
    assert "nonsense" not in at.query_params
    lever(at, "talent_weight", "15th").set_value(0.3).run()
    assert at.query_params["l.talent_weight.15th"] == "0.3"
    open_page(at, "charts")
    assert at.query_params["view"] == "charts"
    # the URL alone reproduces the settings in a new session (a reload or a shared link)
    again = _fresh(**{k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()})
    assert widget_values(again) == widget_values(at)


@needs_suzhou
def test_region_switch_keeps_each_regions_edits_and_offers_undo(app):
    lever(app, "special_fund", "15th").set_value(350).run()
    on_page(app).radio(key=S.K_REGION).set_value("kunshan").run()
    assert not app.exception, app.exception
    kunshan_fund = lever(app, "special_fund", "15th")
    assert kunshan_fund.value == 42 and kunshan_fund.proto.step == 1  # exact profile value
    lever(app, "special_fund", "16th").set_value(60).run()
    on_page(app).button(key="undo_region").click().run()
    assert app.session_state[S.K_REGION] == "suzhou"
    assert lever(app, "special_fund", "15th").value == 350
    on_page(app).radio(key=S.K_REGION).set_value("kunshan").run()
    assert lever(app, "special_fund", "16th").value == 60


@needs_suzhou
def test_saved_scenarios_are_listed_loaded_and_compared(app):
    lever(app, "talent_weight", "15th").set_value(0.4).run()
    on_page(app).text_input(key="save_name").input("人才加码").run()
    app.button(key="save_scenario").click().run()
    assert not app.exception, app.exception
    assert any("人才加码" in s.value for s in app.success)
    assert app.session_state[S.K_PICK] == S.SAVED_PREFIX + "人才加码"
    assert any("与所选情景一致" in m.value for m in app.markdown)  # saved = no pending edit
    saved = S.saved_scenarios(app.session_state)["人才加码"]
    assert saved.title_zh == "人才加码" and saved.lever_value("talent_weight", "15th") == 0.4
    # saved scenarios travel in the URL: a reload (a new session on the same URL) keeps them
    reloaded = AppTest.from_file(str(APP), default_timeout=60)
    reloaded.query_params.update(app.query_params)
    reloaded.run()
    assert not reloaded.exception, reloaded.exception
    assert reloaded.session_state[S.K_PICK] == S.SAVED_PREFIX + "人才加码"
    assert S.saved_scenarios(reloaded.session_state)["人才加码"].lever_value(
        "talent_weight", "15th") == 0.4
    app.selectbox(key=S.K_PICK).set_value("baseline").run()
    assert lever(app, "talent_weight", "15th").value == 0.15
    on_page(app).selectbox(key=S.K_PICK).set_value(S.SAVED_PREFIX + "人才加码").run()
    assert lever(app, "talent_weight", "15th").value == 0.4
    open_page(app, "compare")
    picker = app.multiselect(key="compare.suzhou")
    assert S.SAVED_PREFIX + "人才加码" in picker.options or "人才加码" in str(picker.options)
    picker.set_value(["baseline", S.SAVED_PREFIX + "人才加码"]).run()
    app.button(key="run_compare").click().run()
    assert not app.exception, app.exception
    assert "人才加码" in app.dataframe[-1].value.columns


@needs_suzhou
def test_split_weights_show_shares_and_warn_when_all_zero(app):
    captions = [c.value for c in app.caption]
    # Suzhou's 14th-plan split 0.2/0.15/0.15/0.1/0.4 of 200 亿元 a year
    assert "占 20%,约 40 亿元/年" in captions and "占 40%,约 80 亿元/年" in captions
    for key in ("enterprise_reward_weight", "talent_weight", "rd_subsidy_weight",
                "carrier_weight", "guidance_fund_weight"):
        lever(app, key, "16th").set_value(0.0)
    app.run()
    # one warning, and it names the period
    assert [w.value for w in app.warning if "权重" in w.value] == [
        zero_split_message(["16th"], "zh")]


@needs_suzhou
def test_a_lever_step_redraws_the_results_and_the_shares_alone(app):
    """A lever step reruns two fragments, not the page: the results (scoreboard, URL, list
    of changes) and, when it moves the fund or its split, the share captions."""
    before, _ = scoreboard(app)
    lever(app, "special_fund", "14th").set_value(400).run()
    assert not app.exception, app.exception
    assert not app.radio and not app.title  # the rest of the page was not sent again
    after, _ = scoreboard(app)
    assert after != before and after["SZ-HTE-2025"] >= before["SZ-HTE-2025"]
    assert app.query_params["l.special_fund.14th"] == "400"
    # the fund doubled: every share keeps its percentage and doubles its 亿元
    captions = [c.value for c in app.caption]
    assert "占 20%,约 80 亿元/年" in captions and "占 40%,约 160 亿元/年" in captions
    assert any(levers_label("special_fund") in m.value for m in app.markdown)  # ✎ changes
    # the first edit renames the downloads (..._adjusted): they were drawn again; their
    # contents are built from the settings of the click
    buttons = app.get("download_button")
    assert {b.proto.id.rsplit("-", 1)[-1] for b in buttons} >= {"dl_yaml", "dl_docx"}
    assert app.session_state["live_ref"]["live"].current.lever_value(
        "special_fund", "14th") == 400
    lever(app, "special_fund", "14th").set_value(410).run()  # names unchanged: not redrawn
    assert not app.get("download_button") and not app.radio
    lever(app, "special_fund", "14th").set_value(200).run()  # back to the picked scenario
    assert app.get("download_button") and not app.radio
    # a lever outside the fund's split leaves the share captions alone
    lever(app, "talent_grant_level", "14th").set_value(
        lever(app, "talent_grant_level", "14th").max).run()
    assert not app.exception, app.exception
    assert not app.radio and not [c for c in app.caption if "亿元/年" in c.value]
    assert on_page(app).radio and app.title  # a run without a change draws everything


@needs_suzhou
def test_copy_link_shows_the_url_of_the_current_settings(app):
    assert not app.code  # drawn only while its popover is open
    lever(app, "special_fund", "14th").set_value(400).run()
    app.session_state["link_open"] = True
    app.run()
    link = app.code[0].value
    assert "?region=suzhou" in link and "l.special_fund.14th=400" in link
    assert "view=scoreboard" in link


def levers_label(key: str) -> str:
    return load_levers()[key].label("zh")


@needs_suzhou
def test_lever_tab_stays_across_a_language_switch(app):
    app.session_state["lever_tab"] = "十五五"
    app.run()
    app.button_group(key=S.K_LANG).set_value("en").run()
    assert not app.exception, app.exception
    assert app.session_state["lever_tab"] == "15th"


def _counting(monkeypatch) -> dict[str, int]:
    """Count the ensemble runs of scenario runs and of the attribution's own runs."""
    from suzhou_sim.studies import effects, scenario_runs

    calls = {"scenario": 0, "attribution": 0}

    def wrap(module, name):
        real = module.run_ensemble

        def counted(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        monkeypatch.setattr(module, "run_ensemble", counted)

    wrap(scenario_runs, "scenario")
    wrap(effects, "attribution")
    return calls


@needs_suzhou
def test_sessions_with_the_same_settings_share_one_ensemble(monkeypatch):
    st.cache_data.clear()  # cold caches (the shared stores are emptied by a fixture)
    calls = _counting(monkeypatch)
    first = AppTest.from_file(str(APP), default_timeout=60).run()
    lever(first, "special_fund", "14th").set_value(260).run()
    assert not first.exception, first.exception
    computed = dict(calls)
    assert computed["scenario"] > 0
    # one edited lever: the attribution reads the baseline's and the edit's probabilities
    # from the scoreboard's runs and runs nothing of its own
    assert computed["attribution"] == 0
    second = AppTest.from_file(str(APP), default_timeout=60).run()
    lever(second, "special_fund", "14th").set_value(260).run()
    assert not second.exception, second.exception
    assert calls == computed  # the second planner computed nothing
    assert scoreboard(second)[0] == scoreboard(first)[0]
    attribution = html_table(second, "attribution")
    assert effects_text("attr_change", "zh") in attribution[0]
    assert len(attribution) > 1 and attribution == html_table(first, "attribution")


@needs_suzhou
def test_numbers_follow_the_last_of_rapid_changes(app):
    """A run in between, then values changed one after another without a run (as a held key
    does): the scoreboard shows exactly the model's numbers for the last value."""
    slider = lever(app, "special_fund", "14th")
    slider.set_value(230).run()
    for value in (240, 250):  # superseded values: set, never run on their own
        slider.set_value(value)
    slider.set_value(330).run()
    assert not app.exception, app.exception
    assert app.session_state[S.lever_widget_key("special_fund", "14th")] == 330
    assert scoreboard(app)[0] == fund_probabilities(app, 330)
    changes = "\n".join(m.value for m in app.markdown)
    assert "330" in changes and "230" not in changes


# --- the headline, ranges with their driver, time framing, URL values ------------------------


def test_levers_open_on_the_15th_plan(app):
    assert app.session_state["lever_tab"] == period_label("15th", "zh", short=True)


@needs_suzhou
def test_comparison_pins_the_current_settings_and_overlays_the_scenarios(app):
    lever(app, "special_fund", "15th").set_value(300).run()
    open_page(app, "compare")
    app.multiselect(key="compare.suzhou").set_value(["baseline", "talent_first"]).run()
    app.checkbox(key="compare.current").check().run()
    app.button(key="run_compare").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[-1].value
    titles = [tr("cmp_current_name", "zh"), load_scenario(SCENARIOS_DIR / "baseline.yaml")
              .title_zh, load_scenario(SCENARIOS_DIR / "talent_first.yaml").title_zh]
    shown = [c for c in table.columns if c in titles]
    assert shown == titles  # the current settings first: the differences are against them
    future = table[table[tr("sb_target", "zh")].str.contains("SZ-FUTURE-2030")]
    assert future[titles[0]].iloc[0].endswith("随假设")  # a range, not None
    chart = app.get("vega_lite_chart")[-1]
    spec = json.loads(chart.proto.spec)
    lines = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert lines["encoding"]["color"]["scale"]["domain"] == titles
    sides = html_table(app, "cmp-indicators")
    head = sides[0][2:]  # after the indicator and the year: each scenario, then its Δ
    assert [h for h in head if not h.startswith("Δ ")] == titles
    assert [h for h in head if h.startswith("Δ ")] == [f"Δ {t}" for t in titles[1:]]


