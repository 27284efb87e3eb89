"""Scenario schema, lever/assumption catalogues and common-random-number sampling."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    assumption_ranges,
    lever_constants,
    load_assumptions,
    load_lever_themes,
    load_levers,
    load_scenario,
    parse_scenario,
    sample_assumptions,
    scenario_files,
    scenario_to_yaml,
    triangular_ppf,
    zero_split_periods,
)
from suzhou_sim.engine import load_model
from suzhou_sim.errors import InputError
from suzhou_sim.paths import MODEL_FILE, SCENARIOS_DIR
from suzhou_sim.reporting.documents import DOCUMENTS

HEAD = "name: t\ntitle_en: T\ntitle_zh: 测试\nrationale: seed 004\n"


@pytest.fixture(scope="module")
def model():
    return load_model(MODEL_FILE)


# --- catalogues -----------------------------------------------------------------------------


def test_levers_match_the_mdl(model):
    """Every lever constant exists with the catalogue's default, unit and [min,max,step]."""
    for lever in load_levers().values():
        for period in PERIODS:
            name = lever.vensim[period]
            assert model.constants[name] == pytest.approx(lever.default), name
            assert model.units[name] == lever.unit, name
            assert model.limits[name] == (lever.min, lever.max, lever.step), name
        assert lever.historic in model.constants
        assert lever.theme in load_lever_themes()


def test_every_mdl_lever_is_catalogued(model):
    per_period = {n for n in model.constants if n.endswith((" 14th", " 15th", " 16th"))}
    catalogued = {v for lever in load_levers().values() for v in lever.vensim.values()}
    assert per_period == catalogued


def test_assumptions_match_the_mdl(model):
    """Default and allowed range from the .mdl; low-high from the range its comment states."""
    names = set()
    for a in load_assumptions().values():
        names.add(a.vensim)
        assert model.constants[a.vensim] == pytest.approx(a.default), a.key
        assert model.units[a.vensim] == a.unit, a.key
        assert model.limits[a.vensim][:2] == (a.min, a.max), a.key
        stated = re.search(r"[Rr]ange ([-\d.]+)-([-\d.]+)", model.docs[a.vensim])
        assert stated, f"{a.vensim}: the .mdl comment states no range"
        assert (a.low, a.high) == (float(stated[1]), float(stated[2])), a.key
    assert names == {
        "Future GDP growth", "Future industrial growth", "Approval stringency",
        "RD super deduction rate", "Listing openness", "Future industry base 2023",
        "Future industry potential", "Future industry intrinsic growth",
        "Largest future field share", "External shock", "Foreign share of talent inflow",
        "Strategic scientists per top team", "Knowledge depreciation rate",
        "HTE revocation rate", "Policy response saturation", "Cost per additional HTE",
        "RD subsidy additionality", "HTE status RD premium", "Relabelled share of status RD",
        "Talent grant elasticity", "Guidance fund realisation", "Guidance fund formation effect",
        "Carrier firm density", "Carrier new firm share",
    }


@pytest.mark.parametrize("entry", [*load_levers().values(), *load_assumptions().values()],
                         ids=lambda e: e.key)
def test_catalogue_entries_are_bilingual(entry):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", entry.key)
    for text in (entry.label_en, entry.help_en):
        assert text and text.isascii()
    for text in (entry.label_zh, entry.help_zh):
        assert re.search(r"[\u4e00-\u9fff]", text)


# --- schema: a table of good and bad files --------------------------------------------------

GOOD = {
    "minimal": HEAD,
    "per_period": HEAD + "levers:\n  special_fund: {14th: 200, 15th: 300}\n",
    "scalar_lever": HEAD + "levers:\n  talent_weight: 0.3\n",
    "fixed_assumption": HEAD + "assumptions:\n  external_shock: 0.9\n",
    "partial_assumption": HEAD + "assumptions:\n  listing_openness: {low: 0.6}\n",
    "kunshan": HEAD + "region: kunshan\ndraws: 50\nseed: 3\nlevers: {}\nassumptions:\n",
}

BAD = {
    "misspelt_lever": (HEAD + "levers:\n  special_fnd: {15th: 300}\n",
                       ["levers.special_fnd", "did you mean 'special_fund'"]),
    "lever_out_of_range": (HEAD + "levers:\n  special_fund: {15th: 5000}\n",
                           ["levers.special_fund.15th", "allowed range 0-1000"]),
    "unknown_period": (HEAD + "levers:\n  special_fund: {17th: 300}\n",
                       ["levers.special_fund", "'17th'", "14th, 15th, 16th"]),
    "missing_title": ("name: t\ntitle_zh: x\nrationale: r\n",
                      ["title_en", "required field is missing"]),
    "malformed_yaml": (HEAD + "levers:\n  special_fund: {15th: 300\n  x: [\n",
                       ["malformed YAML at line"]),
    "bad_region": (HEAD + "region: shanghai\n", ["region", "'shanghai'", "suzhou", "kunshan"]),
    "draws_zero": (HEAD + "draws: 0\n", ["draws", "1-100000"]),
    "unknown_field": (HEAD + "levrs: {}\n", ["unknown field 'levrs'", "did you mean 'levers'"]),
    "misspelt_assumption": (HEAD + "assumptions:\n  external_shok: 0.9\n",
                            ["assumptions.external_shok", "did you mean 'external_shock'"]),
    "assumption_out_of_range": (HEAD + "assumptions:\n  approval_stringency: {high: 3}\n",
                                ["assumptions.approval_stringency.high", "0.5 to 1.5"]),
    "assumption_order": (HEAD + "assumptions:\n  external_shock: {default: 1.2}\n",
                         ["assumptions.external_shock", "low <= default <= high"]),
    "assumption_field": (HEAD + "assumptions:\n  external_shock: {mode: 1}\n",
                         ["assumptions.external_shock", "'mode'", "default, low, high"]),
    "not_a_mapping": ("- a\n- b\n", ["expected a mapping"]),
    "lever_not_number": (HEAD + "levers:\n  special_fund: {15th: lots}\n",
                         ["levers.special_fund.15th", "number"]),
    "lever_boolean": (HEAD + "levers:\n  special_fund: true\n",
                      ["levers.special_fund", "True is not a number"]),
    "lever_quoted_number": (HEAD + "levers:\n  special_fund: '250'\n",
                            ["levers.special_fund", "'250' is not a number"]),
    "period_quoted_number": (HEAD + "levers:\n  special_fund: {15th: '250'}\n",
                             ["levers.special_fund.15th", "'250' is not a number"]),
    "period_boolean": (HEAD + "levers:\n  special_fund: {15th: yes}\n",
                       ["levers.special_fund.15th", "True is not a number"]),
    "lever_infinite": (HEAD + "levers:\n  special_fund: {15th: .inf}\n",
                       ["levers.special_fund.15th", "inf is not allowed; use a finite number"]),
    "lever_nan": (HEAD + "levers:\n  special_fund: .nan\n",
                  ["levers.special_fund.14th", "finite number"]),
    "assumption_infinite": (HEAD + "assumptions:\n  external_shock: {high: .inf}\n",
                            ["assumptions.external_shock.high", "finite number"]),
    "assumption_text": (HEAD + "assumptions:\n  external_shock: high\n",
                        ["assumptions.external_shock", "'high' is not a number"]),
    "duplicate_key": (HEAD + "levers:\n  special_fund: 300\n  special_fund: 100\n",
                      ["line 7, column 3: duplicate key 'special_fund'"]),
    "duplicate_top_key": (HEAD + "name: u\n", ["duplicate key 'name'"]),
}


@pytest.mark.parametrize("text", GOOD.values(), ids=GOOD.keys())
def test_good_files_load(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    assert load_scenario(path) == scenario
    again = tmp_path / "again.yaml"
    again.write_text(scenario_to_yaml(scenario), encoding="utf-8")
    assert load_scenario(again) == scenario  # round trip


@pytest.mark.parametrize(("text", "expected"), BAD.values(), ids=BAD.keys())
def test_bad_files_name_file_field_and_allowed(tmp_path: Path, text: str, expected: list[str]):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for part in expected:
        assert part in message, message


def test_missing_file_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")


# --- the project's scenario files -----------------------------------------------------------

FILES = scenario_files()


def test_required_scenarios_exist():
    names = {p.stem for p in FILES}
    assert {"baseline", "funding_boost_15th", "austerity", "talent_first", "capital_first",
            "future_industry_push", "kunshan_2026", "plan_delivered"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_files_validate(path: Path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    # cites the documents it draws on by number or title, never by a seed's number
    cited = [d.key for d in DOCUMENTS] + ["中国工业报"]
    for text in (scenario.rationale, scenario.rationale_zh):
        assert any(key in text for key in cited), text
        assert not re.search(r"[Ss]eed \d", text)
    assert re.search(r"[\u4e00-\u9fff]", scenario.rationale)  # quotes the clause
    assert scenario.description_zh and scenario.description_text("zh") == scenario.description_zh
    assert scenario.rationale_text("en") == scenario.rationale


def test_baseline_continues_the_14th_plan_funding():
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    for p in PERIODS:
        assert base.lever_value("special_fund", p) == 200  # 1000 yi over 2021-25
        share = base.lever_value("guidance_fund_weight", p) / sum(
            base.lever_value(k, p) for k in ("enterprise_reward_weight", "talent_weight",
                                             "rd_subsidy_weight", "carrier_weight",
                                             "guidance_fund_weight"))
        # 2000-yi cluster fund over five years at the stated leverage
        assert 5 * 200 * share * base.lever_value("guidance_fund_leverage", p) == pytest.approx(
            2000)


# --- levers and assumptions as model inputs --------------------------------------------------


def test_lever_constants_fall_back_to_baseline_and_region():
    s = parse_scenario({"name": "k", "title_en": "K", "title_zh": "昆", "rationale": "r",
                        "region": "kunshan", "levers": {"talent_weight": {"15th": 0.3}}})
    c = lever_constants(s)
    assert len(c) == 3 * len(load_levers())
    assert c["Talent weight 15th"] == 0.3
    assert c["Talent weight 14th"] == 0.15  # .mdl default
    assert c["Special fund 15th"] == 42  # Kunshan's profile


def test_region_scales_overridden_assumption_ranges():
    s = parse_scenario({"name": "k", "title_en": "K", "title_zh": "昆", "rationale": "r",
                        "region": "kunshan"})
    d, lo, hi = assumption_ranges(s)["future_industry_base_2023"]
    assert d == 250 and lo == pytest.approx(500 * 250 / 1200) and hi == pytest.approx(
        2500 * 250 / 1200)


def test_common_random_numbers_across_scenarios():
    a = parse_scenario({"name": "a", "title_en": "A", "title_zh": "甲", "rationale": "r"})
    b = parse_scenario({"name": "b", "title_en": "B", "title_zh": "乙", "rationale": "r",
                        "levers": {"special_fund": 500},
                        "assumptions": {"external_shock": {"low": 0.5, "high": 1.5},
                                        "listing_openness": 0.7}})
    da, db = sample_assumptions(a, 400, 7), sample_assumptions(b, 400, 7)
    assert list(da) == [x.vensim for x in load_assumptions().values()]
    for name in da:
        if name not in ("External shock", "Listing openness"):
            np.testing.assert_array_equal(da[name], db[name])
    # the changed range maps the same quantiles: the order of the runs is kept
    assert (np.argsort(da["External shock"]) == np.argsort(db["External shock"])).all()
    assert (db["Listing openness"] == 0.7).all()
    for key, (_, lo, hi) in assumption_ranges(a).items():
        x = da[load_assumptions()[key].vensim]
        assert lo <= x.min() and x.max() <= hi
    other_seed = sample_assumptions(a, 400, 8)["Future GDP growth"]
    assert not np.array_equal(other_seed, da["Future GDP growth"])


def test_triangular_quantiles():
    u = np.array([0.0, 0.5, 1.0])
    x = triangular_ppf(u, 0.0, 0.5, 1.0)
    np.testing.assert_allclose(x, [0.0, 0.5, 1.0])
    assert (triangular_ppf(u, 2.0, 2.0, 2.0) == 2.0).all()


def test_with_lever_validates():
    base = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    assert base.with_lever("special_fund", "16th", 400).lever_value("special_fund", "16th") == 400
    with pytest.raises(Exception, match="allowed range"):
        base.with_lever("special_fund", "16th", 4000)


# --- warnings -------------------------------------------------------------------------------

SPLIT = ("enterprise_reward_weight", "talent_weight", "rd_subsidy_weight", "carrier_weight",
         "guidance_fund_weight")


@pytest.mark.parametrize(("zeros", "expected"), [
    ({k: 0 for k in SPLIT}, list(PERIODS)),
    ({k: {"15th": 0} for k in SPLIT}, ["15th"]),
    ({**{k: 0 for k in SPLIT}, "talent_weight": {"14th": 0, "15th": 0, "16th": 1}},
     ["14th", "15th"]),
    ({k: 0 for k in SPLIT[:4]}, []),
    ({}, []),
])
def test_all_split_weights_zero_is_reported_per_period(zeros, expected):
    scenario = parse_scenario({"name": "t", "title_en": "T", "title_zh": "测", "rationale": "r",
                               "levers": zeros})
    assert {lever.theme for key, lever in load_levers().items() if key in SPLIT} == {"fund_split"}
    assert zero_split_periods(scenario) == expected


def test_a_broken_lever_catalogue_is_named_not_the_scenario(tmp_path, monkeypatch):
    broken = tmp_path / "levers.yaml"
    broken.write_text("levers: [\n", encoding="utf-8")
    import suzhou_sim.catalogues.scenarios as module

    original = module.load_levers
    monkeypatch.setattr(module, "load_levers", lambda path=broken: original(path))
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + "levers:\n  special_fund: 300\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{broken}: malformed YAML")
    assert str(path) not in str(info.value)


def test_frozen_dump_is_hashable_and_ignores_key_order():
    from suzhou_sim.catalogues.scenarios import frozen_dump

    a = frozen_dump({"b": [1, {"c": 2, "d": [3]}], "a": 1.5})
    b = frozen_dump({"a": 1.5, "b": [1, {"d": [3], "c": 2}]})
    assert a == b and hash(a) == hash(b)
    assert frozen_dump({"a": 1.5, "b": [1, {"c": 3, "d": [3]}]}) != a
