"""Range answers: cases per driver setting, fixed drivers, the stacking of plans × cases."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.errors import InputError
from suzhou_sim.studies.driven import (
    answer_cells,
    cases_for,
    driver_settings,
    parse_assume,
    plan_answers,
    scenario_answers,
    with_assumptions,
)

LEDGER = load_targets()


def test_settings_are_the_range_ends_and_the_catalogue_default():
    (driver,) = LEDGER["SZ-FUTURE-2030"].drivers
    assert driver_settings(driver, "suzhou") == (500, 1200, 2500)
    (carrier,) = LEDGER["SZ-CARRIERAREA-2025"].drivers  # not in the assumption catalogue
    low, mid, high = driver_settings(carrier, "suzhou")
    assert mid == (low + high) / 2


def test_cases_skip_fixed_drivers(baseline, posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    targets = [LEDGER["SZ-FUTCLUSTER-2035"]]
    drawn = scenario_inputs(baseline, 10, 1, post)
    assert len(cases_for(targets, drawn, "suzhou")) == 1 + 2 * 3
    fixed = scenario_inputs(with_assumptions(baseline, {"future_industry_base_2023": 900}),
                            10, 1, post)
    cases = cases_for(targets, fixed, "suzhou")
    assert len(cases) == 1 + 3 and {c.driver for c in cases[1:]} == {
        "Largest future field share"}


def test_plan_answers_read_the_range_and_the_conditional(baseline, posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    targets = [LEDGER["SZ-HTE-2025"], LEDGER["SZ-FUTURE-2030"]]
    base = scenario_inputs(baseline, 40, 1, post)
    (single, ranged), = plan_answers(base, 40, targets, "suzhou", 1)
    assert single.kind == "single" and ranged.kind == "range"
    low, mid, high = ranged.by_driver["Future industry base 2023"]
    assert low <= mid <= high and ranged.low == low and ranged.high == high
    # the central setting is the conditional answer at the catalogue default
    fixed = with_assumptions(baseline, {"future_industry_base_2023": 1200})
    (_, conditional), = plan_answers(scenario_inputs(fixed, 40, 1, post), 40, targets,
                                     "suzhou", 1)
    assert conditional.kind == "conditional" and conditional.fixed == {
        "Future industry base 2023": 1200.0}
    assert conditional.probability == pytest.approx(mid)
    # several plans on the same draws: the same plan twice gives the same answer
    twice = plan_answers(base, 40, targets, "suzhou", 1, [{}, {}])
    assert twice[0][1].by_driver == twice[1][1].by_driver
    assert np.isfinite(twice[0][0].probability)


@pytest.mark.parametrize(("items", "message"), [
    (["x"], "is not NAME=VALUE"),
    (["nope=1"], "unknown assumption 'nope'"),
    (["future_industry_base_2023=abc"], "is not a number"),
    (["future_industry_base_2023=nan"], "is not a finite number"),
])
def test_bad_assume(items, message):
    with pytest.raises(InputError, match=message):
        parse_assume(items)


def test_assume_accepts_keys_and_model_names():
    assert parse_assume(["Future industry base 2023=900", "largest_future_field_share=0.3"]) == {
        "future_industry_base_2023": 900.0, "largest_future_field_share": 0.3}


# --- prior-driven targets: the range over the bands of the base scenario's driver ------------

DRAWS, SEED = 200, 1


@pytest.fixture(scope="module")
def board(baseline, posterior_dir):
    """The baseline's scoreboard on the fixture calibration: SZ-TECHCONTRACT-2025 is
    prior-sensitive there (its bands over the drawn knowledge depreciation rate span 0.1-1)."""
    from suzhou_sim.studies.scenario_runs import run_scenario

    table = run_scenario(baseline, draws=DRAWS, seed=SEED, posterior=posterior_dir).targets
    sensitive = table[table["prior_sensitive"]].set_index("target_id")
    assert not sensitive.empty, "the fixture case needs a prior-sensitive target"
    return sensitive


@pytest.fixture(scope="module")
def in_scope():
    from suzhou_sim.catalogues.targets import targets_for_region

    return [t for t in targets_for_region("suzhou") if t.in_scope]


def test_plan_answers_give_the_scoreboard_range_of_prior_driven_targets(
        board, in_scope, baseline, posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    base = scenario_inputs(baseline, DRAWS, SEED, post)
    # a plan other than the base first: the driver is still decided on the base scenario
    plans = [{"Special fund 15th": 400.0}, {}]
    found = plan_answers(base, DRAWS, in_scope, "suzhou", SEED, plans, posterior=post)
    for plan in found:
        by_id = {a.target_id: a for a in plan}
        for tid, row in board.iterrows():
            a = by_id[tid]
            assert (a.kind, a.basis) == ("range", "bands"), tid
            assert list(a.by_driver) == row["drivers"].split("; ")
    base_answers = {a.target_id: a for a in found[1]}
    for tid, row in board.iterrows():
        a = base_answers[tid]
        assert (a.low, a.high) == pytest.approx((row["p_curve_min"], row["p_curve_max"]))
        assert a.probability == pytest.approx(row["probability"])
        assert answer_cells(a)["basis"] == "bands"
        assert answer_cells(a)["p_central"] == next(iter(a.by_driver.values()))[1]


def test_a_plan_that_sets_the_driver_gives_the_conditional_answer(board, in_scope, baseline,
                                                                   posterior_dir):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    base = scenario_inputs(baseline, DRAWS, SEED, post)
    tid = board.index[0]
    driver = board.loc[tid, "drivers"].split("; ")[0]
    targets = [t for t in in_scope if t.target_id == tid]
    (plain, fixed), = zip(*plan_answers(base, DRAWS, targets, "suzhou", SEED,
                                        [{}, {driver: float(np.median(base[driver]))}],
                                        posterior=post), strict=True)
    assert plain.kind == "range"
    assert fixed.kind == "conditional" and set(fixed.fixed) == {driver}


def test_compare_answers_prior_driven_targets_over_the_first_scenarios_driver(
        board, baseline, posterior_dir):
    from suzhou_sim.catalogues.scenarios import load_scenario
    from suzhou_sim.paths import SCENARIOS_DIR

    other = load_scenario(SCENARIOS_DIR / "talent_first.yaml")
    first, second = scenario_answers([baseline, other], DRAWS, SEED, posterior_dir)
    for tid, row in board.iterrows():
        assert (first[tid].low, first[tid].high) == pytest.approx(
            (row["p_curve_min"], row["p_curve_max"]))
        assert second[tid].kind == "range" and second[tid].basis == "bands"
        assert list(second[tid].by_driver) == list(first[tid].by_driver)
    # the comparison's text: the range with its driver for every scenario, not one number
    from suzhou_sim.reporting.answer_text import answer_text, with_answers
    from suzhou_sim.reporting.markdown import comparison_text
    from suzhou_sim.studies.scenario_runs import compare_scenarios

    table = compare_scenarios([baseline, other], DRAWS, SEED, posterior_dir)
    text = comparison_text(with_answers(table, [first, second]))
    for tid in board.index:
        line = next(x for x in text.splitlines() if x.startswith(f"{tid}: "))
        assert f"answer {baseline.name}: {answer_text(first[tid])}" in line
        assert f"answer {other.name}: {answer_text(second[tid])}" in line
        assert "lowest fifth" in line


def test_compare_with_the_prior_driver_fixed_is_conditional_in_every_scenario(
        board, baseline, posterior_dir):
    from suzhou_sim.catalogues.scenarios import load_assumptions, load_scenario
    from suzhou_sim.paths import SCENARIOS_DIR

    by_vensim = {a.vensim: k for k, a in load_assumptions().items()}
    tid, row = next((t, r) for t, r in board.iterrows()
                    if r["drivers"].split("; ")[0] in by_vensim)
    driver = row["drivers"].split("; ")[0]
    fix = {by_vensim[driver]: 0.15}
    scenarios = [with_assumptions(baseline, fix),
                 with_assumptions(load_scenario(SCENARIOS_DIR / "talent_first.yaml"), fix)]
    for found in scenario_answers(scenarios, DRAWS, SEED, posterior_dir):
        assert found[tid].kind == "conditional" and found[tid].fixed == {driver: 0.15}
