"""The trend sub-model of targets with an observed series and no model output, and its
backtest on every observed series.

A trend nowcast carries a series on from its latest point figure at the mean annual change
between its first and latest point figures. Its error is measured, not assumed: the same
rule is backtested on every series of the data file with at least three point figures (each
origin from the second figure on forecasts every later one), and the log errors give the
scale ``a`` of ``sigma(h) = a * sqrt(h)``, ``h`` years after the latest figure, by maximum
likelihood with each series weighted equally (GDP and output, which have the longest
series, would dominate otherwise). A target read this way has the status ``trend_only``:
it is never mixed up with the model's forecasts.

This module computes from observation rows only; it reads no files and runs no model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..stats import normal_quantile
from .indicators import load_indicators

__all__ = ["TrendError", "trend_points", "trend_backtest", "trend_error", "trend_draws"]

POINT_BOUNDS = ("exact", "approx")
PUBLISHED = ("reported", "preliminary", "derived")
MIN_POINTS = 3


def trend_points(rows: pd.DataFrame) -> pd.DataFrame:
    """One point figure per year (exact before approx, reported first), by year, from the
    registry's basis year on; bounds and unverified rows are not trend points.

    ``rows`` are one series' observation rows; rows of several series (``region`` and
    ``indicator`` columns) give each series' points, sorted by series and year.
    """
    rows = rows[rows["bound"].isin(POINT_BOUNDS) & rows["quality"].isin(PUBLISHED)]
    if rows.empty:
        return rows
    registry = load_indicators()
    # one pass over every series at once: the backtest reads all of them per run
    basis = rows["indicator"].map(lambda name: registry[name].basis_from).astype(float)
    rows = rows[basis.isna() | (rows["year"] >= basis)]
    rank = rows["bound"].map({"exact": 0, "approx": 1}) * 10 + rows["quality"].map(
        {q: k for k, q in enumerate(PUBLISHED)})
    series = [c for c in ("region", "indicator") if c in rows.columns]
    return (rows.assign(_rank=rank).sort_values([*series, "year", "_rank"])
            .drop_duplicates([*series, "year"]).drop(columns="_rank").reset_index(drop=True))


def _line(years: np.ndarray, values: np.ndarray, origin: int):
    """The trend from the first figure to the one at ``origin`` (an index)."""
    y0, v0, y1, v1 = years[0], values[0], years[origin], values[origin]
    slope = (v1 - v0) / (y1 - y0) if y1 > y0 else 0.0
    return lambda y: v1 + slope * (np.asarray(y, dtype=float) - y1)


def trend_backtest(observations: pd.DataFrame) -> pd.DataFrame:
    """Rolling-origin errors of the trend rule on every series with enough point figures.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``indicator``, ``origin`` (year), ``year``, ``horizon``, ``observed``,
        ``forecast``, ``log_error`` (log observed / forecast; forecasts at or below zero are
        left out: the rule has no log error there).
    """
    out = []
    for (region, indicator), pts in trend_points(observations).groupby(["region",
                                                                         "indicator"]):
        if len(pts) < MIN_POINTS:
            continue
        ys, vs = pts["year"].to_numpy(int), pts["value"].to_numpy(float)
        for k in range(1, len(ys) - 1):
            line = _line(ys, vs, k)
            for j in range(k + 1, len(ys)):
                f = float(line(ys[j]))
                if f > 0:
                    out.append({"region": region, "indicator": indicator,
                                "origin": int(ys[k]), "year": int(ys[j]),
                                "horizon": int(ys[j] - ys[k]), "observed": float(vs[j]),
                                "forecast": f, "log_error": float(np.log(vs[j] / f))})
    return pd.DataFrame(out, columns=["region", "indicator", "origin", "year", "horizon",
                                      "observed", "forecast", "log_error"])


@dataclass(frozen=True)
class TrendError:
    """The measured error of the trend rule.

    Attributes
    ----------
    scale : float
        ``a`` in ``sigma(h) = a * sqrt(h)`` (log scale).
    points : int
        Backtest errors it rests on.
    series : int
        Series they come from.
    """

    scale: float
    points: int
    series: int

    def sigma(self, horizon) -> np.ndarray:
        """Log-scale error ``h`` years after the latest figure (at least one year)."""
        return self.scale * np.sqrt(np.maximum(np.asarray(horizon, dtype=float), 1.0))


def trend_error(observations: pd.DataFrame) -> TrendError:
    """The scale of the trend rule's error from :func:`trend_backtest`, each series weighted
    equally: ``a^2 = sum(w e^2 / h) / sum(w)``, ``w`` one over the series' error count."""
    errors = trend_backtest(observations)
    if errors.empty:
        raise ValueError("no series with enough point figures to backtest the trend rule")
    count = errors.groupby(["region", "indicator"])["log_error"].transform("size")
    w = 1.0 / count.to_numpy(float)
    e, h = errors["log_error"].to_numpy(float), errors["horizon"].to_numpy(float)
    scale = float(np.sqrt(np.sum(w * e * e / h) / np.sum(w)))
    return TrendError(scale, int(len(errors)),
                      int(errors.groupby(["region", "indicator"]).ngroups))


@lru_cache(maxsize=8)
def _normal_scores(n_runs: int) -> np.ndarray:
    """The ``n_runs`` evenly spaced standard normal quantiles (read-only): the values of
    ``scipy.stats.norm.ppf`` without importing scipy (:func:`~suzhou_sim.stats.normal_quantile`)."""
    z = np.array([normal_quantile(p) for p in ((np.arange(n_runs) + 0.5) / n_runs).tolist()],
                 dtype=float)
    z.setflags(write=False)
    return z


def trend_draws(rows: pd.DataFrame, years, n_runs: int, error: TrendError) -> np.ndarray:
    """Trend nowcasts of a series, shape ``(n_runs, len(years))``.

    Years up to the latest figure lie on the trend line itself; later years are the trend
    times ``exp(sigma(h) * z)``, ``z`` the ``n_runs`` evenly spaced quantiles of a standard
    normal (one per run, the same in every year: a run is a path). A single figure is
    carried flat (a floor for a count that does not fall), with the same error.
    """
    pts = trend_points(rows)
    if pts.empty:
        raise ValueError("no point figure to carry a trend from")
    ys, vs = pts["year"].to_numpy(int), pts["value"].to_numpy(float)
    line = _line(ys, vs, len(ys) - 1)
    years = np.asarray(list(years), dtype=float)
    z = _normal_scores(n_runs)
    base = np.maximum(line(years), 0.0)
    h = years - ys[-1]
    ahead = base[None, :] * np.exp(z[:, None] * error.sigma(h)[None, :])
    return np.where(h[None, :] > 0, ahead, np.broadcast_to(base, ahead.shape))
