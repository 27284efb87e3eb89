"""Global sensitivity analysis (Sobol, Morris) of the policy targets to uncertain inputs.

Which uncertain inputs decide whether a target is reached? The factors are the calibrated
parameters and the scenario's uncertain assumptions; the outputs are, for every in-scope
target of the scenario's region, the target's value in its target year and its margin
(value minus the level from which it counts as reached, see :mod:`suzhou_sim.catalogues.targets`).

Sensitivity of a policy *effect*: with ``effect`` (a paired step of one lever in one plan
period, :func:`effect_step`), every row of the sample is run twice, at the scenario's lever
value and stepped, on the same factor values (common random numbers), and the output
``effect`` is the difference of the target's value: which uncertainties decide how much the
lever buys. ``years`` keeps only targets of those years (e.g. 2030 and 2035).

Factor ranges
    * Calibrated parameters vary over the 5-95% range of their posterior marginal, so only
      values the observed history allows are explored (the prior bounds in
      ``model/calibration/parameters.yaml`` are far wider and mostly rejected by the data).
    * Assumptions vary over the scenario's ``low``-``high`` range; assumptions the scenario
      fixes (``low == high``) are not uncertain and stay at their value.
    * Every factor is uniform and independent over its range, as Sobol and Morris require.
      The posterior's correlations are therefore ignored: corners of the box can combine
      parameter values the data would not accept together, and the uniform gives the ends of
      the assumption ranges more weight than the triangular draws of ``run`` do. The indices
      rank which uncertainties matter for a target; they are not a decomposition of the
      ensemble's variance.

Layers
    * A generic core (:func:`sobol_analysis`, :func:`morris_analysis`) takes any vectorised
      ``f(X) -> Y`` and returns a tidy table; analytic test functions (Ishigami) and the
      model go through the same code.
    * The model layer (:func:`build_problem`, :func:`evaluate`, :func:`sobol`,
      :func:`morris`) assembles model inputs with ``ensemble`` and reads target
      values with ``catalogues.targets``: there is one definition of a target's value.
This module computes indices; it does not word them
(:mod:`suzhou_sim.reporting.sensitivity_text`), draw (``reporting.sensitivity_plots``), write
files or parse command lines (``cli.sensitivity``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.scenarios import (
    Scenario,
    assumption_ranges,
    load_assumptions,
    load_scenario,
    suggestion,
)
from ..catalogues.targets import (
    Target,
    target_values,
    target_variables,
    targets_for_region,
)
from ..ensemble.compiled import compiled_model
from ..ensemble.inputs import check_constants, layered_inputs
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..wording.problems import Names, Phrase

__all__ = [
    "POSTERIOR_RANGE",
    "NEGLIGIBLE_ST",
    "SOBOL_COLUMNS",
    "MORRIS_COLUMNS",
    "Factor",
    "SensitivityProblem",
    "build_problem",
    "evaluate",
    "sobol_analysis",
    "morris_analysis",
    "sobol",
    "morris",
    "ishigami",
    "ISHIGAMI_INDICES",
]

#: Quantiles of each posterior marginal that bound a calibrated parameter's range.
POSTERIOR_RANGE = (0.05, 0.95)
#: Total-order index below which a factor "hardly matters" (summaries, plots).
NEGLIGIBLE_ST = 0.05
#: Morris: mu_star below this share of the largest one "hardly matters".
NEGLIGIBLE_MU_STAR = 0.05
ID_COLUMNS = ["method", "target_id", "output", "factor", "kind", "unit"]
SOBOL_COLUMNS = ID_COLUMNS + ["S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ID_COLUMNS + ["mu", "mu_star", "mu_star_conf", "sigma"]
OUTPUTS = ("value", "margin", "effect")
MORRIS_LEVELS = 4

FactorKind = Literal["calibrated", "assumption", "factor"]
Outputs = Mapping[tuple[str, str], np.ndarray]


# --- the problem --------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """One uncertain input.

    Attributes
    ----------
    name : str
        Vensim constant name (the factor's column in ``X`` and in the indices).
    kind : {"calibrated", "assumption", "factor"}
        ``factor`` is for generic (non-model) problems.
    low, high : float
        Range sampled uniformly.
    unit : str
    label_en, label_zh : str
        Display labels (the Vensim name where the catalogue has none).
    """

    name: str
    kind: FactorKind
    low: float
    high: float
    unit: str = ""
    label_en: str = ""
    label_zh: str = ""

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang`` (``zh`` or ``en``)."""
        return (self.label_zh if lang == "zh" else self.label_en) or self.name


@dataclass(frozen=True)
class SensitivityProblem:
    """The factors of a sensitivity analysis and the values of everything held fixed.

    Attributes
    ----------
    factors : tuple of Factor
        Varied inputs, in the column order of ``X``.
    fixed : dict[str, float]
        Model constants held at one value: the posterior point of every calibrated
        parameter (those in ``factors`` are overridden by ``X``).
    region : str or None
        Region of the posterior (None for generic problems).
    """

    factors: tuple[Factor, ...]
    fixed: dict[str, float] = field(default_factory=dict)
    region: str | None = None

    def __post_init__(self) -> None:
        names = [f.name for f in self.factors]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate factor names in {names}")
        if any(not f.low < f.high for f in self.factors):
            raise ValueError("every factor needs low < high")

    @classmethod
    def from_bounds(
        cls, names: Sequence[str], bounds: Sequence[Sequence[float]]
    ) -> SensitivityProblem:
        """A generic problem (kind ``factor``) from names and ``[low, high]`` pairs."""
        return cls(tuple(Factor(n, "factor", float(lo), float(hi))
                         for n, (lo, hi) in zip(names, bounds, strict=True)))

    def __len__(self) -> int:
        return len(self.factors)

    @property
    def names(self) -> list[str]:
        """Factor names in column order."""
        return [f.name for f in self.factors]

    @property
    def bounds(self) -> list[list[float]]:
        """``[low, high]`` per factor."""
        return [[f.low, f.high] for f in self.factors]

    @property
    def kinds(self) -> list[str]:
        """Kind per factor."""
        return [f.kind for f in self.factors]

    @property
    def units(self) -> list[str]:
        """Unit per factor."""
        return [f.unit for f in self.factors]

    def salib(self) -> dict:
        """A fresh SALib problem dict (SALib writes into the dict it is given)."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": self.bounds,
            "kinds": self.kinds,
            "units": self.units,
        }


def _calibrated_units(names: Iterable[str]) -> dict[str, str]:
    """Units of model constants, as declared in the ``.mdl``."""
    units = compiled_model().units
    return {n: units.get(n, "") for n in names}


def build_problem(
    scenario: Scenario,
    posterior: Posterior,
    parameters: Sequence[str] | None = None,
) -> SensitivityProblem:
    """The sensitivity problem of a scenario: calibrated parameters and uncertain assumptions.

    Parameters
    ----------
    scenario : Scenario
        Supplies the assumption ranges (its own, else the region's baseline ranges).
    posterior : Posterior
        Calibration of the scenario's region. A calibrated parameter varies over the 5-95%
        range of its posterior sample (:data:`POSTERIOR_RANGE`): the data rule out the rest
        of its prior range, and the extreme tails of a finite MCMC sample are noisy. The
        posterior point fixes every calibrated parameter left out of the problem. The state
        corrections stored with the posterior (:attr:`Posterior.corrections`) are never
        factors: they are the conditioning's adjustment of each draw to the published state,
        not an uncertainty of the model, and they stay at the posterior point.
    parameters : sequence of str, optional
        Restrict the factors to these names (Vensim names of calibrated constants or of
        assumptions, or assumption keys). Default: every calibrated parameter whose range is
        not degenerate and every assumption the scenario leaves uncertain (``low < high``).

    Returns
    -------
    SensitivityProblem
        Calibrated parameters first (posterior column order), then assumptions (catalogue
        order).

    Raises
    ------
    InputError
        Posterior of another region, an unknown name, or a named factor that does not vary.
    """
    if posterior.region != scenario.region:
        raise InputError(code="err.sens_posterior_region", name=scenario.name,
                         region=scenario.region, other=posterior.region)
    catalogue = load_assumptions()
    ranges = assumption_ranges(scenario)
    wanted: list[str] | None = None
    if parameters is not None:
        allowed = list(posterior.fitted) + [a.vensim for a in catalogue.values()]
        wanted = []
        for name in parameters:
            name = catalogue[name].vensim if name in catalogue else name  # key -> Vensim
            if name not in allowed:
                raise InputError(code="err.sens_unknown_factor", name=name,
                                 suggestion=suggestion(name, allowed))
            wanted.append(name)

    fitted = posterior.fitted
    lo_q, hi_q = posterior.draws[fitted].quantile(list(POSTERIOR_RANGE)).to_numpy()
    units = _calibrated_units(fitted)
    factors: list[Factor] = []
    for j, name in enumerate(fitted):
        if wanted is not None and name not in wanted:
            continue
        low, high = float(lo_q[j]), float(hi_q[j])
        if not low < high:
            if wanted is not None:
                raise InputError(code="err.sens_not_varying", name=name)
            continue
        factors.append(Factor(name, "calibrated", low, high, units[name], name, name))
    for key, a in catalogue.items():
        if wanted is not None and a.vensim not in wanted:
            continue
        _, low, high = ranges[key]
        if not low < high:
            if wanted is not None:
                raise InputError(code="err.sens_assumption_fixed", key=key, value=low,
                                 name=scenario.name)
            continue
        factors.append(Factor(a.vensim, "assumption", float(low), float(high), a.unit,
                              a.label_en, a.label_zh))
    return SensitivityProblem(
        factors=tuple(factors), fixed=dict(posterior.point), region=posterior.region
    )


# --- the generic core ---------------------------------------------------------------------


def _as_outputs(Y: object, n: int) -> dict[tuple[str, str], np.ndarray]:
    """Normalise ``f(X)`` to ``{(target_id, output): array (n,)}``.

    Accepts an array ``(n,)`` or ``(n, k)`` (named ``y``, ``y0`` ...), a mapping or a
    DataFrame keyed by name or by ``(target_id, output)``.
    """
    if isinstance(Y, pd.DataFrame):
        items = [(col, Y[col].to_numpy()) for col in Y.columns]
    elif isinstance(Y, Mapping):
        items = list(Y.items())
    else:
        arr = np.asarray(Y, dtype=float)
        if arr.ndim == 1:
            items = [("y", arr)]
        elif arr.ndim == 2:
            items = [(f"y{j}", arr[:, j]) for j in range(arr.shape[1])]
        else:
            raise ValueError(f"f(X) returned shape {arr.shape}; expected (n,) or (n, k)")
    out = {}
    for key, values in items:
        key = tuple(map(str, key)) if isinstance(key, tuple) else (str(key), "value")
        values = np.asarray(values, dtype=float).reshape(-1)
        if values.shape != (n,):
            raise ValueError(f"output {key} has {values.size} values for {n} rows of X")
        out[key] = values
    return out


def _analysis_seed(seed: int) -> int:
    # SALib's analyzers test ``if seed:``, so seed 0 would silently fall back to the global
    # numpy state and make the bootstrap confidence intervals irreproducible.
    return int(seed) + 1


def _finite(key: tuple[str, str], y: np.ndarray, method: str) -> bool:
    """False (with a warning) when an output has values that are not finite."""
    bad = int(np.sum(~np.isfinite(y)))
    if bad:
        warnings.warn(f"{method} indices of {key[0]} ({key[1]}) are undefined: {bad} model "
                      "runs gave values that are not finite", stacklevel=3)
    return not bad


def _tidy(
    method: str,
    problem: SensitivityProblem,
    per_output: dict[tuple[str, str], dict[str, np.ndarray]],
    columns: list[str],
) -> pd.DataFrame:
    frames = []
    for (target_id, output), idx in per_output.items():
        part = pd.DataFrame({
            "method": method, "target_id": target_id, "output": output,
            "factor": problem.names, "kind": problem.kinds, "unit": problem.units,
        })
        for col in columns[len(ID_COLUMNS):]:
            part[col] = np.asarray(idx[col], dtype=float)
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _check_size(what: str, value: int, minimum: int = 2) -> None:
    """Refuse ``value`` below ``minimum``; ``what`` is the key of the text naming it."""
    if int(value) < minimum:
        raise InputError(code="err.sens_size", what=Phrase(what), minimum=minimum, value=value)


def _finite_outputs(raw: object, n_rows: int, method: str, problem: SensitivityProblem,
                    columns: list[str], per_output: dict):
    """Yield ``(key, y)`` for each output of ``raw`` with finite values; an output with a
    value that is not finite gets NaN indices in ``per_output`` (and a warning) instead."""
    for key, y in _as_outputs(raw, n_rows).items():
        if _finite(key, y, method):
            yield key, y
        else:
            per_output[key] = dict.fromkeys(columns[len(ID_COLUMNS):],
                                            np.full(len(problem), np.nan))


def sobol_analysis(
    problem: SensitivityProblem,
    f: Callable[[np.ndarray], object],
    n_base: int = 1024,
    seed: int = 0,
    *,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sobol first-order and total indices of every output of ``f`` (Saltelli scheme).

    Samples ``n_base * (D + 2)`` rows with SALib's scrambled Sobol sequence
    (``calc_second_order=False``), calls ``f`` once on all of them and analyses each output
    with ``SALib.analyze.sobol`` (bootstrap confidence intervals).

    Parameters
    ----------
    problem : SensitivityProblem
    f : callable
        Vectorised model ``f(X)`` with ``X`` shaped ``(n, D)`` in the factor order; returns
        an array ``(n,)`` / ``(n, k)``, or a mapping / DataFrame of outputs keyed by name or
        ``(target_id, output)``.
    n_base : int
        Base sample size N (a power of 2 keeps the Sobol sequence balanced).
    seed : int
        Seeds the scrambling and the bootstrap; same seed, same table.
    num_resamples, conf_level
        Bootstrap settings of the confidence intervals.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOBOL_COLUMNS`, one row per output x factor. An output that does not
        vary gets zero indices, one with values that are not finite NaN (both warn).
        ``attrs`` holds ``model_runs``, ``samples`` and ``seed``.
    """
    _check_size("err.sens_base_samples", n_base)
    if len(problem) == 0:
        raise InputError(code="err.sens_no_factors")
    with warnings.catch_warnings():
        # SALib warns when N is not a power of 2; the caller chose N, the docs say why.
        warnings.simplefilter("ignore", UserWarning)
        X = sobol_sample.sample(problem.salib(), int(n_base), calc_second_order=False,
                                seed=int(seed))
    per_output = {}
    for key, y in _finite_outputs(f(X), X.shape[0], "Sobol", problem, SOBOL_COLUMNS,
                                  per_output):
        if np.ptp(y) == 0:  # SALib would divide by a zero variance
            warnings.warn(f"{key[0]} ({key[1]}) does not vary over the factor ranges; its "
                          "Sobol indices are 0", stacklevel=2)
            per_output[key] = dict.fromkeys(SOBOL_COLUMNS[len(ID_COLUMNS):],
                                            np.zeros(len(problem)))
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            per_output[key] = sobol_analyze.analyze(
                problem.salib(), y, calc_second_order=False, num_resamples=num_resamples,
                conf_level=conf_level, seed=_analysis_seed(seed),
            )
        if caught:
            # SALib's own note lacks the output's name; the usual cause is a small N.
            warnings.warn(f"{key[0]} ({key[1]}) takes identical values in the base samples "
                          f"(N={n_base}); its Sobol indices are unreliable, use more samples",
                          stacklevel=2)
    out = _tidy("sobol", problem, per_output, SOBOL_COLUMNS)
    out.attrs.update(model_runs=int(X.shape[0]), samples=int(n_base), seed=int(seed))
    return out


def morris_analysis(
    problem: SensitivityProblem,
    f: Callable[[np.ndarray], object],
    n_trajectories: int = 64,
    seed: int = 0,
    *,
    num_levels: int = MORRIS_LEVELS,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris elementary-effects screening of every output of ``f``.

    Samples ``n_trajectories * (D + 1)`` rows with ``SALib.sample.morris`` on a
    ``num_levels`` grid, calls ``f`` once and analyses each output with
    ``SALib.analyze.morris``. Elementary effects are in the output's units per unit of the
    factor's range (SALib scales ``X`` to ``[0, 1]``).

    Parameters
    ----------
    problem : SensitivityProblem
    f : callable
        As in :func:`sobol_analysis`.
    n_trajectories : int
        Number of trajectories r (at least 2).
    seed : int
        Seeds the trajectories and the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MORRIS_COLUMNS`; ``attrs`` as for :func:`sobol_analysis`.
    """
    _check_size("err.sens_trajectories", n_trajectories)
    if len(problem) == 0:
        raise InputError(code="err.sens_no_factors")
    X = morris_sample.sample(problem.salib(), int(n_trajectories), num_levels=num_levels,
                             seed=int(seed))
    per_output = {}
    for key, y in _finite_outputs(f(X), X.shape[0], "Morris", problem, MORRIS_COLUMNS,
                                  per_output):
        per_output[key] = morris_analyze.analyze(
            problem.salib(), X, y, num_resamples=num_resamples, conf_level=conf_level,
            num_levels=num_levels, seed=_analysis_seed(seed),
        )
    out = _tidy("morris", problem, per_output, MORRIS_COLUMNS)
    out.attrs.update(model_runs=int(X.shape[0]), samples=int(n_trajectories), seed=int(seed))
    return out


# --- analytic test case -------------------------------------------------------------------

#: Analytic indices of the Ishigami function (Ishigami & Homma 1990) with a=7, b=0.1.
ISHIGAMI_INDICES = {
    "S1": (0.3139, 0.4424, 0.0),
    "ST": (0.5576, 0.4424, 0.2437),
}


def ishigami(X: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """Ishigami function ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` on ``X`` shaped ``(n, 3)``.

    Its factors are uniform on ``[-pi, pi]``; with ``a=7, b=0.1`` the indices are
    :data:`ISHIGAMI_INDICES`.
    """
    X = np.asarray(X, dtype=float)
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


# --- the model ----------------------------------------------------------------------------


def _targets(region: str, years: Sequence[int] | None = None) -> list[Target]:
    """In-scope targets of ``region`` (of ``years`` only, when given): the outputs."""
    out = [t for t in targets_for_region(region)
           if t.in_scope and (not years or t.year in set(years))]
    if not out:
        raise InputError(code="err.sens_no_target_years", file="--years", region=region,
                         years=Names(years or ()))
    return out


def effect_step(scenario: Scenario, lever: str, period: str, step: float | None = None,
                money_step: float | None = None):
    """The paired step of ``lever`` in ``period`` that :func:`evaluate` differences.

    The step rules of :func:`suzhou_sim.studies.effects.plan_perturbations` (a money lever
    by ``money_step`` 亿元 a year, or by default by the effects study's share of the
    region's special fund in the period; others by ``step`` of their value; downwards when
    raising would leave the range).

    Returns
    -------
    suzhou_sim.studies.effects.Perturbation
    """
    from ..catalogues.timeline import PERIODS
    from .effects import DEFAULT_STEP, plan_perturbations

    if period not in PERIODS:
        raise InputError(code="err.unknown_period", file="--effect-of", name=period,
                         suggestion=suggestion(period, PERIODS))
    steps, skipped = plan_perturbations(
        scenario, [lever], DEFAULT_STEP if step is None else step,
        money_step, channels=False)
    for p in steps:
        if p.period == period:
            return p
    reason = next((r["reason"] for r in skipped if r["period"] == period), "no step")
    raise InputError(code="err.sens_cannot_step", file="--effect-of", lever=lever,
                     period=period, reason=reason)


def _margin(results, target: Target) -> np.ndarray:
    """Value minus the reach level, per run; for "every year" targets the smallest yearly one.

    ``margin >= 0`` exactly when :func:`suzhou_sim.catalogues.targets.reached_per_run` says reached.
    """
    years = range(target.from_year or target.year, target.year + 1)
    return (target_values(results, target, years) - target.reach_level).min(axis=1)


def _constants(problem: SensitivityProblem, scenario: Scenario) -> dict[str, float]:
    """Inputs held fixed: the posterior point and the assumption defaults, layered as in
    :func:`suzhou_sim.ensemble.inputs.layered_inputs` (one value per input instead of
    draws)."""
    catalogue = load_assumptions()
    defaults = {catalogue[key].vensim: default
                for key, (default, _, _) in assumption_ranges(scenario).items()}
    return layered_inputs(scenario, problem.fixed, defaults)


def evaluate(
    problem: SensitivityProblem,
    X: np.ndarray,
    scenario: Scenario,
    *,
    progress: Progress | None = None,
    effect: Mapping[str, float] | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Target values and margins for every row of ``X``, from one vectorised ensemble.

    Model inputs, later overriding earlier: ``.mdl`` defaults, region constants, posterior
    point (``problem.fixed``), the scenario's assumption defaults, its lever constants, and
    the columns of ``X`` (one run per row).

    Parameters
    ----------
    problem : SensitivityProblem
        Factor ``j`` is column ``j`` of ``X``.
    X : numpy.ndarray
        Shape ``(n, D)``.
    scenario : Scenario
        Levers, assumption defaults and region (whose in-scope targets are evaluated).
    progress : callable, optional
        ``progress(done, total)`` after each chunk of model runs.
    effect : mapping, optional
        Constants of a paired step (``effect_step(...).changes``): every row is run without
        and with them and the only output is ``(target_id, "effect")``, the difference.
    years : sequence of int, optional
        Only the targets of these years.

    Returns
    -------
    pandas.DataFrame
        ``n`` rows; columns ``(target_id, "value")`` and ``(target_id, "margin")`` for each
        in-scope target (``(target_id, "effect")`` with ``effect``). ``value`` is the
        target's quantity in its target year, as
        :func:`suzhou_sim.catalogues.targets.target_values` reads it; ``margin`` is value
        minus :attr:`~suzhou_sim.catalogues.targets.Target.reach_level` (the threshold), the
        smallest over the years of an "every year" target.
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    if X.shape[1] != len(problem):
        raise ValueError(f"X has {X.shape[1]} columns for {len(problem)} factors")
    if problem.region is not None and problem.region != scenario.region:
        raise InputError(code="err.sens_problem_region", region=problem.region,
                         name=scenario.name, own=scenario.region)
    params: dict[str, float | np.ndarray] = dict(_constants(problem, scenario))
    params.update({name: X[:, j].copy() for j, name in enumerate(problem.names)})
    check_constants(params)
    targets = _targets(scenario.region, years)
    n = X.shape[0]
    columns = {}
    if effect:
        # the same factor values twice: without and with the step (common random numbers)
        stacked = {k: (np.tile(v, 2) if np.ndim(v) else v) for k, v in params.items()}
        for name, value in effect.items():
            base = np.broadcast_to(np.asarray(params.get(name, compiled_model().constants[
                name]), dtype=float), (n,))
            stacked[name] = np.concatenate([base, np.full(n, float(value))])
        results = run_ensemble(stacked, 2 * n, target_variables(targets), progress=progress)
        for t in targets:
            values = target_values(results, t, [t.year])[:, 0]
            columns[(t.target_id, "effect")] = values[n:] - values[:n]
    else:
        results = run_ensemble(params, n, target_variables(targets), progress=progress)
        for t in targets:
            columns[(t.target_id, "value")] = target_values(results, t, [t.year])[:, 0]
            columns[(t.target_id, "margin")] = _margin(results, t)
    frame = pd.DataFrame(columns)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["target_id", "output"])
    return frame


def _prepare(
    scenario: Scenario | str | Path,
    posterior: Posterior | str | Path | None,
    parameters: Sequence[str] | None,
) -> tuple[Scenario, SensitivityProblem]:
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    post, _ = resolve_posterior(posterior, scenario.region)
    return scenario, build_problem(scenario, post, parameters)


def sobol(
    scenario: Scenario | str | Path,
    n_base: int = 1024,
    seed: int = 0,
    *,
    posterior: Posterior | str | Path | None = None,
    parameters: Sequence[str] | None = None,
    progress: Progress | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    effect: Mapping[str, float] | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Sobol indices of every in-scope target of a scenario (value and margin, or the
    effect of a paired lever step with ``effect``; see :func:`evaluate`).

    Costs ``n_base * (D + 2)`` model runs, all in one vectorised ensemble.

    Parameters
    ----------
    scenario : Scenario or path
    n_base : int
        Base sample size N (powers of 2 recommended).
    seed : int
        Same seed, same table.
    posterior : Posterior, path or None
        Calibration (see :func:`suzhou_sim.calibration.resolve.resolve_posterior`); None reads
       the
        stored calibration of the scenario's region.
    parameters : sequence of str, optional
        Restrict the factors (see :func:`build_problem`).
    progress : callable, optional
        ``progress(done, total)`` after each chunk of model runs.
    num_resamples, conf_level
        Bootstrap settings.
    effect, years
        See :func:`evaluate` (``effect``: the changes of :func:`effect_step`; twice the runs).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOBOL_COLUMNS`; ``attrs`` holds ``model_runs``, ``scenario``,
        ``region`` and ``seed``.
    """
    scenario, problem = _prepare(scenario, posterior, parameters)
    out = sobol_analysis(
        problem, lambda X: evaluate(problem, X, scenario, progress=progress, effect=effect,
                                    years=years), n_base, seed,
        num_resamples=num_resamples, conf_level=conf_level,
    )
    out.attrs.update(scenario=scenario.name, region=scenario.region)
    if effect:  # every row run without and with the step
        out.attrs["model_runs"] = 2 * out.attrs.get("model_runs", 0)
    return out


def morris(
    scenario: Scenario | str | Path,
    n_trajectories: int = 64,
    seed: int = 0,
    *,
    posterior: Posterior | str | Path | None = None,
    parameters: Sequence[str] | None = None,
    progress: Progress | None = None,
    num_levels: int = MORRIS_LEVELS,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    effect: Mapping[str, float] | None = None,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """Morris screening of every in-scope target of a scenario (value and margin, or the
    effect of a paired lever step with ``effect``; see :func:`evaluate`).

    Costs ``n_trajectories * (D + 1)`` model runs, all in one vectorised ensemble. Cheaper
    than :func:`sobol` and good at telling inert factors apart; ``mu_star`` is in the
    target's units per full range of the factor.

    Parameters
    ----------
    scenario, seed, posterior, parameters, progress, num_resamples, conf_level, effect, years
        As for :func:`sobol`.
    n_trajectories : int
        Number of Morris trajectories r.
    num_levels : int
        Grid levels of the trajectories.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MORRIS_COLUMNS`; ``attrs`` as for :func:`sobol`.
    """
    scenario, problem = _prepare(scenario, posterior, parameters)
    out = morris_analysis(
        problem, lambda X: evaluate(problem, X, scenario, progress=progress, effect=effect,
                                    years=years), n_trajectories,
        seed, num_levels=num_levels, num_resamples=num_resamples, conf_level=conf_level,
    )
    out.attrs.update(scenario=scenario.name, region=scenario.region)
    if effect:  # every row run without and with the step
        out.attrs["model_runs"] = 2 * out.attrs.get("model_runs", 0)
    return out
