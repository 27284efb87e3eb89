"""State conditioning: start every forecast from the published state.

The calibration fits the whole history, so a posterior draw can end the observed period
away from the last published figures (the fit trades one year against the others). This
module moves each draw's key quantities to an *analysis* value of their latest published
figure, one quantity after the other, with an ensemble Kalman update with perturbed
observations (stochastic EnKF, Evensen 2003) on the log scale:

    z_a = z_f + K (log y + s e - z_f),   K = P / (P + s^2),   e ~ N(0, 1)

``z_f`` the draw's log value, ``P`` the ensemble's log variance (inflated to the squared
innovation where the ensemble is further from the figure than its spread explains), ``y``
the published figure and ``s`` its own error (:data:`STATE_SIGMA`: revision and rounding,
not the model's structural error). A ``lower`` bound ("超X") leaves draws above it alone
and puts the others just above it (a half-normal step of size ``s``); an ``upper`` bound
the other way round.

The model applies the result through the constants of its "State conditioning" sector: a
stock is moved by a one-step correction flow at the end of its last observed year, a rate
(recognitions, R&D, the high-tech share) by a factor kept from that year on. The constants
that achieve each analysis value are found per draw by a secant search on the ensemble
run to that year. They depend only on history (levers and assumptions act from
``Policy start time``, the data vintage), so they are computed once by the calibration and
stored as columns of the posterior sample.

This module computes corrections; it does not fit parameters, store files or write reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalogues.indicators import load_indicators
from ..ensemble.runs import run_ensemble

__all__ = [
    "STATE_SIGMA",
    "StateSpec",
    "STATE_SPECS",
    "Conditioning",
    "latest_figure",
    "analysis_values",
    "condition_state",
    "condition_posterior",
    "published_percentiles",
]

#: Relative error of a published figure as a statement of the state (revision and rounding),
#: by bound; multiplied by the quality factor below. "approx" figures are rounded (1.34万) or
#: "about" (左右); a bound's step above/below it has this size.
STATE_SIGMA = {"exact": 0.01, "approx": 0.02, "lower": 0.02, "upper": 0.02}
STATE_QUALITY_FACTOR = {"reported": 1.0, "preliminary": 1.5, "derived": 2.0, "unverified": 3.0}
# Secant iterations per quantity; the stocks are linear in their correction (one step is
# exact), the factors nearly so.
_ITERATIONS = 4
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class StateSpec:
    """One conditioned quantity.

    Attributes
    ----------
    key : str
        Prefix of the model constants (``<key> state correction`` for a stock,
        ``<key> correction`` for a factor; ``… time`` for the year).
    kind : str
        ``stock`` (additive correction, identity 0) or ``factor`` (ratio, identity 1).
    indicators : tuple of str
        Registry indicators that can inform it; the one with the latest published figure is
        used (the first listed on a tie).
    """

    key: str
    kind: str
    indicators: tuple[str, ...]

    @property
    def correction(self) -> str:
        """The model constant holding the correction."""
        return f"{self.key} state correction" if self.kind == "stock" else f"{self.key} correction"

    @property
    def time(self) -> str:
        """The model constant holding the year the correction applies to."""
        return f"{self.correction} time"

    @property
    def identity(self) -> float:
        """The correction that changes nothing."""
        return 0.0 if self.kind == "stock" else 1.0


#: In the order they are applied: each later quantity is conditioned on a state in which the
#: earlier ones are already corrected (GDP and output before the firms they scale, the
#: recognitions before the stock they feed, the firms before the R&D and share they drive).
STATE_SPECS: tuple[StateSpec, ...] = (
    StateSpec("GDP", "stock", ("gdp",)),
    StateSpec("Industrial output", "stock", ("industrial_output",)),
    StateSpec("Recognition level", "factor", ("hte_recognitions",)),
    StateSpec("HTE", "stock", ("high_tech_enterprises",)),
    StateSpec("SME pool", "stock", ("tech_smes_registered",)),
    StateSpec("Listed", "stock", ("listed_companies",)),
    StateSpec("RD level", "factor", ("rd_expenditure", "rd_intensity")),
    StateSpec("High tech share", "factor", ("high_tech_output_share", "high_tech_output")),
)


def _state_sigma(bound: str, quality: str) -> float:
    return STATE_SIGMA[bound] * STATE_QUALITY_FACTOR[quality]


def latest_figure(observations: pd.DataFrame, indicators: Sequence[str]) -> dict | None:
    """The published figure a quantity is conditioned on, or None.

    Among the rows of ``indicators`` (after the registry's basis year) the latest year wins;
    within it a two-sided row (``exact``/``approx``) is preferred to a bound, then the row
    with the smallest :data:`STATE_SIGMA`, then the indicator listed first.

    Returns
    -------
    dict or None
        The row (``indicator``, ``year``, ``value``, ``bound``, ``quality``, …) with its
        ``sigma``.
    """
    registry = load_indicators()
    best, best_key = None, None
    for rank, name in enumerate(indicators):
        ind = registry[name]
        rows = observations[observations["indicator"] == name]
        if ind.basis_from is not None:
            rows = rows[rows["year"] >= ind.basis_from]
        for rec in rows.to_dict("records"):
            sigma = _state_sigma(rec["bound"], rec["quality"])
            key = (-int(rec["year"]), rec["bound"] not in ("exact", "approx"), sigma, rank)
            if best_key is None or key < best_key:
                best, best_key = {**rec, "sigma": sigma}, key
    return best


def analysis_values(forecast: np.ndarray, figure: Mapping, noise: np.ndarray) -> np.ndarray:
    """Analysis values of one quantity for every draw.

    Parameters
    ----------
    forecast : numpy.ndarray
        The draws' values (positive), shape ``(n,)``.
    figure : mapping
        ``value``, ``bound`` and ``sigma`` of the published figure (:func:`latest_figure`).
    noise : numpy.ndarray
        Standard normal draws, shape ``(n,)``: the perturbed observations.

    Returns
    -------
    numpy.ndarray
        Point figures: the stochastic EnKF update on the log scale. Bounds: draws already
        beyond the bound unchanged, the others moved just beyond it.
    """
    x = np.asarray(forecast, dtype=float)
    y, s = float(figure["value"]), float(figure["sigma"])
    e = np.asarray(noise, dtype=float)
    if figure["bound"] == "lower":
        return np.where(x >= y, x, y * np.exp(s * np.abs(e)))
    if figure["bound"] == "upper":
        return np.where(x <= y, x, y * np.exp(-s * np.abs(e)))
    z = np.log(x)
    # Adaptive inflation: an ensemble further from the figure than its own spread and the
    # figure's error explain is overconfident; its variance is raised to what the innovation
    # shows, E[(log y - mean z)^2] = P + s^2 (Desroziers et al. 2005; Anderson 2009).
    p = float(np.var(z)) if z.size > 1 else 0.0
    p = max(p, (float(np.log(y) - np.mean(z))) ** 2 - s * s)
    gain = p / (p + s * s) if p + s * s > 0 else 0.0
    return np.exp(z + gain * (np.log(y) + s * e - z))


@dataclass(frozen=True)
class Conditioning:
    """The corrections of an ensemble and what they did.

    Attributes
    ----------
    constants : dict[str, numpy.ndarray]
        Correction constants per draw (and their years, one value for all draws).
    summary : pandas.DataFrame
        One row per conditioned quantity: the figure used (indicator, year, value, bound,
        quality), the Kalman gain, and the percentile of the figure among the draws before
        and after (for bounds: the share of draws beyond the bound).
    """

    constants: dict[str, np.ndarray]
    summary: pd.DataFrame


def published_percentiles(values: np.ndarray, figure: Mapping,
                          noise: np.ndarray | None = None) -> float:
    """Where a published figure lies among draws' values, in percent.

    With ``noise`` (standard normal, one per draw) the values are first made predictive
    draws of the published statistic, ``values * exp(sigma * noise)`` with the figure's own
    ``sigma``: a figure is compared with what would be published, not with the model state.

    For a point figure the share of draws below it (draws equal to it count half: the
    mid-rank, so an ensemble that agrees exactly puts it at 50); for a ``lower`` bound the
    share of draws at or above it, for an ``upper`` bound the share at or below it (the
    goal: most of the mass beyond the bound).
    """
    v = np.asarray(values, dtype=float)
    if noise is not None:
        v = v * np.exp(float(figure["sigma"]) * np.asarray(noise, dtype=float))
    y = float(figure["value"])
    if figure["bound"] == "lower":
        return float(np.mean(v >= y) * 100)
    if figure["bound"] == "upper":
        return float(np.mean(v <= y) * 100)
    return float((np.mean(v < y) + 0.5 * np.mean(np.isclose(v, y, rtol=1e-9, atol=0))) * 100)


def condition_state(
    params: Mapping[str, float | np.ndarray],
    n: int,
    observations: pd.DataFrame,
    *,
    model,
    seed: int = 0,
    specs: Sequence[StateSpec] = STATE_SPECS,
    exact_rows: Sequence[int] = (),
) -> Conditioning:
    """Corrections that start every draw from an analysis of the published state.

    Parameters
    ----------
    params : mapping
        Model constants of the ensemble (region constants and posterior draws): scalars for
        all runs, arrays of length ``n`` per run.
    n : int
        Number of draws.
    observations : pandas.DataFrame
        The region's rows (from ``load_observations``), already cut to the data vintage.
    model : CompiledModel
        The compiled model.
    seed : int
        Seed of the perturbed observations.
    specs : sequence of StateSpec
        The quantities, in the order they are conditioned.
    exact_rows : sequence of int
        Draws conditioned on the figure itself rather than a perturbed one (the point
        estimate of a calibration).

    Returns
    -------
    Conditioning
    """
    registry = load_indicators()
    rng = np.random.default_rng(seed)
    params = dict(params)
    chosen = []
    for spec in specs:
        figure = latest_figure(observations, spec.indicators)
        if figure is not None:
            chosen.append((spec, figure, registry[figure["indicator"]].variable))
    constants: dict[str, np.ndarray] = {}
    if not chosen:
        return Conditioning(constants, pd.DataFrame())
    final = float(max(f["year"] for _, f, _ in chosen))
    columns = list(dict.fromkeys(v for _, _, v in chosen))

    def values(variable: str, year: int) -> np.ndarray:
        res = run_ensemble(params, n, columns, model=model, final_time=final)
        col = int(np.flatnonzero(np.isclose(np.asarray(res.times, float), year))[0])
        return np.asarray(res[variable], dtype=float)[:, col]

    rows, noises = [], []
    for spec, figure, variable in chosen:
        year = int(figure["year"])
        params[spec.time] = float(year)
        c0 = np.full(n, spec.identity)
        params[spec.correction] = c0
        y0 = values(variable, year)
        noise = rng.standard_normal(n)
        noise[list(exact_rows)] = 0.0
        target = analysis_values(y0, figure, noise)
        y_first = y0
        publish = rng.standard_normal(n)  # predictive noise of the published statistic
        before = published_percentiles(y0, figure, publish)
        # First step: the stock moves one for one; a factor scales the quantity.
        c1 = c0 + (target - y0) if spec.kind == "stock" else c0 * target / y0
        for _ in range(_ITERATIONS):
            params[spec.correction] = c1
            y1 = values(variable, year)
            miss = target - y1
            if np.all(np.abs(miss) <= _TOLERANCE * np.abs(target)):
                break
            dc, dy = c1 - c0, y1 - y0
            slope = np.where(np.abs(dc) > 1e-12, dy / np.where(dc == 0, 1, dc), np.nan)
            fallback = 1.0 if spec.kind == "stock" else y1 / c1
            slope = np.where(np.isfinite(slope) & (np.abs(slope) > 1e-12), slope, fallback)
            c0, y0 = c1, y1
            c1 = c1 + miss / slope
        params[spec.correction] = c1
        constants[spec.correction] = c1
        constants[spec.time] = np.full(n, float(year))
        p = float(np.var(np.log(np.maximum(values(variable, year), 1e-300))))
        rows.append({
            "quantity": spec.key, "indicator": figure["indicator"], "year": year,
            "value": float(figure["value"]), "bound": figure["bound"],
            "quality": figure["quality"], "sigma": float(figure["sigma"]),
            "percentile_before": before,
            # how far the fitted runs ended from a point figure, in units of its error
            "gap_before": (float((np.log(figure["value"]) - np.mean(np.log(y_first)))
                                 / figure["sigma"])
                           if figure["bound"] in ("exact", "approx") else float("nan")),
            "correction_median": float(np.median(c1)),
            "log_sd_after": float(np.sqrt(p)),
        })
        noises.append(publish)
    summary = pd.DataFrame(rows)
    after = []
    res = run_ensemble(params, n, columns, model=model, final_time=final)
    times = np.asarray(res.times, float)
    for (_, figure, variable), publish in zip(chosen, noises, strict=True):
        col = int(np.flatnonzero(np.isclose(times, figure["year"]))[0])
        after.append(published_percentiles(np.asarray(res[variable])[:, col], figure, publish))
    summary["percentile_after"] = after
    return Conditioning(constants, summary)


def condition_posterior(
    point: Mapping[str, float],
    draws: pd.DataFrame,
    constants: Mapping[str, float],
    observations: pd.DataFrame,
    *,
    model,
    seed: int = 0,
) -> tuple[dict[str, float], pd.DataFrame, Conditioning]:
    """A posterior (point estimate and draws) with the state corrections as extra columns.

    The draws are conditioned on perturbed figures, the point estimate (run as one more
    member of the same ensemble) on the figures themselves. A correction's year is kept only
    where it differs from the model's default (the data vintage the ``.mdl`` states), so a
    posterior of the current data carries no constant columns; an as-of calibration or a
    backtest origin carries its own years.

    Parameters
    ----------
    point : mapping
        Point estimate by constant name.
    draws : pandas.DataFrame
        Posterior sample (columns: calibrated constants).
    constants : mapping
        The region's constants (its profile).
    observations : pandas.DataFrame
        The rows the posterior was fitted to.
    model : CompiledModel
    seed : int

    Returns
    -------
    (dict, pandas.DataFrame, Conditioning)
    """
    n = len(draws) + 1
    params: dict[str, float | np.ndarray] = dict(constants)
    for name in draws.columns:
        params[name] = np.append(draws[name].to_numpy(float), point[name])
    cond = condition_state(params, n, observations, model=model, seed=seed, exact_rows=[n - 1])
    defaults = model.constants
    kept = {k: v for k, v in cond.constants.items()
            if not (k.endswith(" time") and np.all(v == defaults.get(k)))}
    new_point = {**point, **{k: float(v[-1]) for k, v in kept.items()}}
    new_draws = draws.assign(**{k: v[:-1] for k, v in kept.items()})
    return new_point, new_draws, Conditioning(kept, cond.summary)
