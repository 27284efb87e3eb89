"""Bad input to the studies and their options: the English line as before, Chinese from codes.

One table per module of :mod:`suzhou_sim.studies` (and the effects command): each bad input,
the exact English line the CLI prints (unchanged by the coding of the errors) and the code
it carries; its Chinese rendering (``render_error(err, "zh")``) is Chinese, not the English
line, and has every placeholder filled.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.catalogues.scenarios import load_assumptions, load_levers, load_scenario, suggest
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.errors import InputError, render_error
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.wording.problems import Given

CJK = re.compile(r"[\u4e00-\u9fff]")
LEVERS = sorted(load_levers())


def _scenario(name: str = "baseline"):
    return load_scenario(SCENARIOS_DIR / f"{name}.yaml")


def _observations() -> pd.DataFrame:
    from suzhou_sim.catalogues.observations import load_observations

    return load_observations(region="suzhou")


def _backtest_rows() -> pd.DataFrame:
    """Backtest rows of one origin (too few to compare error laws)."""
    return pd.DataFrame({"origin": [2020, 2020], "indicator": ["a", "b"], "year": [2021, 2022],
                         "observed": [1.0, 2.0], "p50": [1.1, 1.9], "p10": [0.9, 1.5],
                         "p90": [1.3, 2.3]})


def _problem(n: int = 2, region: str | None = None):
    from suzhou_sim.studies.sensitivity import Factor, SensitivityProblem

    return SensitivityProblem(tuple(Factor(f"x{i}", "factor", 0.0, 1.0) for i in range(n)),
                              region=region)


def _unpriced() -> str:
    lever = load_levers()["guidance_fund_leverage"]
    return (f"--levers: guidance_fund_leverage has no cost per unit ({lever.pricing_en}); "
            "name it with an explicit bound, e.g. guidance_fund_leverage=1:10")


def _out_of_scope() -> str:
    reason = load_targets()["SZ-ENGINEER-2025"].reason
    return f"--targets: SZ-ENGINEER-2025 is outside model scope ({reason})"


def _unknown_lever(option: str) -> str:
    return f"{option}: unknown lever 'special_fnd'; {suggest('special_fnd', load_levers())}"


def _unknown_period(option: str) -> str:
    return f"{option}: unknown plan period '17th'; {suggest('17th', ['14th', '15th', '16th'])}"


# module -> [(id, call, English line or a function giving it, code)]
CASES = {
    "driven": [
        ("not_pair", lambda d: d.parse_assume(["future_gdp_growth"]),
         "--assume: 'future_gdp_growth' is not NAME=VALUE (e.g. future_industry_base=1500)",
         "err.assume_not_pair"),
        ("unknown", lambda d: d.parse_assume(["future_gdp_grwth=1"]),
         lambda: ("--assume: unknown assumption 'future_gdp_grwth'; "
                  + suggest("future_gdp_grwth", load_assumptions())),
         "err.unknown_assumption_named"),
        ("not_number", lambda d: d.parse_assume(["future_gdp_growth= abc"]),
         "--assume: future_gdp_growth: 'abc' is not a number", "err.assume_not_number"),
        ("not_finite", lambda d: d.parse_assume(["future_gdp_growth=inf"]),
         "--assume: future_gdp_growth: 'inf' is not a finite number", "err.assume_not_finite"),
        ("twice", lambda d: d.parse_assume(["future_gdp_growth=0.05", "future_gdp_growth=0.06"]),
         "--assume: future_gdp_growth is given more than once (0.05 and 0.06); give each "
         "assumption once", "err.assume_twice"),
        ("range", lambda d: d.with_assumptions(_scenario(), {"future_gdp_growth": 99.0}),
         "--assume: future_gdp_growth: 99 is outside the allowed range -0.05 to 0.15 /yr",
         "err.assumption_out_of_range"),
    ],
    "effects": [
        ("negative_step", lambda e: e.plan_perturbations(_scenario(), ["special_fund"], -0.1),
         "--step: -0.1 is not allowed; give a positive step", "err.fx_step_positive"),
        ("zero_money_step", lambda e: e.plan_perturbations(_scenario(), money_step=0.0),
         "--money-step: 0.0 is not allowed; give a positive step", "err.fx_step_positive"),
        ("both_ways", lambda e: e.plan_perturbations(_scenario(), ["attraction_projects"], 10.0),
         "step: 30000 projects/year takes lever attraction_projects (14th plan, value 3000) "
         "outside its allowed range 0-10000 projects/year in both directions",
         "err.fx_step_both_ways"),
        ("joint_twice", lambda e: e.plan_perturbations(
            _scenario(), joint=["special_fund", "special_fund", "talent_weight"]),
         "--joint: special_fund named twice; name each lever once", "err.fx_joint_twice"),
        ("lever", lambda e: e.plan_perturbations(_scenario(), ["special_fnd"]),
         lambda: _unknown_lever("--lever"), "err.unknown_lever_named"),
        ("joint_lever", lambda e: e.plan_perturbations(_scenario(), joint=["special_fnd", "x"]),
         lambda: _unknown_lever("--joint"), "err.unknown_lever_named"),
        ("joint_one", lambda e: e.plan_perturbations(_scenario(), joint=["special_fund"]),
         "--joint: special_fund names 1 lever(s); give two or more, e.g. "
         "special_fund,guidance_fund_leverage", "err.fx_joint_few"),
        ("joint_none", lambda e: e.plan_perturbations(_scenario(), joint=[]),
         "--joint: nothing names 0 lever(s); give two or more, e.g. "
         "special_fund,guidance_fund_leverage", "err.fx_joint_few"),
        ("share_above", lambda e: e.plan_perturbations(_scenario(), money_share=2.0),
         "--money-share: 2.0 is not allowed; give a share of the fund in (0, 1], e.g. 0.1",
         "err.fx_share_above"),
        ("tiny_step", lambda e: e.plan_perturbations(_scenario(), step=1e-9),
         "--step: 1e-09 is below the least relative step 1e-06 (a share of each lever's "
         "value); smaller steps are lost in the model's rounding", "err.fx_step_small"),
        ("tiny_share", lambda e: e.plan_perturbations(_scenario(), money_share=1e-9),
         "--money-share: 1e-09 is below the least share 1e-06 of the fund; smaller steps are "
         "lost in the model's rounding", "err.fx_share_small"),
        ("tiny_money_step", lambda e: e.plan_perturbations(_scenario(), money_step=1e-9),
         "--money-step: 1e-09 100m_yuan/year is below the least step 0.0002 (1e-06 of the "
         "special fund of 200 in the 14th plan); smaller steps are lost in the model's "
         "rounding", "err.fx_money_step_small"),
        ("attribution", lambda e: e.attribute_changes(_scenario(), _scenario("kunshan_baseline"),
                                                      10, 0),
         "attribution needs one region, got 'suzhou' and 'kunshan'",
         "err.fx_attribution_region"),
    ],
    "optimise": [
        ("no_target", lambda o: o.check_targets([], "suzhou"),
         "--targets: give at least one target id", "err.opt_no_target"),
        ("unknown_target", lambda o: o.check_targets(["SZ-HTE-2052"], "suzhou"),
         lambda: ("--targets: unknown target 'SZ-HTE-2052'; "
                  + suggest("SZ-HTE-2052", load_targets())), "err.unknown_target"),
        ("other_region", lambda o: o.check_targets(["KS-HTE-2026"], "suzhou"),
         "--targets: KS-HTE-2026 is a kunshan target, the scenario is for suzhou",
         "err.target_region"),
        ("out_of_scope", lambda o: o.check_targets(["SZ-ENGINEER-2025"], "suzhou"),
         _out_of_scope, "err.target_out_of_scope"),
        ("lever", lambda o: o.plan_decisions(["special_fnd"], None),
         lambda: _unknown_lever("--levers"), "err.unknown_lever_named"),
        ("period", lambda o: o.plan_decisions(["special_fund"], ["17th"]),
         lambda: _unknown_period("--periods"), "err.unknown_period"),
        ("bound_format", lambda o: o.parse_lever_bounds("guidance_fund_leverage=3"),
         "--levers: 'guidance_fund_leverage=3': give a bound as KEY=LOW:HIGH, e.g. "
         "guidance_fund_leverage=3:6", "err.opt_bound_format"),
        ("bound_lever", lambda o: o.portfolio_decisions("suzhou",
                                                        bounds={"special_fnd": (1.0, 2.0)}),
         lambda: _unknown_lever("--levers"), "err.unknown_lever_named"),
        ("unpriced", lambda o: o.portfolio_decisions("suzhou", ["guidance_fund_leverage"]),
         _unpriced, "err.opt_unpriced"),
        ("begun", lambda o: o.portfolio_decisions("suzhou", periods=["14th"], vintage_year=2024),
         "--periods: the 14th plan (2025) has begun by the data vintage (data through 2024): "
         "its money is spent or committed and a plan cannot change it; choose from 15th, 16th",
         "err.opt_period_begun"),
        ("begun_none_left", lambda o: o.portfolio_decisions("suzhou", periods=["14th"],
                                                            vintage_year=2031),
         "--periods: the 14th plan (2025) has begun by the data vintage (data through 2031): "
         "its money is spent or committed and a plan cannot change it; choose from none",
         "err.opt_period_begun"),
        ("all_begun", lambda o: o.portfolio_decisions("suzhou", vintage_year=2031),
         "--periods: every plan period has begun by the data vintage (data through 2031); "
         "there is nothing left to optimise", "err.opt_all_begun"),
        ("bound_range", lambda o: o.portfolio_decisions(
            "suzhou", bounds={"guidance_fund_leverage": (6.0, 3.0)}, vintage_year=2024),
         "--levers: guidance_fund_leverage=6:3 is not allowed; give LOW <= HIGH within "
         "1-10 Dmnl", "err.opt_bound_range"),
        ("probability", lambda o: o.optimise_portfolio(_scenario(), ["SZ-HTE-2025"], 1.0),
         "--probability: 1.0 is outside the allowed range (0, 1) (exclusive)",
         "err.opt_probability"),
    ],
    "sweep": [
        ("no_values", lambda s: s.sweep(_scenario(), "special_fund", "15th", []),
         "--values: give 1-200 values, got 0", "err.sweep_count"),
        ("outside", lambda s: s.sweep(_scenario(), "special_fund", "15th", [1e9]),
         "--values: 1e+09 is outside the allowed range of special_fund (0-1000)",
         "err.sweep_range"),
    ],
    "discover": [
        ("lift", lambda d: d.check_rules(1.0, 0.5),
         "--min-lift: 1.0 is not allowed; give a lift above 1", "err.disc_min_lift"),
        ("coverage", lambda d: d.check_rules(2.0, 0.0),
         "--min-coverage: 0.0 is outside the allowed range (0, 1]", "err.disc_min_coverage"),
        ("draws", lambda d: d.discover(_scenario(), "SZ-HTE-2025", draws=5),
         "--draws: 5 is too few for scenario discovery (allowed: 10-100000)", "err.disc_draws"),
    ],
    "backtest": [
        ("no_origin", lambda b: b.check_origins("suzhou", [], _observations()),
         "--origins: give at least one year", "err.bt_no_origin"),
        ("origin_outside", lambda b: b.check_origins("suzhou", [1990], _observations()),
         "--origins: 1990 is outside the data of suzhou (allowed: 2019-2023; an origin needs "
         "published values after it)", "err.bt_origin_range"),
        ("origin_no_data", lambda b: b.check_origins(
            "suzhou", [2020], _observations().query("year >= 2021")),
         "--origins: 2020: no observation of suzhou up to 2020 to calibrate on (first "
         "in-scope observation: 2021)", "err.bt_origin_no_data"),
        ("no_observation", lambda b: b.check_origins(
            "suzhou", [2020], _observations().query("year < 2018")),
         "suzhou: no observation inside the model's scope and years", "err.bt_no_observation"),
        ("scenario_region", lambda b: b.run_backtest("suzhou", [2020],
                                                     scenario=_scenario("kunshan_baseline")),
         "scenario 'kunshan_baseline' belongs to kunshan, not suzhou", "err.bt_scenario_region"),
    ],
    "predictive": [
        ("law", lambda p: p.fit_error_model(_backtest_rows(), "suzhou", 0, "cauchy"),
         "forecast-error law must be one of normal, student_t, not 'cauchy'", "err.pred_law"),
        ("no_positive", lambda p: p.fit_error_model(_backtest_rows().iloc[:0], "suzhou", 0),
         "suzhou: no positive backtest value to estimate a forecast error from",
         "err.pred_no_positive"),
        ("one_origin", lambda p: p.compare_error_laws(_backtest_rows(), "suzhou"),
         "suzhou: comparing error laws needs at least two origins", "err.pred_two_origins"),
        ("missing", lambda p: p.load_error_model("suzhou", Path("nope.yaml")),
         "nope.yaml: no forecast-error model for 'suzhou'; run `python -m suzhou_sim backtest "
         "--region suzhou --out model/calibration/suzhou/backtest --save-error-model` first",
         "err.pred_missing"),
    ],
    "scenario_runs": [
        ("none", lambda r: r.compare_scenarios([]),
         "compare: give at least one scenario", "err.runs_compare_none"),
        ("regions", lambda r: r.compare_scenarios([_scenario(), _scenario("kunshan_baseline")]),
         "compare: scenarios must share one region, got ['kunshan', 'suzhou']",
         "err.runs_compare_regions"),
    ],
    "sensitivity": [
        ("base_samples", lambda s: s.sobol_analysis(_problem(), lambda X: X[:, 0], 1),
         "the number of base samples must be at least 2, got 1", "err.sens_size"),
        ("trajectories", lambda s: s.morris_analysis(_problem(), lambda X: X[:, 0], 1),
         "the number of trajectories must be at least 2, got 1", "err.sens_size"),
        ("no_factors", lambda s: s.sobol_analysis(_problem(0), lambda X: X, 8),
         "the sensitivity problem has no uncertain factors", "err.sens_no_factors"),
        ("period", lambda s: s.effect_step(_scenario(), "special_fund", "17th"),
         lambda: _unknown_period("--effect-of"), "err.unknown_period"),
        ("problem_region", lambda s: s.evaluate(_problem(1, "kunshan"), np.zeros((1, 1)),
                                                _scenario()),
         "the problem is for region 'kunshan', the scenario 'baseline' for 'suzhou'",
         "err.sens_problem_region"),
    ],
}

PARAMS = [pytest.param(module, call, english, code, id=f"{module}-{name}")
          for module, rows in CASES.items() for name, call, english, code in rows]


def _raised(module: str, call) -> InputError:
    import importlib

    with pytest.raises(InputError) as info:
        call(importlib.import_module(f"suzhou_sim.studies.{module}"))
    return info.value


@pytest.mark.parametrize(("module", "call", "english", "code"), PARAMS)
def test_a_study_refusal_keeps_its_english_line_and_renders_in_chinese(module, call, english,
                                                                        code):
    err = _raised(module, call)
    assert str(err) == (english() if callable(english) else english)
    assert err.code == code
    zh = render_error(err, "zh")
    assert zh != str(err) and CJK.search(zh) and "{" not in zh, zh
    assert render_error(err, "en") == str(err)
    again = pickle.loads(pickle.dumps(err))  # e.g. raised in a worker process
    assert str(again) == str(err) and render_error(again, "zh") == zh


def test_a_catalogues_own_chinese_is_shown_in_a_chinese_refusal():
    target = load_targets()["SZ-ENGINEER-2025"]
    lever = load_levers()["guidance_fund_leverage"]
    scope = render_error(_raised("optimise", lambda o: o.check_targets(["SZ-ENGINEER-2025"],
                                                                       "suzhou")), "zh")
    assert target.reason_zh and target.reason_zh in scope and target.reason not in scope
    priced = render_error(_raised("optimise", lambda o: o.portfolio_decisions(
        "suzhou", ["guidance_fund_leverage"])), "zh")
    assert lever.pricing_zh in priced and lever.pricing_en not in priced
    assert Given(None, "only English").text("zh") == "only English"


@pytest.mark.parametrize(("args", "english", "code"), [
    (["--money-step", "50", "--money-share", "0.2"],
     "--money-step and --money-share both size the money steps (an explicit step, or a share "
     "of the fund): give one of them", "err.fx_money_step_and_share"),
    (["--assume", "future_gdp_growth=0.05", "--assume", "future_gdp_growth=0.06"],
     "--assume: future_gdp_growth is given more than once (0.05 and 0.06); give each "
     "assumption once", "err.assume_twice"),
    (["--step", "1e-300"],
     "--step: 1e-300 is below the least relative step 1e-06 (a share of each lever's value); "
     "smaller steps are lost in the model's rounding", "err.fx_step_small"),
])
def test_the_effects_commands_refusals_are_coded(tmp_path, args, english, code):
    from suzhou_sim import cli

    parsed = cli.build_parser().parse_args(
        ["effects", str(SCENARIOS_DIR / "baseline.yaml"),
         "--out", str(tmp_path / "out"), *args])
    with pytest.raises(InputError) as info:
        parsed.handler(parsed)
    assert str(info.value) == english and info.value.code == code
    assert CJK.search(render_error(info.value, "zh"))
    assert not (tmp_path / "out").exists()
