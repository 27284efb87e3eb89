"""Portfolio optimisation: toy problems with a known cheapest plan, the scenario's re-run check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from suzhou_sim.catalogues.observations import data_vintage
from suzhou_sim.catalogues.scenarios import load_levers
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.errors import InputError
from suzhou_sim.studies.optimise import (
    Decision,
    fresh_seed,
    lever_contributions,
    open_periods,
    optimise_portfolio,
    parse_lever_bounds,
    plan_decisions,
    portfolio_decisions,
    priced_levers,
    search_plans,
    spending_levers,
)
from suzhou_sim.studies.scenario_runs import run_scenario

# Toy: three money levers of different price; target T1 needs a + b + c above a random
# threshold, T2 needs a + c / 2 above another. The cheapest plan is found by brute force.
RNG = np.random.default_rng(0)
T1, T2 = RNG.uniform(0, 20, 400), RNG.uniform(0, 8, 400)
TOY = [Decision("a", "15th", 0, 10, 1, cost_per_unit=2.0),
       Decision("b", "15th", 0, 10, 1, cost_per_unit=1.0),
       Decision("c", "15th", 0, 10, 1, cost_per_unit=3.0)]


def toy_probabilities(values: np.ndarray) -> np.ndarray:
    a, b, c = (values[:, j:j + 1] for j in range(3))
    return np.column_stack([((a + b + c) >= T1).mean(axis=1), ((a + c / 2) >= T2).mean(axis=1)])


def brute_force(probability: float) -> tuple[float, np.ndarray]:
    grid = np.array(list(itertools.product(range(11), repeat=3)), dtype=float)
    ok = (toy_probabilities(grid) >= probability).all(axis=1)
    cost = grid @ np.array([2.0, 1.0, 3.0])
    best = np.flatnonzero(ok)[np.argmin(cost[ok])]
    return float(cost[best]), grid[best]


@pytest.mark.parametrize("probability", [0.5, 0.7, 0.85])
def test_search_finds_the_known_cheapest_plan(probability):
    spend, plan = brute_force(probability)
    result = search_plans(TOY, toy_probabilities, ["T1", "T2"], probability, seed=1)
    chosen = result.chosen()
    assert result.feasible
    assert chosen["spend"] == spend
    assert (chosen[["p_T1", "p_T2"]] >= probability).all()
    # The front's zero-shortfall end is the chosen plan; dearer plans never have more shortfall.
    front = result.front
    assert front.iloc[-1]["spend"] >= spend and front["shortfall"].is_monotonic_decreasing
    assert front.loc[front["shortfall"] == 0, "spend"].min() == spend
    assert plan @ np.array([2.0, 1.0, 3.0]) == spend


def test_infeasible_search_returns_the_least_shortfall_plan():
    def capped(values: np.ndarray) -> np.ndarray:  # never above 0.9
        return 0.9 * toy_probabilities(values)

    result = search_plans(TOY, capped, ["T1", "T2"], 0.95, seed=1, generations=10)
    assert not result.feasible and result.best is None
    chosen = result.chosen()
    # The richest plan is in the first generation and has the least possible shortfall.
    assert chosen["shortfall"] == pytest.approx(2 * 0.05)
    assert chosen["shortfall"] == result.plans["shortfall"].min()


def test_spending_is_the_money_levers_times_years_of_the_period():
    assert spending_levers() == ["special_fund"]
    decisions = {d.name: d for d in plan_decisions(["special_fund", "talent_weight"], None)}
    for period, (first, last) in PERIOD_YEARS.items():
        assert decisions[f"special_fund.{period}"].cost_per_unit == last - first + 1
        assert decisions[f"talent_weight.{period}"].cost_per_unit == 0


@pytest.mark.parametrize(("levers", "periods", "message"), [
    (["nope"], None, "--levers: unknown lever 'nope'"),
    (None, ["17th"], "--periods: unknown plan period '17th'"),
])
def test_bad_levers_and_periods(levers, periods, message):
    with pytest.raises(InputError, match=message):
        plan_decisions(levers, periods)


@pytest.mark.parametrize(("vintage", "closed"), [
    (2022, []),                        # 2025 not begun when 2022 data are the latest
    (2023, []),                        # 2023 figures appear during 2024, before the 14th's 2025
    (2024, ["14th"]),                  # 2024 published during 2025: its budget is committed
    (2025, ["14th", "15th"]),          # 2026, the first year of the 15th, is under way
    (2029, ["14th", "15th"]),
    (2030, ["14th", "15th", "16th"]),
])
def test_periods_that_have_begun_by_the_data_vintage_are_closed(vintage, closed):
    free, shut = open_periods("suzhou", vintage)
    assert shut == closed and free == [p for p in PERIOD_YEARS if p not in closed]


def test_a_closed_or_exhausted_period_is_refused():
    with pytest.raises(InputError, match=r"--periods: the 14th plan \(2025\) has begun"):
        portfolio_decisions("suzhou", ["special_fund"], ["14th"], vintage_year=2024)
    with pytest.raises(InputError, match="every plan period has begun"):
        portfolio_decisions("suzhou", ["special_fund"], None, vintage_year=2030)


def test_every_searched_lever_is_priced_and_unpriced_ones_are_held():
    catalogue = load_levers()
    decisions, held = portfolio_decisions("suzhou", vintage_year=2024)
    searched = {d.lever for d in decisions}
    assert {d.period for d in decisions} == {"15th", "16th"}
    unpriced = {k for k, lv in catalogue.items() if lv.pricing == "unpriced"}
    assert unpriced == {"attraction_projects", "guidance_fund_leverage"}
    assert searched == set(catalogue) - unpriced == set(priced_levers())
    assert held == {k: "unpriced" for k in unpriced}
    for d in decisions:
        first, last = PERIOD_YEARS[d.period]
        expected = (last - first + 1) if catalogue[d.lever].pricing == "spending" else 0.0
        assert d.cost_per_unit == expected and d.pricing == catalogue[d.lever].pricing
    for lever in catalogue.values():  # every lever says why, in both languages
        assert lever.pricing_text("en") and lever.pricing_text("zh")


def test_an_unpriced_lever_needs_an_explicit_bound():
    with pytest.raises(InputError, match="--levers: attraction_projects has no cost per unit"):
        portfolio_decisions("suzhou", ["special_fund", "attraction_projects"], ["15th"],
                            vintage_year=2023)
    keys, bounds = parse_lever_bounds("special_fund,attraction_projects=2000:4000")
    assert keys == ["special_fund", "attraction_projects"]
    decisions, held = portfolio_decisions("suzhou", keys, ["15th"], bounds, vintage_year=2023)
    bounded = next(d for d in decisions if d.lever == "attraction_projects")
    assert (bounded.low, bounded.high, bounded.cost_per_unit) == (2000, 4000, 0.0)
    assert held["guidance_fund_leverage"] == "unpriced" and held["talent_weight"] == "not chosen"


@pytest.mark.parametrize(("text", "message"), [
    ("attraction_projects=2000", "give a bound as KEY=LOW:HIGH"),
    ("attraction_projects=a:b", "give a bound as KEY=LOW:HIGH"),
])
def test_malformed_bounds(text, message):
    with pytest.raises(InputError, match=message):
        parse_lever_bounds(text)


@pytest.mark.parametrize("bound", [(4000, 2000), (-1, 100), (0, 20000)])
def test_bounds_outside_the_range_or_reversed(bound):
    with pytest.raises(InputError, match="is not allowed; give LOW <= HIGH within"):
        portfolio_decisions("suzhou", ["attraction_projects"], ["15th"],
                            {"attraction_projects": bound}, vintage_year=2023)


def test_lever_contributions_sum_to_the_change_of_the_plan():
    toy = [Decision("a", "15th", 0, 10, 1, cost_per_unit=5.0),
           Decision("a", "16th", 0, 10, 1, cost_per_unit=5.0),
           Decision("b", "15th", 0, 10, 1, cost_per_unit=0.0),
           Decision("c", "15th", 0, 10, 1, cost_per_unit=1.0)]

    def evaluate(values):  # interacting levers: a x b matters
        a, b = values[:, 0] + values[:, 1], values[:, 2]
        return np.column_stack([np.tanh(0.05 * a * (1 + b)), 0.01 * b ** 2])

    start, end = np.array([2.0, 2.0, 1.0, 3.0]), np.array([6.0, 0.0, 4.0, 3.0])
    table = lever_contributions(toy, start, end, evaluate, ["T1", "T2"])
    assert table["lever"].tolist() == ["a", "b", "total"]  # c does not change
    parts, total = table.iloc[:-1], table.iloc[-1]
    change = evaluate(end[None])[0] - evaluate(start[None])[0]
    assert total[["p_T1", "p_T2"]].to_numpy(float) == pytest.approx(change)
    assert parts[["spend", "p_T1", "p_T2"]].sum().to_numpy(float) == pytest.approx(
        total[["spend", "p_T1", "p_T2"]].to_numpy(float))
    assert parts.set_index("lever").loc["a", "spend"] == 5.0 * (6 + 0 - 2 - 2)
    assert parts.set_index("lever").loc["b", "spend"] == 0.0


def test_optimised_plan_is_rerun_on_fresh_draws(posterior_dir, baseline):
    scenario = baseline
    result = optimise_portfolio(scenario, ["SZ-HTE-2025"], 0.6, levers=["special_fund"],
                                periods=["15th"], draws=40, seed=3, posterior=posterior_dir,
                                population=6, generations=3)
    assert result.fresh_seed == fresh_seed(3) != 3
    # The re-run is the ordinary scenario pipeline on fresh draws; the search figure is its
    # pipeline on the search's draws.
    fresh = run_scenario(result.plan, draws=40, seed=result.fresh_seed, posterior=posterior_dir)
    same = run_scenario(result.plan, draws=40, seed=3, posterior=posterior_dir)
    assert result.fresh_probabilities["SZ-HTE-2025"] == fresh.probability("SZ-HTE-2025")
    assert result.search_probabilities["SZ-HTE-2025"] == same.probability("SZ-HTE-2025")
    assert result.plan.lever_value("special_fund", "15th") == result.search.chosen()[
        "special_fund.15th"]
    assert result.spend == 5 * result.plan.lever_value("special_fund", "15th")


def test_optimisation_never_changes_a_closed_period_or_an_unpriced_lever(posterior_dir,
                                                                        baseline):
    result = optimise_portfolio(baseline, ["SZ-FUTURE-2030"], 0.6, draws=20, seed=2,
                                posterior=posterior_dir, population=6, generations=2)
    assert result.closed_periods == ["14th"]
    assert result.vintage_year == data_vintage("suzhou").year
    for key, lever in load_levers().items():
        for period in PERIOD_YEARS:
            if period == "14th" or lever.pricing == "unpriced":
                assert result.plan.lever_value(key, period) == baseline.lever_value(key, period)
    table = result.contributions
    parts, total = table[table["lever"] != "total"], table[table["lever"] == "total"].iloc[0]
    assert total["spend"] == pytest.approx(result.spend - result.start_spend)
    assert parts["spend"].sum() == pytest.approx(total["spend"])
    assert parts["p_SZ-FUTURE-2030"].sum() == pytest.approx(total["p_SZ-FUTURE-2030"])
    # a 2030 target driven by an assumption gets its range on the fresh draws
    (answer,) = result.answers
    assert answer.kind == "range" and answer.low <= answer.probability <= answer.high


def test_a_prior_driven_target_is_reported_over_the_bands_of_the_scoreboards_driver(
        baseline, posterior_dir):
    """SZ-TECHCONTRACT-2025 is prior-sensitive on the fixture calibration at 200 draws: the
    chosen plan's fresh answer is its range over the bands of the driver the starting
    scenario's scoreboard names on the fresh draws, and the report says so."""
    from suzhou_sim.reporting.answer_text import answer_text
    from suzhou_sim.reporting.decision_report import portfolio_report

    tid = "SZ-TECHCONTRACT-2025"
    result = optimise_portfolio(baseline, [tid], 0.5, levers=["special_fund"],
                                periods=["15th"], draws=200, seed=3, posterior=posterior_dir,
                                population=4, generations=1)
    board = run_scenario(baseline, draws=200, seed=result.fresh_seed,
                         posterior=posterior_dir).targets.set_index("target_id")
    assert board.loc[tid, "prior_sensitive"]
    (answer,) = [a for a in result.answers if a.target_id == tid]
    assert (answer.kind, answer.basis) == ("range", "bands")
    assert list(answer.by_driver) == board.loc[tid, "drivers"].split("; ")
    report = portfolio_report(result)
    assert answer_text(answer, "en") in report
    assert "Prior-driven targets are searched on the ensemble's share" in report


def test_contributions_reuse_the_plans_the_search_ran_and_give_the_same_numbers(
        posterior_dir, baseline, monkeypatch):
    """The contribution table takes the start and the chosen plan from the search's table
    (same draws, so the same probabilities) instead of running them again."""
    import pandas as pd

    from suzhou_sim.calibration.resolve import resolve_posterior
    from suzhou_sim.studies import optimise as opt

    rows: list[int] = []
    real = opt.plan_probabilities

    def counting(*args, **kwargs):
        rows.append(len(np.atleast_2d(args[2])))
        return real(*args, **kwargs)

    monkeypatch.setattr(opt, "plan_probabilities", counting)
    result = optimise_portfolio(baseline, ["SZ-FUTURE-2030"], 0.6, draws=20, seed=2,
                                posterior=posterior_dir, population=6, generations=2)
    decisions = result.search.decisions
    post, _ = resolve_posterior(posterior_dir, baseline.region)

    def plain(values):
        return real(baseline, decisions, values, result.targets, 20, 2, post)

    start = np.array([baseline.lever_value(d.lever, d.period) for d in decisions])
    chosen = result.search.chosen()[[d.name for d in decisions]].to_numpy(float)
    expected = lever_contributions(decisions, start, chosen, plain,
                                   result.search.target_ids)
    pd.testing.assert_frame_equal(result.contributions, expected)
    changed = len(expected) - 1
    assert changed > 0
    # without reuse: every searched plan plus start and 2 x changed switched plans
    assert sum(rows) < result.search.evaluations + 1 + 2 * changed
