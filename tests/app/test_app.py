"""The planners' Streamlit app, driven by Streamlit's AppTest (no browser), and its helpers.

The app reads the stored calibration (``model/calibration/<region>``); the tests that need
numbers skip with a reason when Suzhou's is missing. Kunshan's may be missing: the app must
then say so instead of failing.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from suzhou_sim.app import state as S
from suzhou_sim.app.text import LANGS, fmt_probability, fmt_quantity, tr
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    assumption_ranges,
    lever_constants,
    load_assumptions,
    load_levers,
    load_scenario,
    parse_scenario,
    scenario_to_yaml,
)
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.paths import REPO_ROOT, SCENARIOS_DIR, calibration_dir
from suzhou_sim.reporting.structure_diagram import (
    read_loops,
    read_sectors,
    read_structure,
    structure_dot,
)
from tests.fileio.test_safe_reading import ALIAS_BOMB

APP = REPO_ROOT / "app.py"
TALENT_TARGETS = ("SZ-LEADER-2025", "SZ-TEAMS-2025", "SZ-TEAMS-2025B", "SZ-FOREIGN-2025",
                  "SZ-SCI-2025")


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
    """Probabilities by target id read back from the rendered scoreboard, and its HTML."""
    page = next(h.value for h in at.html if 'id="scoreboard"' in h.value)
    probs = {m[1]: float(m[2])
             for m in re.finditer(r'data-target="([^"]+)" data-p="([0-9.]+)"', page)}
    return probs, page


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
    assert app.slider(key=S.lever_widget_key("special_fund", "15th")).value == 42  # profile
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
    app.slider(key=S.lever_widget_key("talent_weight", "14th")).set_value(0.45).run()
    assert not app.exception, app.exception
    after, page_after = scoreboard(app)
    for target in TALENT_TARGETS:
        assert after[target] >= before[target], target
    assert page_after != page_before  # at least one number of the scoreboard moved


@needs_suzhou
def test_raising_the_special_fund_helps_the_hte_target(app):
    before, _ = scoreboard(app)
    app.slider(key=S.lever_widget_key("special_fund", "14th")).set_value(400).run()
    after, _ = scoreboard(app)
    assert after["SZ-HTE-2025"] >= before["SZ-HTE-2025"]
    assert after != before
    assert any("400" in m.value for m in app.markdown)  # the change is listed


@needs_suzhou
def test_changed_assumptions_show_the_modified_baseline(app):
    app.slider(key=S.assumption_range_key("external_shock")).set_value((0.7, 1.1)).run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    assert tr("sb_delta_policy", "zh") in page  # the policy-effect column
    app.button_group(key=S.K_VIEW).set_value("charts").run()
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
        app.button_group(key=S.K_VIEW).set_value(view).run()
        assert not app.exception, (view, app.exception)
    assert any(el.proto.spec.startswith("digraph") for el in app.get("graphviz_chart"))
    app.button_group(key=S.K_VIEW).set_value("compare").run()
    app.button(key="run_compare").click().run()
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert len(table) >= 10 and any(c.startswith("Δ ") for c in table.columns)
    app.button_group(key=S.K_VIEW).set_value("goal").run()
    app.button(key="run_goal_seek").click().run()
    assert not app.exception, app.exception
    assert app.success or app.warning or app.info


@needs_suzhou
def test_language_switch_changes_labels(app):
    _, page = scoreboard(app)
    assert "达成概率" in page and "有效高新技术企业数" in page
    kedaitong = load_targets()["SZ-KEDAITONG-2025"]  # out of scope: bank credit
    assert kedaitong.reason_zh == "模型未刻画银行信贷。" and kedaitong.reason_zh in page
    assert load_targets()["SZ-LEADER-2025"].note_zh in page  # a definition note in Chinese
    assert kedaitong.reason not in page and "(英文)" not in page
    assert app.slider(key=S.lever_widget_key("special_fund", "15th")).label.startswith(
        "创新集群专项资金")
    app.button_group(key=S.K_LANG).set_value("en").run()
    assert not app.exception, app.exception
    _, page = scoreboard(app)
    assert "Probability" in page and "Valid high-tech enterprises" in page
    assert "达成概率" not in page
    assert kedaitong.reason in page and kedaitong.reason_zh not in page
    assert app.slider(key=S.lever_widget_key("special_fund", "15th")).label.startswith(
        "Innovation special fund")
    assert app.session_state[S.K_REGION] == "suzhou"
    # widgets of views not on screen keep their choices across a switch back to Chinese
    for view in ("charts", "goal", "compare", "scoreboard"):
        app.button_group(key=S.K_VIEW).set_value(view).run()
    app.button_group(key=S.K_LANG).set_value("zh").run()
    assert not app.exception, app.exception
    assert app.session_state[S.K_VIEW] == "scoreboard"


@needs_suzhou
def test_bad_upload_names_the_field_and_changes_nothing(app):
    app.slider(key=S.lever_widget_key("carrier_weight", "15th")).set_value(0.3).run()
    before = widget_values(app)
    bad = scenario_to_yaml(load_scenario(SCENARIOS_DIR / "talent_first.yaml")).replace(
        "talent_weight:", "talent_wieght:")
    app.text_area(key=S.K_PASTE).input(bad)
    app.button(key="apply_paste").click().run()
    assert not app.exception, app.exception
    errors = " ".join(e.value for e in app.error)
    assert "levers.talent_wieght" in errors and "talent_weight" in errors
    assert widget_values(app) == before


@needs_suzhou
def test_good_upload_loads_the_scenario(app):
    text = (SCENARIOS_DIR / "funding_boost_15th.yaml").read_text(encoding="utf-8")
    app.text_area(key=S.K_PASTE).input(text.replace("name: funding_boost_15th", "name: mine"))
    app.button(key="apply_paste").click().run()
    assert not app.exception and not app.error
    assert app.session_state[S.K_PICK] == S.UPLOADED
    assert app.slider(key=S.lever_widget_key("special_fund", "15th")).value == 300


# --- helpers, without Streamlit ---------------------------------------------------------------


def _state(scenario_file: str = "baseline.yaml") -> dict:
    state: dict = {}
    S.init_state(state)
    S.load_into_state(load_scenario(SCENARIOS_DIR / scenario_file), state, "x")
    return state


@pytest.mark.parametrize("text, field", [
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nlevers:\n  special_fnd: 300\n",
     "levers.special_fnd"),
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nlevers:\n  special_fund: 5000\n",
     "levers.special_fund.14th"),
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nassumptions:\n  external_shok: 1\n",
     "assumptions.external_shok"),
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nlevers: [1, 2\n", "line 6"),
    ("name: a\ntitle_en: A\nrationale: r\n", "title_zh"),
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nname: b\n", "duplicate key 'name'"),
    (ALIAS_BOMB, "aliases expand"),
    ("name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\nlevers: {special_fund: true}\n",
     "True is not a number"),
])
def test_apply_uploaded_scenario_rejects_bad_input(text, field):
    state = _state()
    kept = copy.deepcopy(state)
    message = S.apply_uploaded_scenario(text, state, "upload.yaml")
    assert message is not None and field in message and "upload.yaml" in message
    assert state.pop(S.K_UPLOAD_ERROR) == message
    state.pop(S.K_UPLOAD_OK, None)
    assert state == kept


def test_apply_uploaded_scenario_switches_region():
    state = _state()
    text = (SCENARIOS_DIR / "kunshan_2026.yaml").read_bytes()
    assert S.apply_uploaded_scenario(text, state) is None
    assert state[S.K_REGION] == "kunshan" and state[S.K_PICK] == S.UPLOADED
    assert S.UPLOADED in S.pick_options(state)
    assert state[S.lever_widget_key("attraction_projects", "16th")] == 1000


@pytest.mark.parametrize("name", ["baseline.yaml", "funding_boost_15th.yaml",
                                  "talent_first.yaml", "kunshan_2026.yaml"])
def test_state_round_trips_scenario_files(name):
    """Widgets loaded from a file describe the same levers and assumptions."""
    scenario = load_scenario(SCENARIOS_DIR / name)
    state: dict = {}
    S.load_into_state(scenario, state, name)
    current = S.scenario_from_state(state)
    assert lever_constants(current) == pytest.approx(lever_constants(scenario))
    for key, expected in assumption_ranges(scenario).items():
        assert assumption_ranges(current)[key] == pytest.approx(expected), key
    assert not S.changes(state)


def test_changed_settings_download_as_a_valid_scenario():
    state = _state("talent_first.yaml")
    S.set_lever(state, "special_fund", "16th", 350)
    lo, hi = state[S.assumption_range_key("external_shock")]
    state[S.assumption_range_key("external_shock")] = (0.7, hi)
    current = S.scenario_from_state(state)
    assert current.name.endswith("_adjusted")
    back = parse_scenario(yaml.safe_load(scenario_to_yaml(current)))
    assert back.lever_value("special_fund", "16th") == 350
    assert back.lever_value("talent_weight", "15th") == pytest.approx(0.30)
    assert assumption_ranges(back)["external_shock"] == pytest.approx((1.0, 0.7, hi))
    assert S.assumptions_differ(current, S.base_scenario(state))
    kinds = {(c.kind, c.key) for c in S.changes(state)}
    assert kinds == {("lever", "special_fund"), ("assumption", "external_shock")}


def test_assumption_sliders_cover_the_catalogue():
    for region in ("suzhou", "kunshan"):
        for key, a in load_assumptions().items():
            spec = S.assumption_slider(key, region)
            d, lo, hi = assumption_ranges(parse_scenario(
                {"name": "x", "title_en": "x", "title_zh": "x", "rationale": "x",
                 "region": region}))[key]
            assert spec.min <= lo <= d <= hi <= spec.max, (region, key)
            if a.max is None:
                assert spec.max == pytest.approx(3 * hi)


def test_every_ui_string_exists_in_both_languages():
    from suzhou_sim.app.text import _STRINGS

    for key, pair in _STRINGS.items():
        assert len(pair) == 2 and all(isinstance(s, str) for s in pair), key
        placeholders = [set(re.findall(r"{(\w+)", s)) for s in pair]
        assert placeholders[0] == placeholders[1], key
    assert tr("view_scoreboard", "zh") != tr("view_scoreboard", "en")
    assert set(LANGS) == {"zh", "en"}


def test_number_formatting():
    assert fmt_quantity(20000, "firms", "zh") == "20,000 家"
    assert fmt_quantity(5565.29, "100m_yuan/year", "zh") == "5,565 亿元/年"
    assert fmt_quantity(5565.29, "100m_yuan/year", "en") == "5,565 100m yuan/yr"
    assert fmt_quantity(54.98, "percent", "en") == "55.0%"
    assert fmt_quantity(60.5, "firms", "zh") == "60 家"
    assert fmt_probability(0.884) == "88%" and fmt_probability(0.001) == "<1%"
    assert fmt_probability(float("nan")) == "–"


def test_structure_diagram_shows_stocks_and_loops():
    structure = read_structure()
    loops = read_loops(structure=structure)
    assert [lp.code for lp in loops] == ["R1", "R2", "B1", "B2", "B3"]
    dot = structure_dot(structure, loops, read_sectors(structure=structure))
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for name in structure.stocks + [v for lp in loops for v in lp.variables]:
        assert f'"{name}" [' in dot, name
    for code in ("R1", "R2", "B1", "B2", "B3"):
        assert re.search(rf'label="[^"]*{code}', dot), f"no edge coloured for {code}"
    assert '"Tech SME pool" -> "First time recognitions"' in dot  # an outflow arrow
