"""The effects study on the real model at a small size: signs, bounds, response shape, steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.evidence import load_cost_benchmarks
from suzhou_sim.catalogues.scenarios import load_levers, load_scenario
from suzhou_sim.catalogues.targets import targets_for_region
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from suzhou_sim.errors import InputError
from suzhou_sim.studies.effects import (
    EFFECT_COLUMNS,
    FUND_LEVER,
    attribute_changes,
    benchmark_comparison,
    lever_effects,
    plan_perturbations,
    run_inputs_key,
    target_probabilities,
)
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.posterior_fixture import write_fixture_posterior

REPO = Path(__file__).resolve().parents[2]
BASELINE = load_scenario(REPO / "scenarios" / "baseline.yaml")
DRAWS = 40
CHANNELS = ("enterprise_reward_weight", "talent_weight", "rd_subsidy_weight", "carrier_weight",
            "guidance_fund_weight")
SPENDING = {"enterprise_reward_weight": "Enterprise reward spending",
            "talent_weight": "Talent spending", "rd_subsidy_weight": "RD subsidy spending",
            "carrier_weight": "Carrier spending",
            "guidance_fund_weight": "Guidance fund injection"}


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


@pytest.fixture(scope="module")
def effects(posterior_dir):
    return lever_effects(BASELINE, draws=DRAWS, seed=3, posterior=posterior_dir)


def _row(table: pd.DataFrame, kind: str, lever: str, target: str, period: str = "14th"):
    rows = table[(table["kind"] == kind) & (table["lever"] == lever)
                 & (table["target_id"] == target) & (table["period"] == period)]
    assert len(rows) == 1, (kind, lever, target, period)
    return rows.iloc[0]


def test_table_covers_every_lever_period_and_target(effects):
    table = effects.table
    assert list(table.columns) == EFFECT_COLUMNS
    assert set(table["lever"]) == set(load_levers())
    # a step acts from its period on: no row measures a target before the period starts
    years = {"14th": 2024, "15th": 2026, "16th": 2031}
    assert (table["year"] >= table["period"].map(years)).all()
    assert set(table.loc[table["period"] == "16th", "year"]) == {2035}
    assert effects.runs == DRAWS * (1 + table[["kind", "lever", "period"]]
                                    .drop_duplicates().shape[0])
    assert effects.skipped.empty


# Each channel (and each lever that is not a split weight) against the outcome it should
# raise, in the direction the evidence supports (data/evidence/README.md channels 1-6).
SIGNS = [
    ("channel", "enterprise_reward_weight", "SZ-HTE-2025"),      # 1: rewards -> HTEs
    ("channel", "enterprise_reward_weight", "SZ-HTEREC-2025"),
    ("channel", "rd_subsidy_weight", "SZ-TECHCONTRACT-2025"),    # 2: subsidies -> R&D
    ("channel", "talent_weight", "SZ-LEADER-2025"),              # 4: grants -> talent inflow
    ("channel", "guidance_fund_weight", "SZ-VCFUND-2025"),       # 5: guidance funds -> VC
    ("channel", "carrier_weight", "SZ-CARRIERAREA-2025"),        # 6: carriers -> floor area
    # not carriers -> formation: space adds firms only when it runs short, which it does not
    # at the baseline (tests/studies/test_effects_benchmarks.py, tests/model/test_effects.py)
    ("lever", "special_fund", "SZ-HTE-2025"),
    ("lever", "guidance_fund_leverage", "SZ-VCFUND-2025"),
    ("lever", "attraction_projects", "SZ-TSME-2025"),
]
# Not talent_grant_level -> SZ-LEADER-2025: the historic talent budget is spent (issue 23),
# so at a fixed budget a higher grant funds fewer awards; it draws more applicants, which
# matters only once the pool limits awards (tests/model/test_effects.py).


@pytest.mark.parametrize(("kind", "lever", "target"), SIGNS)
def test_each_channel_moves_its_outcome_up_with_its_band(effects, kind, lever, target):
    row = _row(effects.table, kind, lever, target)
    assert row.delta_p10 <= row.delta_p50 <= row.delta_p90
    assert row.delta_p50 > 0
    if kind == "channel":  # money into a channel: the whole 80% band is a gain
        assert row.delta_p10 > 0


@pytest.mark.parametrize(("kind", "lever", "target"), [s for s in SIGNS if s[0] == "channel"])
def test_no_free_lunch_elasticity_at_most_one(effects, kind, lever, target):
    """Diminishing returns: the outcome grows by a smaller share than the channel's money."""
    row = _row(effects.table, kind, lever, target)
    assert row.delta_p90 / row.base_p50 <= row.step / row.value


def test_reward_channel_cost_is_at_least_the_award(effects):
    """An additional HTE cannot cost less than the smallest Suzhou award (5万, evidence row)."""
    row = _row(effects.table, "channel", "enterprise_reward_weight", "SZ-HTE-2025")
    assert row.cost_status == "defined"
    assert 5 <= row.cost_p10 <= row.cost_p50 <= row.cost_p90
    spent = row.money * 1e4  # 万元 over 2024-25
    assert row.cost_p50 == pytest.approx(spent / row.delta_p50)
    comparison = benchmark_comparison(effects.table, BASELINE)
    verdict = comparison.set_index("benchmark").loc["enterprise_reward_hte"]
    assert 0 < verdict.money_share <= 1
    cost = row.cost_p50 * verdict.money_share  # only the money the evidence prices
    assert verdict.cost_p50 == pytest.approx(cost)
    expected = ("above" if cost > 300 else "below" if cost < 40 else "inside")
    assert verdict.verdict == expected


def test_reallocating_weights_costs_the_other_channels(effects):
    # raising one split weight takes money from the others, with no extra money to cost:
    # more for guidance funds means fewer HTEs this plan
    table = effects.table
    lever = _row(table, "lever", "guidance_fund_weight", "SZ-HTE-2025")
    assert lever.delta_p50 < 0 and np.isnan(lever.cost_p50)


def test_channel_step_keeps_the_other_channels_money(posterior_dir):
    steps, _ = plan_perturbations(BASELINE, levers=[FUND_LEVER, *CHANNELS], channels=True)
    step = next(p for p in steps if p.kind == "channel" and p.lever == "talent_weight"
                and p.period == "15th")
    post, _ = resolve_posterior(posterior_dir, BASELINE.region)
    base = scenario_inputs(BASELINE, 2, 1, post)
    columns = list(SPENDING.values())
    before = run_ensemble(base, 2, columns)
    after = run_ensemble({**base, **step.changes}, 2, columns)
    year = list(np.asarray(before.times)).index(2027.0)
    for key, var in SPENDING.items():
        gained = after[var][:, year] - before[var][:, year]
        assert gained == pytest.approx(50.0 if key == "talent_weight" else 0.0, abs=1e-9)


@pytest.mark.parametrize(("kind", "lever", "target"), [
    ("lever", "special_fund", "SZ-HTE-2025"),
    ("lever", "special_fund", "SZ-VCFUND-2025"),
    ("channel", "enterprise_reward_weight", "SZ-HTE-2025"),
    ("channel", "talent_weight", "SZ-LEADER-2025"),
    ("channel", "rd_subsidy_weight", "SZ-TECHCONTRACT-2025"),
    ("channel", "carrier_weight", "SZ-CARRIERAREA-2025"),
])
def test_response_is_monotone_and_diminishing(posterior_dir, kind, lever, target):
    levers = [FUND_LEVER, lever] if kind == "channel" else [lever]
    effects = [
        _row(lever_effects(BASELINE, draws=10, seed=3, posterior=posterior_dir, levers=levers,
                           money_step=m, channels=kind == "channel").table,
             kind, lever, target).delta_p50
        for m in (50, 100, 150)
    ]
    increments = np.diff([0.0, *effects])
    assert (increments > 0).all()                          # monotone
    assert (np.diff(increments) <= 1e-9 * effects[-1]).all()  # diminishing


@pytest.mark.parametrize(("levers", "step", "money", "message"), [
    (["special_fnd"], 0.1, 50, "unknown lever 'special_fnd'; did you mean 'special_fund'"),
    (None, -0.1, 50, "--step: -0.1 is not allowed"),
    (None, 0.1, 0, "--money-step: 0 is not allowed"),
    (["attraction_projects"], 10, 50, "outside its allowed range 0-10000"),
])
def test_bad_steps_are_refused(levers, step, money, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan_perturbations(BASELINE, levers=levers, step=step, money_step=money)


def test_a_lever_at_its_maximum_steps_down_and_says_so():
    at_max = BASELINE.with_lever("special_fund", "15th", 1000)
    steps, skipped = plan_perturbations(at_max, levers=["special_fund", "talent_weight"])
    down = next(p for p in steps if p.lever == "special_fund" and p.kind == "lever"
                and p.period == "15th")
    assert (down.step, down.step_rule, down.new_value) == (-50, "money_down", 950)
    assert {"kind": "channel", "lever": "talent_weight", "period": "15th",
            "reason": "channel_out_of_range"} in skipped


def test_zero_valued_lever_takes_the_catalogue_step():
    zero = BASELINE.with_lever("carrier_weight", "14th", 0)
    steps, _ = plan_perturbations(zero, levers=["carrier_weight"], channels=False)
    first = next(p for p in steps if p.period == "14th")
    assert (first.step, first.step_rule) == (load_levers()["carrier_weight"].step, "catalogue")


def test_attribution_splits_the_change_between_edited_levers(posterior_dir):
    edited = BASELINE.with_lever("special_fund", "14th", 400)
    one = attribute_changes(BASELINE, edited, 30, 3, posterior_dir)
    assert list(one.columns) == ["special_fund", "interaction", "total"]
    assert one["special_fund"].to_numpy() == pytest.approx(one["total"].to_numpy())
    # more money, every channel; registered tech SMEs aside: the recognitions rewards add
    # move firms from the SME pool into the HTE stock, of which only the registering share
    # stays registered, and carrier space adds no firm while it is not short
    rest = one.loc[[t for t in one.index if not t.startswith("SZ-TSME")], "total"]
    assert (one["total"] > 0).any() and (rest >= 0).all()
    both = attribute_changes(BASELINE, edited.with_lever("guidance_fund_weight", "14th", 0),
                             30, 3, posterior_dir)
    assert list(both.columns) == ["special_fund", "guidance_fund_weight", "interaction", "total"]
    assert both.loc["SZ-VCFUND-2025", "guidance_fund_weight"] <= 0
    none = attribute_changes(BASELINE, BASELINE, 30, 3, posterior_dir)
    assert list(none.columns) == ["interaction", "total"] and (none["total"] == 0).all()


def test_attribution_runs_each_distinct_variant_once_and_takes_given_probabilities(posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    edited = BASELINE.with_lever("special_fund", "14th", 400)
    asked = []

    def probabilities(s):
        asked.append(s)
        return target_probabilities(s, 30, 3, post)

    given = attribute_changes(BASELINE, edited, 30, 3, probabilities=probabilities)
    # one edited lever: its variant has the edited scenario's runs, so two runs, not three
    assert [run_inputs_key(s) for s in asked] == [run_inputs_key(BASELINE),
                                                  run_inputs_key(edited)]
    pd.testing.assert_frame_equal(given, attribute_changes(BASELINE, edited, 30, 3, post))
    assert not given["total"].eq(0).all()


def test_scenario_run_carries_the_attribution_probabilities(posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    edited = BASELINE.with_lever("special_fund", "14th", 400)
    res = run_scenario(edited, draws=30, seed=3, posterior=post)
    ids = [t.target_id for t in targets_for_region("suzhou") if t.in_scope]
    assert list(res.reached) == ids
    # the same share of the same runs, bit for bit (the app reuses them for the attribution)
    assert np.array_equal(np.array([res.reached[t] for t in ids]),
                          target_probabilities(edited, 30, 3, post))
    assert run_inputs_key(edited) == run_inputs_key(
        edited.model_copy(update={"name": "other", "title_en": "Other"}))
    assert run_inputs_key(edited) != run_inputs_key(BASELINE)



def test_channel_steps_fit_a_small_fund():
    kunshan = load_scenario(REPO / "scenarios" / "kunshan_baseline.yaml")
    steps, skipped = plan_perturbations(kunshan, levers=[FUND_LEVER, *CHANNELS])
    assert not [s for s in skipped if s["kind"] == "channel"]
    levers = load_levers()
    for p in (p for p in steps if p.kind == "channel"):
        weights = [p.changes[levers[k].vensim[p.period]] for k in CHANNELS]
        assert all(0 <= w <= 1 for w in weights) and sum(weights) == pytest.approx(1)
        assert p.new_value - p.value == pytest.approx(p.money)


def test_no_split_weight_means_no_channel_to_add_to():
    scenario = BASELINE
    for key in CHANNELS:
        scenario = scenario.with_lever(key, "14th", 0)
    _, skipped = plan_perturbations(scenario, levers=[FUND_LEVER, "talent_weight"])
    assert {"kind": "channel", "lever": "talent_weight", "period": "14th",
            "reason": "no_fund"} in skipped


def test_benchmark_is_measured_even_without_a_target_on_it(posterior_dir):
    kunshan = load_scenario(REPO / "scenarios" / "kunshan_baseline.yaml")
    assert not any(t.indicator == "high_tech_enterprises" and t.year == 2025
                   for t in targets_for_region("kunshan"))
    result = lever_effects(kunshan, draws=10, seed=3, posterior=posterior_dir,
                           levers=[FUND_LEVER, "enterprise_reward_weight"])
    extra = result.table[result.table["target_id"].fillna("") == ""]
    assert "high_tech_enterprises" in set(extra["indicator"])
    assert set(extra["indicator"]) <= {b.indicator for b in load_cost_benchmarks().values()}
    assert extra["probability_change"].isna().all()
    comparison = benchmark_comparison(result.table, kunshan)
    verdict = comparison[comparison["benchmark"] == "enterprise_reward_hte"].iloc[0]
    assert verdict.verdict in ("inside", "above", "below") and verdict.cost_p50 > 0
