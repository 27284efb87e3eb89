"""Forecast-skill metrics: CRPS, band coverage, naive forecasts and skill scores.

Pure functions of numbers and small tables: an ensemble or a point forecast against an
observed value, the three naive forecasts a planner could make without the model from the
history, the plan-trend path from the last value to a policy target, and the
per-indicator/horizon aggregation of a backtest table. Nothing here runs the model, reads
files or words results (``studies.backtest`` runs, ``reporting.backtest_report`` words).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scoringrules

__all__ = [
    "NAIVE_METHODS",
    "PLAN_METHOD",
    "BENCHMARKS",
    "plan_path_forecast",
    "crps_ensemble",
    "crps_point",
    "coverage",
    "mape_pct",
    "in_band",
    "naive_forecasts",
    "skill_score",
    "skill_table",
]

#: Naive forecasts from the published history, in the order of the skill table's columns.
NAIVE_METHODS = ("naive_last", "naive_drift", "naive_trend")
#: The plan-trend forecast: the path from the last published value to a policy target
#: (only where a target for the indicator was published by the origin).
PLAN_METHOD = "naive_plan"
#: Every benchmark the model is compared with; the headline is against the strictest.
BENCHMARKS = (*NAIVE_METHODS, PLAN_METHOD)
#: Years of history the log-linear trend forecast looks back over (up to five values).
TREND_WINDOW = 5


def crps_ensemble(observed: float | np.ndarray, ensemble: np.ndarray) -> np.ndarray:
    """Continuous ranked probability score of ensemble forecasts (lower is better).

    ``CRPS = E|X - y| - E|X - X'| / 2`` over the members ``X`` of each ensemble (the
    energy form, with every pair of members counted), computed by ``scoringrules``.

    Parameters
    ----------
    observed : float or array of shape (k,)
        The published values.
    ensemble : array of shape (m,) or (k, m)
        Forecast members for each observed value.

    Returns
    -------
    numpy.ndarray
        One score per observed value, in the observed value's unit.
    """
    ens = np.atleast_2d(np.asarray(ensemble, dtype=float))
    obs = np.broadcast_to(np.asarray(observed, dtype=float), ens.shape[:1])
    return np.asarray(scoringrules.crps_ensemble(obs, ens, estimator="nrg"), dtype=float)


def crps_point(observed: float | np.ndarray, forecast: float | np.ndarray) -> np.ndarray:
    """CRPS of a point forecast: the absolute error (a one-member ensemble)."""
    return np.abs(np.asarray(forecast, dtype=float) - np.asarray(observed, dtype=float))


def in_band(observed, lower, upper) -> np.ndarray:
    """Whether each observed value lies inside its band ``[lower, upper]`` (both ends in)."""
    obs = np.asarray(observed, dtype=float)
    return (obs >= np.asarray(lower, dtype=float)) & (obs <= np.asarray(upper, dtype=float))


def mape_pct(observed, forecast) -> float:
    """Mean absolute percentage error of ``forecast`` against ``observed`` (NaN if empty)."""
    obs, fc = np.asarray(observed, dtype=float), np.asarray(forecast, dtype=float)
    if obs.size == 0:
        return float("nan")
    return float(np.mean(np.abs(fc - obs) / np.abs(obs)) * 100)


def coverage(frame: pd.DataFrame, lower: str = "p10", upper: str = "p90") -> float:
    """Share of ``frame``'s ``observed`` values inside the band ``[lower, upper]``.

    Rows without a band (NaN ends) are left out; NaN when no row has one.
    """
    have = frame[frame[lower].notna() & frame[upper].notna()]
    if have.empty:
        return float("nan")
    return float(in_band(have["observed"], have[lower], have[upper]).mean())


def skill_score(score_model: float, score_reference: float) -> float:
    """``1 - score_model / score_reference``: 1 is perfect, 0 no better than the reference.

    NaN when the reference score is missing or (to rounding) zero: a perfect reference
    leaves nothing to beat.
    """
    if not np.isfinite(score_reference) or score_reference <= 1e-12:
        return float("nan")
    return float(1.0 - score_model / score_reference)


def naive_forecasts(
    years: Sequence[int], values: Sequence[float], target_year: int
) -> dict[str, float]:
    """The three naive forecasts of ``target_year`` from a published history.

    Parameters
    ----------
    years, values : sequences
        Published history up to the forecast origin (any order; irregular years allowed).
    target_year : int
        The year forecast.

    Returns
    -------
    dict
        ``naive_last``: the last published value; ``naive_drift``: compound growth, the
        last value grown at the average yearly growth rate between the earliest and the last
        published value of the last up-to-five years (:data:`TREND_WINDOW`: a forecaster's
        "recent pace"); ``naive_trend``: a log-linear trend fitted by least squares to the
        values of the same years.
        Drift and trend fall back to the last value when only one year is published; all
        are NaN without history.
    """
    nan = float("nan")
    if len(years) == 0:
        return dict.fromkeys(NAIVE_METHODS, nan)
    frame = pd.DataFrame({"year": np.asarray(years, int), "value": np.asarray(values, float)})
    frame = frame.groupby("year", as_index=False)["value"].mean().sort_values("year")
    y, v = frame["year"].to_numpy(), frame["value"].to_numpy()
    last = float(v[-1])
    ahead = target_year - int(y[-1])
    if len(y) < 2:
        return {"naive_last": last, "naive_drift": last, "naive_trend": last}
    recent = y > y[-1] - TREND_WINDOW
    if recent.sum() >= 2 and np.all(v[recent] > 0):
        y0, v0 = y[recent][0], v[recent][0]
        drift = last * (last / v0) ** (ahead / (y[-1] - y0))
    else:  # a single recent value (or a non-positive one): the average change since the first
        drift = last + (v[-1] - v[0]) / (y[-1] - y[0]) * ahead
    if recent.sum() >= 2 and np.all(v[recent] > 0):
        slope, intercept = np.polyfit(y[recent], np.log(v[recent]), 1)
        trend = float(np.exp(intercept + slope * target_year))
    else:
        trend = last
    return {"naive_last": last, "naive_drift": float(drift), "naive_trend": trend}


def plan_path_forecast(last_year: int, last_value: float, target_year: int,
                       target_value: float, year: int) -> float:
    """The plan-trend forecast of ``year``: compound growth from the last published value to
    the target.

    ``last_value * (target_value / last_value) ** ((year - last_year) / (target_year -
    last_year))``: the path a planner who takes the target as the trajectory would draw (a
    straight line on the log scale). NaN when the target year is not after the last
    published year, ``year`` lies beyond the target year, or a value is not positive.
    """
    if not (last_year < target_year and last_year < year <= target_year
            and last_value > 0 and target_value > 0):
        return float("nan")
    share = (year - last_year) / (target_year - last_year)
    return float(last_value * (target_value / last_value) ** share)


def _summary(group: pd.DataFrame) -> dict[str, float]:
    obs = group["observed"].to_numpy(float)
    err = group["p50"].to_numpy(float) - obs
    rel = group["crps"].to_numpy(float) / np.abs(obs)
    out = {
        "n": len(group),
        "mape_pct": mape_pct(obs, group["p50"]),
        "bias_pct": float(np.mean(err / np.abs(obs)) * 100),
        "crps": float(group["crps"].mean()),
        "crps_rel": float(np.mean(rel)),
        "cover50": coverage(group, "p25", "p75"),
        "cover80": coverage(group),
    }
    for name in BENCHMARKS:
        if name not in group:
            continue
        naive = group[name].to_numpy(float)
        have = np.isfinite(naive)
        out[f"mape_{name}_pct"] = mape_pct(obs[have], naive[have])
        # Skill on the rows where the naive forecast exists, in relative CRPS so that
        # indicators of different units can be pooled.
        out[f"skill_{name}"] = (skill_score(float(np.mean(rel[have])), float(np.mean(
            crps_point(obs[have], naive[have]) / np.abs(obs[have])))) if have.any()
                                else float("nan"))
    # The headline: skill against the strictest benchmark (the one the model beats least).
    skills = {m: out[f"skill_{m}"] for m in BENCHMARKS
              if f"skill_{m}" in out and np.isfinite(out[f"skill_{m}"])}
    best = min(skills, key=skills.get) if skills else None
    out["best_naive"] = best or ""
    out["skill_best"] = skills[best] if best else float("nan")
    if "pred_p10" in group:
        out["cover80_pred"] = coverage(group, "pred_p10", "pred_p90")
    if "pred_p25" in group:
        out["cover50_pred"] = coverage(group, "pred_p25", "pred_p75")
    return out


def skill_table(backtest: pd.DataFrame) -> pd.DataFrame:
    """Skill per indicator and horizon, plus ``ALL`` rows pooling indicators per horizon.

    Parameters
    ----------
    backtest : pandas.DataFrame
        One row per out-of-sample value with ``indicator, horizon, observed, p10, p25, p50,
        p75, p90, crps`` and the :data:`NAIVE_METHODS` columns (``naive_plan`` and
        ``pred_p10``/``pred_p90`` optional: the plan-trend forecast and the predictive band
        with structural error).

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, horizon, n, mape_pct`` (of the median), ``bias_pct`` (mean
        signed error of the median, % of observed), ``crps``, ``crps_rel`` (CRPS / observed),
        ``cover50``, ``cover80``, ``mape_<naive>_pct`` and ``skill_<naive>``
        (1 - CRPS_model / CRPS_naive, relative CRPS, rows with that naive forecast) for
        each benchmark given, ``best_naive`` and ``skill_best`` (the benchmark with the lowest
        skill, i.e. the strictest, and that skill; blank and NaN when none exists), and
        ``cover80_pred`` when the predictive band is given.
    """
    rows = []
    for (ind, h), group in backtest.groupby(["indicator", "horizon"], sort=True):
        rows.append({"indicator": ind, "horizon": int(h), **_summary(group)})
    for h, group in backtest.groupby("horizon", sort=True):
        rows.append({"indicator": "ALL", "horizon": int(h), **_summary(group)})
    return pd.DataFrame(rows)
