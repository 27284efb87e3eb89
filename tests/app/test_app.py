"""The planners' Streamlit app, driven by Streamlit's AppTest (no browser), and its helpers.

The app reads the stored calibration (``model/calibration/<region>``); the tests that need
numbers skip with a reason when Suzhou's is missing. Kunshan's may be missing: the app must
then say so instead of failing.
"""

from __future__ import annotations

import html
import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import compute
from suzhou_sim.app import state as S
from suzhou_sim.app.text import fmt_probability, fmt_quantity, period_label, tr
from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    load_assumptions,
    load_levers,
    load_scenario,
    scenario_to_yaml,
)
from suzhou_sim.catalogues.targets import STATUSES, load_targets, targets_for_region
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.paths import REPO_ROOT, SCENARIOS_DIR, calibration_dir
from suzhou_sim.reporting.effects_report import text as effects_text
from suzhou_sim.reporting.structure_diagram import (
    ACCOUNTING,
    read_loops,
    read_sectors,
    read_structure,
    structure_dot,
)
from suzhou_sim.reporting.warnings_text import zero_split_message
from suzhou_sim.studies.scenario_runs import run_scenario

APP = REPO_ROOT / "app.py"
# Talent targets with one probability (SZ-FOREIGN-2025 and SZ-SCI-2025 are assumption-driven).
TALENT_TARGETS = ("SZ-LEADER-2025", "SZ-TEAMS-2025", "SZ-TEAMS-2025B", "SZ-SCI-2025B")


def _calibrated(region: str) -> bool:
    folder = calibration_dir(region)
    return (folder / "point.yaml").is_file() and (folder / "posterior.csv").is_file()


needs_suzhou = pytest.mark.skipif(
    not _calibrated("suzhou"),
    reason="no stored calibration of suzhou (run `suzhou-sim calibrate --region suzhou`)",
)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def scoreboard(at: AppTest) -> tuple[dict[str, float], str]:
    """Probabilities by target id read back from the rendered scoreboard, and its HTML (the
    table of targets in scope, then the one outside scope, drawn below the attribution)."""
    page = next(h.value for h in at.html if 'id="scoreboard"' in h.value)
    page += "".join(h.value for h in at.html if 'id="out-of-scope"' in h.value)
    probs = {m[1]: float(m[2])
             for m in re.finditer(r'data-target="([^"]+)" data-p="([0-9.]+)"', page)}
    return probs, page


def lever(at: AppTest, key: str, period: str):
    """The slider of lever ``key`` in ``period``, its plan-period tab opened first (only the
    open tab's sliders are drawn)."""
    label = period_label(period, at.session_state[S.K_LANG], short=True)
    if at.session_state["lever_tab"] != label:
        at.session_state["lever_tab"] = label
        at.run()
    return on_page(at).slider(key=S.lever_widget_key(key, period))


def html_table(at: AppTest, table_id: str) -> list[list[str]]:
    """The cells (header row first, text unescaped) of the HTML table ``table_id`` the app
    drew with ``st.html``."""
    page = next(h.value for h in at.html if f'id="{table_id}"' in h.value)
    table = page[page.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c))
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def fund_probabilities(at: AppTest, fund_14th: float) -> dict[str, float]:
    """The scoreboard's probabilities that ``run_scenario`` gives, on the session's draws
    and seed, for Suzhou's baseline with the 14th-plan special fund at ``fund_14th``."""
    state = at.session_state
    scenario = S.region_baseline("suzhou")[1].with_lever("special_fund", "14th", fund_14th)
    res = run_scenario(scenario, draws=int(state[S.K_DRAWS]), seed=int(state[S.K_SEED]),
                       posterior=load_posterior("suzhou"))
    return {t: round(float(p), 4) for t, p, scope in zip(
        res.targets["target_id"], res.targets["probability"], res.targets["in_scope"],
        strict=True) if scope and p == p}


def on_page(at: AppTest) -> AppTest:
    """``at`` with the whole page drawn: after a lever step only the results and the share
    captions were redrawn (the fragments it reruns), so the tree holds nothing else; a run
    without a change draws everything, as the browser shows it."""
    if not at.radio:  # the region switch: drawn by every full run
        at.run()
    return at


def open_page(at: AppTest, view: str) -> AppTest:
    """``at`` on the page ``view`` (``suzhou_sim/app/pages/<view>.py``), as a click on it in
    the navigation opens it."""
    return at.switch_page(f"suzhou_sim/app/pages/{view}.py").run()


def assumption(at: AppTest, widget_key: str):
    """An assumption slider, its expander opened first (drawn only while open)."""
    if not at.session_state["assumptions_open"]:
        at.session_state["assumptions_open"] = True
        at.run()
    return at.slider(key=widget_key)


def widget_values(at: AppTest) -> dict[str, object]:
    """Region, pick and every lever and assumption widget value."""
    keys = [S.K_REGION, S.K_PICK, S.K_DRAWS, S.K_SEED]
    keys += [S.lever_widget_key(k, p) for k in load_levers() for p in PERIODS]
    keys += [f(k) for k in load_assumptions()
             for f in (S.assumption_range_key, S.assumption_default_key)]
    return {k: at.session_state[k] for k in keys}


# --- the app ----------------------------------------------------------------------------------


@needs_suzhou
def test_starts_in_both_regions(app):
    probs, _ = scoreboard(app)
    assert "SZ-HTE-2025" in probs and all(0 <= p <= 1 for p in probs.values())
    app.radio(key=S.K_REGION).set_value("kunshan").run()
    assert not app.exception, app.exception
    assert lever(app, "special_fund", "15th").value == 42  # profile
    if _calibrated("kunshan"):
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
def test_changed_assumptions_show_the_modified_baseline(app):
    assumption(app, S.assumption_range_key("external_shock")).set_value((0.7, 1.1)).run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    assert tr("sb_delta_policy", "zh") in page  # the policy-effect column
    open_page(app, "charts")
    assert not app.exception, app.exception
    charts = [json.loads(el.proto.spec) for el in app.get("vega_lite_chart")]
    assert charts, "no trajectory chart"
    runs = charts[0]["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert runs == [tr(k, "zh") for k in ("chart_scenario", "chart_baseline", "chart_modified")]
    # every chart carries history points or target stars as well as the band and medians
    assert all(len(c["layer"]) > 2 for c in charts)


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
def test_about_page_is_chinese_in_chinese(app):
    open_page(app, "about")
    assert not app.exception, app.exception
    text = "\n".join(m.value for m in app.markdown)
    for part in ("高新技术企业 → 企业带动就业", "口径提示", "苏委发〔2022〕1号"):
        assert part in text, part
    assert "`High tech enterprises`" not in text and "Definitional traps" not in text
    # the fit goals: the report's table, by indicator labels in Chinese (no series ids)
    goals = app.dataframe[0].value
    assert list(goals.columns[:2]) == ["序列", "MAPE(精确值与公布值,%)"]
    assert "有效高新技术企业数" in set(goals["序列"]) and "high_tech_enterprises" not in \
        set(goals["序列"])
    assert "MAPE(%)" in app.dataframe[1].value.columns
    # the diagram: one sector at a time, labelled in Chinese; the whole one on request
    diagram = app.get("graphviz_chart")[0].proto.spec
    assert 'label="企业梯队"' in diagram and 'label="首次认定"' in diagram
    app.button_group(key="about.part").set_value("Talent").run()
    assert 'label="人才"' in app.get("graphviz_chart")[0].proto.spec
    app.button_group(key=S.K_LANG).set_value("en").run()
    text = "\n".join(m.value for m in app.markdown)
    assert "`High tech enterprises`" in text and "Definitional traps" in text
    assert app.session_state["about.part"] == "Talent"  # kept across the language switch
    assert "Valid high-tech enterprises" in set(app.dataframe[0].value["Series"])
    diagram = app.get("graphviz_chart")[0].proto.spec
    assert 'label="Talent"' in diagram and "人才" not in diagram


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


# --- the headline, ranges with their driver, time framing, URL values ------------------------


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


