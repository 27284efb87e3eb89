"""Goal seeking: the smallest value of one lever in one plan period that reaches a target.

Bisection on the lever's step grid of the ensemble probability, estimated on common random
numbers through :mod:`suzhou_sim.ensemble`, then a monotonicity probe and a
confirming re-run through :func:`suzhou_sim.studies.scenario_runs.run_scenario`. Returns data
(:class:`GoalSeekResult`); the sentences that explain an answer live in
:mod:`suzhou_sim.reporting.goal_seek_text`.

A target whose probability is a range over a driving assumption (2030/2035 future-industry
targets; :mod:`suzhou_sim.studies.driven`) has one answer per setting of each free driver:
:func:`goal_seek_all` seeks the lever value at the driver's low, central and high value (the
other inputs drawn as in the ensemble), or once, conditional on the driver, when the scenario
fixes it (``--assume``). A prior-driven target (or prior-sensitive bound: a drawn input
moves it beyond the scoreboard's rule) gets one answer per band of the input the scenario's
scoreboard names (:func:`~suzhou_sim.studies.driven.prior_drivers`): the lever value that
reaches the goal among the runs with the input in its lowest, middle and highest fifth
(:func:`~suzhou_sim.studies.prior_sensitivity.band_probabilities` on the same draws at every
lever value), each conditional on that band.

:func:`check_seek_period` refuses (for the command line) a period that cannot act for the
target: one begun by the data vintage, or one whose levers act only after the target year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.observations import data_vintage
from ..catalogues.scenarios import Scenario, load_levers, load_scenario, suggestion
from ..catalogues.targets import (
    Target,
    load_targets,
    reached_per_run,
    target_status,
    target_variables,
)
from ..catalogues.timeline import DEFAULT_PERIOD, PERIOD_YEARS, PERIODS
from ..ensemble.inputs import scenario_inputs
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..wording.problems import Names, Phrase
from .driven import (
    BAND_SETTINGS,
    SETTINGS,
    driver_settings,
    fixed_prior_drivers,
    free_drivers,
    is_range,
    prior_drivers,
)
from .optimise import open_periods, period_years
from .predictive import predictive_results
from .prior_sensitivity import band_probabilities
from .scenario_runs import ScenarioResult, run_scenario

__all__ = ["GoalSeekResult", "MONOTONE_PROBES", "goal_seek", "goal_seek_all",
           "check_seek_period", "seek_periods", "values_below_reaching"]


@dataclass
class GoalSeekResult:
    """Outcome of :func:`goal_seek`.

    ``status`` is ``found`` (``value`` is the smallest lever value on the lever's step grid
    that reaches the goal), ``not_enough`` (even the top of the allowed range falls short;
    ``value`` is None) or ``already_met`` (the bottom of the range suffices; ``value`` is the
    minimum). ``smaller_reaching`` lists grid values below a ``found`` answer that also
    reach the goal (the probability is then not monotone in the lever). The wording of the
    answer lives in :func:`suzhou_sim.reporting.goal_seek_text.goal_seek_message`.
    """

    target_id: str
    lever_key: str
    period: str
    goal: float
    status: Literal["found", "not_enough", "already_met"]
    value: float | None
    achieved: float | None
    probability_at_min: float
    probability_at_max: float
    baseline_value: float
    baseline_probability: float
    lower: float
    upper: float
    evaluations: int
    confirmed: bool
    smaller_reaching: list[float] = field(default_factory=list)
    search_probability: float | None = None
    result: ScenarioResult | None = field(default=None, repr=False)
    # For a range target: the driver held at ``condition_value`` (its ``condition_setting``,
    # low / central / high, or "fixed" when the scenario fixes it); empty otherwise.
    condition: str = ""
    condition_setting: str = ""
    condition_value: float | None = None
    # True when the condition is a band of a drawn input (a prior-driven target): the
    # probability is the share among the runs with ``condition`` in its ``condition_setting``
    # fifth (low / mid / high), ``condition_value`` the input's median there
    band: bool = False




# Grid points probed below a goal-seek answer to test that the probability rises with the lever.
MONOTONE_PROBES = 8


def values_below_reaching(grid: np.ndarray, hi: int, prob, goal: float) -> list[float]:
    """Grid values below ``grid[hi]`` that already reach ``goal`` (empty when monotone).

    Bisection presumes the probability rises with the lever; a coarse scan of up to
    ``MONOTONE_PROBES`` points below the answer tests that, since a lever that takes money
    from other channels can also lower a probability.
    """
    if hi <= 0:
        return []
    probes = np.unique(np.linspace(0, hi - 1, num=min(hi, MONOTONE_PROBES)).astype(int))
    return [float(grid[i]) for i in probes if prob(float(grid[i])) >= goal]


def _lever_grid(lever) -> np.ndarray:
    steps = int(round((lever.max - lever.min) / lever.step))
    return np.round(lever.min + lever.step * np.arange(steps + 1), 10)


def seek_periods(target: Target, vintage_year: int | None = None) -> list[str]:
    """The plan periods a goal seek for ``target`` can act in.

    A period is open (not begun by the data vintage of the target's region:
    :func:`~suzhou_sim.studies.optimise.open_periods`) and its levers act from a year no
    later than the target year (a lever acting after it cannot move the target).
    """
    free, _ = open_periods(target.region, vintage_year)
    return [p for p in free if PERIOD_YEARS[p][0] <= target.year]


def check_seek_period(target_id: str, period: str, vintage_year: int | None = None,
                      option: str = "--period") -> None:
    """Refuse a goal seek in a period that cannot act for the target (one line).

    Unknown targets and periods are left to :func:`goal_seek` (its messages name them).

    Raises
    ------
    InputError
        ``period`` has begun by the data vintage, or its levers act only after the target
        year; the message names the periods open for this target (or that there are none).
    """
    target = load_targets().get(target_id)
    if target is None or period not in PERIODS:
        return
    allowed = seek_periods(target, vintage_year)
    if period in allowed:
        return
    _, closed = open_periods(target.region, vintage_year)
    year = data_vintage(target.region).year if vintage_year is None else int(vintage_year)
    if period in closed:
        why = Phrase("err.seek_period_begun", {"period": period,
                                               "years": period_years(period), "year": year})
    else:
        why = Phrase("err.seek_period_late", {"period": period,
                                              "start": PERIOD_YEARS[period][0],
                                              "target": target_id, "year": target.year})
    choose = (Phrase("err.seek_choose", {"target": target_id, "allowed": Names(allowed)})
              if allowed else
              Phrase("err.seek_none_open", {"target": target_id, "year": target.year}))
    raise InputError(code="err.seek_period", file=option, why=why, choose=choose)


def goal_seek(
    scenario: Scenario | str | Path,
    target_id: str,
    lever_key: str,
    period: str = DEFAULT_PERIOD,
    probability: float = 0.8,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: Progress | None = None,
    condition: tuple[str, str, float] | None = None,
    band: tuple[str, str] | None = None,
) -> GoalSeekResult:
    """Smallest value of a lever in one plan period that reaches a target with a probability.

    Bisection on the lever's step grid (its allowed ``min``..``max`` in steps of ``step``)
    of the ensemble probability, estimated on the same draws for every evaluation (common
    random numbers), so the estimate moves only with the lever. The probability is assumed
    to rise with the lever; the answer is then re-run through :func:`run_scenario` to
    confirm it.

    Parameters
    ----------
    scenario : Scenario or path
        Starting scenario; all other levers keep its values.
    target_id : str
        A target of the scenario's region, in model scope.
    lever_key : str
        Lever catalogue key (``special_fund``, ``talent_weight``, ...).
    period : {"14th", "15th", "16th"}
        Plan period whose value is sought (14th = 2024-25, 15th = 2026-30, 16th = 2031-35).
    probability : float
        Required probability, in (0, 1].
    draws, seed, posterior
        As for :func:`run_scenario`.
    progress : callable, optional
        ``progress(done, total)`` after each evaluation of the ensemble probability.
    condition : (constant, setting, value), optional
        For a range target: hold the driving assumption ``constant`` at ``value`` (its
        ``setting``: low, central, high or fixed); see :func:`goal_seek_all`.
    band : (constant, band), optional
        For a prior-driven target: seek the probability among the runs with the drawn input
        ``constant`` in its ``band`` (low, mid or high fifth of the runs,
        :data:`~suzhou_sim.studies.driven.BAND_SETTINGS`); see :func:`goal_seek_all`.

    Returns
    -------
    GoalSeekResult
        ``status`` says when even the top of the range is not enough or when the bottom of
        the range already suffices.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    targets = load_targets()
    if target_id not in targets:
        raise InputError(code="err.unknown_target", file="--target", name=target_id,
                         suggestion=suggestion(target_id, targets))
    target: Target = targets[target_id]
    if target.region != scenario.region:
        raise InputError(code="err.target_region", file="--target", name=target_id,
                         region=target.region, own=scenario.region)
    if not target.in_scope:
        raise InputError(code="err.target_out_of_scope", file="--target", name=target_id,
                         reason=target.reason)
    if not target.has_probability and not (is_range(target) and condition is not None):
        if is_range(target):
            raise InputError(code="err.target_ranged", file="--target", name=target_id,
                             status=target_status(target))
        raise InputError(code="err.target_no_probability", file="--target", name=target_id,
                         status=target_status(target))
    levers = load_levers()
    if lever_key not in levers:
        raise InputError(code="err.unknown_lever_named", file="--lever", name=lever_key,
                         suggestion=suggestion(lever_key, levers))
    if period not in PERIODS:
        raise InputError(code="err.unknown_period", file="--period", name=period,
                         suggestion=suggestion(period, PERIODS))
    if not 0.0 < probability <= 1.0:
        raise InputError(code="err.probability_range", file="--probability", value=probability)
    lever = levers[lever_key]
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    params = scenario_inputs(scenario, n, seed, post)
    if condition is not None and condition[1] != "fixed":
        params[condition[0]] = float(condition[2])
    if band is not None and (band[1] not in BAND_SETTINGS or np.ndim(params.get(band[0], 0))
                             == 0 or np.ptp(np.asarray(params[band[0]], dtype=float)) == 0):
        raise InputError(code="err.band", file="band", band=band[1], name=band[0],
                         allowed=Names(BAND_SETTINGS))
    columns = target_variables([target])
    name = lever.vensim[period]
    memo: dict[float, float] = {}
    band_value: list[float] = []

    def prob(value: float) -> float:
        if value not in memo:
            params[name] = float(value)
            # Probabilities of the published statistic, as run_scenario reports them.
            res = predictive_results(run_ensemble(params, n, columns), scenario.region, seed)
            reached = reached_per_run(res, target)
            if band is None:
                memo[value] = float(reached.mean())
            else:  # the share within the band of the drawn input (the same runs each time)
                drawn = np.asarray(params[band[0]], dtype=float)
                b = band_probabilities(reached, drawn)
                memo[value] = float(getattr(b, band[1]))
                band_value[:] = [{"low": b.value_low, "mid": float(np.median(drawn)),
                                  "high": b.value_high}[band[1]]]
        return memo[value]

    grid = _lever_grid(lever)
    baseline_value = scenario.lever_value(lever_key, period)
    # Evaluations: baseline, both ends, the bisection, and the monotonicity probes at most.
    budget = 3 + math.ceil(math.log2(len(grid))) + MONOTONE_PROBES

    def step(value: float) -> float:
        p = prob(value)
        if progress is not None:
            progress(len(memo), max(budget, len(memo)))
        return p

    p_base, p_lo, p_hi = step(baseline_value), step(grid[0]), step(grid[-1])
    value: float | None
    earlier: list[float] = []
    if p_lo >= probability:
        status, value = "already_met", float(grid[0])
    elif p_hi < probability:
        status, value = "not_enough", None
    else:
        lo, hi = 0, len(grid) - 1  # invariant: prob(grid[lo]) < goal <= prob(grid[hi])
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if step(grid[mid]) >= probability:
                hi = mid
            else:
                lo = mid
        status, value = "found", float(grid[hi])
        earlier = values_below_reaching(grid, hi, step, probability)
    achieved, confirmed, result = None, status != "found", None
    if value is not None and (condition is not None or band is not None):
        # A range target's answer at one driver setting (or band): no scoreboard probability to
        # re-run against; the monotonicity probe is the check.
        achieved = memo[value]
        confirmed = status != "found" or not earlier
    elif value is not None:
        # The full scenario pipeline on the same draws must agree with the search's estimate.
        result = run_scenario(scenario.with_lever(lever_key, period, value), draws=n, seed=seed,
                              posterior=post)
        achieved = result.probability(target_id)
        if status == "found":
            confirmed = achieved >= probability and not earlier
    if band is not None:
        given = (band[0], band[1], band_value[0] if band_value else None)
    else:
        given = ("", "", None) if condition is None else condition
    return GoalSeekResult(
        target_id=target_id, lever_key=lever_key, period=period, goal=probability,
        status=status, value=value, achieved=achieved, probability_at_min=p_lo,
        probability_at_max=p_hi, baseline_value=baseline_value, baseline_probability=p_base,
        lower=lever.min, upper=lever.max, evaluations=len(memo), confirmed=confirmed,
        smaller_reaching=earlier, result=result,
        search_probability=None if value is None else memo[value],
        condition=given[0], condition_setting=given[1],
        condition_value=None if given[2] is None else float(given[2]), band=band is not None)


def goal_seek_all(
    scenario: Scenario | str | Path,
    target_id: str,
    lever_key: str,
    period: str = DEFAULT_PERIOD,
    probability: float = 0.8,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: Progress | None = None,
) -> list[GoalSeekResult]:
    """:func:`goal_seek` for any target in scope: one answer, or one per driver setting.

    A target with one probability gets one answer. A range target gets one answer per
    setting (low, central, high: :data:`~suzhou_sim.studies.driven.SETTINGS`) of each
    driving assumption the ensemble draws, or one conditional answer when the scenario fixes
    every driver (e.g. ``--assume``). A prior-driven target (the scenario's scoreboard names
    a drawn input passing its rule: :func:`~suzhou_sim.studies.driven.prior_drivers` on the
    scenario's own ensemble) gets one answer per band (low, mid, high fifth of the runs) of
    each such input, each conditional on its band (``band`` True); when the scenario fixes
    an assumption that drives the target when drawn, one answer conditional on it (``fixed``).

    Returns
    -------
    list of GoalSeekResult
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    target = load_targets().get(target_id)
    if target is None or not is_range(target):
        drivers, given = _prior_drivers_of(scenario, target, draws, seed, posterior)
        if given:  # the scenario fixes a prior driver: one answer, conditional on it
            constant, value = next(iter(given.items()))
            return [goal_seek(scenario, target_id, lever_key, period, probability, draws,
                              seed, posterior, progress, condition=(constant, "fixed", value))]
        if not drivers:
            return [goal_seek(scenario, target_id, lever_key, period, probability, draws,
                              seed, posterior, progress)]
        return [goal_seek(scenario, target_id, lever_key, period, probability, draws, seed,
                          posterior, progress, band=(d, b))
                for d in drivers for b in BAND_SETTINGS]
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    params = scenario_inputs(scenario, n, seed, post)
    free = free_drivers(target, params)
    if not free:
        constant = target.drivers[0].constant
        value = float(np.asarray(params[constant], dtype=float).ravel()[0])
        conditions = [(constant, "fixed", value)]
    else:
        conditions = [(d.constant, setting, value) for d in free
                      for setting, value in zip(SETTINGS, driver_settings(d, scenario.region),
                                                strict=True)]
    return [goal_seek(scenario, target_id, lever_key, period, probability, n, seed, post,
                      progress, condition=c) for c in conditions]


def _prior_drivers_of(scenario: Scenario, target: Target | None, draws: int | None,
                      seed: int | None, posterior
                      ) -> tuple[tuple[str, ...], dict[str, float]]:
    """The drawn inputs the scenario's scoreboard names for a prior-sensitive ``target``,
    and the prior drivers the scenario fixes (:func:`~suzhou_sim.studies.driven.\
fixed_prior_drivers`) with their values; both empty for any other target, or one out of
    scope / without a probability."""
    if target is None or not target.in_scope or not target.has_probability or \
            target.region != scenario.region:
        return (), {}
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    params = scenario_inputs(scenario, n, seed, post)
    res = predictive_results(run_ensemble(params, n, target_variables([target])),
                             scenario.region, seed)
    given = fixed_prior_drivers(scenario, n, seed, post, [target]).get(target.target_id, {})
    return prior_drivers(res, [target], params, post).get(target.target_id, ()), given
