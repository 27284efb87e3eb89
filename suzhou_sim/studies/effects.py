"""The effects study: what each lever buys, as paired differences with common random numbers.

For every lever and plan period, the lever alone is raised by a stated step (default +10% of
its value; for money levers +10% of the region's own special fund in the period, so Suzhou's
200 yi a year gives +20 and Kunshan's 42 yi +4.2, or an explicit ``money_step``) and the
ensemble is rerun on the same draws (same posterior rows, same assumption quantiles); the
difference per run of every in-scope target's quantity in its target year, and of the
probability of reaching it, is the lever's effect. A *channel* step puts the money step into
one spending channel of the special fund alone (the fund rises and that channel's weight
rises so that the other channels keep their money), which gives the cost per additional unit
through that channel. Money steps carry the cost per additional unit (10k yuan per firm, per
person, ...) with its 80% band.

The stacked runs are read slice by slice (:func:`stacked_measures`): every quantity is
computed on each step's own ``n`` runs, with the scoreboard's structural forecast error drawn
identically for run ``i`` of every slice, so the base probability is the scoreboard's and an
unchanged lever has exactly no effect. A step that changes no measured model output in any
run, a (step, target) pair the step cannot reach and a target carried by a trend outside the
model are listed in ``skipped`` with a reason code, never as a row of zeros. Range targets
(driven by an assumption) get their probability change at the driver's low, central and high
settings (:mod:`suzhou_sim.studies.driven`). With ``joint`` levers, the joint step of those
levers is run too and :func:`interaction_parts` compares it with the sum of the single steps
(policy mixes need not add up).

:func:`attribute_changes` splits a scenario's change in target probabilities between its
edited levers by switching the edits on one at a time (the app's "which levers caused it").

Everything runs through :mod:`suzhou_sim.ensemble`. This module returns data and
reason codes; wording, charts and files live in ``reporting.effects_report`` and
``cli.effects``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.evidence import CostBenchmark, load_cost_benchmarks
from ..catalogues.indicators import indicator_values, load_indicators, required_variables
from ..catalogues.regions import load_region
from ..catalogues.scenarios import (
    Lever,
    Scenario,
    assumption_ranges,
    lever_constants,
    load_assumptions,
    load_levers,
    load_scenario,
    suggestion,
)
from ..catalogues.targets import (
    Target,
    reached_per_run,
    target_values,
    target_variables,
    targets_for_region,
)
from ..catalogues.timeline import PERIOD_YEARS, PERIODS
from ..ensemble.compiled import compiled_model
from ..ensemble.inputs import scenario_inputs
from ..ensemble.results import RunSlice
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..limits import MAX_DRAWS, check_draws
from ..wording.problems import Names, Phrase
from .driven import (
    Answer,
    Case,
    answers,
    band_answer,
    cases_for,
    fixed_prior_drivers,
    free_drivers,
    is_range,
    prior_drivers,
    run_cases,
)
from .predictive import ErrorModel, load_error_model, predictive_results
from .scenario_runs import CURVE_DRAWS

__all__ = [
    "MONEY_UNIT",
    "DEFAULT_STEP",
    "DEFAULT_MONEY_STEP",
    "DEFAULT_MONEY_SHARE",
    "FUND_LEVER",
    "CHANNEL_THEME",
    "EFFECT_COLUMNS",
    "SKIPPED_COLUMNS",
    "INTERACTION_COLUMNS",
    "SKIP_REASONS",
    "Perturbation",
    "EffectsResult",
    "is_money_lever",
    "plan_perturbations",
    "money_step_for",
    "MIN_RELATIVE_STEP",
    "stacked_measures",
    "interaction_parts",
    "lever_effects",
    "benchmark_comparison",
    "attribute_changes",
    "target_probabilities",
    "run_inputs_key",
]

#: Unit of levers that are money spent each year: their step is absolute and they carry a cost.
MONEY_UNIT = "100m_yuan/year"
#: Default relative step of the other levers (+10% of the lever's value).
DEFAULT_STEP = 0.10
#: Default money step of the effects study: this share of the region's own special fund in
#: the period (``Special fund`` of the scenario; the region's historic fund when the
#: scenario spends none). 10% is the relative step of every other lever
#: (:data:`DEFAULT_STEP`), so money and rate levers are compared at one relative size, and a
#: region's step is sized to its own budget: Suzhou 200 -> 20 亿元 a year, Kunshan 42 -> 4.2.
DEFAULT_MONEY_SHARE = 0.10
#: Least step, relative to the lever's scale: of a relative step (``--step``, a share of the
#: lever's value), of ``money_share`` and of an explicit money step as a share of the
#: region's special fund in the period. Six orders of magnitude above :data:`SAME_RTOL`, the
#: relative difference below which two runs count as the same, so that a target moving even
#: a millionth as much as its lever still registers; ``--step 1e-300`` reported every lever
#: as having no effect.
MIN_RELATIVE_STEP = 1e-6
#: Fixed money step of earlier versions, 100m yuan (亿元) a year: what an explicit
#: ``--money-step`` replaces the share rule with (and ``sensitivity --effect-of`` still uses).
DEFAULT_MONEY_STEP = 50.0
#: Two blocks of runs whose outputs differ by less than this relative amount are the same
#: (the engine's rounding): a step that moves nothing more is not an effect.
SAME_RTOL = 1e-12
#: The lever of the special fund and the theme of its split weights (``model/levers.yaml``).
FUND_LEVER = "special_fund"
CHANNEL_THEME = "fund_split"
#: 10k yuan (万元) per 100m yuan (亿元): costs are reported in 万元 per additional unit.
WAN_PER_YI = 10_000.0
#: Runs per engine call: vectorised, yet bounded in memory whatever the number of steps.
CHUNK_RUNS = 5_000

EFFECT_COLUMNS = [
    "kind", "lever", "period", "step", "unit", "value", "new_value", "step_rule",
    "step_basis",
    "target_id", "indicator", "measure", "indicator_unit", "year", "base_p50",
    "delta_p10", "delta_p50", "delta_p90", "delta_mean",
    "probability_base", "probability_change", "probability_kind",
    "probability_change_low", "probability_change_central", "probability_change_high",
    "drivers", "money", "cost_p10", "cost_p50", "cost_p90", "cost_unit", "cost_status",
]

#: Columns of :attr:`EffectsResult.skipped` (``target_id`` blank for a whole step).
SKIPPED_COLUMNS = ["kind", "lever", "period", "target_id", "reason"]
#: Reason codes of skipped steps and unmoved targets.
SKIP_REASONS = (
    "no_target_after_period",  # the period starts after every target year
    "no_fund",                 # every split weight is zero: no channel spends
    "channel_out_of_range",    # the raised fund would exceed its maximum
    "no_model_effect",         # the step changes no measured model output in any run
    "no_path",                 # the step moves other outputs, never this target's quantity
    "trend_only",              # the target is carried by a trend outside the model
)
#: Columns of :attr:`EffectsResult.interaction`: per joint step and target, one row per
#: ``part`` (each lever alone, ``sum``, ``joint``, ``interaction`` = joint - sum).
INTERACTION_COLUMNS = ["period", "levers", "target_id", "indicator", "indicator_unit", "year",
                       "part", "delta_mean", "delta_p10", "delta_p90", "probability_change"]


@dataclass(frozen=True)
class Perturbation:
    """One paired step: which constants change, by how much, and why this step.

    Attributes
    ----------
    kind : {"lever", "channel", "joint"}
        ``lever`` raises one lever; ``channel`` adds money to one spending channel alone;
        ``joint`` raises several levers together by their single steps.
    lever : str
        Lever key (for a channel, its weight lever; for a joint step the keys joined by
        ``+``).
    period : str
        Plan period the step acts in.
    step : float
        Signed change of the lever, in ``unit`` (a channel: money a year into the channel).
    unit : str
    value, new_value : float
        The lever before and after the step (a channel: its money a year).
    step_rule : str
        ``relative`` (share of the value), ``fund_share`` (a share of the region's special
        fund ``basis``), ``money`` (explicit absolute money step), ``catalogue`` (the
        catalogue's slider step, the value being 0), each with ``_down`` appended when the
        step was taken downwards because raising would leave the lever's range; ``joint``.
    money : float
        Extra money a year (100m yuan; negative for a cut), 0 for levers that are not money.
    changes : dict
        Vensim constant -> new value.
    basis : float
        For ``fund_share``: the fund (100m yuan a year) the share is taken of; else NaN.
    """

    kind: str
    lever: str
    period: str
    step: float
    unit: str
    value: float
    new_value: float
    step_rule: str
    money: float
    changes: dict[str, float] = field(default_factory=dict)
    basis: float = float("nan")


@dataclass
class EffectsResult:
    """Outcome of :func:`lever_effects`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per step and in-scope target whose year the step can reach; columns
        :data:`EFFECT_COLUMNS`. Rows with a blank ``target_id`` measure a cost benchmark's
        indicator that no target of the region covers (no probability).
        ``probability_kind`` is ``single``, ``range`` (a target driven by an assumption:
        ``probability_change_low``/``_central``/``_high`` are the least change, the change
        at the first free driver's central value and the largest change over its drivers'
        low/central/high settings, each driver's three changes in ``drivers``) or
        ``conditional`` (the scenario fixes every driver: ``probability_change`` is the
        change at those values).
    skipped : pandas.DataFrame
        Steps not run or not reported, :data:`SKIPPED_COLUMNS`: the reason is one of
        :data:`SKIP_REASONS`; ``target_id`` names the target for ``no_path`` and
        ``trend_only`` and is blank when the whole step is skipped.
    scenario : Scenario
    draws, seed : int
    runs : int
        Runs of the paired ensemble (base and every step; the range targets' driver cases
        come on top).
    relative_step : float
    money_step : float
        The explicit money step, NaN when the share rule applied (``money_share``).
    posterior_source : str
    seconds : float
    money_share : float
        Share of the region's special fund a money step takes (when ``money_step`` is NaN).
    interaction : pandas.DataFrame
        :data:`INTERACTION_COLUMNS` for the ``joint`` levers (empty without).
    """

    table: pd.DataFrame
    skipped: pd.DataFrame
    scenario: Scenario
    draws: int
    seed: int
    runs: int
    relative_step: float
    money_step: float
    posterior_source: str
    seconds: float
    money_share: float = DEFAULT_MONEY_SHARE
    interaction: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=INTERACTION_COLUMNS))


def is_money_lever(lever: Lever) -> bool:
    """True when the lever is money spent each year (its step is absolute and has a cost)."""
    return lever.unit == MONEY_UNIT


def _check_step(value: float, what: str) -> float:
    if isinstance(value, bool) or not np.isfinite(float(value)) or float(value) <= 0:
        raise InputError(code="err.fx_step_positive", file=what, value=value)
    return float(value)


def money_step_for(scenario: Scenario, period: str, money_step: float | None = None,
                   share: float = DEFAULT_MONEY_SHARE) -> tuple[float, str, float]:
    """The money step of a period: ``(size, rule, basis)``.

    An explicit ``money_step`` is taken as it is (rule ``money``, basis NaN); else the step
    is ``share`` of the region's special fund in the period (rule ``fund_share``): the
    scenario's fund, or the region's historic fund when the scenario spends none there.
    """
    if money_step is not None:
        return float(money_step), "money", float("nan")
    fund = scenario.lever_value(FUND_LEVER, period)
    if fund <= 0:
        name = load_levers()[FUND_LEVER].historic
        fund = float(load_region(scenario.region).constants.get(
            name, compiled_model().constants[name]))
    return share * fund, "fund_share", float(fund)


def _lever_step(lever: Lever, period: str, value: float, relative: float,
                money: float, money_rule: str = "money") -> tuple[float, str]:
    """Signed step and its rule for one lever; refuses a step that fits neither way."""
    if is_money_lever(lever):
        size, rule = money, money_rule
    elif value > 0:
        size, rule = relative * value, "relative"
    else:
        size, rule = lever.step, "catalogue"
    if value + size <= lever.max:
        return size, rule
    if value - size >= lever.min:
        return -size, f"{rule}_down"
    raise InputError(code="err.fx_step_both_ways", file="step", size=size, unit=lever.unit,
                     lever=lever.key, period=period, value=value, allowed=lever.allowed())


def _channel_step(scenario: Scenario, key: str, period: str, money: float,
                  levers: dict[str, Lever], rule: str = "money",
                  basis: float = float("nan")) -> Perturbation | str:
    """+``money`` a year into channel ``key`` alone, or the reason code why it cannot be."""
    fund = levers[FUND_LEVER]
    weights = {k: scenario.lever_value(k, period) for k, lv in levers.items()
               if lv.theme == CHANNEL_THEME}
    fund_value = scenario.lever_value(FUND_LEVER, period)
    total = sum(weights.values())
    if total <= 0 < fund_value:
        return "no_fund"  # the model spends nothing of the fund: no channel to add to
    # Shares are weight / total: setting every split weight to its channel's new share of
    # the raised fund keeps the other channels' money (fund * share) unchanged, and shares
    # always lie within the weights' range 0-1.
    if fund_value + money > fund.max:
        return "channel_out_of_range"
    spent = {k: fund_value * w / total if total > 0 else 0.0 for k, w in weights.items()}
    spent[key] += money
    new_fund = fund_value + money
    changes = {fund.vensim[period]: new_fund}
    changes.update({levers[k].vensim[period]: v / new_fund for k, v in spent.items()})
    return Perturbation(
        kind="channel", lever=key, period=period, step=money, unit=MONEY_UNIT,
        value=spent[key] - money, new_value=spent[key], step_rule=rule, money=money,
        changes=changes, basis=basis)


def plan_perturbations(
    scenario: Scenario,
    levers: Sequence[str] | None = None,
    step: float = DEFAULT_STEP,
    money_step: float | None = None,
    channels: bool = True,
    last_year: int | None = None,
    *,
    money_share: float = DEFAULT_MONEY_SHARE,
    joint: Sequence[str] | None = None,
) -> tuple[list[Perturbation], list[dict[str, str]]]:
    """The paired steps of a study and the steps skipped with their reason codes.

    Parameters
    ----------
    scenario : Scenario
        The settings the steps start from.
    levers : sequence of str, optional
        Lever keys to study (default: every lever of the catalogue).
    step : float
        Relative step of levers that are not money (0.1 = +10% of the value).
    money_step : float, optional
        Explicit step of money levers and channel steps, 100m yuan a year; default
        ``money_share`` of the region's special fund in each period (:func:`money_step_for`).
    channels : bool
        Also step each spending channel of the special fund alone.
    last_year : int, optional
        Latest target year; periods starting after it are skipped (no target can move).
    money_share : float
        Share of the fund a money step takes without ``money_step`` (0 < share <= 1).
    joint : sequence of str, optional
        Two or more levers also raised together (kind ``joint``, one step per period, after
        the single steps); they are studied alone too.

    Raises
    ------
    InputError
        Unknown lever, a step that is not positive or below :data:`MIN_RELATIVE_STEP` of its
        scale, a share outside (0, 1], fewer than two joint levers or one named twice, or a
        step that leaves a lever's range whichever way it is taken.
    """
    catalogue = load_levers()
    keys = list(catalogue) if levers is None else list(dict.fromkeys(levers))
    together = list(dict.fromkeys(joint or ()))
    twice = sorted({k for k in joint or () if list(joint).count(k) > 1})
    if twice:  # the joint step would raise the lever once, not as often as it is named
        raise InputError(code="err.fx_joint_twice", file="--joint", names=Names(twice))
    for key in keys:
        if key not in catalogue:
            raise InputError(code="err.unknown_lever_named", file="--lever", name=key,
                             suggestion=suggestion(key, catalogue))
    for key in together:
        if key not in catalogue:
            raise InputError(code="err.unknown_lever_named", file="--joint", name=key,
                             suggestion=suggestion(key, catalogue))
    if joint is not None and len(together) < 2:
        raise InputError(code="err.fx_joint_few", file="--joint", count=len(together),
                         names=",".join(together) or Phrase("err.fx_nothing"))
    keys += [k for k in together if k not in keys]
    step = _check_step(step, "--step")
    if money_step is not None:
        money_step = _check_step(money_step, "--money-step")
    share = _check_step(money_share, "--money-share")
    if share > 1:
        raise InputError(code="err.fx_share_above", file="--money-share", value=money_share)
    if step < MIN_RELATIVE_STEP:
        raise InputError(code="err.fx_step_small", file="--step", value=step,
                         least=MIN_RELATIVE_STEP)
    if share < MIN_RELATIVE_STEP:
        raise InputError(code="err.fx_share_small", file="--money-share", value=share,
                         least=MIN_RELATIVE_STEP)
    if money_step is not None:
        for period in PERIODS:
            fund = money_step_for(scenario, period, None, 1.0)[0]
            if money_step < MIN_RELATIVE_STEP * fund:
                raise InputError(code="err.fx_money_step_small", file="--money-step",
                                 value=money_step, unit=MONEY_UNIT,
                                 least=MIN_RELATIVE_STEP * fund, share=MIN_RELATIVE_STEP,
                                 fund=fund, period=period)
    planned: list[Perturbation] = []
    skipped: list[dict[str, str]] = []
    for key in keys:
        lever = catalogue[key]
        for period in PERIODS:
            if last_year is not None and PERIOD_YEARS[period][0] > last_year:
                skipped.append({"kind": "lever", "lever": key, "period": period,
                                "reason": "no_target_after_period"})
                continue
            value = scenario.lever_value(key, period)
            money, money_rule, basis = money_step_for(scenario, period, money_step, share)
            size, rule = _lever_step(lever, period, value, step, money, money_rule)
            planned.append(Perturbation(
                kind="lever", lever=key, period=period, step=size, unit=lever.unit,
                value=value, new_value=value + size, step_rule=rule,
                money=size if is_money_lever(lever) else 0.0,
                changes={lever.vensim[period]: value + size},
                basis=basis if is_money_lever(lever) else float("nan")))
    if channels and FUND_LEVER in catalogue:
        for key in (k for k in keys if catalogue[k].theme == CHANNEL_THEME):
            for period in PERIODS:
                if last_year is not None and PERIOD_YEARS[period][0] > last_year:
                    continue
                money, rule, basis = money_step_for(scenario, period, money_step, share)
                got = _channel_step(scenario, key, period, money, catalogue, rule, basis)
                if isinstance(got, str):
                    skipped.append({"kind": "channel", "lever": key, "period": period,
                                    "reason": got})
                else:
                    planned.append(got)
    for period in PERIODS if together else ():
        members = [p for p in planned if p.kind == "lever" and p.period == period
                   and p.lever in together]
        if len(members) < len(together):
            continue  # the period starts after every target year
        changes: dict[str, float] = {}
        for p in members:
            changes.update(p.changes)
        planned.append(Perturbation(
            kind="joint", lever="+".join(together), period=period, step=float("nan"),
            unit="", value=float("nan"), new_value=float("nan"), step_rule="joint",
            money=sum(p.money for p in members), changes=changes))
    return planned, skipped


def _stacked_inputs(base: dict, n: int, steps: list[Perturbation]) -> dict:
    """Base inputs followed by each step's copy: ``n * (1 + len(steps))`` runs."""
    changed = {name for p in steps for name in p.changes}
    out = {}
    for name, value in base.items():
        if name not in changed and np.ndim(value) == 0:
            out[name] = value
            continue
        blocks = [np.broadcast_to(np.asarray(value, dtype=float), (n,))]
        blocks += [np.full(n, p.changes[name]) if name in p.changes else blocks[0]
                   for p in steps]
        out[name] = np.concatenate(blocks)
    return out


def _spend_years(period: str, year: int) -> int:
    first, last = PERIOD_YEARS[period]
    return max(0, min(last, year) - first + 1)


def _costs(money: float, deltas: np.ndarray) -> tuple[float, float, float, str]:
    """Cost per additional unit (10k yuan) at the 10/50/90% points, and its status code.

    Cost falls as the gain grows, so its p10 comes from the gain's p90 and its p90 from the
    gain's p10; a gain that is not positive has no cost (``undefined``), and a p10 gain that
    is not positive leaves the upper end open (``unbounded_above``).
    """
    gains = np.sort(np.asarray(deltas) * np.sign(money))
    g10, g50, g90 = np.percentile(gains, [10, 50, 90])
    spend = abs(money) * WAN_PER_YI

    def cost(g: float) -> float:
        return spend / g if g > 0 else float("nan")

    status = "defined" if g10 > 0 else ("unbounded_above" if g50 > 0 else "undefined")
    return cost(g90), cost(g50), cost(g10), status


def lever_effects(
    scenario: Scenario | str | Path,
    draws: int | None = None,
    seed: int | None = None,
    *,
    levers: Sequence[str] | None = None,
    step: float = DEFAULT_STEP,
    money_step: float | None = None,
    money_share: float = DEFAULT_MONEY_SHARE,
    channels: bool = True,
    joint: Sequence[str] | None = None,
    ranges: bool = True,
    posterior: Posterior | str | Path | None = None,
    progress: Progress | None = None,
    client=None,
) -> EffectsResult:
    """What each lever buys: paired differences of every in-scope target's quantity.

    Parameters
    ----------
    scenario : Scenario or path
        The settings the steps start from.
    draws, seed : int, optional
        Ensemble size and seed (default: the scenario's). The same draws serve every step.
    levers : sequence of str, optional
        Levers to study (default all).
    step : float
        Relative step of levers that are not money (default 0.1, +10%).
    money_step : float, optional
        Explicit money step, 100m yuan a year; default: ``money_share`` of the region's
        special fund in each period (:func:`money_step_for`).
    money_share : float
        Share of the region's fund a money step takes when ``money_step`` is not given
        (default :data:`DEFAULT_MONEY_SHARE`).
    channels : bool
        Also put the money step into each spending channel alone.
    joint : sequence of str, optional
        Levers (two or more) also raised *together* by their single steps in each period, on
        the same draws: :attr:`EffectsResult.interaction` compares the joint effect with
        the sum of the single effects.
    ranges : bool
        For assumption-driven targets, also the probability change at the low, central and
        high setting of each free driver (:mod:`suzhou_sim.studies.driven`).
    posterior : Posterior, path or None
        Calibrated parameters (see :func:`~suzhou_sim.calibration.resolve.resolve_posterior`).
    progress : callable, optional
        ``progress(done, total)`` over all runs.
    client : distributed.Client, optional
        Run the ensembles on this Dask cluster (identical results).

    Returns
    -------
    EffectsResult

    Raises
    ------
    InputError
        Unknown lever, bad step, draws outside the limit (all runs together must stay
        within :data:`~suzhou_sim.limits.MAX_DRAWS`), no stored calibration.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n = check_draws(scenario.draws if draws is None else draws)
    seed = scenario.seed if seed is None else int(seed)
    in_scope = [t for t in targets_for_region(scenario.region) if t.in_scope]
    targets = [t for t in in_scope if not t.trend]
    skipped: list[dict[str, str]] = [
        {"kind": "target", "lever": "", "period": "", "target_id": t.target_id,
         "reason": "trend_only"} for t in in_scope if t.trend]
    extras = _benchmark_measures(targets)
    last_year = max([t.year for t in targets] + [b.year for b in extras], default=None)
    steps, planned_skips = plan_perturbations(scenario, levers, step, money_step, channels,
                                              last_year, money_share=money_share,
                                              joint=joint)
    skipped += [{**s, "target_id": ""} for s in planned_skips]
    main_total = n * (1 + len(steps))
    check_draws(main_total, f"draws x {1 + len(steps)} steps", MAX_DRAWS)
    post, source = resolve_posterior(posterior, scenario.region)
    base_inputs = scenario_inputs(scenario, n, seed, post)
    params = _stacked_inputs(base_inputs, n, steps)
    start = time.perf_counter()
    columns = list(dict.fromkeys(target_variables(targets)
                                 + required_variables([b.indicator for b in extras])))
    results = run_ensemble(params, main_total, columns, progress=progress,
                           chunk=min(main_total, CHUNK_RUNS), client=client)
    moved = _steps_moving(results, columns, n, len(steps))
    errors = load_error_model(scenario.region)
    measures = stacked_measures(results, n, targets, extras, region=scenario.region, seed=seed,
                                errors=errors)
    singles = [(i, p) for i, p in enumerate(steps, start=1) if p.kind != "joint"]
    for i, p in singles:
        if not moved[i - 1]:
            skipped.append({"kind": p.kind, "lever": p.lever, "period": p.period,
                            "target_id": "", "reason": "no_model_effect"})
    table, unmoved = _effect_rows(measures, [(i, p) for i, p in singles if moved[i - 1]], n)
    skipped += unmoved
    if ranges:
        table = _with_ranges(table, targets, steps, base_inputs, n, scenario.region, seed,
                             errors, columns, client, progress, main_total)
        base_part = predictive_results(RunSlice(results, 0, n), scenario.region, seed, errors)
        table = _with_prior_ranges(table, measures, steps,
                                   prior_drivers(base_part, targets, base_inputs, post),
                                   base_inputs)
        given = fixed_prior_drivers(scenario, n, seed, post, targets)
        if given:  # a prior driver the scenario fixes: the change is conditional on it
            table = table.copy()
            table.loc[table["target_id"].isin(given) & (table["probability_kind"] == "single"),
                      "probability_kind"] = "conditional"
    interaction = _interaction_rows(measures, steps, n)
    seconds = time.perf_counter() - start
    return EffectsResult(
        table=table, skipped=pd.DataFrame(skipped, columns=SKIPPED_COLUMNS),
        scenario=scenario, draws=n, seed=seed, runs=main_total, relative_step=float(step),
        money_step=np.nan if money_step is None else float(money_step),
        posterior_source=source, seconds=seconds, money_share=float(money_share),
        interaction=interaction)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two blocks of runs agree up to the engine's rounding (:data:`SAME_RTOL`)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return bool(np.all(np.abs(a - b) <= SAME_RTOL * np.maximum(np.abs(a), np.abs(b))))


def _steps_moving(results, columns: Sequence[str], n: int, k: int) -> list[bool]:
    """Per step (slice 1..k), whether it changes any measured model output in any run."""
    moved = [False] * k
    for name in columns:
        data = np.asarray(results[name])
        base = data[:n]
        for i in range(k):
            if not moved[i] and not _same(data[(i + 1) * n:(i + 2) * n], base):
                moved[i] = True
    return moved


@dataclass(frozen=True)
class _Measure:
    """One quantity the study differences: a target's, or a benchmark's indicator.

    ``values`` and ``reached`` have shape ``(slices, n)``: slice 0 the base, slice ``i`` the
    ``i``-th step, each evaluated on its own ``n`` runs.
    """

    target_id: str
    indicator: str
    measure: str
    unit: str
    year: int
    values: np.ndarray
    reached: np.ndarray | None


def stacked_measures(
    results,
    n: int,
    targets: Sequence[Target],
    extras: Sequence[CostBenchmark] = (),
    *,
    region: str,
    seed: int,
    errors: ErrorModel | None = None,
) -> list[_Measure]:
    """Every target's (and benchmark's) quantity and reached flag, per slice of ``n`` runs.

    ``results`` holds slices of ``n`` runs one after another (the base first, then each
    step). Each slice is evaluated on its own (:class:`~suzhou_sim.ensemble.results.RunSlice`):
    quantities computed across runs (a trend target's quantile grid, anything rank-based)
    are computed per slice, never across the stacked runs, and each slice gets the
    scoreboard's structural forecast error (:func:`~suzhou_sim.studies.predictive.
    predictive_results`) with the same error draw for run ``i`` in every slice, so a step
    that changes nothing has exactly no effect and the base slice is the scoreboard's.

    Returns
    -------
    list
        One measure per target, then per benchmark; ``values``/``reached`` of shape
        ``(slices, n)``.
    """
    total = int(getattr(results, "n_runs", 0) or np.shape(results[next(iter(
        target_variables(targets)))])[0])
    if total % n:
        raise ValueError(f"{total} runs are not whole slices of {n}")
    errors = errors or load_error_model(region)
    parts = [predictive_results(RunSlice(results, k * n, (k + 1) * n), region, seed, errors)
             for k in range(total // n)]
    registry = load_indicators()
    out = [_Measure(t.target_id, t.indicator, t.measure,
                    registry[t.indicator].unit if t.variable is None else t.unit, t.year,
                    np.stack([target_values(r, t, [t.year])[:, 0] for r in parts]),
                    np.stack([reached_per_run(r, t) for r in parts]))
           for t in targets]
    out += [_Measure("", b.indicator, b.measure, registry[b.indicator].unit, b.year,
                     np.stack([indicator_values(r, b.indicator, [b.year], b.measure)[:, 0]
                               for r in parts]), None)
            for b in extras]
    return out


def _benchmark_measures(targets: list[Target]) -> list[CostBenchmark]:
    """Cost benchmarks whose indicator, measure and year no in-scope target already covers."""
    covered = {(t.indicator, t.measure, t.year) for t in targets if t.variable is None}
    registry = load_indicators()
    return [b for b in load_cost_benchmarks().values()
            if (b.indicator, b.measure, b.year) not in covered
            and b.indicator in registry and registry[b.indicator].in_scope]


def _effect_rows(measures: list[_Measure], steps: list[tuple[int, Perturbation]],
                 n: int) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """The effects table and the (step, target) pairs the step cannot move (``no_path``)."""
    rows, unmoved = [], []
    for m in measures:
        base = m.values[0]
        base_reached = np.nan if m.reached is None else m.reached[0].mean()
        for i, p in steps:
            if PERIOD_YEARS[p.period][0] > m.year:
                continue  # the step acts after the target year: nothing to measure
            if _same(m.values[i], base):
                if m.target_id:
                    unmoved.append({"kind": p.kind, "lever": p.lever, "period": p.period,
                                    "target_id": m.target_id, "reason": "no_path"})
                continue
            delta = m.values[i] - base
            d10, d50, d90 = np.percentile(delta, [10, 50, 90])
            money = p.money * _spend_years(p.period, m.year)
            row = {
                "kind": p.kind, "lever": p.lever, "period": p.period, "step": p.step,
                "unit": p.unit, "value": p.value, "new_value": p.new_value,
                "step_rule": p.step_rule, "step_basis": p.basis,
                "target_id": m.target_id, "indicator": m.indicator,
                "measure": m.measure, "indicator_unit": m.unit, "year": m.year,
                "base_p50": float(np.percentile(base, 50)),
                "delta_p10": d10, "delta_p50": d50, "delta_p90": d90,
                "delta_mean": float(delta.mean()), "probability_base": float(base_reached),
                "probability_change": (np.nan if m.reached is None else float(
                    m.reached[i].mean() - base_reached)),
                "probability_kind": "" if m.reached is None else "single",
                "probability_change_low": np.nan, "probability_change_central": np.nan,
                "probability_change_high": np.nan, "drivers": "",
                "money": money, "cost_p10": np.nan, "cost_p50": np.nan, "cost_p90": np.nan,
                "cost_unit": "", "cost_status": "",
            }
            if money != 0:
                c10, c50, c90, status = _costs(money, delta)
                row.update(cost_p10=c10, cost_p50=c50, cost_p90=c90, cost_status=status,
                           cost_unit=f"10k_yuan/{m.unit.split('/')[0]}")
            rows.append(row)
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS), unmoved


def _with_ranges(table: pd.DataFrame, targets: Sequence[Target], steps: list[Perturbation],
                 base: dict, n: int, region: str, seed: int, errors: ErrorModel,
                 columns: list[str], client, progress: Progress | None,
                 done_before: int) -> pd.DataFrame:
    """The probability change of range targets at each free driver's low/central/high.

    The cases of :func:`~suzhou_sim.studies.driven.cases_for` (the scoreboard's curves: the
    first :data:`~suzhou_sim.studies.scenario_runs.CURVE_DRAWS` draws, one driver set to
    a setting) are run for the base and for every step that moves a range target, and
    read through :func:`~suzhou_sim.studies.driven.answers` as the other studies do.
    """
    ranged = [t for t in targets if is_range(t)]
    fixed = {t.target_id for t in ranged if not free_drivers(t, base)}
    if fixed:  # every driver fixed by the scenario: the change is conditional on them
        table = table.copy()
        table.loc[table["target_id"].isin(fixed), "probability_kind"] = "conditional"
    ranged = [t for t in ranged if t.target_id not in fixed]
    cases = cases_for(ranged, base, region)[1:]
    ids = {t.target_id for t in ranged}
    rows = table[table["target_id"].isin(ids) & (table["kind"] != "joint")]
    if rows.empty or not cases:
        return table
    index = {(p.kind, p.lever, p.period): i for i, p in enumerate(steps, start=1)}
    plans = [0] + sorted({index[(r.kind, r.lever, r.period)] for r in rows.itertuples()})
    m = min(n, CURVE_DRAWS)
    small = {k: (np.asarray(v)[:m] if np.ndim(v) else v) for k, v in base.items()}
    blocks = [(plan, case) for plan in plans for case in cases]
    total = done_before + len(blocks) * m
    step = None if progress is None else (
        lambda done, _: progress(done_before + done, total))
    shares: dict[int, dict[Case, dict[str, float]]] = {plan: {} for plan in plans}
    variants = [({} if plan == 0 else dict(steps[plan - 1].changes)) | dict(case.overrides)
                for plan, case in blocks]
    for k, runs in run_cases(small, m, variants, columns, client=client, progress=step):
        plan, case = blocks[k]
        part = predictive_results(runs, region, seed, errors)
        shares[plan][case] = {t.target_id: float(reached_per_run(part, t).mean())
                              for t in ranged}
    table = table.copy()
    base_rows = table.drop_duplicates("target_id").set_index("target_id")
    answered: dict[int, dict[str, Answer]] = {}
    for plan in plans:
        shares[plan][Case()] = {
            tid: float(base_rows.loc[tid, "probability_base"]) if tid in base_rows.index
            else np.nan for tid in ids}
        answered[plan] = {a.target_id: a for a in answers(shares[plan], ranged, base, region)}
    for row_index, r in rows.iterrows():
        plan = index[(r["kind"], r["lever"], r["period"])]
        before, after = answered[0][r["target_id"]], answered[plan][r["target_id"]]
        if after.kind != "range":
            continue
        _set_range_change(table, row_index, before, after)
    return table


#: The columns of an effects row that carry a range target's change over its driver.
_RANGE_CHANGE_COLUMNS = ["probability_kind", "probability_change_low",
                         "probability_change_central", "probability_change_high", "drivers"]


def _set_range_change(table: pd.DataFrame, row_index, before, after) -> None:
    """Write the paired change of a range answer (``after`` minus ``before``, per driver
    setting or band) into ``table``'s row: the least, the first driver's central and the
    largest change, and each driver's changes."""
    changes = {c: tuple(b - a for a, b in zip(before.by_driver[c], p, strict=True))
               for c, p in after.by_driver.items()}
    first = next(iter(changes.values()))
    table.loc[row_index, _RANGE_CHANGE_COLUMNS] = [
        "range", min(min(v) for v in changes.values()), first[1],
        max(max(v) for v in changes.values()),
        "; ".join(f"{c}: " + "/".join(f"{x:+.4f}" for x in v) for c, v in changes.items())]


def _with_prior_ranges(table: pd.DataFrame, measures: Sequence[_Measure],
                       steps: list[Perturbation], prior: Mapping[str, tuple[str, ...]],
                       base: Mapping[str, object]) -> pd.DataFrame:
    """The probability change of prior-driven targets over the bands of their driver.

    ``prior`` is :func:`~suzhou_sim.studies.driven.prior_drivers` of the base slice (the
    scoreboard's drivers); every step's runs share the base's draws, so each band holds the
    same runs in the base and in the step, and the change per band is paired
    (:func:`~suzhou_sim.studies.driven.band_answer` of the step minus that of the base).
    A step that sets the driver itself (an assumption lever) leaves the row single.
    """
    rows = table[table["target_id"].isin(prior) & (table["kind"] != "joint")]
    if rows.empty:
        return table
    index = {(p.kind, p.lever, p.period): i for i, p in enumerate(steps, start=1)}
    reached = {m.target_id: m.reached for m in measures if m.reached is not None}
    table = table.copy()
    for row_index, r in rows.iterrows():
        tid = r["target_id"]
        step = index[(r["kind"], r["lever"], r["period"])]
        plan = {**base, **dict(steps[step - 1].changes)}
        before = band_answer(tid, reached[tid][0], base, prior[tid])
        after = band_answer(tid, reached[tid][step], plan, prior[tid])
        if after.kind != "range" or set(after.by_driver) != set(before.by_driver):
            continue
        _set_range_change(table, row_index, before, after)
    return table


def interaction_parts(base: np.ndarray, singles: Mapping[str, np.ndarray],
                      joint: np.ndarray) -> dict[str, np.ndarray]:
    """Paired changes of single edits, their sum, the joint edit and the interaction.

    Parameters
    ----------
    base : numpy.ndarray
        The quantity without any edit (per run, or per target for probabilities).
    singles : mapping
        Edit name -> the quantity with that edit alone, on the same draws.
    joint : numpy.ndarray
        The quantity with every edit together, on the same draws.

    Returns
    -------
    dict
        Each edit's change, then ``sum`` (of the single changes), ``joint`` (the joint
        change) and ``interaction`` (joint minus sum: zero when the edits add up, positive
        for a synergy), element by element (paired).
    """
    base = np.asarray(base, dtype=float)
    out = {k: np.asarray(v, dtype=float) - base for k, v in singles.items()}
    total = np.zeros_like(base)
    for change in out.values():
        total = total + change
    out["sum"] = total
    out["joint"] = np.asarray(joint, dtype=float) - base
    out["interaction"] = out["joint"] - total
    return out


def _interaction_rows(measures: list[_Measure], steps: list[Perturbation],
                      n: int) -> pd.DataFrame:
    """Single effects, their sum, the joint effect and the interaction per joint step and
    target (mean paired change, 80% band of the paired per-run values; probabilities)."""
    index = {(p.kind, p.lever, p.period): i for i, p in enumerate(steps, start=1)}
    rows = []
    for j, p in enumerate(steps, start=1):
        if p.kind != "joint":
            continue
        members = p.lever.split("+")
        singles = {k: index[("lever", k, p.period)] for k in members}
        for m in measures:
            if not m.target_id or PERIOD_YEARS[p.period][0] > m.year:
                continue
            if _same(m.values[j], m.values[0]):
                continue  # the edits together cannot move this target
            values = interaction_parts(m.values[0], {k: m.values[i] for k, i in
                                                     singles.items()}, m.values[j])
            probs = interaction_parts(
                m.reached[0].mean(), {k: m.reached[i].mean() for k, i in singles.items()},
                m.reached[j].mean())
            for part in [*members, "sum", "joint", "interaction"]:
                d10, d90 = np.percentile(values[part], [10, 90])
                rows.append({"period": p.period, "levers": p.lever, "target_id": m.target_id,
                             "indicator": m.indicator, "indicator_unit": m.unit,
                             "year": m.year, "part": part,
                             "delta_mean": float(values[part].mean()),
                             "delta_p10": float(d10), "delta_p90": float(d90),
                             "probability_change": float(probs[part])})
    return pd.DataFrame(rows, columns=INTERACTION_COLUMNS)


def _input_range(name: str, scenario: Scenario) -> tuple[float, float, float] | None:
    """``(default, low, high)`` of a model input for a scenario; None when the model lacks it.

    A drawn assumption gives its range; a region or ``.mdl`` constant a single value.
    """
    ranges = assumption_ranges(scenario)
    for key, a in load_assumptions().items():
        if a.vensim == name:
            return ranges[key]
    constants = {**compiled_model().constants, **load_region(scenario.region).constants}
    if name not in constants:
        return None
    value = float(constants[name])
    return value, value, value


def _benchmark_step_mask(table: pd.DataFrame, b: CostBenchmark) -> pd.Series:
    """Rows of ``table`` from the benchmark's step: the channel step into ``b.channel`` or,
    for ``step: fund``, the lever step of the special fund (its split unchanged), in the
    benchmark's period."""
    kind = "lever" if b.step == "fund" else "channel"
    return ((table["kind"] == kind) & (table["lever"] == b.channel)
            & (table["period"] == b.period))


def _benchmark_step_rows(table: pd.DataFrame, b: CostBenchmark, indicator: str,
                         measure: str | None) -> pd.DataFrame:
    """Rows of the benchmark's step (:func:`_benchmark_step_mask`) measuring ``indicator``
    in the benchmark's year; ``measure`` None accepts any measure."""
    hit = (_benchmark_step_mask(table, b) & (table["indicator"] == indicator)
           & (table["year"] == b.year))
    if measure is not None:
        hit &= table["measure"] == measure
    return table[hit].drop_duplicates("indicator")


def _step_ran(table: pd.DataFrame, b: CostBenchmark) -> bool:
    """True when the study took the benchmark's step (a row of it measures anything)."""
    return bool(_benchmark_step_mask(table, b).any())


def benchmark_comparison(
    table: pd.DataFrame,
    scenario: Scenario,
    benchmarks: Iterable[CostBenchmark] | None = None,
) -> pd.DataFrame:
    """The model's cost per additional unit beside each evidence benchmark it can be set by.

    A benchmark of ``step: fund`` is set by the special fund's own step (the fund as a
    whole, split by the scenario's weights), the others by their channel's step. Where the
    benchmark names a ``via`` indicator (what the money buys first, e.g. carrier space), the
    same step's median effect on it is returned too, so the report can show where the chain
    from money to the indicator stops. Where the benchmark names a ``money_share`` the model
    has (e.g. the share of enterprise rewards paid for HTE recognition), only that share of
    the channel's extra money is counted, as the evidence prices only that money (its
    central value; the band reflects the effect's spread). Where it names a
    ``model_parameter`` the model has, that input's range is returned too, so the report can
    tell the model's assumed direct cost from what the whole model buys.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`EffectsResult.table`.
    scenario : Scenario
        The settings of the study (for the model inputs above).
    benchmarks : iterable of CostBenchmark, optional
        Default: ``data/evidence/cost_benchmarks.yaml``.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark: benchmark, channel, indicator, period, year, evidence
        central/low/high, money_share (1 when the whole channel is counted) and
        money_share_name (the model constant, blank when the model lacks it), the model's
        cost_p10/p50/p90 (10k yuan), delta_p50, cost_status, parameter/parameter_low/
        parameter_high (10k yuan; NaN when the model has no such input), step (``channel``
        or ``fund``), via, via_delta_p50 and via_unit (blank/NaN without a ``via`` or when
        the study did not measure it), and ``verdict``:
        ``inside`` (the model's median cost within the evidence range), ``above`` (dearer
        than the evidence), ``below`` (cheaper), ``undefined`` (the channel adds no unit,
        also when its step moved other quantities but not the benchmark's indicator in any
        run) or ``not_computed`` (the study did not take that step).
    """
    benchmarks = list(load_cost_benchmarks().values() if benchmarks is None else benchmarks)
    out = []
    for b in benchmarks:
        match = _benchmark_step_rows(table, b, b.indicator, b.measure)
        via = (_benchmark_step_rows(table, b, b.via, None) if b.via
               else table.iloc[0:0])
        share = _input_range(b.money_share, scenario) if b.money_share else None
        param = _input_range(b.model_parameter, scenario) if b.model_parameter else None
        param = [np.nan] * 3 if param is None else [v * b.parameter_factor for v in param]
        row = {"benchmark": b.key, "channel": b.channel, "indicator": b.indicator,
               "period": b.period, "year": b.year, "evidence_central": b.central,
               "evidence_low": b.low, "evidence_high": b.high,
               "money_share": 1.0 if share is None else share[0],
               "money_share_name": "" if share is None else b.money_share,
               "cost_p10": np.nan, "cost_p50": np.nan, "cost_p90": np.nan,
               "delta_p50": np.nan, "cost_status": "", "parameter": param[0],
               "parameter_low": param[1], "parameter_high": param[2],
               "step": b.step, "via": b.via or "",
               "via_delta_p50": via.delta_p50.iloc[0] if len(via) else np.nan,
               "via_unit": via.indicator_unit.iloc[0] if len(via) else "",
               "verdict": "not_computed"}
        if not match.empty:
            m = match.iloc[0]
            row.update(cost_p10=m.cost_p10 * row["money_share"],
                       cost_p50=m.cost_p50 * row["money_share"],
                       cost_p90=m.cost_p90 * row["money_share"],
                       delta_p50=m.delta_p50, cost_status=m.cost_status)
            if np.isnan(row["cost_p50"]):
                row["verdict"] = "undefined"
            else:
                row["verdict"] = ("above" if row["cost_p50"] > b.high else
                                  "below" if row["cost_p50"] < b.low else "inside")
        elif _step_ran(table, b):
            # The step ran (it moved other quantities) but left the indicator unchanged in
            # every run, so the study lists no row for it: no unit is added and the cost per
            # unit is undefined, which the report explains (with the via effect, if any).
            row.update(delta_p50=0.0, cost_status="undefined", verdict="undefined")
        out.append(row)
    return pd.DataFrame(out)


def target_probabilities(
    scenario: Scenario,
    draws: int,
    seed: int,
    posterior: Posterior | str | Path | None = None,
) -> np.ndarray:
    """Probability of reaching each in-scope target of the scenario's region.

    The runs of :func:`attribute_changes`: ``draws`` posterior rows and assumption draws
    (common random numbers), the structural error on, each target reached or not per run.

    Returns
    -------
    numpy.ndarray
        One probability per in-scope target, in the order of
        :func:`~suzhou_sim.catalogues.targets.targets_for_region`.
    """
    post, _ = resolve_posterior(posterior, scenario.region)
    targets = [t for t in targets_for_region(scenario.region) if t.in_scope]
    results = predictive_results(
        run_ensemble(scenario_inputs(scenario, draws, seed, post), draws,
                     target_variables(targets)), scenario.region, seed)
    return np.array([reached_per_run(results, t).mean() for t in targets])


def run_inputs_key(scenario: Scenario) -> tuple:
    """What decides a scenario's runs besides ``(draws, seed)``: its region, every lever
    constant and every assumption range. Two scenarios with the same key give the same runs
    whatever their names, titles or the way their levers are written."""
    return (scenario.region, tuple(lever_constants(scenario).items()),
            tuple(assumption_ranges(scenario).items()))


def attribute_changes(
    base: Scenario,
    edited: Scenario,
    draws: int,
    seed: int,
    posterior: Posterior | str | Path | None = None,
    probabilities: Callable[[Scenario], np.ndarray] | None = None,
) -> pd.DataFrame:
    """Split the change in each target's probability between the edited levers.

    Each lever whose values differ between ``base`` and ``edited`` is switched to its edited
    values alone (all periods, the rest as in ``base``) and run on the same draws; its
    paired change in probability is its share. ``interaction`` is the change with every edit
    together minus the sum of the single-lever changes (non-additive effects and changed
    assumptions). A variant whose runs are those of another (:func:`run_inputs_key`: one
    edited lever and unchanged assumptions make the edited scenario itself) is run once.

    Parameters
    ----------
    probabilities : callable, optional
        ``probabilities(scenario) -> array`` as :func:`target_probabilities` with these
        ``draws``, ``seed`` and posterior; the app passes a cached one, so the base
        scenario's runs are shared by every edit and every session. Default: computed here.

    Returns
    -------
    pandas.DataFrame
        Index target_id (in-scope targets of the region), one column per edited lever, then
        ``interaction`` and ``total``. Empty columns when nothing was edited.
    """
    if base.region != edited.region:
        raise InputError(code="err.fx_attribution_region", first=base.region,
                         second=edited.region)
    if probabilities is None:
        post, _ = resolve_posterior(posterior, base.region)

        def probabilities(s: Scenario) -> np.ndarray:
            return target_probabilities(s, draws, seed, post)

    targets = [t for t in targets_for_region(base.region) if t.in_scope]
    edits = [k for k in load_levers()
             if any(base.lever_value(k, p) != edited.lever_value(k, p) for p in PERIODS)]
    variants = [base, edited]
    for key in edits:
        s = base
        for p in PERIODS:
            s = s.with_lever(key, p, edited.lever_value(key, p))
        variants.append(s)
    done: dict[tuple, np.ndarray] = {}
    probs = []
    for s in variants:
        key = run_inputs_key(s)
        if key not in done:
            done[key] = probabilities(s)
        probs.append(done[key])
    parts = interaction_parts(probs[0], {key: probs[i + 2] for i, key in enumerate(edits)},
                              probs[1])
    frame = pd.DataFrame({key: parts[key] for key in edits},
                         index=pd.Index([t.target_id for t in targets], name="target_id"))
    frame["interaction"] = parts["interaction"]
    frame["total"] = parts["joint"]
    return frame
