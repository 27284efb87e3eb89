"""The effects study on the real model at a small size: signs, bounds, response shape, steps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.evidence import load_cost_benchmarks
from suzhou_sim.catalogues.scenarios import load_levers, load_scenario
from suzhou_sim.catalogues.targets import load_targets, target_values, targets_for_region
from suzhou_sim.engine import EnsembleResult
from suzhou_sim.ensemble.compiled import compiled_model
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from suzhou_sim.errors import InputError
from suzhou_sim.studies.driven import plan_answers, with_assumptions
from suzhou_sim.studies.effects import (
    DEFAULT_MONEY_SHARE,
    EFFECT_COLUMNS,
    FUND_LEVER,
    INTERACTION_COLUMNS,
    attribute_changes,
    benchmark_comparison,
    interaction_parts,
    lever_effects,
    money_step_for,
    plan_perturbations,
    run_inputs_key,
    stacked_measures,
    target_probabilities,
)
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.engine.conftest import model_text
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
    planned, _ = plan_perturbations(BASELINE, last_year=2035)
    assert effects.runs == DRAWS * (1 + len(planned))
    # every planned step is either in the table or said to move nothing it could measure
    shown = set(table[["kind", "lever", "period"]].itertuples(index=False, name=None))
    skipped = effects.skipped
    unmoved = set(skipped.loc[skipped["reason"].isin(["no_path", "no_model_effect"]),
                              ["kind", "lever", "period"]].itertuples(index=False, name=None))
    assert {(p.kind, p.lever, p.period) for p in planned} == shown | unmoved
    # no (step, target) pair is both an effect row and unmoved
    pairs = set(table[["kind", "lever", "period", "target_id"]].itertuples(index=False,
                                                                          name=None))
    assert not pairs & set(skipped[["kind", "lever", "period", "target_id"]].itertuples(
        index=False, name=None))
    # the trend-carried targets are named as such, never given an effect
    trend = {t.target_id for t in targets_for_region("suzhou") if t.in_scope and t.trend}
    assert set(skipped.loc[skipped["reason"] == "trend_only", "target_id"]) == trend
    assert not trend & set(table["target_id"])
    assert set(skipped["reason"]) <= {"trend_only", "no_path", "no_model_effect"}


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
    steps, _ = plan_perturbations(BASELINE, levers=[FUND_LEVER, *CHANNELS], money_step=50,
                                  channels=True)
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


@pytest.mark.parametrize(("money", "expected"), [
    (50, (-50, "money_down", 950)),          # an explicit step
    (None, (-100, "fund_share_down", 900)),  # 10% of the raised fund of 1000
])
def test_a_lever_at_its_maximum_steps_down_and_says_so(money, expected):
    at_max = BASELINE.with_lever("special_fund", "15th", 1000)
    steps, skipped = plan_perturbations(at_max, levers=["special_fund", "talent_weight"],
                                        money_step=money)
    down = next(p for p in steps if p.lever == "special_fund" and p.kind == "lever"
                and p.period == "15th")
    assert (down.step, down.step_rule, down.new_value) == expected
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


# -- per-slice measures with the scoreboard's predictive draws (issue #23 item 6) ---------


def _stacked(blocks: list[np.ndarray]) -> EnsembleResult:
    """A synthetic ensemble result: slices of HTE stocks stacked one after another."""
    times = np.arange(2018.0, 2036.0)
    return EnsembleResult(times, {"High tech enterprises": np.concatenate(blocks)})


def test_each_slice_is_measured_on_its_own_runs():
    """A trend target's quantiles and the structural error are per slice: a slice equal to
    the base has no effect at all, a known shift has exactly the known effect."""
    targets = load_targets()
    hte, trend = targets["SZ-HTE-2025"], targets["SZ-NEWRD-2025"]
    n = 50
    rng = np.random.default_rng(1)
    base = 40_000 + 5_000 * rng.random((n, 18))
    results = _stacked([base, base.copy(), 1.1 * base])
    measures = {m.target_id: m for m in stacked_measures(results, n, [hte, trend],
                                                          region="suzhou", seed=7)}
    for m in measures.values():
        assert m.values.shape == (3, n) and m.reached.shape == (3, n)
        assert np.array_equal(m.values[1], m.values[0])       # same runs: no effect
        assert np.array_equal(m.reached[1], m.reached[0])
    # the trend target is read from the observed series: no slice differs from another
    assert np.array_equal(measures[trend.target_id].values[2],
                          measures[trend.target_id].values[0])
    # +10% of every run raises every predictive draw by 10% (the same error draw per run)
    shift = measures[hte.target_id].values[2] - measures[hte.target_id].values[0]
    assert shift == pytest.approx(0.1 * measures[hte.target_id].values[0], rel=1e-12)
    # the old reading across the stacked runs gave the trend target an effect that is not
    # there: its quantile grid ran over all 3n runs, so slice 3 sat above slice 1
    across = target_values(results, trend, [trend.year])[:, 0]
    assert across[2 * n:].mean() > across[:n].mean()


def test_base_probability_is_the_scoreboards(posterior_dir, effects):
    """Effects' base probability is the scoreboard's for the same scenario, draws and seed."""
    res = run_scenario(BASELINE, draws=DRAWS, seed=3, posterior=posterior_dir)
    table = effects.table
    base = table[table["target_id"].fillna("") != ""].drop_duplicates("target_id")
    assert not base.empty
    for row in base.itertuples():
        assert row.probability_base == res.reached[row.target_id], row.target_id


@pytest.mark.parametrize(("scenario", "fund", "step"), [
    ("baseline.yaml", 200.0, 20.0),
    ("kunshan_baseline.yaml", 42.0, 4.2),
])
def test_money_steps_are_a_share_of_the_regions_own_fund(scenario, fund, step):
    s = load_scenario(REPO / "scenarios" / scenario)
    steps, _ = plan_perturbations(s, levers=[FUND_LEVER, "talent_weight"])
    money = [p for p in steps if p.money]
    assert {p.kind for p in money} == {"lever", "channel"}
    for p in money:
        assert (p.step_rule, p.basis) == ("fund_share", fund)
        assert p.step == pytest.approx(step) and p.money == pytest.approx(step)
    # an explicit step is taken as it is, in every region
    explicit, _ = plan_perturbations(s, levers=[FUND_LEVER], money_step=7)
    assert {(p.step, p.step_rule) for p in explicit} == {(7, "money")}
    # a period without money steps by a share of the region's historic fund
    none = s.with_lever(FUND_LEVER, "15th", 0)
    got = money_step_for(none, "15th")
    assert got[1] == "fund_share" and got[0] == pytest.approx(DEFAULT_MONEY_SHARE * got[2])
    assert got[2] > 0


def test_a_share_outside_the_fund_is_refused():
    with pytest.raises(InputError, match=r"--money-share: 1\.5 is not allowed"):
        plan_perturbations(BASELINE, levers=[FUND_LEVER], money_share=1.5)
    with pytest.raises(InputError, match="--joint: .* give two or more"):
        plan_perturbations(BASELINE, levers=[FUND_LEVER], joint=[FUND_LEVER])
    with pytest.raises(InputError, match="--joint: unknown lever 'special_fnd'"):
        plan_perturbations(BASELINE, joint=["special_fnd", FUND_LEVER])


def test_a_step_that_moves_nothing_is_a_reason_not_a_row(posterior_dir):
    """Without money in the 14th plan, a split weight of that plan has nothing to split."""
    broke = BASELINE.with_lever(FUND_LEVER, "14th", 0)
    result = lever_effects(broke, draws=10, seed=3, posterior=posterior_dir,
                           levers=["talent_weight"], channels=False, ranges=False)
    skipped = result.skipped
    assert {"kind": "lever", "lever": "talent_weight", "period": "14th", "target_id": "",
            "reason": "no_model_effect"} in skipped.to_dict("records")
    assert result.table[result.table["period"] == "14th"].empty
    # a step that moves something: every row it has moves its target in some draw
    moved = result.table
    assert not moved.empty
    assert ((moved["delta_p10"] != 0) | (moved["delta_p90"] != 0)).all()


def test_range_targets_get_the_change_at_each_driver_setting(posterior_dir, effects):
    rows = effects.table[effects.table["probability_kind"] == "range"]
    assert {"SZ-FUTURE-2030", "SZ-FUTURE-2035"} <= set(rows["target_id"])
    cols = ["probability_change_low", "probability_change_central", "probability_change_high"]
    assert rows[cols].notna().all().all() and (rows["drivers"] != "").all()
    assert (rows[cols[0]] <= rows[cols[1]]).all() and (rows[cols[1]] <= rows[cols[2]]).all()
    single = effects.table[effects.table["probability_kind"] == "single"]
    assert single[cols].isna().all().all()
    # the same numbers as the other studies' reading (studies.driven) for one step
    row = rows[(rows["lever"] == FUND_LEVER) & (rows["period"] == "15th")
               & (rows["target_id"] == "SZ-FUTURE-2030")].iloc[0]
    steps, _ = plan_perturbations(BASELINE, levers=[FUND_LEVER], channels=False)
    step = next(p for p in steps if p.period == "15th")
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    target = load_targets()["SZ-FUTURE-2030"]
    before, after = (a[0] for a in plan_answers(
        scenario_inputs(BASELINE, DRAWS, 3, post), DRAWS, [target], "suzhou", 3,
        plans=[{}, step.changes]))
    changes = [b - a for c in after.by_driver
               for a, b in zip(before.by_driver[c], after.by_driver[c], strict=True)]
    assert row.probability_change_low == pytest.approx(min(changes))
    assert row.probability_change_high == pytest.approx(max(changes))


# -- interaction: the joint effect against the sum of single effects --------------------


TOY = """
a = 1
\t~\tDmnl
\t~\tfirst lever
\t|

b = 1
\t~\tDmnl
\t~\tsecond lever
\t|

y = a * b
\t~\tDmnl
\t~\tan outcome with a known synergy
\t|
"""


def test_interaction_of_a_known_synergy(tmp_path):
    """y = a * b: raising a by da and b by db together gives da*db more than the sum."""
    path = tmp_path / "toy.mdl"
    path.write_text(model_text(TOY, final_time=1), encoding="utf-8")
    toy = compiled_model(path)
    n, da, db = 60, 0.5, 0.25
    rng = np.random.default_rng(3)
    a, b = 1 + rng.random(n), 1 + rng.random(n)
    stacked = {"a": np.concatenate([a, a + da, a, a + da]),
               "b": np.concatenate([b, b, b + db, b + db])}
    y = run_ensemble(stacked, 4 * n, ["y"], model=toy)["y"][:, -1]
    parts = interaction_parts(y[:n], {"a": y[n:2 * n], "b": y[2 * n:3 * n]}, y[3 * n:])
    assert parts["a"] == pytest.approx(da * b) and parts["b"] == pytest.approx(db * a)
    assert parts["sum"] == pytest.approx(da * b + db * a)
    assert parts["joint"] == pytest.approx(da * b + db * a + da * db)
    assert parts["interaction"] == pytest.approx(np.full(n, da * db))
    # additive levers have no interaction
    flat = interaction_parts(np.zeros(2), {"a": np.ones(2), "b": 2 * np.ones(2)}, 3 * np.ones(2))
    assert flat["interaction"] == pytest.approx(0)


def test_joint_levers_report_sum_joint_and_interaction(posterior_dir):
    pair = [FUND_LEVER, "enterprise_reward_weight"]
    result = lever_effects(BASELINE, draws=12, seed=3, posterior=posterior_dir, levers=pair,
                           channels=False, ranges=False, joint=pair)
    frame = result.interaction
    assert list(frame.columns) == INTERACTION_COLUMNS and not frame.empty
    assert set(frame["levers"]) == {"+".join(pair)}
    assert set(frame["part"]) == {*pair, "sum", "joint", "interaction"}
    table = result.table
    for (period, target), rows in frame.groupby(["period", "target_id"]):
        parts = rows.set_index("part")
        assert parts.loc["interaction", "delta_mean"] == pytest.approx(
            parts.loc["joint", "delta_mean"] - parts.loc["sum", "delta_mean"], abs=1e-9)
        assert parts.loc["sum", "probability_change"] == pytest.approx(
            parts.loc[pair, "probability_change"].sum())
        p10, mean, p90 = parts.loc["interaction", ["delta_p10", "delta_mean", "delta_p90"]]
        assert p10 <= p90
        for lever in pair:  # the single effects are the table's own
            row = table[(table["lever"] == lever) & (table["period"] == period)
                        & (table["target_id"] == target) & (table["kind"] == "lever")]
            if not row.empty:
                assert parts.loc[lever, "delta_mean"] == pytest.approx(row.iloc[0].delta_mean)
    # the money into rewards is fund x share: the joint step is not the sum of the two
    hte = frame[(frame["target_id"] == "SZ-HTE-2025") & (frame["period"] == "14th")]
    assert hte.set_index("part").loc["interaction", "delta_mean"] != 0


def test_a_fixed_driver_gives_a_conditional_change(posterior_dir):
    fixed = with_assumptions(BASELINE, {"future_industry_base_2023": 1500})
    result = lever_effects(fixed, draws=10, seed=3, posterior=posterior_dir,
                           levers=[FUND_LEVER], channels=False)
    rows = result.table[result.table["target_id"] == "SZ-FUTURE-2030"]
    assert not rows.empty and set(rows["probability_kind"]) == {"conditional"}
    assert rows["probability_change"].notna().all()
    assert rows["probability_change_low"].isna().all()


def test_prior_driven_targets_get_the_change_per_band_of_the_scoreboards_driver(posterior_dir):
    """SZ-TECHCONTRACT-2025 is prior-sensitive on the fixture calibration at 200 draws: its
    probability change is given per band of the driver its scoreboard names, the same
    numbers as the other studies' reading (studies.driven) of the same step and draws."""
    from suzhou_sim.reporting.effects_report import probability_text

    tid, draws = "SZ-TECHCONTRACT-2025", 200
    board = run_scenario(BASELINE, draws=draws, seed=3, posterior=posterior_dir).targets
    row = board.set_index("target_id").loc[tid]
    assert row["prior_sensitive"]
    driver = row["drivers"].split("; ")[0]
    result = lever_effects(BASELINE, draws=draws, seed=3, posterior=posterior_dir,
                           levers=[FUND_LEVER], channels=False)
    rows = result.table[result.table["target_id"] == tid]
    assert not rows.empty and (rows["probability_kind"] == "range").all()
    assert rows["drivers"].str.startswith(f"{driver}: ").all()
    step = next(p for p in plan_perturbations(BASELINE, levers=[FUND_LEVER],
                                              channels=False)[0] if p.period == "14th")
    got = rows[rows["period"] == "14th"].iloc[0]
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    in_scope = [t for t in targets_for_region("suzhou") if t.in_scope]
    before, after = ({a.target_id: a for a in found}[tid] for found in plan_answers(
        scenario_inputs(BASELINE, draws, 3, post), draws, in_scope, "suzhou", 3,
        plans=[{}, step.changes], posterior=post))
    changes = [b - a for a, b in zip(before.by_driver[driver], after.by_driver[driver],
                                     strict=True)]
    assert (got.probability_change_low, got.probability_change_central,
            got.probability_change_high) == pytest.approx(
        (min(changes), changes[1], max(changes)))
    assert probability_text(got, "en").endswith("depending on Depreciation of the knowledge "
                                                "stock")


def test_a_fixed_prior_driver_gives_a_conditional_change(posterior_dir):
    fixed = with_assumptions(BASELINE, {"knowledge_depreciation_rate": 0.15})
    result = lever_effects(fixed, draws=200, seed=3, posterior=posterior_dir,
                           levers=[FUND_LEVER], channels=False)
    rows = result.table[result.table["target_id"] == "SZ-TECHCONTRACT-2025"]
    assert not rows.empty and (rows["probability_kind"] == "conditional").all()
