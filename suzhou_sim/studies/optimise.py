"""Portfolio optimisation: the cheapest plan of levers × plan periods that reaches several targets.

A plan sets every chosen lever in every chosen plan period on the lever's step grid (within
the catalogue's range). Two objectives are searched at once with pymoo's NSGA-II: the total
special-fund spending of the plan and its expected shortfall (the sum over targets of how far
each probability falls below the required one). The front of the two is the trade-off between
money and targets; its zero-shortfall end is the cheapest plan that reaches every target with
the required probability (the constrained answer). Probabilities are estimated on common
random numbers: the same posterior rows and assumption draws for every plan, so plans differ
by policy alone. Many plans are run at once by stacking plans × draws in one engine call.

:func:`search_plans` is the generic core (any ``evaluate(values) -> probabilities``; tests
use toy problems with a known answer); :func:`optimise_portfolio` applies it to a scenario.
Returns data; files and wording live in ``cli.decision`` and ``reporting.decision_report``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.scenarios import Scenario, load_levers, load_scenario, suggest
from ..catalogues.targets import Target, load_targets, reached_per_run, target_variables
from ..catalogues.timeline import PERIOD_YEARS, PERIODS
from ..ensemble.inputs import scenario_inputs
from ..ensemble.results import RunSlice
from ..ensemble.runs import Progress, run_plans
from ..errors import InputError
from ..limits import check_draws
from .predictive import predictive_results

__all__ = [
    "SPENDING_UNIT",
    "Decision",
    "SearchResult",
    "PortfolioResult",
    "search_plans",
    "spending_levers",
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


def check_targets(target_ids: Sequence[str], region: str,
                  option: str = "--targets") -> list[Target]:
    """The ledger's targets for ``target_ids``; unknown, other-region, out-of-scope refused."""
    ledger = load_targets()
    out = []
    if not target_ids:
        raise InputError(f"{option}: give at least one target id")
    for tid in target_ids:
        if tid not in ledger:
            raise InputError(f"{option}: unknown target {tid!r}; {suggest(tid, ledger)}")
        target = ledger[tid]
        if target.region != region:
            raise InputError(f"{option}: {tid} is a {target.region} target, the scenario is "
                             f"for {region}")
        if not target.in_scope:
            raise InputError(f"{option}: {tid} is outside model scope ({target.reason})")
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
    spending = set(spending_levers())
    out = []
    for key in keys:
        if key not in catalogue:
            raise InputError(f"{options[0]}: unknown lever {key!r}; {suggest(key, catalogue)}")
    for period in chosen:
        if period not in PERIODS:
            raise InputError(f"{options[1]}: unknown plan period {period!r}; "
                             f"{suggest(period, PERIODS)}")
    for key in keys:
        lever = catalogue[key]
        for period in chosen:
            if period not in lever.vensim:
                raise InputError(f"{options[1]}: lever {key} has no value for the {period} plan "
                                 f"(it has {', '.join(lever.vensim)})")
            first, last = PERIOD_YEARS[period]
            cost = float(last - first + 1) if key in spending else 0.0
            out.append(Decision(key, period, lever.min, lever.max, lever.step,
                                lever.vensim[period], cost))
    return out


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
) -> np.ndarray:
    """Probability of each target for each plan, on the same ``(n, seed)`` draws.

    Plans are stacked (plans × draws) into engine calls (:func:`run_plans`).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(values), len(targets))``.
    """
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
    ``fresh_probabilities`` on independent draws (seed :func:`fresh_seed`).
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
                title_en=f"{scenario.title_en} (optimised portfolio)",
                title_zh=f"{scenario.title_zh}(组合优化方案)")
    return Scenario.model_validate(data)


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
        Levers (catalogue keys) and plan periods searched (default: all of each).
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

    Returns
    -------
    PortfolioResult
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if isinstance(probability, bool) or not 0.0 < float(probability) < 1.0:
        raise InputError(f"--probability: {probability!r} is outside the allowed range (0, 1) "
                         "(exclusive)")
    targets = check_targets(list(target_ids), scenario.region)
    decisions = plan_decisions(levers, periods)
    n = check_draws(scenario.draws if draws is None else draws, "--draws")
    seed = scenario.seed if seed is None else int(seed)
    post, source = resolve_posterior(posterior, scenario.region)

    def evaluate(values: np.ndarray) -> np.ndarray:
        return plan_probabilities(scenario, decisions, values, targets, n, seed, post, client)

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
    values = np.array([[row[d.name] for d in decisions]])
    again = plan_probabilities(scenario, decisions, values, targets, n, fresh, post, client)[0]
    return PortfolioResult(
        scenario=scenario, plan=plan, search=search, targets=targets, spending=spending,
        draws=n, seed=seed, fresh_seed=fresh,
        search_probabilities={t: float(row[f"p_{t}"]) for t in ids},
        fresh_probabilities=dict(zip(ids, map(float, again), strict=True)),
        spend=float(row["spend"]), posterior_source=source)

