"""Scenario analysis: ensemble runs, target probabilities, comparisons and goal seeking.

For a scenario the ensemble's parameters are assembled in this order, later sources
overriding earlier ones: model defaults (the ``.mdl``), region constants (profile),
calibrated posterior sample, assumption draws, lever constants. The engine then runs all
draws at once. Draws use common random numbers: the same ``(draws, seed)`` gives the same
posterior rows and the same assumption quantiles for every scenario, so differences between
scenarios come from policy.

This module computes; it does not write files or draw charts (``report.py``, ``plots.py``,
``cli_scenarios.py`` do), and it never invents a posterior: without a stored calibration it
fails with the message of :func:`suzhou_sim.calibration.posterior.load_posterior`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior, load_posterior
from ..catalogues.indicators import indicator_values, load_indicators
from ..catalogues.regions import load_region
from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    assumption_ranges,
    lever_constants,
    load_levers,
    load_scenario,
    sample_assumptions,
    suggest,
)
from ..catalogues.targets import (
    CURVE_COLUMNS,
    FIRST_SIM_YEAR,
    HORIZON,
    Target,
    apply_curves,
    evaluate_targets,
    load_targets,
    reached_per_run,
    target_status,
    target_variables,
    targets_for_region,
)
from ..errors import InputError
from ..paths import MODEL_FILE, OBSERVED_FILE

__all__ = [
    "ScenarioResult",
    "GoalSeekResult",
    "SeriesSpec",
    "PERIOD_YEARS",
    "run_scenario",
    "compare_scenarios",
    "goal_seek",
    "series_specs",
    "resolve_posterior",
    "values_below_reaching",
    "layered_inputs",
]

SERIES_YEARS = list(range(FIRST_SIM_YEAR, HORIZON + 1))
PERIOD_YEARS = {"14th": (2024, 2025), "15th": (2026, 2030), "16th": (2031, 2035)}
# Runs per engine call when a progress bar is shown: large enough to stay vectorised.
_PROGRESS_CHUNK = 250
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
    posterior_source : str
        Where the calibrated parameters came from.
    seconds : float
        Wall time of the ensemble run.
    curves : pandas.DataFrame
        Probability curves of the assumption-driven targets (columns
        :data:`suzhou_sim.catalogues.targets.CURVE_COLUMNS`): P(value >= threshold) at
        :data:`~suzhou_sim.catalogues.targets.CURVE_POINTS` values of each driving
        assumption from low to high, the other inputs drawn as in the ensemble.
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

    def probability(self, target_id: str) -> float:
        """Probability of reaching ``target_id`` (NaN when out of scope)."""
        row = self.targets.loc[self.targets["target_id"] == target_id]
        if row.empty:
            raise InputError(f"target {target_id!r} is not a target of region "
                             f"{self.scenario.region!r}")
        return float(row["probability"].iloc[0])


@dataclass
class GoalSeekResult:
    """Outcome of :func:`goal_seek`.

    ``status`` is ``found`` (``value`` is the smallest lever value on the lever's step grid
    that reaches the goal), ``not_enough`` (even the top of the allowed range falls short;
    ``value`` is None) or ``already_met`` (the bottom of the range suffices; ``value`` is the
    minimum). ``message`` says it in a sentence.
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
    message: str
    result: ScenarioResult | None = field(default=None, repr=False)


# --- inputs ---------------------------------------------------------------------------------


def resolve_posterior(
    posterior: Posterior | str | Path | None, region: str
) -> tuple[Posterior, str]:
    """The calibrated posterior to use and a description of where it came from.

    Parameters
    ----------
    posterior : Posterior, path or None
        A loaded posterior; or a folder holding ``point.yaml``/``posterior.csv`` directly or
        in ``<region>/`` (like ``model/calibration``); or None for the stored calibration.
    region : str
        Region of the scenario; a loaded posterior must belong to it.
    """
    if isinstance(posterior, Posterior):
        if posterior.region != region:
            raise InputError(
                f"the posterior belongs to region {posterior.region!r}, the scenario to {region!r}"
            )
        return posterior, f"posterior of {region} ({len(posterior.draws)} sets, given)"
    if posterior is None:
        post = load_posterior(region)
        return post, f"stored calibration of {region} ({len(post.draws)} sets)"
    folder = Path(posterior)
    if not (folder / "point.yaml").exists() and (folder / region).is_dir():
        folder = folder / region
    post = load_posterior(region, folder)
    return post, f"{folder} ({len(post.draws)} sets)"


def _posterior_seed(seed: int) -> int:
    # An independent stream for the posterior rows: reusing `seed` itself would correlate
    # the row permutation with the first column of the assumption matrix.
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def layered_inputs(
    scenario: Scenario,
    calibrated: Mapping[str, float | np.ndarray],
    assumptions: Mapping[str, float | np.ndarray],
) -> dict[str, float | np.ndarray]:
    """Model inputs of a scenario, later layers overriding earlier ones.

    ``.mdl`` defaults (implicit) <- region constants <- calibrated parameters <- assumptions
    <- the scenario's lever constants. Values may be scalars or per-run arrays; this is the
    one definition of the layering for ensembles, goal seeking and sensitivity studies.
    """
    params: dict[str, float | np.ndarray] = dict(load_region(scenario.region).constants)
    params.update(calibrated)
    params.update(assumptions)
    params.update(lever_constants(scenario))
    return params


def _parameters(
    scenario: Scenario, n: int, seed: int, posterior: Posterior, known: set[str]
) -> dict[str, float | np.ndarray]:
    """Ensemble parameters: posterior draws and assumption draws, layered."""
    params = layered_inputs(scenario, posterior.sample(n, _posterior_seed(seed)),
                            sample_assumptions(scenario, n, seed))
    unknown = sorted(set(params) - known)
    if unknown:
        raise InputError(
            f"not constants of {MODEL_FILE.name}: {', '.join(unknown)} "
            "(check the region profile and the calibration files)"
        )
    return params


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


# --- simulation -----------------------------------------------------------------------------


class _Stacked:
    """Engine results of consecutive run chunks, joined along the run axis."""

    def __init__(self, parts: list) -> None:
        self.times = np.asarray(parts[0].times, dtype=float)
        self._parts = parts
        self._cache: dict[str, np.ndarray] = {}
        self.n_runs = sum(p.n_runs for p in parts)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = np.concatenate([np.asarray(p[name]) for p in self._parts])
        return self._cache[name]


def _model():
    from ..engine import load_model  # imported late: the engine compiles on first use

    return load_model(MODEL_FILE)


def _simulate(model, params: dict, n: int, columns: list[str], progress: bool = False):
    """Run all ``n`` draws; with ``progress`` in chunks under a tqdm bar on stderr."""
    if not progress or n <= _PROGRESS_CHUNK:
        return model.run(params=params, n_runs=n, return_columns=columns)
    from tqdm import tqdm

    parts = []
    with tqdm(total=n, desc="simulating", unit="run", leave=False) as bar:
        for start in range(0, n, _PROGRESS_CHUNK):
            stop = min(n, start + _PROGRESS_CHUNK)
            chunk = {k: (v[start:stop] if np.ndim(v) else v) for k, v in params.items()}
            parts.append(model.run(params=chunk, n_runs=stop - start, return_columns=columns))
            bar.update(stop - start)
    return _Stacked(parts)


class _Slice:
    """Runs ``start:stop`` of an engine result (same interface: ``times``, ``[name]``)."""

    def __init__(self, results, start: int, stop: int) -> None:
        self.times, self._results, self._rows = results.times, results, slice(start, stop)
        self.n_runs = stop - start

    def __getitem__(self, name: str) -> np.ndarray:
        return np.asarray(self._results[name])[self._rows]


def _assumption_curves(model, params: dict, n: int, targets: list[Target]) -> pd.DataFrame:
    """P(value >= threshold) of each assumption-driven target over its drivers' ranges.

    For every driver, each value of :meth:`Driver.grid` is run on the first ``n`` draws of
    the ensemble (common random numbers) with that driver fixed; all values of all drivers
    go to the engine in one call.
    """
    driven = [t for t in targets if t.drivers and t.in_scope]
    drivers = list(dict.fromkeys(d for t in driven for d in t.drivers))
    if not drivers:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    cases = [(d, float(v)) for d in drivers for v in d.grid()]
    batch = {k: (np.tile(np.asarray(v)[:n], len(cases)) if np.ndim(v) else v)
             for k, v in params.items()}
    for d in drivers:
        default = batch.get(d.constant, model.constants[d.constant])
        base = np.broadcast_to(np.asarray(default, dtype=float),
                               (n * len(cases),)).copy()
        for i, (case, value) in enumerate(cases):
            if case == d:
                base[i * n:(i + 1) * n] = value
        batch[d.constant] = base
    results = model.run(params=batch, n_runs=n * len(cases),
                        return_columns=target_variables(driven))
    rows = []
    for i, (d, value) in enumerate(cases):
        part = _Slice(results, i * n, (i + 1) * n)
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
    count for counter-only indicators).
    """
    registry = load_indicators()
    observed = pd.read_csv(OBSERVED_FILE, usecols=["region", "indicator"])
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
    return specs


def _series_variables(specs: dict[str, SeriesSpec]) -> list[str]:
    registry = load_indicators()
    out = []
    for s in specs.values():
        ind = registry[s.indicator]
        needs_counter = s.measure == "cumulative" or not ind.variable
        out.append(ind.counter if needs_counter else ind.variable)
    return out


def _series_table(results, specs: dict[str, SeriesSpec]) -> pd.DataFrame:
    frames = []
    for s in specs.values():
        years = [y for y in SERIES_YEARS if s.measure != "cumulative" or y >= s.base_year]
        values = indicator_values(results, s.indicator, years, s.measure, s.base_year)
        p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=0)
        frame = pd.DataFrame({"indicator": s.indicator, "year": years, "p10": p10, "p50": p50,
                              "p90": p90, "mean": values.mean(axis=0)})
        frames.append(frame.set_index("year").reindex(SERIES_YEARS).reset_index())
        frames[-1]["indicator"] = s.indicator
    columns = ["indicator", "year", "p10", "p50", "p90", "mean"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


# --- public API -----------------------------------------------------------------------------


def run_scenario(
    scenario: Scenario | str | Path,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: bool = False,
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
    progress : bool
        Show a tqdm progress bar on stderr.

    Returns
    -------
    ScenarioResult
    """
    scenario = _scenario(scenario)
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    if not 1 <= n <= 100_000:
        raise InputError(f"draws: {n} is outside the allowed range 1-100000")
    post, source = resolve_posterior(posterior, scenario.region)
    model = _model()
    targets = targets_for_region(scenario.region)
    specs = series_specs(scenario.region)
    columns = list(dict.fromkeys(target_variables(targets) + _series_variables(specs)))
    params = _parameters(scenario, n, seed, post, set(model.constants))
    start = time.perf_counter()
    results = _simulate(model, params, n, columns, progress)
    curves = _assumption_curves(model, params, min(n, CURVE_DRAWS), targets)
    seconds = time.perf_counter() - start
    return ScenarioResult(
        scenario=scenario,
        draws=n,
        seed=seed,
        targets=apply_curves(evaluate_targets(results, targets), curves),
        curves=curves,
        series=_series_table(results, specs),
        specs=specs,
        levers={k: {p: scenario.lever_value(k, p) for p in PERIODS} for k in load_levers()},
        assumptions=assumption_ranges(scenario),
        posterior_source=source,
        seconds=seconds,
    )


def compare_scenarios(
    scenarios: Sequence[Scenario | str | Path],
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Probabilities of every target side by side, and differences against the first scenario.

    All scenarios share the same draws (common random numbers): ``draws`` and ``seed``
    default to the first scenario's.

    Returns
    -------
    pandas.DataFrame
        One row per target of the region: target_id, label_en, label_zh, year, comparator,
        threshold, unit, in_scope, status (of the first scenario), then ``p_<name>`` per
        scenario and ``d_<name>`` (difference from the first scenario) for the others.
    """
    loaded = [_scenario(s) for s in scenarios]
    if not loaded:
        raise InputError("compare: give at least one scenario")
    regions = {s.region for s in loaded}
    if len(regions) > 1:
        raise InputError(f"compare: scenarios must share one region, got {sorted(regions)}")
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
    for name in names[1:]:
        table[f"d_{name}"] = table[f"p_{name}"] - table[f"p_{names[0]}"]
    return table


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


def _fmt(value: float, unit: str) -> str:
    return f"{value:g} {unit}" if unit != "Dmnl" else f"{value:g}"


def goal_seek(
    scenario: Scenario | str | Path,
    target_id: str,
    lever_key: str,
    period: str = "15th",
    probability: float = 0.8,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    progress: bool = False,
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
    draws, seed, posterior, progress
        As for :func:`run_scenario`.

    Returns
    -------
    GoalSeekResult
        ``status`` and ``message`` say plainly when even the top of the range is not enough
        or when the bottom of the range already suffices.
    """
    scenario = _scenario(scenario)
    targets = load_targets()
    if target_id not in targets:
        raise InputError(f"--target: unknown target {target_id!r}; {suggest(target_id, targets)}")
    target: Target = targets[target_id]
    if target.region != scenario.region:
        raise InputError(f"--target: {target_id} is a {target.region} target, the scenario "
                         f"is for {scenario.region}")
    if not target.in_scope:
        raise InputError(f"--target: {target_id} is outside model scope ({target.reason})")
    if not target.has_probability:
        raise InputError(f"--target: {target_id} has no single probability to seek (status "
                         f"{target_status(target)}); pick a target with one")
    levers = load_levers()
    if lever_key not in levers:
        raise InputError(f"--lever: unknown lever {lever_key!r}; {suggest(lever_key, levers)}")
    if period not in PERIODS:
        raise InputError(f"--period: unknown plan period {period!r}; {suggest(period, PERIODS)}")
    if not 0.0 < probability <= 1.0:
        raise InputError(f"--probability: {probability:g} is outside the allowed range (0, 1]")
    lever = levers[lever_key]
    n = scenario.draws if draws is None else int(draws)
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    model = _model()
    params = _parameters(scenario, n, seed, post, set(model.constants))
    columns = target_variables([target])
    name = lever.vensim[period]
    memo: dict[float, float] = {}

    def prob(value: float) -> float:
        if value not in memo:
            params[name] = float(value)
            res = model.run(params=params, n_runs=n, return_columns=columns)
            memo[value] = float(reached_per_run(res, target).mean())
        return memo[value]

    grid = _lever_grid(lever)
    baseline_value = scenario.lever_value(lever_key, period)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=3 + math.ceil(math.log2(len(grid))) + MONOTONE_PROBES,
                   desc="goal seeking",
                   unit="run", leave=False)

    def step(value: float) -> float:
        p = prob(value)
        if bar is not None:
            bar.update(1)
        return p

    p_base, p_lo, p_hi = step(baseline_value), step(grid[0]), step(grid[-1])
    label = f"{lever.label_en} ({period} plan, {PERIOD_YEARS[period][0]}-{PERIOD_YEARS[period][1]})"
    late = (f" Note: the {period}-plan lever acts from {PERIOD_YEARS[period][0]}, after the "
            f"target year {target.year}." if PERIOD_YEARS[period][0] > target.year else "")
    value: float | None
    if p_lo >= probability:
        status, value = "already_met", float(grid[0])
        message = (f"{target_id} is already reached with probability {p_lo:.2f} >= "
                   f"{probability:.2f} at the bottom of the allowed range of {label}, "
                   f"{_fmt(lever.min, lever.unit)}: the target does not need this lever.")
    elif p_hi < probability:
        status, value = "not_enough", None
        message = (f"Not enough: even the top of the allowed range of {label}, "
                   f"{_fmt(lever.max, lever.unit)}, reaches {target_id} with probability "
                   f"only {p_hi:.2f} < {probability:.2f}. This lever alone cannot reach the "
                   "target; combine levers or revisit the target.")
    else:
        lo, hi = 0, len(grid) - 1  # invariant: prob(grid[lo]) < goal <= prob(grid[hi])
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if step(grid[mid]) >= probability:
                hi = mid
            else:
                lo = mid
        status, value = "found", float(grid[hi])
        message = (f"Setting {label} to {_fmt(value, lever.unit)} reaches {target_id} with "
                   f"probability {memo[grid[hi]]:.2f} >= {probability:.2f} (scenario value "
                   f"{_fmt(baseline_value, lever.unit)} gives {p_base:.2f}).")
        earlier = values_below_reaching(grid, hi, step, probability)
    if bar is not None:
        bar.close()
    achieved, confirmed, result = None, status != "found", None
    if value is not None:
        # The full scenario pipeline on the same draws must agree with the search's estimate.
        result = run_scenario(scenario.with_lever(lever_key, period, value), draws=n, seed=seed,
                              posterior=post)
        achieved = result.probability(target_id)
        if status == "found":
            confirmed = achieved >= probability and not earlier
            if earlier:
                message += (f" Caution: the probability is not monotone in this lever; the "
                            f"smaller value {_fmt(min(earlier), lever.unit)} also reaches "
                            f"{probability:.2f}.")
            elif achieved < probability:
                message += (f" The confirming re-run gives only {achieved:.2f}; treat the "
                            "value with caution.")
    return GoalSeekResult(
        target_id=target_id, lever_key=lever_key, period=period, goal=probability,
        status=status, value=value, achieved=achieved, probability_at_min=p_lo,
        probability_at_max=p_hi, baseline_value=baseline_value, baseline_probability=p_base,
        lower=lever.min, upper=lever.max, evaluations=len(memo), confirmed=confirmed,
        message=message + late, result=result,
    )
