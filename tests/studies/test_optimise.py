"""Portfolio optimisation: toy problems with a known cheapest plan, the scenario's re-run check."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.errors import InputError
from suzhou_sim.studies.optimise import (
    Decision,
    fresh_seed,
    optimise_portfolio,
    plan_decisions,
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


def test_optimised_plan_is_rerun_on_fresh_draws(posterior_dir, baseline):
    scenario = baseline
    result = optimise_portfolio(scenario, ["SZ-HTE-2025"], 0.6, levers=["special_fund"],
                                periods=["14th"], draws=40, seed=3, posterior=posterior_dir,
                                population=6, generations=3)
    assert result.fresh_seed == fresh_seed(3) != 3
    # The re-run is the ordinary scenario pipeline on fresh draws; the search figure is its
    # pipeline on the search's draws.
    fresh = run_scenario(result.plan, draws=40, seed=result.fresh_seed, posterior=posterior_dir)
    same = run_scenario(result.plan, draws=40, seed=3, posterior=posterior_dir)
    assert result.fresh_probabilities["SZ-HTE-2025"] == fresh.probability("SZ-HTE-2025")
    assert result.search_probabilities["SZ-HTE-2025"] == same.probability("SZ-HTE-2025")
    assert result.plan.lever_value("special_fund", "14th") == result.search.chosen()[
        "special_fund.14th"]
    assert result.spend == 2 * result.plan.lever_value("special_fund", "14th")
