"""Predictive draws of the *published* statistic: the structural-error model.

The model ensemble carries parameter and assumption uncertainty only; the figure a statistics
bureau publishes also differs from any aggregate model by a structural error. This module
holds that error model: a log-scale standard deviation that grows with the horizon as a
random walk does, ``tau(h) = a * sqrt(max(h, 1))`` (h = years after the last observed year),
added to the ensemble's own spread. Its scale ``a`` is estimated by maximum likelihood from
the backtest's log errors per indicator group, each error's variance being the forecast
ensemble's own log variance plus ``tau(h)^2`` (:func:`fit_error_model`), and stored in
``model/calibration/<region>/forecast_error.yaml``. A predictive draw multiplies the model
value by a log-normal error of size ``tau(h)``, the same for every scenario, so that a lever
which raises every run also raises every predictive draw.

:func:`predictive_draws` applies it to an ensemble's values; :func:`predictive_results`
wraps an ensemble result so that every indicator variable read from it (levels, in-year
counts and the counters behind cumulative measures) is the predictive draw. Scenario runs
apply the wrapper once, before the series table and the target evaluation, so both see the
same draws. The error of a run is one standard normal number per run and indicator, seeded
from the scenario seed and the indicator (common random numbers across scenarios), and held
through the years: a persistent deviation of the published series, not yearly noise.

What must not live here: running the model, the backtest itself (``studies.backtest``), or
wording (``reporting.backtest_report``).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.optimize import minimize_scalar

from ..catalogues.indicators import load_indicators
from ..engine.errors import EngineError
from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..paths import calibration_dir

__all__ = [
    "check_finite",
    "ERROR_FILE",
    "INDICATOR_GROUPS",
    "POLICY_INPUTS",
    "ErrorModel",
    "fit_error_model",
    "A_FLOOR",
    "save_error_model",
    "load_error_model",
    "error_model_file",
    "predictive_draws",
    "predictive_results",
    "z_scale",
    "band_log_sd",
]

#: File name of a region's error model beside its calibration.
ERROR_FILE = "forecast_error.yaml"
#: Indicator groups that share one error model: series driven by the same model sector
#: miss in the same way. Indicators not listed use the pooled fit of all groups.
INDICATOR_GROUPS: dict[str, tuple[str, ...]] = {
    "enterprise_pipeline": ("high_tech_enterprises", "hte_recognitions", "hte_net_increase",
                            "tech_smes_registered", "gazelles", "gazelles_new",
                            "gazelle_selected", "unicorn_cultivation"),
    "rd": ("rd_expenditure", "rd_intensity", "tech_contract_turnover"),
    "economy": ("gdp", "industrial_output", "high_tech_output_share"),
    "capital_markets": ("listed_companies", "new_listings", "a_share_listed"),
}
#: Indicators whose model output is a lever's input summed up (the statistic is the policy
#: itself): they carry no structural error.
POLICY_INPUTS = ("tech_investment_projects",)
#: A group needs this many backtest errors (over at least two horizons) for its own fit.
MIN_GROUP_POINTS = 5
#: An indicator with at least this many errors gets its own scale, shrunk toward its group's
#: (the group counts as this many errors more: partial pooling of a few points).
MIN_INDICATOR_POINTS = 4
SHRINK_POINTS = MIN_GROUP_POINTS
#: No published statistic is forecast more tightly than it is published: the scale is at
#: least the revision and rounding error of an approximate figure (2%; the state
#: conditioning's STATE_SIGMA), whatever a few backtest points say.
A_FLOOR = 0.02
#: Search range of the error scale ``a`` (log sd one year ahead).
A_BOUNDS = (0.0, 1.0)
#: How the error grows with the horizon. Three origins (horizons 1-3) cannot pin a growth
#: rate down, and a fitted linear slope came out 0, which would give a 2035 forecast the
#: error of a 2024 one. The deviation of a published series from any aggregate model
#: accumulates from year to year, so the error is taken to grow as a random walk's does:
#: its variance in proportion to the years ahead.
GROWTH = "random_walk_added"
#: Standard-normal quantile of the 90th percentile: (log p90 - log p10) / (2 z) is the log sd
#: of an ensemble.
Z90 = 1.2815515655446004
#: Stream number of the structural-error draws in the seed sequence (posterior rows and
#: assumptions use their own streams).
ERROR_STREAM = 3


@dataclass(frozen=True)
class ErrorModel:
    """Structural error of one region's published statistics.

    Attributes
    ----------
    region : str
    last_observed_year : int
        Horizon 0: the last year of the observed history the calibration used.
    groups : dict
        Group -> ``{"a": ..., "n": ..., "fitted": bool}``; the ``pooled`` entry
        is the fit of all errors together and stands in for indicators of no group and for
        groups with too few errors.
    method : str
        How it was estimated (written into the file and the report).
    """

    region: str
    last_observed_year: int
    groups: dict[str, dict]
    method: str = ""
    meta: dict = field(default_factory=dict)
    #: Indicator -> ``{"a": ..., "n": ..., "own_a": ...}``: its own scale, shrunk toward its
    #: group's, for indicators with enough backtest errors.
    indicators: dict[str, dict] = field(default_factory=dict)

    def scale(self, indicator: str) -> float:
        """The scale ``a`` that applies to ``indicator`` (its own, else its group's, else the
        pooled one), never below :data:`A_FLOOR`."""
        own = self.indicators.get(indicator)
        a = own["a"] if own else self.groups[self.group_of(indicator)]["a"]
        return max(float(a), A_FLOOR)

    def group_of(self, indicator: str) -> str:
        """Group whose fit applies to ``indicator`` (``pooled`` when none of its own)."""
        for name, members in INDICATOR_GROUPS.items():
            if indicator in members and self.groups.get(name, {}).get("fitted"):
                return name
        return "pooled"

    def sigma(self, indicator: str, horizons: np.ndarray | Sequence[int]) -> np.ndarray:
        """Log-scale size ``tau(h)`` of the forecast error of ``indicator`` at ``horizons``."""
        h = np.maximum(np.asarray(horizons, dtype=float), 1.0)
        return self.scale(indicator) * np.sqrt(h)


def band_log_sd(p10, p90) -> np.ndarray:
    """Log-scale spread of an ensemble from its 80% band: (log p90 - log p10) / (2 * 1.2816).

    Zero where the 10th percentile is not positive (no log spread to speak of).
    """
    lo, hi = np.asarray(p10, dtype=float), np.asarray(p90, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = (np.log(hi) - np.log(lo)) / (2 * Z90)
    return np.where(np.isfinite(sd) & (lo > 0), sd, 0.0)


def _fit_scale(err: np.ndarray, h: np.ndarray, own_sd: np.ndarray) -> float:
    """Maximum-likelihood ``a`` for errors ``err ~ N(0, own_sd^2 + a^2 max(h, 1))``."""
    per_year = np.maximum(h, 1.0)

    def nll(a: float) -> float:
        var = own_sd ** 2 + a * a * per_year + 1e-10
        return float(0.5 * np.sum(np.log(var) + err ** 2 / var))

    return float(minimize_scalar(nll, bounds=A_BOUNDS, method="bounded",
                                 options={"xatol": 1e-6}).x)


def fit_error_model(
    backtest: pd.DataFrame, region: str, last_observed_year: int
) -> ErrorModel:
    """Estimate the error of the published value around the forecast median.

    Parameters
    ----------
    backtest : pandas.DataFrame
        Rows of a backtest (``indicator, horizon, observed, p50``).
    region : str
    last_observed_year : int
        The year horizons of scenario runs count from.

    Returns
    -------
    ErrorModel
        ``tau(h) = a sqrt(max(h, 1))`` maximises the likelihood of the log errors
        ``log(observed / p50)`` under ``N(0, s^2 + tau(h)^2)``, ``s`` the forecast
        ensemble's own log spread at that point (from ``p10`` and ``p90``; 0 without them)
        (:data:`GROWTH`); each group with at least :data:`MIN_GROUP_POINTS` errors gets its
        own scale ``a``, the others use the pooled one.
    """
    usable = backtest[(backtest["observed"] > 0) & (backtest["p50"] > 0)].copy()
    if usable.empty:
        raise InputError(f"{region}: no positive backtest value to estimate a forecast error from")
    usable["err"] = np.log(usable["observed"]) - np.log(usable["p50"])
    usable["own_sd"] = (band_log_sd(usable["p10"], usable["p90"])
                        if {"p10", "p90"} <= set(usable.columns) else 0.0)
    member = {ind: g for g, inds in INDICATOR_GROUPS.items() for ind in inds}
    usable["group"] = usable["indicator"].map(member).fillna("other")

    def fit(frame: pd.DataFrame) -> dict:
        a = _fit_scale(frame["err"].to_numpy(), frame["horizon"].to_numpy(float),
                       frame["own_sd"].to_numpy(float))
        return {"a": round(a, 5), "n": int(len(frame)), "fitted": True,
                "median_log_error": round(float(frame["err"].median()), 5)}

    groups = {"pooled": fit(usable)}
    for name in INDICATOR_GROUPS:
        frame = usable[usable["group"] == name]
        groups[name] = fit(frame) if len(frame) >= MIN_GROUP_POINTS else {
            "n": int(len(frame)), "fitted": False}
    indicators = {}
    for ind, frame in usable.groupby("indicator"):
        if len(frame) < MIN_INDICATOR_POINTS:
            continue
        group = groups.get(member.get(ind, ""), {})
        prior = group["a"] if group.get("fitted") else groups["pooled"]["a"]
        own = fit(frame)
        # partial pooling on the variance scale: the group counts as SHRINK_POINTS errors
        a = np.sqrt((own["n"] * own["a"] ** 2 + SHRINK_POINTS * prior ** 2)
                    / (own["n"] + SHRINK_POINTS))
        indicators[str(ind)] = {"a": round(float(a), 5), "n": own["n"], "own_a": own["a"],
                                "median_log_error": own["median_log_error"]}
    method = (
        "Maximum likelihood: log(observed / backtest median) ~ N(0, s^2 + tau(h)^2), s the "
        "backtest ensemble's own log spread at that point ((log p90 - log p10) / 2.563), "
        "tau(h) = a * sqrt(max(h, 1)), h = years after the forecast origin: the structural "
        "error grows as a random walk's does (three origins cannot pin a growth rate down; "
        "a fitted linear slope came out 0, which would give 2035 the error of 2024). a per "
        f"indicator group with at least {MIN_GROUP_POINTS} errors (others use the pooled a), "
        f"in {list(A_BOUNDS)}; an indicator with at least {MIN_INDICATOR_POINTS} errors its "
        f"own a, shrunk toward its group's as if the group were {SHRINK_POINTS} more errors; "
        f"never below {A_FLOOR} (the revision and rounding error of a published figure). "
        "Predictive draws multiply each run by exp(tau(h) z): the structural error adds to "
        "the ensemble's parameter and assumption spread."
    )
    return ErrorModel(region, int(last_observed_year), groups, method, indicators=indicators)


def error_model_file(region: str) -> Path:
    """Where the stored error model of ``region`` lives."""
    return calibration_dir(region) / ERROR_FILE


def save_error_model(model: ErrorModel, path: Path | None = None) -> Path:
    """Write ``model`` as YAML atomically (default: beside the region's calibration)."""
    path = Path(path) if path is not None else error_model_file(model.region)
    data = {
        "region": model.region,
        "last_observed_year": model.last_observed_year,
        "growth": GROWTH,
        "form": "published = model * exp(sigma * z), z ~ N(0,1) per run and indicator, "
                "sigma = tau(h) = a * sqrt(max(h, 1)), h = year - last_observed_year "
                "(added to the ensemble's own spread)",
        "method": model.method,
        "groups": model.groups,
        "indicators": model.indicators,
        "members": {g: list(m) for g, m in INDICATOR_GROUPS.items()},
        **({"meta": model.meta} if model.meta else {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> ErrorModel:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if raw.get("growth") != GROWTH:
            raise ValueError(f"growth must be {GROWTH!r} (a file of an earlier version: re-run "
                             "the backtest with --save-error-model)")
        groups = {str(k): dict(v) for k, v in raw["groups"].items()}
        for name, g in groups.items():
            if g.get("fitted"):
                g["a"] = float(g["a"])
                if not 0 <= g["a"] < np.inf:
                    raise ValueError(f"{name}: a must be a finite number >= 0")
        if not groups.get("pooled", {}).get("fitted"):
            raise ValueError("needs a fitted 'pooled' group")
        indicators = {str(k): {**dict(v), "a": float(v["a"])}
                      for k, v in (raw.get("indicators") or {}).items()}
        for name, g in indicators.items():
            if not 0 <= g["a"] < np.inf:
                raise ValueError(f"indicators.{name}: a must be a finite number >= 0")
        return ErrorModel(str(raw["region"]), int(raw["last_observed_year"]), groups,
                          str(raw.get("method", "")), dict(raw.get("meta") or {}), indicators)
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path}: malformed forecast-error model ({exc})") from None


def load_error_model(region: str, path: Path | None = None) -> ErrorModel:
    """Read the stored error model of ``region``.

    Raises
    ------
    InputError
        When the file is missing or malformed; the message says how to produce it.
    """
    path = Path(path) if path is not None else error_model_file(region)
    if not path.exists():
        raise InputError(
            f"{path}: no forecast-error model for {region!r}; run `python -m suzhou_sim "
            f"backtest --region {region} --out model/calibration/{region}/backtest "
            "--save-error-model` first")
    return _load(path.resolve(), path.stat().st_mtime)


def z_scale(seed: int, indicator: str, n: int) -> np.ndarray:
    """The standard normal error of each of ``n`` runs for ``indicator`` (common numbers).

    Depends only on ``(seed, indicator, n)``, so every scenario run with the same seed
    gets the same errors and scenario differences stay paired. The array is read-only and
    shared: every run of the app with the same seed reuses it instead of seeding a new
    generator per indicator.
    """
    return _z_scale(int(seed), indicator, int(n))


@lru_cache(maxsize=1024)
def _z_scale(seed: int, indicator: str, n: int) -> np.ndarray:
    key = zlib.crc32(indicator.encode("utf-8"))
    rng = np.random.default_rng(np.random.SeedSequence([seed, ERROR_STREAM, key]))
    z = rng.standard_normal(n)
    z.setflags(write=False)
    return z


def predictive_draws(
    values: np.ndarray,
    indicator: str,
    years: Sequence[int] | np.ndarray,
    region: str,
    rng: np.random.Generator | np.ndarray,
    model: ErrorModel | None = None,
) -> np.ndarray:
    """Predictive draws of the published ``indicator`` from model values.

    Parameters
    ----------
    values : numpy.ndarray
        Model values, shape ``(n_runs, len(years))``.
    indicator : str
        Registry name (chooses the error group).
    years : sequence of int
        Calendar year of each column.
    region : str
        Region whose stored error model applies (unless ``model`` is given).
    rng : numpy.random.Generator or array
        Source of the per-run standard normal errors, or the errors themselves (shape
        ``(n_runs,)``, e.g. from :func:`z_scale`).
    model : ErrorModel, optional
        Use this error model instead of the stored one.

    Returns
    -------
    numpy.ndarray
        ``values * exp(tau(h) * z)`` per year, ``tau(h)`` the structural error at horizon
        ``h = year - last_observed_year``. It does not depend on the ensemble, so a change
        that raises every run raises every draw; the predictive log spread is about
        ``sqrt(s^2 + tau(h)^2)``, ``s`` the ensemble's own.
    """
    model = model or load_error_model(region)
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    z = rng.standard_normal(n) if isinstance(rng, np.random.Generator) else np.asarray(rng)
    h = np.asarray(years, dtype=float) - model.last_observed_year
    sigma = model.sigma(indicator, h)
    return values * np.exp(z[:, None] * sigma[None, :])


def check_finite(values: np.ndarray, name: str, times: np.ndarray) -> None:
    """Refuse a model output with a NaN or infinite value, naming the variable and the time.

    Raises
    ------
    EngineError
        ``values`` (runs x times) holds a non-finite number: a probability or quantile from
        it would silently count the run as a miss.
    """
    bad = ~np.isfinite(values)
    if bad.any():
        run, col = (int(i) for i in np.argwhere(bad)[0])
        raise EngineError(f"{name} is not finite at time {times[col]:g} in run {run + 1} of "
                          f"{values.shape[0]} (a division by zero or an overflow in the "
                          "model); the study stopped and wrote nothing")


class PredictiveResults:
    """An ensemble result whose indicator variables read as predictive draws.

    ``results[variable]`` of a registry indicator's level or in-year variable is
    :func:`predictive_draws` of the model array; a counter (cumulative additions) gets the
    error on each year's addition and is summed again, so annual and cumulative measures
    carry the same error as the in-year variable. Other variables, those of
    :data:`POLICY_INPUTS` and discrete counts (the registry's ``discrete``), are returned
    unchanged.
    """

    def __init__(self, results, region: str, seed: int, model: ErrorModel | None = None):
        self._results = results
        self.times = np.asarray(results.times, dtype=float)
        #: Runs in the ensemble: what a trend-only target sizes its draws by, as for the
        #: unwrapped results (None when the results do not say).
        self.n_runs = getattr(results, "n_runs", None)
        self._model = model or load_error_model(region)
        self._seed = int(seed)
        self._cache: dict[str, np.ndarray] = {}
        self._level: dict[str, str] = {}
        self._counter: dict[str, str] = {}
        for name, ind in load_indicators().items():
            if name in POLICY_INPUTS or ind.discrete:
                continue
            if ind.variable:
                self._level.setdefault(ind.variable, name)
            if ind.counter and ind.counter != ind.variable:
                self._counter.setdefault(ind.counter, self._level.get(ind.variable, name))

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            raw = np.asarray(self._results[name], dtype=float)
            check_finite(raw, name, self.times)
            indicator = self._level.get(name) or self._counter.get(name)
            if indicator is None:
                self._cache[name] = raw
            else:
                z = z_scale(self._seed, indicator, raw.shape[0])
                if name in self._level:
                    self._cache[name] = predictive_draws(
                        raw, indicator, self.times, self._model.region, z, self._model)
                else:
                    steps = np.diff(raw, axis=1)
                    noisy = predictive_draws(steps, indicator, self.times[1:],
                                             self._model.region, z, self._model)
                    self._cache[name] = np.concatenate(
                        [raw[:, :1], raw[:, :1] + np.cumsum(noisy, axis=1)], axis=1)
        return self._cache[name]


def predictive_results(results, region: str, seed: int,
                       model: ErrorModel | None = None) -> PredictiveResults:
    """Wrap ensemble ``results`` so its indicator variables are predictive draws.

    See :class:`PredictiveResults`; the errors are seeded from ``seed`` (the scenario seed).
    ``model`` is the region's stored error model unless given (a caller wrapping many
    slices reads it once).
    """
    return PredictiveResults(results, region, seed, model)
