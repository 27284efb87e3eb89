"""Scenario runs: a scenario's ensemble, its target scoreboard and series, and comparisons.

For a scenario the ensemble's parameters are assembled in this order, later sources
overriding earlier ones: model defaults (the ``.mdl``), region constants (profile),
calibrated posterior sample, assumption draws, lever constants. The engine then runs all
draws at once. Draws use common random numbers: the same ``(draws, seed)`` gives the same
posterior rows and the same assumption quantiles for every scenario, so differences between
scenarios come from policy.

The ensemble itself is built and run by :mod:`suzhou_sim.ensemble`. This module
computes; it does not write files or draw charts (``reporting``, ``cli.scenarios`` do), and
it never invents a posterior: without a stored calibration it
fails with the message of :func:`suzhou_sim.calibration.posterior.load_posterior`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.indicators import indicator_values, load_indicators
from ..catalogues.observations import load_observations, observations_as_of
from ..catalogues.scenarios import (
    Scenario,
    assumption_ranges,
    load_levers,
    load_scenario,
)
from ..catalogues.targets import (
    CURVE_COLUMNS,
    EXCEEDANCE_COLUMNS,
    SENSITIVITY_COLUMNS,
    Target,
    apply_curves,
    apply_prior_sensitivity,
    evaluate_targets,
    exceedance_curves,
    reached_per_run,
    target_variables,
    targets_for_region,
)
from ..catalogues.timeline import FIRST_SIM_YEAR, HORIZON, PERIODS
from ..ensemble.compiled import compiled_model
from ..ensemble.inputs import scenario_inputs
from ..ensemble.results import RunSlice
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..paths import OBSERVED_FILE
from ..stats import percentiles
from .predictive import load_error_model, predictive_results
from .prior_sensitivity import candidate_drivers, prior_sensitivity, weak_parameters

__all__ = [
    "ScenarioResult",
    "SeriesSpec",
    "run_scenario",
    "assumption_curves",
    "with_curves",
    "compare_scenarios",
    "series_specs",
]

SERIES_YEARS = list(range(FIRST_SIM_YEAR, HORIZON + 1))
# Runs per value of a driving assumption in the probability curves of assumption-driven
# targets (the first CURVE_DRAWS of the scenario's draws, so curves share them).
CURVE_DRAWS = 200


@dataclass(frozen=True)
class SeriesSpec:
    """How an indicator's series is measured in the series table and the fan charts."""

    indicator: str
    measure: str
    base_year: int | None = None


@dataclass
class ScenarioResult:
    """Outcome of :func:`run_scenario`.

    Attributes
    ----------
    scenario : Scenario
    draws, seed : int
        Ensemble size and the seed of the common random numbers.
    targets : pandas.DataFrame
        Scoreboard, columns of :data:`suzhou_sim.catalogues.targets.SCOREBOARD_COLUMNS` (target_id,
        region, year, threshold, in_scope, probability, median, p10, p90, first_year, reason,
        note, ...). Out-of-scope targets have blank numbers and their reason.
    series : pandas.DataFrame
        Columns indicator, year, p10, p50, p90, mean, for every indicator with a target or an
        observation in the region, every year 2019-2035 (blank before a cumulative base year).
    specs : dict[str, SeriesSpec]
        Measure of each series.
    levers : dict[str, dict[str, float]]
        Lever values used, key -> period -> value.
    assumptions : dict[str, tuple[float, float, float]]
        Assumption ranges used, key -> (default, low, high).
    curves : pandas.DataFrame
        Probability curves of the assumption-driven targets (columns
        :data:`suzhou_sim.catalogues.targets.CURVE_COLUMNS`): P(value >= threshold) at
        :data:`~suzhou_sim.catalogues.targets.CURVE_POINTS` values of each driving
        assumption from low to high, the other inputs drawn as in the ensemble.
    posterior_source : str
        Where the calibrated parameters came from.
    seconds : float
        Wall time of the ensemble run.
    reached : dict[str, float]
        Share of runs reaching each in-scope target, assumption-driven and lever-set ones
        included (what :func:`~suzhou_sim.studies.effects.target_probabilities` gives for
        the same settings, draws and seed); empty for results made without it.
    curves_done : bool
        False for a result of ``run_scenario(..., curves=False)`` whose region has
        assumption-driven targets: ``curves`` is empty and their ``p_curve_min`` /
        ``p_curve_max`` blank until :func:`with_curves` adds :func:`assumption_curves`.
    exceedance : pandas.DataFrame
        Exceedance curve of every in-scope target with a probability: the level reachable
        with each probability (:func:`~suzhou_sim.catalogues.targets.exceedance_curves`).
    sensitivity : pandas.DataFrame
        Prior sensitivity of every target with a model probability over every drawn
        assumption and weakly informed parameter (columns
        :data:`~suzhou_sim.catalogues.targets.SENSITIVITY_COLUMNS`,
        :func:`~suzhou_sim.studies.prior_sensitivity.prior_sensitivity`): what
        ``p_curve_min``/``p_curve_max`` and the ``prior_driven`` status of those targets
        are read from.
    """

    scenario: Scenario
    draws: int
    seed: int
    targets: pd.DataFrame
    series: pd.DataFrame
    specs: dict[str, SeriesSpec]
    levers: dict[str, dict[str, float]]
    assumptions: dict[str, tuple[float, float, float]]
    posterior_source: str
    seconds: float = 0.0
    curves: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CURVE_COLUMNS))
    reached: dict[str, float] = field(default_factory=dict)
    curves_done: bool = True
    exceedance: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=EXCEEDANCE_COLUMNS))
    sensitivity: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=SENSITIVITY_COLUMNS))

    def probability(self, target_id: str) -> float:
        """Probability of reaching ``target_id`` (NaN when out of scope)."""
        row = self.targets.loc[self.targets["target_id"] == target_id]
        if row.empty:
            raise InputError(code="err.runs_not_target", name=target_id,
                             region=self.scenario.region)
        return float(row["probability"].iloc[0])


# --- inputs ---------------------------------------------------------------------------------


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


# --- assumption curves ----------------------------------------------------------------------


def _driven(targets: list[Target]) -> list[Target]:
    """The in-scope targets whose probability is a curve over driving assumptions."""
    return [t for t in targets if t.drivers and t.in_scope]


def _assumption_curves(params: dict, n: int, targets: list[Target], region: str,
                       seed: int) -> pd.DataFrame:
    """P(value >= threshold) of each assumption-driven target over its drivers' ranges.

    For every driver, each value of :meth:`Driver.grid` is run on the first ``n`` draws of
    the ensemble (common random numbers) with that driver fixed; all values of all drivers
    go to the engine in one call.
    """
    driven = _driven(targets)
    drivers = list(dict.fromkeys(d for t in driven for d in t.drivers))
    if not drivers:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    cases = [(d, float(v)) for d in drivers for v in d.grid()]
    batch = {k: (np.tile(np.asarray(v)[:n], len(cases)) if np.ndim(v) else v)
             for k, v in params.items()}
    for d in drivers:
        default = batch.get(d.constant, compiled_model().constants[d.constant])
        base = np.broadcast_to(np.asarray(default, dtype=float),
                               (n * len(cases),)).copy()
        for i, (case, value) in enumerate(cases):
            if case == d:
                base[i * n:(i + 1) * n] = value
        batch[d.constant] = base
    results = run_ensemble(batch, n * len(cases), target_variables(driven))
    rows = []
    errors = load_error_model(region)
    for i, (d, value) in enumerate(cases):
        # predictive draws of each case, as on the scoreboard (the same errors per run)
        part = predictive_results(RunSlice(results, i * n, (i + 1) * n), region, seed, errors)
        for t in driven:
            if d in t.drivers:
                rows.append([t.target_id, d.constant, d.label_en, d.label_zh, d.unit, value,
                             float(reached_per_run(part, t).mean()), n])
    return pd.DataFrame(rows, columns=CURVE_COLUMNS)


# --- series ---------------------------------------------------------------------------------


def series_specs(region: str) -> dict[str, SeriesSpec]:
    """Indicators shown for ``region`` and how each is measured.

    Every in-scope indicator with a target or an observation in the region. A series takes
    the measure (and base year) of the region's first target on that indicator, so that the
    target marker sits on the same scale; without a target it is the level (or the annual
    count for counter-only indicators). Read once per version of the observed-history
    file (its modification time and size), so a slider step of the app does not re-read it.
    """
    path = Path(OBSERVED_FILE)
    try:
        stat = path.stat()
    except OSError:  # load_observations says what is wrong
        return dict(_series_specs.__wrapped__(region, path, None))
    return dict(_series_specs(region, path, (stat.st_mtime_ns, stat.st_size)))


@lru_cache(maxsize=16)
def _series_specs(region: str, path: Path, stamp: tuple[int, int] | None
                  ) -> tuple[tuple[str, SeriesSpec], ...]:
    registry = load_indicators()
    # validated here, so a malformed file fails before any run (not later, at plotting)
    observed = load_observations(path, include_unverified=True)
    names = list(dict.fromkeys(
        [t.indicator for t in targets_for_region(region)]
        + observed.loc[observed["region"] == region, "indicator"].tolist()
    ))
    specs: dict[str, SeriesSpec] = {}
    for name in names:
        ind = registry.get(name)
        if ind is None or not ind.in_scope:
            continue
        target = next((t for t in targets_for_region(region)
                       if t.indicator == name and t.in_scope and t.variable is None), None)
        if target is not None:
            specs[name] = SeriesSpec(name, target.measure, target.base_year)
        else:
            specs[name] = SeriesSpec(name, "level" if ind.variable else "annual")
    return tuple(specs.items())


def _series_variables(specs: dict[str, SeriesSpec]) -> list[str]:
    registry = load_indicators()
    out = []
    for s in specs.values():
        ind = registry[s.indicator]
        needs_counter = s.measure == "cumulative" or not ind.variable
        out.append(ind.counter if needs_counter else ind.variable)
    return out


def _series_table(results, specs: dict[str, SeriesSpec]) -> pd.DataFrame:
    columns = ["indicator", "year", "p10", "p50", "p90", "mean"]
    if not specs:
        return pd.DataFrame(columns=columns)
    # every series on the full SERIES_YEARS grid, blank before a cumulative base year; built
    # as whole columns (one frame instead of one per series)
    width = len(SERIES_YEARS)
    stats = np.full((4, len(specs) * width), np.nan)
    for i, s in enumerate(specs.values()):
        years = [y for y in SERIES_YEARS if s.measure != "cumulative" or y >= s.base_year]
        values = indicator_values(results, s.indicator, years, s.measure, s.base_year)
        at = i * width + np.searchsorted(SERIES_YEARS, years)
        stats[:3, at] = percentiles(values, (10, 50, 90))
        stats[3, at] = values.mean(axis=0)
    return pd.DataFrame({
        "indicator": pd.array(np.repeat([s.indicator for s in specs.values()], width),
                              dtype="str"),
        "year": np.tile(np.asarray(SERIES_YEARS, dtype=np.int64), len(specs)),
        "p10": stats[0], "p50": stats[1], "p90": stats[2], "mean": stats[3],
    })


# --- public API -----------------------------------------------------------------------------


def run_scenario(
    scenario: Scenario | str | Path,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: Progress | None = None,
    curves: bool = True,
    as_of: int | None = None,
) -> ScenarioResult:
    """Run a scenario's ensemble and score its region's targets.

    Parameters
    ----------
    scenario : Scenario or path
        The scenario (or its file).
    draws, seed : int, optional
        Override the scenario's ensemble size and seed.
    posterior : Posterior, path or None
        Calibrated parameters (see :func:`resolve_posterior`); None reads the stored
        calibration of the scenario's region.
    progress : callable, optional
        ``progress(done, total)`` after each chunk of runs (see
        :func:`suzhou_sim.ensemble.runs.run_ensemble`).
    curves : bool
        False leaves out the probability curves of assumption-driven targets (about as many
        runs again as the ensemble): the result has ``curves_done`` False, and
        ``with_curves(result, assumption_curves(scenario, draws, seed, posterior))`` is
        then equal to ``run_scenario(scenario, draws, seed, posterior)`` (same draws).
    as_of : int, optional
        Judge targets as the tool would have at the end of the year after ``as_of``, from
        the rows for years up to it (pair it with a posterior calibrated ``--as-of`` the
        same year).

    Returns
    -------
    ScenarioResult
    """
    scenario = _scenario(scenario)
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    post, source = resolve_posterior(posterior, scenario.region)
    targets = targets_for_region(scenario.region)
    specs = series_specs(scenario.region)
    columns = list(dict.fromkeys(target_variables(targets) + _series_variables(specs)))
    params = scenario_inputs(scenario, n, seed, post)
    start = time.perf_counter()
    results = run_ensemble(params, n, columns, progress=progress)
    # What users see is the published statistic: the structural error goes on here, once,
    # before both the series table and the target evaluation read the results.
    results = predictive_results(results, scenario.region, seed)
    if as_of is None:
        table = evaluate_targets(results, targets)
    else:
        table = evaluate_targets(
            results, targets, today=dt.date(int(as_of) + 1, 12, 31),
            observations=observations_as_of(load_observations(), as_of))
    exceedance = exceedance_curves(results, targets)
    # prior sensitivity from the same runs: each target's probability within the low,
    # middle and high band of every drawn input (no extra runs)
    sensitivity = prior_sensitivity(results, targets,
                                    candidate_drivers(params, weak_parameters(post)))
    curve_table = (_assumption_curves(params, min(n, CURVE_DRAWS), targets, scenario.region,
                                      seed) if curves else pd.DataFrame(columns=CURVE_COLUMNS))
    seconds = time.perf_counter() - start
    return ScenarioResult(
        scenario=scenario,
        draws=n,
        seed=seed,
        targets=apply_curves(apply_prior_sensitivity(table, sensitivity), curve_table),
        curves=curve_table,
        curves_done=curves or not _driven(targets),
        series=_series_table(results, specs),
        specs=specs,
        levers={k: {p: scenario.lever_value(k, p) for p in PERIODS} for k in load_levers()},
        assumptions=assumption_ranges(scenario),
        posterior_source=source,
        seconds=seconds,
        reached=_reached(results, targets, table),
        exceedance=exceedance,
        sensitivity=sensitivity,
    )


def assumption_curves(
    scenario: Scenario | str | Path,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
) -> pd.DataFrame:
    """The probability curves of a scenario's assumption-driven targets, on their own.

    The same table (and numbers) as ``run_scenario(...).curves`` for the same arguments:
    the curves use the first :data:`CURVE_DRAWS` of the ensemble's draws. Together with
    ``run_scenario(..., curves=False)`` and :func:`with_curves` a caller can show the
    scoreboard first and the curves when they are ready.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~suzhou_sim.catalogues.targets.CURVE_COLUMNS` (empty when the region
        has no assumption-driven target in scope).
    """
    scenario = _scenario(scenario)
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    targets = targets_for_region(scenario.region)
    if not _driven(targets):
        return pd.DataFrame(columns=CURVE_COLUMNS)
    post, _ = resolve_posterior(posterior, scenario.region)
    params = scenario_inputs(scenario, n, seed, post)
    return _assumption_curves(params, min(n, CURVE_DRAWS), targets, scenario.region, seed)


def with_curves(result: ScenarioResult, curves: pd.DataFrame) -> ScenarioResult:
    """``result`` (of ``run_scenario(..., curves=False)``) completed with ``curves`` (of
    :func:`assumption_curves` for the same scenario, draws, seed and posterior): the
    scoreboard gets ``p_curve_min``/``p_curve_max``. A new result; ``result`` is unchanged.
    """
    return replace(result, targets=apply_curves(result.targets, curves), curves=curves,
                   curves_done=True)


def _reached(results, targets: list[Target], table: pd.DataFrame) -> dict[str, float]:
    """Share of runs reaching each in-scope target: the scoreboard's probability where it
    has one (the same share of the same runs), otherwise counted here."""
    known = dict(zip(table["target_id"], table["probability"], strict=True))
    return {t.target_id: (float(known[t.target_id]) if not pd.isna(known[t.target_id])
                          else float(reached_per_run(results, t).mean()))
            for t in targets if t.in_scope}


def compare_scenarios(
    scenarios: Sequence[Scenario | str | Path],
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Probabilities of every target side by side, and differences against the first scenario.

    All scenarios share the same draws (common random numbers): ``draws`` and ``seed``
    default to the first scenario's.

    Returns
    -------
    pandas.DataFrame
        One row per target of the region: target_id, label_en, label_zh, year, comparator,
        threshold, unit, in_scope, status (of the first scenario), then ``p_<name>`` per
        scenario, ``lo_<name>``/``hi_<name>`` (the range over the driving assumptions of
        assumption-driven targets, the prior-sensitivity range of targets with a
        probability, else blank) and ``d_<name>`` (difference from the first scenario) for
        the others.
    """
    loaded = [_scenario(s) for s in scenarios]
    if not loaded:
        raise InputError(code="err.runs_compare_none", file="compare")
    regions = {s.region for s in loaded}
    if len(regions) > 1:
        raise InputError(code="err.runs_compare_regions", file="compare",
                         regions=str(sorted(regions)))
    first = loaded[0]
    n = first.draws if draws is None else draws
    seed = first.seed if seed is None else seed
    post, _ = resolve_posterior(posterior, first.region)
    names: list[str] = []
    table: pd.DataFrame | None = None
    for s in loaded:
        name = s.name if s.name not in names else f"{s.name}_{len(names) + 1}"
        names.append(name)
        res = run_scenario(s, draws=n, seed=seed, posterior=post, progress=progress)
        if table is None:
            table = res.targets[["target_id", "label_en", "label_zh", "year", "comparator",
                                 "threshold", "unit", "in_scope", "status"]].copy()
        table[f"p_{name}"] = res.targets["probability"].to_numpy()
        table[f"lo_{name}"] = res.targets["p_curve_min"].to_numpy()
        table[f"hi_{name}"] = res.targets["p_curve_max"].to_numpy()
    for name in names[1:]:
        table[f"d_{name}"] = table[f"p_{name}"] - table[f"p_{names[0]}"]
    return table
