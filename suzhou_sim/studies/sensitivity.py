"""Global sensitivity analysis (Sobol, Morris) of the policy targets to uncertain inputs.

Which uncertain inputs decide whether a target is reached? The factors are the calibrated
parameters and the scenario's uncertain assumptions; the outputs are, for every in-scope
target of the scenario's region, the target's value in its target year and its margin
(value minus the level from which it counts as reached, see :mod:`suzhou_sim.catalogues.targets`).

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
      :func:`morris`) assembles model inputs with ``analysis.py`` and reads target values
      with ``targets.py``: there is one definition of a target's value.
    * :func:`summarise` turns indices into one plain-language paragraph per target
      (English or Chinese).

This module computes indices and text; it does not draw (``sensitivity_plots.py``), write
files or parse command lines (``cli_sensitivity.py``).
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
from ..catalogues.scenarios import (
    Scenario,
    assumption_ranges,
    load_assumptions,
    load_scenario,
    suggest,
)
from ..catalogues.targets import (
    Target,
    load_targets,
    target_values,
    target_variables,
    targets_for_region,
)
from ..errors import InputError
from ..paths import MODEL_FILE
from .scenario_runs import _model, _simulate, layered_inputs, resolve_posterior

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
    "summarise",
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
OUTPUTS = ("value", "margin")
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
    units = _model().units
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
        posterior point fixes every calibrated parameter left out of the problem.
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
        raise InputError(
            f"scenario {scenario.name!r} is for {scenario.region!r} but the posterior is "
            f"{posterior.region!r}'s"
        )
    catalogue = load_assumptions()
    ranges = assumption_ranges(scenario)
    wanted: list[str] | None = None
    if parameters is not None:
        allowed = list(posterior.names) + [a.vensim for a in catalogue.values()]
        wanted = []
        for name in parameters:
            name = catalogue[name].vensim if name in catalogue else name  # key -> Vensim
            if name not in allowed:
                raise InputError(f"unknown sensitivity factor {name!r}; {suggest(name, allowed)}")
            wanted.append(name)

    lo_q, hi_q = posterior.draws.quantile(list(POSTERIOR_RANGE)).to_numpy()
    units = _calibrated_units(posterior.names)
    factors: list[Factor] = []
    for j, name in enumerate(posterior.names):
        if wanted is not None and name not in wanted:
            continue
        low, high = float(lo_q[j]), float(hi_q[j])
        if not low < high:
            if wanted is not None:
                raise InputError(f"calibrated parameter {name!r} does not vary in the posterior")
            continue
        factors.append(Factor(name, "calibrated", low, high, units[name], name, name))
    for key, a in catalogue.items():
        if wanted is not None and a.vensim not in wanted:
            continue
        _, low, high = ranges[key]
        if not low < high:
            if wanted is not None:
                raise InputError(
                    f"assumption {key!r} is fixed at {low:g} in scenario {scenario.name!r}"
                )
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
    if int(value) < minimum:
        raise InputError(f"{what} must be at least {minimum}, got {value}")


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
    _check_size("the number of base samples", n_base)
    if len(problem) == 0:
        raise InputError("the sensitivity problem has no uncertain factors")
    with warnings.catch_warnings():
        # SALib warns when N is not a power of 2; the caller chose N, the docs say why.
        warnings.simplefilter("ignore", UserWarning)
        X = sobol_sample.sample(problem.salib(), int(n_base), calc_second_order=False,
                                seed=int(seed))
    outputs = _as_outputs(f(X), X.shape[0])
    per_output = {}
    for key, y in outputs.items():
        if not _finite(key, y, "Sobol"):
            per_output[key] = dict.fromkeys(SOBOL_COLUMNS[len(ID_COLUMNS):],
                                            np.full(len(problem), np.nan))
            continue
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
    _check_size("the number of trajectories", n_trajectories)
    if len(problem) == 0:
        raise InputError("the sensitivity problem has no uncertain factors")
    X = morris_sample.sample(problem.salib(), int(n_trajectories), num_levels=num_levels,
                             seed=int(seed))
    outputs = _as_outputs(f(X), X.shape[0])
    per_output = {}
    for key, y in outputs.items():
        if not _finite(key, y, "Morris"):
            per_output[key] = dict.fromkeys(MORRIS_COLUMNS[len(ID_COLUMNS):],
                                            np.full(len(problem), np.nan))
            continue
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


def _targets(region: str) -> list[Target]:
    """In-scope targets of ``region``: the outputs of a model sensitivity analysis."""
    return [t for t in targets_for_region(region) if t.in_scope]


def _margin(results, target: Target) -> np.ndarray:
    """Value minus the reach level, per run; for "every year" targets the smallest yearly one.

    ``margin >= 0`` exactly when :func:`suzhou_sim.catalogues.targets.reached_per_run` says reached.
    """
    years = range(target.from_year or target.year, target.year + 1)
    return (target_values(results, target, years) - target.reach_level).min(axis=1)


def _constants(problem: SensitivityProblem, scenario: Scenario) -> dict[str, float]:
    """Inputs held fixed: the posterior point and the assumption defaults, layered as in
    :func:`suzhou_sim.studies.scenario_runs.layered_inputs` (one value per input instead of
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
    progress: bool = False,
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
    progress : bool
        Show a tqdm bar on stderr (the runs are then made in chunks).

    Returns
    -------
    pandas.DataFrame
        ``n`` rows; columns ``(target_id, "value")`` and ``(target_id, "margin")`` for each
        in-scope target. ``value`` is the target's quantity in its target year, as
        :func:`suzhou_sim.catalogues.targets.target_values` reads it; ``margin`` is value minus
        :attr:`~suzhou_sim.catalogues.targets.Target.reach_level` (the threshold), the
        smallest over the years of an "every year" target.
    """
    X = np.atleast_2d(np.asarray(X, dtype=float))
    if X.shape[1] != len(problem):
        raise ValueError(f"X has {X.shape[1]} columns for {len(problem)} factors")
    if problem.region is not None and problem.region != scenario.region:
        raise InputError(f"the problem is for region {problem.region!r}, the scenario "
                         f"{scenario.name!r} for {scenario.region!r}")
    model = _model()
    params: dict[str, float | np.ndarray] = dict(_constants(problem, scenario))
    params.update({name: X[:, j].copy() for j, name in enumerate(problem.names)})
    unknown = sorted(set(params) - set(model.constants))
    if unknown:
        raise InputError(f"not constants of {MODEL_FILE.name}: {', '.join(unknown)}")
    targets = _targets(scenario.region)
    results = _simulate(model, params, X.shape[0], target_variables(targets), progress)
    columns = {}
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
    progress: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sobol indices of every in-scope target of a scenario (value and margin).

    Costs ``n_base * (D + 2)`` model runs, all in one vectorised ensemble.

    Parameters
    ----------
    scenario : Scenario or path
    n_base : int
        Base sample size N (powers of 2 recommended).
    seed : int
        Same seed, same table.
    posterior : Posterior, path or None
        Calibration (see :func:`suzhou_sim.studies.scenario_runs.resolve_posterior`); None reads the
        stored calibration of the scenario's region.
    parameters : sequence of str, optional
        Restrict the factors (see :func:`build_problem`).
    progress : bool
        tqdm bar on stderr.
    num_resamples, conf_level
        Bootstrap settings.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOBOL_COLUMNS`; ``attrs`` holds ``model_runs``, ``scenario``,
        ``region`` and ``seed``.
    """
    scenario, problem = _prepare(scenario, posterior, parameters)
    out = sobol_analysis(
        problem, lambda X: evaluate(problem, X, scenario, progress=progress), n_base, seed,
        num_resamples=num_resamples, conf_level=conf_level,
    )
    out.attrs.update(scenario=scenario.name, region=scenario.region)
    return out


def morris(
    scenario: Scenario | str | Path,
    n_trajectories: int = 64,
    seed: int = 0,
    *,
    posterior: Posterior | str | Path | None = None,
    parameters: Sequence[str] | None = None,
    progress: bool = False,
    num_levels: int = MORRIS_LEVELS,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris screening of every in-scope target of a scenario (value and margin).

    Costs ``n_trajectories * (D + 1)`` model runs, all in one vectorised ensemble. Cheaper
    than :func:`sobol` and good at telling inert factors apart; ``mu_star`` is in the
    target's units per full range of the factor.

    Parameters
    ----------
    scenario, seed, posterior, parameters, progress, num_resamples, conf_level
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
        problem, lambda X: evaluate(problem, X, scenario, progress=progress), n_trajectories,
        seed, num_levels=num_levels, num_resamples=num_resamples, conf_level=conf_level,
    )
    out.attrs.update(scenario=scenario.name, region=scenario.region)
    return out


# --- plain-language summaries -------------------------------------------------------------

_KIND = {
    "en": {"calibrated": "calibrated", "assumption": "assumption", "factor": "factor"},
    "zh": {"calibrated": "校准参数", "assumption": "假设", "factor": "因素"},
}


def _num(x: float) -> str:
    """Readable number: thousands separators for large values, 3 significant digits else."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _factor_label(name: str, lang: str) -> str:
    if lang == "zh":
        by_vensim = {a.vensim: a for a in load_assumptions().values()}
        if name in by_vensim:
            return by_vensim[name].label_zh
    return name


def _target_phrase(target_id: str, lang: str) -> str:
    t = load_targets().get(target_id)
    if t is None:
        return target_id
    cmp = {"en": {">=": "≥", "~": "about"}, "zh": {">=": "≥", "~": "约"}}[lang][t.comparator]
    if lang == "zh":
        return f"{target_id}({t.label_zh},{t.year}年{cmp}{_num(t.threshold)} {t.unit})"
    return f"{target_id} ({t.label_en} {cmp} {_num(t.threshold)} {t.unit} in {t.year})"


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _summary_rows(indices: pd.DataFrame, target_id: str) -> pd.DataFrame:
    """The rows to summarise for one target: the margin (whether it is reached) if present."""
    rows = indices[indices["target_id"] == target_id]
    output = "margin" if (rows["output"] == "margin").any() else rows["output"].iloc[0]
    return rows[rows["output"] == output]


def _sobol_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    zh = lang == "zh"
    what = _target_phrase(target_id, lang)
    rows = rows.dropna(subset=["ST"]).sort_values("ST", ascending=False)
    if rows.empty:
        return (f"{what}的敏感性无法估计:其裕度在各因素范围内不变或不是有限数。" if zh else
                f"The sensitivity of {what} cannot be estimated: its margin is constant over "
                "the factor ranges or not finite.")
    total = len(rows)
    major = rows[rows["ST"] >= NEGLIGIBLE_ST]
    kind = _KIND[lang]
    parts: list[str] = []
    if float(rows["ST"].abs().max()) < 1e-9:
        return (f"{what}的裕度在各因素范围内几乎不变(所有ST约为0):没有因素改变它能否实现。"
                if zh else
                f"The margin of {what} hardly varies over the factor ranges (every ST is about "
                "0): no factor changes whether it is reached.")
    if major.empty:
        top = rows.iloc[0]
        parts.append(
            f"{what}能否实现不取决于单个因素:最大的总效应指数是{_factor_label(top.factor, lang)}"
            f"(ST {top.ST:.2f})。" if zh else
            f"Whether {what} is reached does not hinge on any single factor: the largest "
            f"total-order index is {top.factor}'s (ST {top.ST:.2f})."
        )
    else:
        named = major.head(3)
        items = [
            f"{_factor_label(r.factor, lang)}({kind[r.kind]},ST {r.ST:.2f})" if zh and i == 0
            else f"{_factor_label(r.factor, lang)}({r.ST:.2f})" if zh
            else f"{r.factor} ({kind[r.kind]}, ST {r.ST:.2f})" if i == 0
            else f"{r.factor} ({kind[r.kind]}, {r.ST:.2f})"
            for i, r in enumerate(named.itertuples())
        ]
        parts.append(f"{what}能否实现主要取决于{_join(items, lang)}。" if zh else
                     f"Whether {what} is reached depends mostly on {_join(items, lang)}.")
        kinds_present = set(rows["kind"])
        for k in ("assumption", "calibrated"):
            if k not in kinds_present or len(kinds_present) == 1:
                continue
            these = major[major["kind"] == k]
            unnamed = these[~these["factor"].isin(named["factor"])]
            if these.empty:
                parts.append(
                    ("没有假设的ST达到0.05:结论取决于由历史数据校准的参数,而非对未来的假设。"
                     if k == "assumption" else
                     "没有校准参数的ST达到0.05:结论取决于对未来的假设。") if zh else
                    ("No assumption reaches ST 0.05: the answer rests on the parameters "
                     "calibrated to the observed history, not on what is assumed about the "
                     "future." if k == "assumption" else
                     "No calibrated parameter reaches ST 0.05: the answer rests on the "
                     "assumptions about the future.")
                )
            elif not unnamed.empty:
                r = unnamed.iloc[0]
                label = _factor_label(r.factor, lang)
                parts.append(
                    f"{'假设' if k == 'assumption' else '校准参数'}中其次是{label}"
                    f"(ST {r.ST:.2f})。" if zh else
                    f"Among the {'assumptions' if k == 'assumption' else 'calibrated parameters'}"
                    f", {r.factor} (ST {r.ST:.2f}) also matters."
                )
    s1_sum = float(rows["S1"].clip(lower=0).sum())
    if s1_sum < 0.7 and not major.empty:
        parts.append(f"一阶效应只解释约{s1_sum:.0%}的方差,其余来自因素之间的交互作用。" if zh else
                     f"First-order effects explain only about {s1_sum:.0%} of the variance; "
                     "the rest comes from interactions between factors.")
    minor = total - len(major)
    if minor:
        parts.append(f"其余{minor}个因素(共{total}个)的ST低于{NEGLIGIBLE_ST:g},几乎没有影响。"
                     if zh else
                     f"The other {minor} of {total} factors have ST below {NEGLIGIBLE_ST:g} "
                     "and hardly matter.")
    widest = float(major["ST_conf"].max()) if not major.empty else 0.0
    if widest > 0.1:
        parts.append(f"置信区间较宽(最大±{widest:.2f}),增加样本数可得到更稳定的估计。" if zh else
                     f"Confidence intervals are wide (up to ±{widest:.2f}); more samples "
                     "would firm up these figures.")
    return ("" if zh else " ").join(parts)


def _morris_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    zh = lang == "zh"
    what = _target_phrase(target_id, lang)
    rows = rows.dropna(subset=["mu_star"]).sort_values("mu_star", ascending=False)
    t = load_targets().get(target_id)
    unit = f" {t.unit}" if t is not None else ""
    if rows.empty or rows["mu_star"].iloc[0] <= 0:
        return (f"{what}在各因素范围内不变:没有因素影响它。" if zh else
                f"{what} does not change over the factor ranges: no factor affects it.")
    top_mu = float(rows["mu_star"].iloc[0])
    major = rows[rows["mu_star"] >= NEGLIGIBLE_MU_STAR * top_mu]
    kind = _KIND[lang]
    items = [
        f"{_factor_label(r.factor, lang)}({kind[r.kind]},μ* {_num(r.mu_star)}{unit})" if i == 0
        else f"{_factor_label(r.factor, lang)}({_num(r.mu_star)})" if zh
        else f"{r.factor} ({kind[r.kind]}, μ* {_num(r.mu_star)}{unit})" if i == 0
        else f"{r.factor} ({kind[r.kind]}, {_num(r.mu_star)})"
        for i, r in enumerate(major.head(3).itertuples())
    ]
    parts = [f"{what}能否实现主要取决于{_join(items, lang)}(μ*为因素取遍其范围时的平均绝对效应)。"
             if zh else
             f"Whether {what} is reached depends mostly on {_join(items, lang)} (μ*: mean "
             "absolute effect of moving the factor across its range)."]
    bent = major[major["sigma"] > major["mu_star"]]["factor"].head(3).tolist()
    if bent:
        labels = [_factor_label(b, lang) for b in bent]
        parts.append(f"{_join(labels, lang)}的σ大于μ*:其效应是非线性的或取决于其他因素。" if zh
                     else f"For {_join(labels, lang)}, σ exceeds μ*: the effect is nonlinear "
                     "or depends on other factors.")
    minor = len(rows) - len(major)
    if minor:
        parts.append(f"其余{minor}个因素(共{len(rows)}个)的μ*低于最大值的5%,几乎没有影响。" if zh
                     else f"The other {minor} of {len(rows)} factors have μ* below 5% of the "
                     "largest and hardly matter.")
    return ("" if zh else " ").join(parts)


def summarise(indices: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """One plain-language paragraph per target naming the factors that decide it.

    Parameters
    ----------
    indices : pandas.DataFrame
        Output of :func:`sobol` / :func:`morris` (or the generic core). The margin is
        summarised when present (it says whether the target is reached), else the value.
    lang : {"en", "zh"}

    Returns
    -------
    dict[str, str]
        Target id -> paragraph, in the order of ``indices``.
    """
    if lang not in _KIND:
        raise InputError(f"unknown language {lang!r}; allowed: en, zh")
    out = {}
    for target_id in dict.fromkeys(indices["target_id"]):
        rows = _summary_rows(indices, target_id)
        text = _sobol_text if rows["method"].iloc[0] == "sobol" else _morris_text
        out[target_id] = text(rows, target_id, lang)
    return out
