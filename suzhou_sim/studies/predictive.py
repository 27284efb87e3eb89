"""Predictive draws of the *published* statistic: the structural-error model.

The model ensemble carries parameter and assumption uncertainty only; the figure a statistics
bureau publishes also differs from any aggregate model by a structural error. This module
holds that error model: a log-scale standard deviation that grows with the horizon as a
random walk does, ``tau(h) = a * sqrt(max(h, 1))`` (h = years after the last observed year),
added to the ensemble's own spread. Its scale ``a`` is estimated by maximum likelihood from
the backtest's log errors per indicator group, each error's variance being the forecast
ensemble's own log variance plus ``tau(h)^2`` (:func:`fit_error_model`), and stored in
``model/calibration/<region>/forecast_error.yaml``. A predictive draw multiplies the model
value by ``exp(tau(h) e)``, the same for every scenario, so that a lever which raises every
run also raises every predictive draw. The law of the standardised error ``e`` is normal
or Student-t (``z / sqrt(chi2_df / df)``, df by maximum likelihood over a grid); the
backtest chooses between them by the leave-one-origin-out log score of its errors
(:func:`compare_error_laws`, :func:`choose_error_law`) and the file records the law.

:func:`predictive_draws` applies it to an ensemble's values; :func:`predictive_results`
wraps an ensemble result so that every indicator variable read from it (levels, in-year
counts and the counters behind cumulative measures) is the predictive draw. Scenario runs
apply the wrapper once, before the series table and the target evaluation, so both see the
same draws. The error of a run is one standard normal number per run and indicator (and,
for a Student-t law, one chi-square number from its own stream), seeded from the scenario
seed and the indicator (common random numbers across scenarios), and held through the years:
a persistent deviation of the published series, not yearly noise.

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

# scipy is imported in the functions that use it: scipy.stats and scipy.optimize cost about
# 0.6 CPU-s to import, and a scenario run (which imports this module) uses neither
from ..catalogues.indicators import load_indicators
from ..engine.errors import EngineError
from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..paths import calibration_dir
from ..wording.problems import Names

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
    "LAWS",
    "DF_GRID",
    "error_log_density",
    "error_cdf",
    "structural_draws",
    "compare_error_laws",
    "choose_error_law",
    "choose_error_variant",
    "POOLINGS",
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
#: Stream of the chi-square numbers that turn the normal errors into Student-t ones.
CHI2_STREAM = 4
#: Laws of the structural error: ``normal`` (tau z) or ``student_t`` (tau z / sqrt(chi2/df)).
LAWS = ("normal", "student_t")
#: How the error scale is shared: ``grouped`` (a scale per indicator group with enough
#: errors, an indicator with enough errors its own, shrunk toward its group's) or ``pooled``
#: (one scale for every indicator). The backtest chooses between them by the
#: leave-one-origin-out log score, as it chooses the law: a dozen errors of a group can
#: give it a scale that the next origin does not bear out.
POOLINGS = ("grouped", "pooled")
#: Degrees of freedom searched by maximum likelihood for a Student-t law: a grid, because
#: a hundred backtest errors cannot tell df = 9 from df = 10 and a grid keeps the stored
#: value readable; 3 is the heaviest tail with a finite variance (df 2 has none, and the
#: reports state the error's sd).
DF_GRID = (3, 4, 5, 6, 8, 10, 15, 20, 30, 50)
#: Grid in v = log(w), w = chi2/df, over which the Student-t density of an error that also
#: carries the ensemble's normal spread is integrated (trapezoid rule; the integrand is
#: smooth in v and the grid reaches far into both tails: the t density and distribution
#: function come out within 1e-7 of the exact ones for df 2-50).
_LOG_W = np.linspace(-25.0, 5.0, 241)


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
    #: Law of the standardised error (one of :data:`LAWS`).
    law: str = "normal"
    #: Degrees of freedom of a ``student_t`` law (None for ``normal``).
    df: float | None = None
    #: How the scale is shared (one of :data:`POOLINGS`); a ``pooled`` model has only its
    #: ``pooled`` group fitted and no indicator scales.
    pooling: str = "grouped"

    @property
    def sd_factor(self) -> float:
        """Standard deviation of the standardised error: 1 for a normal law,
        ``sqrt(df / (df - 2))`` for a Student-t one (infinite for ``df <= 2``)."""
        if self.law != "student_t":
            return 1.0
        return float(np.sqrt(self.df / (self.df - 2))) if self.df > 2 else float("inf")

    def quantile(self, p) -> np.ndarray:
        """Quantiles of the standardised error (``z`` or ``t_df``): the error of an
        indicator at probability ``p`` is ``tau(h) * quantile(p)``."""
        from scipy.stats import norm
        from scipy.stats import t as student_t

        if self.law == "student_t":
            return np.asarray(student_t.ppf(p, self.df), dtype=float)
        return np.asarray(norm.ppf(p), dtype=float)

    def scale(self, indicator: str) -> float:
        """The scale ``a`` that applies to ``indicator`` (its own, else its group's, else the
        pooled one), never below :data:`A_FLOOR`."""
        own = self.indicators.get(indicator)
        a = own["a"] if own else self.groups[self.group_of(indicator)]["a"]
        return max(float(a), A_FLOOR)

    def group_of(self, indicator: str) -> str:
        """Group whose fit applies to ``indicator`` (``pooled`` when none of its own, and
        always for a ``pooled`` model)."""
        if self.pooling == "pooled":
            return "pooled"
        for name, members in INDICATOR_GROUPS.items():
            if indicator in members and self.groups.get(name, {}).get("fitted"):
                return name
        return "pooled"

    def sigma(self, indicator: str, horizons: np.ndarray | Sequence[int]) -> np.ndarray:
        """Log-scale size ``tau(h)`` of the forecast error of ``indicator`` at ``horizons``
        (the standard deviation of a normal law, the scale of a Student-t one)."""
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


def _log_w_weights(df: float) -> np.ndarray:
    """Log trapezoid weights of the density of ``v = log(chi2/df)`` on :data:`_LOG_W`
    (summing to one)."""
    from scipy.special import gammaln, logsumexp

    half = df / 2.0
    logp = half * np.log(half) - gammaln(half) + half * _LOG_W - half * np.exp(_LOG_W)
    logp[[0, -1]] += np.log(0.5)
    return logp - logsumexp(logp)


def error_log_density(err, own_sd, tau, law: str = "normal", df: float | None = None
                      ) -> np.ndarray:
    """Log density of log errors ``err = e_ens + tau * e``, ``e_ens ~ N(0, own_sd^2)``.

    Parameters
    ----------
    err, own_sd, tau : array_like
        Log errors, the ensemble's own log sd at each and the structural scale (broadcast).
    law : str
        ``normal`` (``e ~ N(0, 1)``: the sum is ``N(0, own_sd^2 + tau^2)``) or
        ``student_t`` (``e ~ t_df``, a normal scale mixture ``z / sqrt(w)``,
        ``w ~ chi2_df / df``: the density is integrated over ``log w`` numerically).
    df : float, optional
        Degrees of freedom of the Student-t law.
    """
    from scipy.special import logsumexp

    err, own_sd, tau = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                             for x in (err, own_sd, tau)))
    if law == "normal":
        var = own_sd ** 2 + tau ** 2 + 1e-10
        return -0.5 * (np.log(2 * np.pi * var) + err ** 2 / var)
    log_weights = _log_w_weights(float(df))
    var = (own_sd ** 2)[..., None] + (tau ** 2)[..., None] * np.exp(-_LOG_W) + 1e-10
    logs = -0.5 * (np.log(2 * np.pi * var) + err[..., None] ** 2 / var) + log_weights
    return logsumexp(logs, axis=-1)


def error_cdf(err, own_sd, tau, law: str = "normal", df: float | None = None) -> np.ndarray:
    """Probability that the log error is at most ``err`` (see :func:`error_log_density`):
    the probability integral transform of an observed error."""
    from scipy.special import ndtr

    err, own_sd, tau = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                             for x in (err, own_sd, tau)))
    if law == "normal":
        return ndtr(err / np.sqrt(own_sd ** 2 + tau ** 2 + 1e-10))
    weights = np.exp(_log_w_weights(float(df)))
    sd = np.sqrt((own_sd ** 2)[..., None] + (tau ** 2)[..., None] * np.exp(-_LOG_W) + 1e-10)
    return (ndtr(err[..., None] / sd) * weights).sum(axis=-1)


def _fit_scale(err: np.ndarray, h: np.ndarray, own_sd: np.ndarray, law: str = "normal",
               df: float | None = None) -> tuple[float, float]:
    """Maximum-likelihood ``a`` (and the log likelihood there) for errors
    ``err = e_ens + a sqrt(max(h, 1)) e`` under the ``law`` of ``e``."""
    from scipy.optimize import minimize_scalar

    root = np.sqrt(np.maximum(h, 1.0))

    def nll(a: float) -> float:
        return float(-np.sum(error_log_density(err, own_sd, a * root, law, df)))

    a = float(minimize_scalar(nll, bounds=A_BOUNDS, method="bounded",
                              options={"xatol": 1e-6}).x)
    return a, -nll(a)


def _prepared(backtest: pd.DataFrame, region: str) -> pd.DataFrame:
    usable = backtest[(backtest["observed"] > 0) & (backtest["p50"] > 0)].copy()
    if usable.empty:
        raise InputError(code="err.pred_no_positive", file=region)
    usable["err"] = np.log(usable["observed"]) - np.log(usable["p50"])
    usable["own_sd"] = (band_log_sd(usable["p10"], usable["p90"])
                        if {"p10", "p90"} <= set(usable.columns) else 0.0)
    member = {ind: g for g, inds in INDICATOR_GROUPS.items() for ind in inds}
    usable["group"] = usable["indicator"].map(member).fillna("other")
    return usable


def _fit_groups(usable: pd.DataFrame, law: str, df: float | None, pooling: str = "grouped"
                ) -> tuple[dict, dict, float]:
    """Group and indicator scales under one law, and the log likelihood of all errors,
    each under the scale its group's fit gives (the pooled one for groups too small, and
    for every error when ``pooling`` is ``pooled``)."""
    member = {ind: g for g, inds in INDICATOR_GROUPS.items() for ind in inds}

    def fit(frame: pd.DataFrame) -> tuple[dict, float]:
        a, loglik = _fit_scale(frame["err"].to_numpy(), frame["horizon"].to_numpy(float),
                               frame["own_sd"].to_numpy(float), law, df)
        return ({"a": round(a, 5), "n": int(len(frame)), "fitted": True,
                 "median_log_error": round(float(frame["err"].median()), 5)}, loglik)

    pooled, pooled_ll = fit(usable)
    groups = {"pooled": pooled}
    if pooling == "pooled":
        groups.update({name: {"n": int((usable["group"] == name).sum()), "fitted": False}
                       for name in INDICATOR_GROUPS})
        return groups, {}, pooled_ll
    total, in_groups = 0.0, 0
    for name in INDICATOR_GROUPS:
        frame = usable[usable["group"] == name]
        if len(frame) >= MIN_GROUP_POINTS:
            groups[name], loglik = fit(frame)
            total += loglik
            in_groups += len(frame)
        else:
            groups[name] = {"n": int(len(frame)), "fitted": False}
    rest = usable[~usable["group"].isin([g for g in INDICATOR_GROUPS
                                         if groups[g].get("fitted")])]
    if len(rest):
        total += float(np.sum(error_log_density(
            rest["err"], rest["own_sd"],
            pooled["a"] * np.sqrt(np.maximum(rest["horizon"].to_numpy(float), 1.0)),
            law, df)))
    indicators = {}
    for ind, frame in usable.groupby("indicator"):
        if len(frame) < MIN_INDICATOR_POINTS:
            continue
        group = groups.get(member.get(ind, ""), {})
        prior = group["a"] if group.get("fitted") else groups["pooled"]["a"]
        own = fit(frame)[0]
        # partial pooling on the variance scale: the group counts as SHRINK_POINTS errors
        a = np.sqrt((own["n"] * own["a"] ** 2 + SHRINK_POINTS * prior ** 2)
                    / (own["n"] + SHRINK_POINTS))
        indicators[str(ind)] = {"a": round(float(a), 5), "n": own["n"], "own_a": own["a"],
                                "median_log_error": own["median_log_error"]}
    return groups, indicators, total


def _method(law: str, df: float | None, pooling: str = "grouped") -> str:
    if law == "student_t":
        law_text = (f"a Student-t law, e = z / sqrt(chi2/df), df = {df:g} by maximum "
                    f"likelihood over the grid {list(DF_GRID)} (the ensemble's normal spread "
                    "integrated over the t's normal scale mixture)")
    else:
        law_text = "a normal law, e ~ N(0, 1)"
    return (
        "Maximum likelihood: log(observed / backtest median) = s u + tau(h) e, u ~ N(0, 1), "
        "s the backtest ensemble's own log spread at that point ((log p90 - log p10) / "
        f"2.563), e of {law_text}; "
        "tau(h) = a * sqrt(max(h, 1)), h = years after the forecast origin: the structural "
        "error grows as a random walk's does (three origins cannot pin a growth rate down; "
        "a fitted linear slope came out 0, which would give 2035 the error of 2024). "
        + (f"One a for every indicator, in {list(A_BOUNDS)} (pooled: the leave-one-origin-"
           "out log score preferred it to a per indicator group and indicator); "
           if pooling == "pooled" else
           f"a per indicator group with at least {MIN_GROUP_POINTS} errors (others use the "
           f"pooled a), in {list(A_BOUNDS)}; an indicator with at least "
           f"{MIN_INDICATOR_POINTS} errors its own a, shrunk toward its group's as if the "
           f"group were {SHRINK_POINTS} more errors; ")
        + f"never below {A_FLOOR} (the revision and rounding error of a published figure). "
        "The law and the pooling were chosen by the leave-one-origin-out log score of the "
        "backtest errors (normal against Student-t, grouped against pooled). Predictive "
        "draws multiply each run by exp(tau(h) e): the structural error adds to the "
        "ensemble's parameter and assumption spread."
    )


def fit_error_model(
    backtest: pd.DataFrame, region: str, last_observed_year: int, law: str = "normal",
    df: float | None = None, pooling: str = "grouped",
) -> ErrorModel:
    """Estimate the error of the published value around the forecast median.

    Parameters
    ----------
    backtest : pandas.DataFrame
        Rows of a backtest (``indicator, horizon, observed, p50``, optionally ``p10, p90``).
    region : str
    last_observed_year : int
        The year horizons of scenario runs count from.
    law : str
        Law of the standardised structural error (:data:`LAWS`).
    df : float, optional
        Degrees of freedom of a ``student_t`` law; None fits them by maximum likelihood over
        :data:`DF_GRID` (all groups share them: a group of a dozen errors cannot tell a tail).
    pooling : str
        ``grouped`` (a scale per group and indicator with enough errors) or ``pooled`` (one
        scale for all; :data:`POOLINGS`).

    Returns
    -------
    ErrorModel
        ``tau(h) = a sqrt(max(h, 1))`` maximises the likelihood of the log errors
        ``log(observed / p50) = s u + tau(h) e``, ``u ~ N(0, 1)``, ``s`` the forecast
        ensemble's own log spread at that point (from ``p10`` and ``p90``; 0 without them),
        ``e`` of ``law`` (:data:`GROWTH`); each group with at least :data:`MIN_GROUP_POINTS`
        errors gets its own scale ``a``, the others use the pooled one.
    """
    if law not in LAWS:
        raise InputError(code="err.pred_law", allowed=Names(LAWS), law=law)
    if pooling not in POOLINGS:
        raise InputError(code="err.pred_pooling", allowed=Names(POOLINGS), pooling=pooling)
    usable = _prepared(backtest, region)
    if law == "student_t" and df is None:
        fits = {d: _fit_groups(usable, law, d, pooling) for d in DF_GRID}
        df = max(fits, key=lambda d: fits[d][2])
        groups, indicators, _ = fits[df]
    else:
        groups, indicators, _ = _fit_groups(usable, law, df, pooling)
    df = float(df) if law == "student_t" else None
    return ErrorModel(region, int(last_observed_year), groups, _method(law, df, pooling),
                      indicators=indicators, law=law, df=df, pooling=pooling)


def compare_error_laws(backtest: pd.DataFrame, region: str,
                       poolings: Sequence[str] = ("grouped",)) -> pd.DataFrame:
    """Leave-one-origin-out comparison of the error laws (and poolings) on a backtest's errors.

    For each origin the model of each law (a Student-t's df fitted too) and each pooling
    (:data:`POOLINGS`) is estimated from the other origins' errors and scores the origin's
    own errors: the log predictive density of the error (the ensemble's normal spread plus
    the structural error) and its probability integral transform (PIT).

    Parameters
    ----------
    backtest : pandas.DataFrame
        Backtest rows with ``origin`` (at least two origins).
    region : str
    poolings : sequence of str
        Which of :data:`POOLINGS` to compare (default the grouped scales only).

    Returns
    -------
    pandas.DataFrame
        One row per pooling and law: ``law``, ``df`` (of the fit on all origins; NaN for
        normal), ``pooling``, ``points`` scored, ``log_score`` (sum of the log densities:
        higher is better), ``mean_log_score``, ``cover50`` and ``cover80`` (share of PIT
        values inside the central 50% and 80%), ``pit_sd`` (sd of the PIT values; 0.289
        when uniform).
    """
    usable = _prepared(backtest, region)
    origins = sorted(usable["origin"].unique())
    if len(origins) < 2:
        raise InputError(code="err.pred_two_origins", file=region)
    rows = []
    for pooling in poolings:
        for law in LAWS:
            logs, pits = [], []
            for origin in origins:
                others = usable[usable["origin"] != origin]
                own = usable[usable["origin"] == origin]
                model = fit_error_model(others, region, 0, law, pooling=pooling)
                tau = np.array([float(model.sigma(i, [h])[0]) for i, h in
                                zip(own["indicator"], own["horizon"], strict=True)])
                logs.append(error_log_density(own["err"], own["own_sd"], tau, law, model.df))
                pits.append(error_cdf(own["err"], own["own_sd"], tau, law, model.df))
            log, pit = np.concatenate(logs), np.concatenate(pits)
            full = fit_error_model(usable, region, 0, law, pooling=pooling)
            rows.append({"law": law, "df": full.df if full.df is not None else float("nan"),
                         "pooling": pooling,
                         "points": int(len(log)), "log_score": float(log.sum()),
                         "mean_log_score": float(log.mean()),
                         "cover50": float(np.mean((pit >= 0.25) & (pit <= 0.75))),
                         "cover80": float(np.mean((pit >= 0.1) & (pit <= 0.9))),
                         "pit_sd": float(np.std(pit))})
    return pd.DataFrame(rows)


def choose_error_law(comparison: pd.DataFrame) -> str:
    """The law with the highest leave-one-origin-out log score (normal on a tie: the
    simpler law unless the data prefer the other)."""
    return choose_error_variant(comparison)[0]


def choose_error_variant(comparison: pd.DataFrame) -> tuple[str, str]:
    """The (law, pooling) with the highest leave-one-origin-out log score; on a tie the
    simpler one: the normal law before Student-t, then, for the same law, grouped (the
    pooling used before the choice was offered) before pooled."""
    table = comparison.copy()
    if "pooling" not in table:
        table["pooling"] = POOLINGS[0]
    table["_simple"] = [LAWS.index(law) * len(POOLINGS) + POOLINGS.index(pooling)
                        for law, pooling in zip(table["law"], table["pooling"], strict=True)]
    best = table.sort_values(["log_score", "_simple"], ascending=[False, True],
                             kind="stable").iloc[0]
    return str(best["law"]), str(best["pooling"])


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
        "law": model.law,
        **({"df": model.df} if model.law == "student_t" else {}),
        "form": ("published = model * exp(sigma * e), e = z / sqrt(chi2_df / df) "
                 "(Student-t), z ~ N(0,1) and chi2_df one per run and indicator, "
                 if model.law == "student_t" else
                 "published = model * exp(sigma * z), z ~ N(0,1) per run and indicator, ")
                + "sigma = tau(h) = a * sqrt(max(h, 1)), h = year - last_observed_year "
                "(added to the ensemble's own spread)",
        "pooling": model.pooling,
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
        law = str(raw.get("law", "normal"))  # files written before the law was chosen
        if law not in LAWS:
            raise ValueError(f"law must be one of {', '.join(LAWS)}, not {law!r}")
        df = None
        if law == "student_t":
            df = float(raw["df"])
            if not 2 < df < np.inf:
                raise ValueError("df must be a finite number > 2 (a finite variance)")
        pooling = str(raw.get("pooling", "grouped"))  # files before the choice: grouped
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}")
        if pooling == "pooled" and indicators:
            raise ValueError("a pooled model has no indicator scales")
        return ErrorModel(str(raw["region"]), int(raw["last_observed_year"]), groups,
                          str(raw.get("method", "")), dict(raw.get("meta") or {}), indicators,
                          law, df, pooling)
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(code="err.pred_malformed", file=path, reason=str(exc)) from None


def load_error_model(region: str, path: Path | None = None) -> ErrorModel:
    """Read the stored error model of ``region``.

    Raises
    ------
    InputError
        When the file is missing or malformed; the message says how to produce it.
    """
    path = Path(path) if path is not None else error_model_file(region)
    if not path.exists():
        raise InputError(code="err.pred_missing", file=path, region=region)
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


def structural_draws(seed: int, indicator: str, n: int, model: ErrorModel) -> np.ndarray:
    """The standardised structural error of each of ``n`` runs for ``indicator``.

    ``z`` of :func:`z_scale` for a normal law; ``z / sqrt(chi2_df / df)`` for a Student-t
    one, the chi-square numbers from their own stream seeded by ``(seed, indicator)``. Both
    depend only on ``(seed, indicator, n)`` and the law, so scenarios stay paired.
    """
    z = z_scale(seed, indicator, n)
    if model.law != "student_t":
        return z
    return _t_scale(int(seed), indicator, int(n), float(model.df))


@lru_cache(maxsize=1024)
def _t_scale(seed: int, indicator: str, n: int, df: float) -> np.ndarray:
    key = zlib.crc32(indicator.encode("utf-8"))
    rng = np.random.default_rng(np.random.SeedSequence([seed, CHI2_STREAM, key]))
    t = z_scale(seed, indicator, n) / np.sqrt(rng.chisquare(df, n) / df)
    t.setflags(write=False)
    return t


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
        Source of the per-run standardised errors (normal, or Student-t by the model's law),
        or the errors themselves (shape ``(n_runs,)``, e.g. from :func:`structural_draws`).
    model : ErrorModel, optional
        Use this error model instead of the stored one.

    Returns
    -------
    numpy.ndarray
        ``values * exp(tau(h) * e)`` per year, ``tau(h)`` the structural error at horizon
        ``h = year - last_observed_year``. It does not depend on the ensemble, so a change
        that raises every run raises every draw; the predictive log spread is about
        ``sqrt(s^2 + tau(h)^2)``, ``s`` the ensemble's own.
    """
    model = model or load_error_model(region)
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    if isinstance(rng, np.random.Generator):
        z = rng.standard_normal(n)
        if model.law == "student_t":
            z = z / np.sqrt(rng.chisquare(model.df, n) / model.df)
    else:
        z = np.asarray(rng)
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
        raise EngineError(code="engine.study_not_finite", name=name, time=times[col],
                          run=run + 1, runs=values.shape[0])


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
                z = structural_draws(self._seed, indicator, raw.shape[0], self._model)
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
