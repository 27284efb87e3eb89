"""Portfolio optimisation: the cheapest plan of levers × plan periods that reaches several targets.

A plan sets every chosen lever in every chosen plan period on the lever's step grid (within
the catalogue's range, or the user's bound). What a plan may move is priced (the ``pricing``
of ``model/levers.yaml``): the special fund is spending itself; the split weights and the
talent grant level re-divide money the special fund already counts (budget-neutral); a lever
with a sourced cost per unit adds that cost; a lever without one (``unpriced``: attraction
projects, guidance-fund leverage) is held at the scenario's value unless the user names it
with an explicit bound. Plan periods that have begun by the data vintage are never changed
(:func:`open_periods`): the figures for year V are published during V+1, so once data run
through V, the year V+1 is under way and its budget spent or committed, and a plan period
that has begun is closed as a whole (levers are set per period).

Two objectives are searched at once with pymoo's NSGA-II: the total spending of the plan and
its expected shortfall (the sum over targets of how far
each probability falls below the required one). The front of the two is the trade-off between
money and targets; its zero-shortfall end is the cheapest plan that reaches every target with
the required probability (the constrained answer). The report shows what each lever
contributes to the change from the scenario's plan (:func:`lever_contributions`: spending and
every target's probability, contributions that sum to the total). Probabilities are
estimated on common random numbers: the same posterior rows and assumption draws for every
plan, so plans differ by policy alone. Many plans are run at once by stacking plans × draws
in one engine call.

:func:`search_plans` is the generic core (any ``evaluate(values) -> probabilities``; tests
use toy problems with a known answer); :func:`optimise_portfolio` applies it to a scenario.
Returns data; files and wording live in ``cli.decision`` and ``reporting.decision_report``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.observations import data_vintage
from ..catalogues.scenarios import Lever, Scenario, load_levers, load_scenario, suggestion
from ..catalogues.targets import Target, load_targets, reached_per_run, target_variables
from ..catalogues.timeline import PERIOD_YEARS, PERIODS
from ..ensemble.inputs import scenario_inputs
from ..ensemble.results import RunSlice
from ..ensemble.runs import Progress, run_plans
from ..errors import InputError
from ..limits import check_draws
from ..wording import say
from ..wording.problems import Given, Names, Phrase
from .driven import Answer, fixed_prior_drivers, plan_answers
from .predictive import predictive_results

__all__ = [
    "SPENDING_UNIT",
    "Decision",
    "SearchResult",
    "PortfolioResult",
    "search_plans",
    "spending_levers",
    "priced_levers",
    "open_periods",
    "period_years",
    "portfolio_decisions",
    "parse_lever_bounds",
    "lever_contributions",
    "check_targets",
    "plan_decisions",
    "plan_probabilities",
    "optimise_portfolio",
    "fresh_seed",
]

#: Levers in this unit are money spent every year of a period; they make up a plan's cost.
SPENDING_UNIT = "100m_yuan/year"
#: Defaults of the search: plans per generation and generations (NSGA-II).
POPULATION = 40
GENERATIONS = 60


@dataclass(frozen=True)
class Decision:
    """One decision variable: a lever in a plan period, on the grid ``low + step * k``."""

    lever: str
    period: str
    low: float
    high: float
    step: float
    vensim: str = ""
    cost_per_unit: float = 0.0  # spending per unit of the value (years in the period, or 0)
    pricing: str = "spending"  # the lever's pricing (model/levers.yaml)

    @property
    def name(self) -> str:
        """Column name of the decision, ``<lever>.<period>``."""
        return f"{self.lever}.{self.period}"

    @property
    def steps(self) -> int:
        """Index of the top of the grid."""
        return int(round((self.high - self.low) / self.step))

    def value(self, index: np.ndarray) -> np.ndarray:
        """Grid values of integer indices (rounded to the grid's decimals)."""
        return np.round(self.low + self.step * np.asarray(index, dtype=float), 10)

    def index(self, value: float) -> int:
        """Nearest grid index of ``value`` (clipped to the range)."""
        return int(np.clip(round((value - self.low) / self.step), 0, self.steps))


@dataclass
class SearchResult:
    """Every plan the search evaluated, with its spending and probabilities.

    ``plans`` holds one row per distinct plan: the decision values (columns named by
    :attr:`Decision.name`), ``spend``, ``p_<target>`` per target, ``reached`` (targets
    reaching the required probability), ``shortfall`` and ``on_front`` (non-dominated in
    spend and shortfall). ``best`` is the row index of the cheapest plan with zero shortfall,
    or None when no evaluated plan reaches every target.
    """

    decisions: list[Decision]
    target_ids: list[str]
    probability: float
    plans: pd.DataFrame
    best: int | None
    evaluations: int

    @property
    def front(self) -> pd.DataFrame:
        """Plans on the spend/shortfall front, cheapest first."""
        return self.plans[self.plans["on_front"]].sort_values(["spend", "shortfall"])

    @property
    def feasible(self) -> bool:
        """Whether some plan reaches every target with the required probability."""
        return self.best is not None

    def chosen(self) -> pd.Series:
        """The cheapest plan reaching every target, else the plan with the least shortfall."""
        if self.best is not None:
            return self.plans.loc[self.best]
        order = self.plans.sort_values(["shortfall", "spend"])
        return order.iloc[0]


def _front_mask(spend: np.ndarray, shortfall: np.ndarray) -> np.ndarray:
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    front = NonDominatedSorting().do(np.column_stack([spend, shortfall]),
                                     only_non_dominated_front=True)
    mask = np.zeros(len(spend), dtype=bool)
    mask[front] = True
    return mask


def search_plans(
    decisions: Sequence[Decision],
    evaluate: Callable[[np.ndarray], np.ndarray],
    target_ids: Sequence[str],
    probability: float,
    *,
    start: Sequence[np.ndarray] = (),
    population: int = POPULATION,
    generations: int = GENERATIONS,
    seed: int = 0,
    progress: Progress | None = None,
) -> SearchResult:
    """Search the grid of ``decisions`` for the spend/shortfall front (pymoo NSGA-II).

    Parameters
    ----------
    decisions : sequence of Decision
        The decision variables; a plan's spend is ``sum(value * cost_per_unit)``.
    evaluate : callable
        ``evaluate(values)`` with ``values`` shaped ``(m, len(decisions))`` returns the
        probability of each target per plan, shaped ``(m, len(target_ids))``.
    target_ids : sequence of str
        Names of the probability columns.
    probability : float
        Required probability of every target, in (0, 1).
    start : sequence of arrays, optional
        Plans (values) put into the first generation, e.g. the scenario's own plan.
    population, generations : int
        NSGA-II population size and number of generations.
    seed : int
        Seed of the search (the estimate's draws are fixed by ``evaluate``).
    progress : callable, optional
        ``progress(done, total)`` after each generation.

    Returns
    -------
    SearchResult
    """
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.core.problem import Problem
    from pymoo.operators.crossover.sbx import SBX
    from pymoo.operators.mutation.pm import PM
    from pymoo.operators.repair.rounding import RoundingRepair
    from pymoo.optimize import minimize

    decisions = list(decisions)
    costs = np.array([d.cost_per_unit for d in decisions])
    archive: dict[tuple[int, ...], np.ndarray] = {}

    def values_of(idx: np.ndarray) -> np.ndarray:
        return np.column_stack([d.value(idx[:, j]) for j, d in enumerate(decisions)])

    def probabilities(idx: np.ndarray) -> np.ndarray:
        keys = [tuple(int(v) for v in row) for row in idx]
        new = list(dict.fromkeys(k for k in keys if k not in archive))
        if new:
            probs = np.asarray(evaluate(values_of(np.array(new))), dtype=float)
            archive.update(zip(new, probs, strict=True))
        return np.array([archive[k] for k in keys])

    def shortfall(probs: np.ndarray) -> np.ndarray:
        return np.clip(probability - probs, 0.0, None).sum(axis=1)

    class _Plans(Problem):
        def __init__(self) -> None:
            super().__init__(n_var=len(decisions), n_obj=2, xl=0,
                             xu=np.array([d.steps for d in decisions]), vtype=int)

        def _evaluate(self, x, out, *args, **kwargs):
            idx = np.rint(x).astype(int)
            out["F"] = np.column_stack([values_of(idx) @ costs, shortfall(probabilities(idx))])

    rng = np.random.default_rng(seed)
    upper = np.array([d.steps for d in decisions])
    first = [np.array([d.index(v) for d, v in zip(decisions, plan, strict=True)])
             for plan in start]
    first += [upper.copy(), np.zeros_like(upper)]  # the richest and the cheapest plan
    randoms = rng.integers(0, upper + 1, size=(max(population - len(first), 0), len(upper)))
    sampling = np.vstack([np.array(first), randoms])[:population]

    def report(algorithm) -> None:
        if progress is not None:
            progress(algorithm.n_gen, generations)

    algorithm = NSGA2(
        pop_size=population, sampling=sampling.astype(float),
        crossover=SBX(prob=0.9, eta=15, vtype=float, repair=RoundingRepair()),
        mutation=PM(eta=20, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True)
    minimize(_Plans(), algorithm, ("n_gen", generations), seed=seed, verbose=False,
             callback=report)

    idx = np.array(list(archive), dtype=int)
    probs = np.array(list(archive.values()))
    values = values_of(idx)
    spend = values @ costs
    short = shortfall(probs)
    table = pd.DataFrame(values, columns=[d.name for d in decisions])
    table.insert(0, "spend", spend)
    for j, tid in enumerate(target_ids):
        table[f"p_{tid}"] = probs[:, j]
    table["reached"] = (probs >= probability).sum(axis=1)
    table["shortfall"] = short
    table["on_front"] = _front_mask(spend, short)
    feasible = np.flatnonzero(short <= 0)
    best = None
    if feasible.size:
        best = int(feasible[np.lexsort((short[feasible], spend[feasible]))[0]])
    return SearchResult(decisions=decisions, target_ids=list(target_ids),
                        probability=probability, plans=table, best=best,
                        evaluations=len(archive))


# --- the scenario's problem -------------------------------------------------------------------


def spending_levers() -> list[str]:
    """Catalogue levers whose unit is money per year (:data:`SPENDING_UNIT`)."""
    return [k for k, lever in load_levers().items() if lever.unit == SPENDING_UNIT]


def priced_levers() -> list[str]:
    """Catalogue levers with a price per unit (``pricing`` other than ``unpriced``): the ones
    a portfolio search can choose without bounds of its own."""
    return [k for k, lever in load_levers().items() if lever.pricing != "unpriced"]


def check_targets(target_ids: Sequence[str], region: str,
                  option: str = "--targets") -> list[Target]:
    """The ledger's targets for ``target_ids``; unknown, other-region, out-of-scope refused."""
    ledger = load_targets()
    out = []
    if not target_ids:
        raise InputError(code="err.opt_no_target", file=option)
    for tid in target_ids:
        if tid not in ledger:
            raise InputError(code="err.unknown_target", file=option, name=tid,
                             suggestion=suggestion(tid, ledger))
        target = ledger[tid]
        if target.region != region:
            raise InputError(code="err.target_region", file=option, name=tid,
                             region=target.region, own=region)
        if not target.in_scope:
            raise InputError(code="err.target_out_of_scope", file=option, name=tid,
                             reason=Given(target.reason_zh, target.reason))
        out.append(target)
    return out


def plan_decisions(lever_keys: Sequence[str] | None, periods: Sequence[str] | None,
                   options: tuple[str, str] = ("--levers", "--periods")) -> list[Decision]:
    """Decision variables for ``lever_keys`` × ``periods`` (default: every lever and period).

    ``options`` names the lever and period fields in error messages.

    Raises
    ------
    InputError
        An unknown lever or period, or a period the lever has no constant for.
    """
    catalogue = load_levers()
    keys = list(catalogue) if not lever_keys else list(lever_keys)
    chosen = list(PERIODS) if not periods else list(periods)
    out = []
    for key in keys:
        if key not in catalogue:
            raise InputError(code="err.unknown_lever_named", file=options[0], name=key,
                             suggestion=suggestion(key, catalogue))
    for period in chosen:
        if period not in PERIODS:
            raise InputError(code="err.unknown_period", file=options[1], name=period,
                             suggestion=suggestion(period, PERIODS))
    for key in keys:
        lever = catalogue[key]
        for period in chosen:
            if period not in lever.vensim:
                raise InputError(code="err.opt_lever_no_period", file=options[1], lever=key,
                                 period=period, periods=Names(lever.vensim))
            out.append(Decision(key, period, lever.min, lever.max, lever.step,
                                lever.vensim[period], _cost_per_unit(lever, period),
                                lever.pricing))
    return out


def _cost_per_unit(lever: Lever, period: str) -> float:
    """Money (100m yuan) one unit of ``lever`` costs over ``period``: per year x years."""
    first, last = PERIOD_YEARS[period]
    years = float(last - first + 1)
    if lever.pricing == "spending":
        return years
    if lever.pricing == "priced":
        return float(lever.cost_per_unit) * years
    return 0.0


def period_years(period: str) -> str:
    """The calendar years a period's levers act in, as text: ``2025`` or ``2026-2030``."""
    first, last = PERIOD_YEARS[period]
    return str(first) if first == last else f"{first}-{last}"


def open_periods(region: str, vintage_year: int | None = None) -> tuple[list[str], list[str]]:
    """Plan periods a plan may still change, and those that have begun (closed).

    A period is closed when its first year is at most the data vintage year + 1: the
    figures for year V are published during V+1, so by then V+1 is under way and its money
    spent or committed. ``vintage_year`` defaults to
    :func:`~suzhou_sim.catalogues.observations.data_vintage` of the region.

    Returns
    -------
    (open, closed) : lists of period names, in order
    """
    year = data_vintage(region).year if vintage_year is None else int(vintage_year)
    closed = [p for p in PERIODS if PERIOD_YEARS[p][0] <= year + 1]
    return [p for p in PERIODS if p not in closed], closed


def parse_lever_bounds(text: str | None, option: str = "--levers"
                       ) -> tuple[list[str] | None, dict[str, tuple[float, float]]]:
    """``special_fund,guidance_fund_leverage=3:6`` as lever keys and explicit bounds.

    Raises
    ------
    InputError
        A bound that is not ``LOW:HIGH`` with two numbers.
    """
    if text is None:
        return None, {}
    keys, bounds = [], {}
    for item in (x.strip() for x in text.split(",")):
        if not item:
            continue
        key, sep, rest = item.partition("=")
        key = key.strip()
        keys.append(key)
        if sep:
            low, colon, high = rest.partition(":")
            try:
                if not colon:
                    raise ValueError
                bounds[key] = (float(low), float(high))
            except ValueError:
                raise InputError(code="err.opt_bound_format", file=option,
                                 item=item) from None
    return keys, bounds


def portfolio_decisions(
    region: str,
    lever_keys: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
    vintage_year: int | None = None,
) -> tuple[list[Decision], dict[str, str]]:
    """The decisions an optimisation may move, and the levers it holds (with why).

    Default levers: every lever with a price (spending, budget-neutral or a cost per unit)
    plus any named in ``bounds``; an ``unpriced`` lever is searched only within an explicit
    bound. Default periods: the open ones (:func:`open_periods`); a closed period is refused.

    Returns
    -------
    (decisions, held)
        ``held`` maps each lever left at the scenario's value to ``unpriced`` or
        ``not chosen``.

    Raises
    ------
    InputError
        An unpriced lever named without a bound, a bound outside the lever's range or the
        wrong way round, a closed or unknown period, or no open period at all.
    """
    catalogue = load_levers()
    bounds = dict(bounds or {})
    for key in bounds:
        if key not in catalogue:
            raise InputError(code="err.unknown_lever_named", file="--levers", name=key,
                             suggestion=suggestion(key, catalogue))
    if lever_keys:
        keys = list(dict.fromkeys(lever_keys))
    else:
        priced = set(priced_levers())
        keys = [k for k in catalogue if k in priced or k in bounds]
    for key in keys:
        if key not in catalogue:
            raise InputError(code="err.unknown_lever_named", file="--levers", name=key,
                             suggestion=suggestion(key, catalogue))
        lever = catalogue[key]
        if lever.pricing == "unpriced" and key not in bounds:
            raise InputError(code="err.opt_unpriced", file="--levers", lever=key,
                             pricing=Given(lever.pricing_zh, lever.pricing_en),
                             low=lever.min, high=lever.max)
    free, closed = open_periods(region, vintage_year)
    year = data_vintage(region).year if vintage_year is None else vintage_year
    chosen = list(periods) if periods else free
    for period in chosen:
        if period in closed:
            raise InputError(code="err.opt_period_begun", file="--periods", period=period,
                             years=period_years(period), year=year,
                             allowed=Names(free) if free else Phrase("err.opt_none"))
    if not chosen:
        raise InputError(code="err.opt_all_begun", file="--periods", year=year)
    decisions = plan_decisions(keys, chosen)
    out = []
    for d in decisions:
        if d.lever in bounds:
            low, high = bounds[d.lever]
            lever = catalogue[d.lever]
            if not lever.min <= low <= high <= lever.max:
                raise InputError(code="err.opt_bound_range", file="--levers", lever=d.lever,
                                 low=low, high=high, allowed=lever.allowed())
            lo_i, hi_i = d.index(low), d.index(high)
            d = Decision(d.lever, d.period, float(d.value(lo_i)), float(d.value(hi_i)), d.step,
                         d.vensim, d.cost_per_unit, d.pricing)
        out.append(d)
    held = {k: ("unpriced" if lv.pricing == "unpriced" else "not chosen")
            for k, lv in catalogue.items() if k not in keys}
    return out, held


def lever_contributions(
    decisions: Sequence[Decision],
    start: np.ndarray,
    end: np.ndarray,
    evaluate: Callable[[np.ndarray], np.ndarray],
    target_ids: Sequence[str],
) -> pd.DataFrame:
    """What each lever contributes to the change from plan ``start`` to plan ``end``.

    The levers (each over all its periods) are switched from ``start`` to ``end`` one after
    the other, in the decisions' order and in the reverse order; a lever's contribution is
    the mean of its two increments. Each order's increments sum to the whole change, so the
    contributions do too (spending is linear, so its contributions are exact).

    Returns
    -------
    pandas.DataFrame
        One row per lever that changes: ``lever``, ``spend`` and ``p_<target>`` per target,
        then a row ``total`` (their sums: the plan's change from ``start``).
    """
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    costs = np.array([d.cost_per_unit for d in decisions])
    levers = [k for k in dict.fromkeys(d.lever for d in decisions)
              if any(start[j] != end[j] for j, d in enumerate(decisions) if d.lever == k)]
    columns = ["lever", "spend", *(f"p_{t}" for t in target_ids)]
    if not levers:
        return pd.DataFrame([["total", 0.0, *([0.0] * len(target_ids))]], columns=columns)
    orders = [levers, levers[::-1]]
    plans = [start]
    for order in orders:
        current = start.copy()
        for key in order:
            for j, d in enumerate(decisions):
                if d.lever == key:
                    current[j] = end[j]
            plans.append(current.copy())
    values = np.array(plans)
    probs = np.asarray(evaluate(values), dtype=float)
    outcome = np.column_stack([values @ costs, probs])
    k = len(levers)
    share = {key: np.zeros(outcome.shape[1]) for key in levers}
    for o, order in enumerate(orders):
        block = np.vstack([outcome[0], outcome[1 + o * k: 1 + (o + 1) * k]])
        for key, step in zip(order, np.diff(block, axis=0), strict=True):
            share[key] += step / len(orders)
    rows = [[key, *share[key]] for key in levers]
    rows.append(["total", *np.sum([share[key] for key in levers], axis=0)])
    return pd.DataFrame(rows, columns=columns)


def fresh_seed(seed: int) -> int:
    """Seed of the independent draws a chosen plan is re-run on (never the search's draws)."""
    return int(np.random.SeedSequence([seed, 2]).generate_state(1)[0])


def plan_probabilities(
    scenario: Scenario,
    decisions: Sequence[Decision],
    values: np.ndarray,
    targets: Sequence[Target],
    n: int,
    seed: int,
    posterior: Posterior,
    client=None,
    base: Mapping[str, float | np.ndarray] | None = None,
) -> np.ndarray:
    """Probability of each target for each plan, on the same ``(n, seed)`` draws.

    Plans are stacked (plans × draws) into engine calls (:func:`run_plans`).

    Parameters
    ----------
    base : mapping, optional
        ``scenario_inputs(scenario, n, seed, posterior)`` when the caller already holds it
        (a search evaluates many batches on the same draws); computed when not given.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(values), len(targets))``.
    """
    if base is None:
        base = scenario_inputs(scenario, n, seed, posterior)
    values = np.atleast_2d(np.asarray(values, dtype=float))
    plans = {d.vensim: values[:, j] for j, d in enumerate(decisions)}
    out = []
    for start, stop, res in run_plans(base, n, plans, target_variables(targets), client=client):
        for i in range(stop - start):
            # the published statistic, as on the scoreboard (same errors for every plan)
            part = predictive_results(RunSlice(res, i * n, (i + 1) * n), scenario.region, seed)
            out.append([reached_per_run(part, t).mean() for t in targets])
    return np.asarray(out, dtype=float).reshape(len(values), len(targets))


@dataclass
class PortfolioResult:
    """Outcome of :func:`optimise_portfolio`.

    ``search`` holds every evaluated plan and the front; ``plan`` is the chosen scenario
    (cheapest plan reaching every target, else the one with the least shortfall);
    ``search_probabilities`` its probabilities on the search draws and
    ``fresh_probabilities`` on independent draws (seed :func:`fresh_seed`). ``held`` lists
    the levers left at the scenario's value and why, ``closed_periods`` the periods that
    have begun by the data vintage (``vintage_year``); ``contributions`` is
    :func:`lever_contributions` from the scenario's plan (spending ``start_spend``) to the
    chosen one on the search draws; ``answers`` the chosen plan's answer per target on the
    fresh draws (a range over the driver for a range target, :mod:`.driven`).
    """

    scenario: Scenario
    plan: Scenario
    search: SearchResult
    targets: list[Target]
    spending: list[str]
    draws: int
    seed: int
    fresh_seed: int
    search_probabilities: dict[str, float]
    fresh_probabilities: dict[str, float]
    spend: float
    posterior_source: str = ""
    held: dict[str, str] = field(default_factory=dict)
    closed_periods: list[str] = field(default_factory=list)
    vintage_year: int | None = None
    start_spend: float = 0.0
    contributions: pd.DataFrame = field(default_factory=pd.DataFrame)
    answers: list[Answer] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        """Whether the chosen plan reaches every target on the search draws."""
        return self.search.feasible


def _plan_scenario(scenario: Scenario, decisions: Sequence[Decision], row: pd.Series,
                   rationale: str) -> Scenario:
    data = scenario.model_dump(by_alias=True, exclude_none=True)
    levers = {k: {p: scenario.lever_value(k, p) for p in PERIODS} for k in load_levers()}
    for d in decisions:
        levers[d.lever][d.period] = float(row[d.name])
    data.update(levers=levers, name=f"{scenario.name}-optimised", rationale=rationale,
                title_en=scenario.title_en + say("misc.optimised_suffix", "en"),
                title_zh=scenario.title_zh + say("misc.optimised_suffix", "zh"))
    return Scenario.model_validate(data)


def _reusing(search: SearchResult, evaluate: Callable[[np.ndarray], np.ndarray]
             ) -> Callable[[np.ndarray], np.ndarray]:
    """``evaluate`` that takes the probabilities of plans the search already evaluated (on
    the same draws, so the same numbers) from its table and runs only the others."""
    names = [d.name for d in search.decisions]
    probs = search.plans[[f"p_{t}" for t in search.target_ids]].to_numpy(dtype=float)
    known = {tuple(row): p for row, p in
             zip(search.plans[names].to_numpy(dtype=float).tolist(), probs, strict=True)}

    def cached(values: np.ndarray) -> np.ndarray:
        values = np.atleast_2d(np.asarray(values, dtype=float))
        keys = [tuple(row) for row in values.tolist()]
        new = list(dict.fromkeys(k for k in keys if k not in known))
        found = dict(known)
        if new:
            found.update(zip(new, np.asarray(evaluate(np.array(new)), dtype=float),
                             strict=True))
        return np.array([found[k] for k in keys], dtype=float)

    return cached


def optimise_portfolio(
    scenario: Scenario | str | Path,
    target_ids: Sequence[str],
    probability: float = 0.8,
    levers: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    population: int = POPULATION,
    generations: int = GENERATIONS,
    progress: Progress | None = None,
    client=None,
    rationale: Callable[[SearchResult, list[str]], str] | None = None,
    bounds: dict[str, tuple[float, float]] | None = None,
) -> PortfolioResult:
    """Cheapest plan of ``levers`` × ``periods`` reaching every target with ``probability``.

    Parameters
    ----------
    scenario : Scenario or path
        Starting scenario; levers and periods not searched keep its values.
    target_ids : sequence of str
        Targets of the scenario's region, in model scope.
    probability : float
        Required probability for every target, strictly between 0 and 1.
    levers, periods : sequence of str, optional
        Levers (catalogue keys) and plan periods searched (default: every priced lever and
        every open period, :func:`portfolio_decisions`).
    draws, seed, posterior
        Ensemble size, seed of the common random numbers and posterior (defaults: the
        scenario's and the stored calibration).
    population, generations : int
        Size of the NSGA-II search.
    progress : callable, optional
        ``progress(done, total)`` after each generation.
    client : distributed.Client, optional
        Run the plan ensembles on this Dask cluster (identical results).
    rationale : callable, optional
        ``rationale(search, spending_levers) -> str`` for the chosen plan's scenario file
        (default: a one-line English statement; the CLI passes the report's wording).
    bounds : dict, optional
        Lever key -> (low, high): the search range of that lever (required for an
        unpriced lever).

    Returns
    -------
    PortfolioResult
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if isinstance(probability, bool) or not 0.0 < float(probability) < 1.0:
        raise InputError(code="err.opt_probability", file="--probability", value=probability)
    targets = check_targets(list(target_ids), scenario.region)
    decisions, held = portfolio_decisions(scenario.region, levers, periods, bounds)
    _, closed = open_periods(scenario.region)
    n = check_draws(scenario.draws if draws is None else draws, "--draws")
    seed = scenario.seed if seed is None else int(seed)
    post, source = resolve_posterior(posterior, scenario.region)

    base = scenario_inputs(scenario, n, seed, post)  # the search's draws, built once

    def evaluate(values: np.ndarray) -> np.ndarray:
        return plan_probabilities(scenario, decisions, values, targets, n, seed, post, client,
                                  base=base)

    start = [np.array([scenario.lever_value(d.lever, d.period) for d in decisions])]
    ids = [t.target_id for t in targets]
    search = search_plans(decisions, evaluate, ids, float(probability), start=start,
                          population=population, generations=generations, seed=seed,
                          progress=progress)
    spending = spending_levers()
    row = search.chosen()
    text = rationale(search, spending) if rationale else (
        f"Optimised: least special-fund spending over {', '.join(d.name for d in decisions)} "
        f"reaching {', '.join(ids)} with probability {probability:g}.")
    plan = _plan_scenario(scenario, decisions, row, text)
    fresh = fresh_seed(seed)
    chosen = np.array([row[d.name] for d in decisions], dtype=float)
    contributions = lever_contributions(decisions, start[0], chosen,
                                        _reusing(search, evaluate), ids)
    fresh_base = scenario_inputs(scenario, n, fresh, post)
    (answers,) = plan_answers(fresh_base, n, targets, scenario.region, fresh,
                              [{d.vensim: float(v) for d, v in zip(decisions, chosen,
                                                                   strict=True)}],
                              client=client, posterior=post,
                              given=fixed_prior_drivers(scenario, n, fresh, post, targets))
    return PortfolioResult(
        scenario=scenario, plan=plan, search=search, targets=targets, spending=spending,
        draws=n, seed=seed, fresh_seed=fresh,
        search_probabilities={t: float(row[f"p_{t}"]) for t in ids},
        fresh_probabilities={a.target_id: a.probability for a in answers},
        spend=float(row["spend"]), posterior_source=source, held=held,
        closed_periods=closed, vintage_year=data_vintage(scenario.region).year,
        start_spend=float(start[0] @ np.array([d.cost_per_unit for d in decisions])),
        contributions=contributions, answers=answers)

