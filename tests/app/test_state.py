"""The app's session state (``app/state.py``) without a browser: uploaded scenarios applied or
refused, scenario files round-tripped, the URL's query read and written, slider ranges."""

from __future__ import annotations

import copy

import pytest
import yaml

from suzhou_sim.app import state as S
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    assumption_limits,
    assumption_ranges,
    lever_baseline,
    lever_constants,
    load_assumptions,
    load_scenario,
    parse_scenario,
    scenario_to_yaml,
)
from suzhou_sim.paths import SCENARIOS_DIR
from tests.fileio.test_safe_yaml import ALIAS_BOMB

HEAD = "name: a\ntitle_en: A\ntitle_zh: 甲\nrationale: r\n"


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


@pytest.mark.parametrize(("edits", "moved", "expected"), [
    ({}, ("special_fund", "14th"), False),  # nothing changed
    ({("special_fund", "14th"): 350}, ("special_fund", "14th"), True),  # the moved lever
    ({("talent_weight", "15th"): 0.45}, ("special_fund", "14th"), True),  # another one
    ({("special_fund", "14th"): 200.0000000000001}, ("special_fund", "14th"), False),  # noise
])
def test_differs_from_base_agrees_with_changes(edits, moved, expected):
    state = _state("baseline.yaml")
    for (key, period), value in edits.items():
        state[S.lever_widget_key(key, period)] = value
    assert S.differs_from_base(state, *moved) is expected is bool(S.changes(state))


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
            # the slider offers exactly what --assume and scenario files accept
            assert (spec.min, spec.max) == assumption_limits(key, region), (region, key)


@pytest.mark.parametrize("text, expected", [
    (HEAD + "levers:\n  special_fnd: 300\n",
     ["未知的杠杆", "创新集群专项资金"]),
    (HEAD + "levers:\n  special_fund: 5000\n",
     ["超出允许范围 0 至 1000 亿元/年", "“十四五”剩余年份"]),
    (HEAD + "assumptions:\n  external_shok: 1\n",
     ["未知的外部假设", "外部环境"]),
    (HEAD + "levers: [1, 2\n", ["YAML 格式错误", "第 6 行"]),
    ("name: a\ntitle_en: A\nrationale: r\n", ["中文标题", "缺少此必填字段"]),
    ("name: a b\ntitle_en: A\ntitle_zh: 甲\nrationale: r\n", ["情景代号", "只能使用"]),
    (HEAD + "region: shanghai\n", ["地区", "不是允许的取值"]),
    (HEAD + "foo: 1\n", ["未知字段“foo”"]),
    (HEAD + "assumptions:\n"
     "  external_shock: {low: 2, high: 1}\n", ["下限 ≤ 默认值 ≤ 上限"]),
    (HEAD + "levers:\n  special_fund: {14th: x}\n",
     ["须为数字"]),
    ("- a\n", ["顶层应为"]),
    (b"\xff\xfe", ["不是 UTF-8"]),
])
def test_upload_errors_in_chinese(text, expected):
    from suzhou_sim.app.views import problem_lines

    message = S.apply_uploaded_scenario(text, _state(), "上传.yaml")
    lines = problem_lines(message, "zh")
    shown = "\n".join(lines)
    assert len(lines) == len(message.splitlines()) and shown.startswith("上传.yaml:")
    for part in expected:
        assert part in shown, (part, shown)
    assert "其他问题" not in shown  # every reason has a translation
    assert problem_lines(message, "en") == message.splitlines()


def test_query_round_trip_without_streamlit():
    state = _state("talent_first.yaml")
    S.set_lever(state, "special_fund", "16th", 350)
    state[S.assumption_range_key("future_gdp_growth")] = (0.01, 0.07)
    params = S.query_from_state(state)
    assert params["l.special_fund.16th"] == "350" and params["a.future_gdp_growth"]
    fresh: dict = {}
    assert S.apply_query(params, fresh) == []
    assert lever_constants(S.scenario_from_state(fresh)) == pytest.approx(
        lever_constants(S.scenario_from_state(state)))
    bad = S.apply_query({"region": "shanghai", "l.special_fund.13th": "1", "draws": "x"}, {})
    assert len(bad) == 3 and bad[0].startswith("region=shanghai")
    assert [p.split(":")[0] for p in S.apply_query({"saved": ["{not json", '{"title": "x", '
                                                              '"levers": {"nope": 1}}']}, {})
            ] == ["saved", "saved"]


@pytest.mark.parametrize(("record", "english", "chinese"), [
    ("{not json", "the record is no valid JSON text", "记录不是有效的 JSON 文本"),
    ('["a list"]', "must be a JSON object with a title", "带标题"),
    ('{"levers": {}}', "must be a JSON object with a title", "带标题"),
    ('{"title": "x", "id": "../evil"}', "'../evil' is not a saved scenario's id",
     "“../evil”不是已保存情景的编号"),
])
def test_a_broken_saved_record_in_the_link_is_named_in_both_languages(record, english, chinese):
    problems = S.apply_query({"saved": [record]}, {})
    assert len(problems) == 1
    assert problems[0].startswith("saved") and english in problems[0]
    zh = problems[0].text("zh")
    assert chinese in zh and "Expecting" not in zh


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "abc"])
def test_a_bad_number_in_the_url_is_ignored_and_reported(value):
    state = _state()
    problems = S.apply_query({"l.special_fund.14th": value}, state)
    key = S.lever_widget_key("special_fund", "14th")
    assert problems == [f"l.special_fund.14th={value}: not a valid value"]
    assert state[key] == S.region_baseline("suzhou")[1].lever_value("special_fund", "14th")


@pytest.mark.parametrize("key, region, top", [
    ("special_fund", "suzhou", 1000), ("special_fund", "kunshan", 300),  # 42 a year
    ("attraction_projects", "kunshan", 4000), ("talent_weight", "kunshan", 1),
])
def test_slider_ranges_are_scaled_to_the_region(key, region, top):
    spec = S.lever_slider(key, region)
    assert spec.max == top
    assert all(lever_baseline(key, p, region) <= spec.max for p in PERIODS)
    assert S.slider_top(spec, [spec.max + 50]) == spec.max + 50  # a file's larger value


def _state(scenario_file: str = "baseline.yaml") -> dict:
    state: dict = {}
    S.init_state(state)
    S.load_into_state(load_scenario(SCENARIOS_DIR / scenario_file), state, "x")
    return state
