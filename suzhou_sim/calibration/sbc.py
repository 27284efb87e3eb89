"""Simulation-based calibration (SBC): does the fit recover parameters it generated data from?

Talts, Betancourt, Simpson, Vehtari & Gelman (2018), "Validating Bayesian inference
algorithms with simulation-based calibration", arXiv:1804.06788. For each replicate a "true"
parameter set is drawn from the prior, synthetic observations are simulated from the model at
that set with the calibration's own observation error model, and the calibration is rerun on
them with the production sampler (:meth:`Calibrator.fit_map`, then
:meth:`Calibrator.sample_posterior`, at reduced size). If the posterior is right, the rank of
the truth among the posterior draws is uniform on ``0..L`` (``L`` draws): a rank piling up at
one end means a biased fit, a U shape an overconfident one, a hump an underdispersed truth
(too wide a posterior).

**The observation model simulated** is the one :class:`~suzhou_sim.calibration.fit.Payoff`
scores. A point row's residual is ``(m - y) / (sigma * y)`` with ``m`` the model value; the
density of the published value ``y`` that gives exactly this likelihood, with a normalising
constant free of the parameters, is that of ``y = m / u`` with ``u`` drawn from the density
proportional to ``phi((u - 1) / sigma) / u`` on ``u > 0`` (:func:`observation_draws`). Only
point rows (``exact``/``approx``) are simulated: a censored bound's generating process (how a
bureau decides to publish "over 11,000") is not part of the likelihood, so its synthetic
counterpart would be an invention. Synthetic data therefore carry the history's point rows
with their bounds, qualities and error scales; the bounds are left out.

**Priors.** Truths are drawn from the fitting calibrator's independent priors, truncated to
the bounds, as the posterior is (normal in the sampler's coordinates: log for lognormal
priors; uniform for flat ones). A joint population prior (Kunshan) is not supported: SBC
checks the fit of a region with its own priors.

This module runs fits; it writes and words nothing (the notebook ``06_sbc.ipynb`` shows it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError
from .fit import Calibrator, FreeParameter

__all__ = [
    "SbcResult",
    "prior_draws",
    "observation_draws",
    "synthetic_observations",
    "truth_ranks",
    "rank_uniformity",
    "run_sbc",
    "UNIFORM_P",
    "POINT_BOUNDS",
]

#: Rows simulated: point statements (a bound's publication process is not modelled).
POINT_BOUNDS = ("exact", "approx")
#: A parameter's ranks count as uniform when neither test rejects at this level.
UNIFORM_P = 0.01
#: Proposal cut-off of the observation draw: ``u`` below it has probability below
#: ``phi(-0.5 / sigma)``, nothing at the error scales of the payoff (at most 0.1: 1e-6).
_U_MIN = 0.5


@dataclass
class SbcResult:
    """Outcome of :func:`run_sbc`.

    Attributes
    ----------
    ranks : pandas.DataFrame
        One row per replicate, one column per parameter: the number of posterior draws below
        the truth (0 to ``draws``).
    truths : pandas.DataFrame
        The true parameter values of each replicate (model units).
    draws : int
        Posterior draws per fit (``L``; ranks run from 0 to ``L``).
    uniformity : pandas.DataFrame
        :func:`rank_uniformity` of ``ranks``.
    seconds : float
        Wall time.
    """

    ranks: pd.DataFrame
    truths: pd.DataFrame
    draws: int
    uniformity: pd.DataFrame
    seconds: float


def prior_draws(parameters: list[FreeParameter], n: int,
                rng: np.random.Generator) -> np.ndarray:
    """``n`` draws from the parameters' priors truncated to their bounds, shape ``(n, p)``.

    In the sampler's coordinates (:meth:`FreeParameter.to_x`): normal around the centre with
    the prior's sd for ``normal`` and ``lognormal`` priors, uniform between the bounds for
    ``flat`` ones; draws outside the bounds are redrawn (rejection: exact truncation).

    Raises
    ------
    InputError
        For a parameter shared with a population prior (its prior is a joint one), or one
        whose bounds hold almost none of its prior's mass.
    """
    out = np.empty((n, len(parameters)))
    for j, p in enumerate(parameters):
        if p.shared:
            raise InputError(code="err.sbc_shared", file="SBC", field=p.name)
        lo, hi = p.x_bounds
        if p.prior == "flat":
            out[:, j] = rng.uniform(lo, hi, n)
            continue
        centre = float(p.to_x(p.centre))
        col = np.full(n, np.nan)
        for _ in range(1000):
            todo = np.isnan(col)
            if not todo.any():
                break
            x = centre + p.sd * rng.standard_normal(int(todo.sum()))
            x[(x < lo) | (x > hi)] = np.nan
            col[todo] = x
        if np.isnan(col).any():
            raise InputError(code="err.sbc_prior_bounds", file="SBC", field=p.name,
                             lower=p.lower, upper=p.upper)
        out[:, j] = col
    return out


def observation_draws(model_values: np.ndarray, sigma: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """Published values ``y`` for model values ``m`` under the payoff's error model.

    ``y = m / u``, ``u`` with density proportional to ``phi((u - 1) / sigma) / u`` (``u >
    0``): the density of ``y`` whose likelihood in ``m`` is the payoff's
    ``exp(-((m - y) / (sigma * y))^2 / 2)`` with a constant free of ``m``. Drawn by rejection
    from a normal proposal ``N(1, sigma^2)`` cut at ``u > 0.5``, accepted with probability
    ``0.5 / u``.

    Parameters
    ----------
    model_values : array
        Non-zero model values (a negative one, e.g. a net decrease, gives a negative ``y``:
        the payoff's scale is ``sigma * |y|``, and the same derivation holds).
    sigma : array
        Relative error scale of each value (as :func:`~suzhou_sim.calibration.fit.
        observation_sigma`), broadcast against ``model_values``.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        Same shape as ``model_values``.
    """
    m = np.asarray(model_values, dtype=float)
    s = np.broadcast_to(np.asarray(sigma, dtype=float), m.shape)
    if np.any(m == 0) or np.any(~np.isfinite(m)):
        raise InputError(code="err.sbc_zero_model", file="SBC")
    u = np.full(m.shape, np.nan)
    for _ in range(10000):
        todo = np.isnan(u)
        if not todo.any():
            break
        cand = 1.0 + s[todo] * rng.standard_normal(int(todo.sum()))
        ok = (cand > _U_MIN) & (rng.uniform(size=cand.size) < _U_MIN / np.maximum(cand, _U_MIN))
        cand[~ok] = np.nan
        u[todo] = cand
    return m / u


def synthetic_observations(template: Calibrator, x_true: np.ndarray,
                           rng: np.random.Generator) -> pd.DataFrame:
    """The template's point rows with values simulated at the parameters ``x_true``.

    Each row keeps its indicator, year, bound and quality (so the refit scores it with the
    same error scale); its value is an :func:`observation_draws` draw around the model value
    at ``x_true`` (sampler coordinates of ``template.parameters``).
    """
    rows = template.payoff.rows
    keep = rows["bound"].isin(POINT_BOUNDS).to_numpy()
    if not keep.any():
        raise InputError(code="err.sbc_no_point", file="SBC")
    m = template.payoff.simulated(template.run(np.atleast_2d(x_true)))[0]
    out = rows.loc[keep].drop(columns=["variable", "sigma"]).copy()
    out["value"] = observation_draws(m[keep], rows.loc[keep, "sigma"].to_numpy(float), rng)
    return out.reset_index(drop=True)


def truth_ranks(truth: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Number of posterior draws below the truth, per parameter (``draws`` is ``(L, p)``)."""
    return np.sum(np.asarray(draws) < np.asarray(truth)[None, :], axis=0)


def rank_uniformity(ranks: pd.DataFrame, draws: int, bins: int | None = None,
                    seed: int = 0) -> pd.DataFrame:
    """Tests of each parameter's ranks against the uniform law on ``0..draws``.

    Parameters
    ----------
    ranks : pandas.DataFrame
        One column per parameter, one row per replicate.
    draws : int
        Posterior draws per fit (``L``).
    bins : int, optional
        Chi-square bins (equal shares of the ``L + 1`` ranks); default about a fifth of the
        replicates, at least 2 and at most 20, and a divisor-friendly count of ``L + 1``.
    seed : int
        Seed of the jitter that makes the ranks continuous for the KS test.

    Returns
    -------
    pandas.DataFrame
        ``parameter, replicates, mean_rank`` (``L / 2`` expected), ``chi2, chi2_p`` (Pearson's
        chi-square on the binned ranks), ``ks, ks_p`` (Kolmogorov-Smirnov of
        ``(rank + U) / (L + 1)`` against U(0, 1)) and ``uniform`` (neither p below
        :data:`UNIFORM_P`).
    """
    n = len(ranks)
    if n < 2:
        raise InputError(code="err.sbc_two_replicates", file="SBC")
    k = bins or int(np.clip(n // 5, 2, 20))
    k = min(k, draws + 1)
    rng = np.random.default_rng(seed)
    rows = []
    for name in ranks.columns:
        r = ranks[name].to_numpy(float)
        cont = (r + rng.uniform(size=n)) / (draws + 1)
        counts = np.histogram(cont, bins=k, range=(0.0, 1.0))[0]
        chi = stats.chisquare(counts)
        ks = stats.kstest(cont, "uniform")
        rows.append({"parameter": name, "replicates": n, "mean_rank": float(r.mean()),
                     "chi2": float(chi.statistic), "chi2_p": float(chi.pvalue),
                     "ks": float(ks.statistic), "ks_p": float(ks.pvalue),
                     "uniform": bool(min(chi.pvalue, ks.pvalue) >= UNIFORM_P)})
    return pd.DataFrame(rows)


def run_sbc(
    template: Calibrator,
    replicates: int,
    make_calibrator: Callable[[pd.DataFrame], Calibrator] | None = None,
    draws: int = 49,
    n_steps: int = 100,
    n_walkers: int | None = None,
    n_starts: int = 1,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
    adapt_steps: int | None = None,
) -> SbcResult:
    """Simulation-based calibration of ``template``'s fit.

    Parameters
    ----------
    template : Calibrator
        Gives the free parameters and their priors (the truths' law), the model and the
        observation rows whose values are simulated.
    replicates : int
        Number of truths (each one synthetic data set and one refit).
    make_calibrator : callable, optional
        ``make_calibrator(observations) -> Calibrator``: the fit to check, on synthetic
        observations (default: a :class:`Calibrator` of the template's region with the
        template's parameters). A fit with other priors than the template's is a
        misspecified fit: its ranks should fail the uniformity test.
    draws : int
        Posterior draws kept per fit (``L``).
    n_steps, n_walkers : int
        Size of :meth:`Calibrator.sample_posterior`'s kept chain and ensemble.
    n_starts : int
        Least-squares starts of :meth:`Calibrator.fit_map`.
    adapt_steps : int, optional
        Steps of each of the sampler's adaptation rounds (default: the sampler's own, at
        least 100).
    seed : int
        Seeds the truths, the synthetic data and every fit.
    log : callable, optional
        Receives one line per replicate.

    Returns
    -------
    SbcResult
    """
    if replicates < 2:
        raise InputError(code="err.sbc_replicates", file="SBC", value=replicates)
    if draws < 1:
        raise InputError(code="err.sbc_draws", file="SBC", value=draws)
    start = perf_counter()
    params = template.parameters
    names = [p.name for p in params]
    if make_calibrator is None:
        def make_calibrator(obs: pd.DataFrame) -> Calibrator:
            return Calibrator(template.region.name, observations=obs, parameters=params)
    rng = np.random.default_rng(seed)
    truths = prior_draws(params, replicates, rng)
    ranks = np.empty((replicates, len(params)), dtype=int)
    for i, x_true in enumerate(truths):
        obs = synthetic_observations(template, x_true, rng)
        cal = make_calibrator(obs)
        if [p.name for p in cal.parameters] != names:
            raise InputError(code="err.sbc_parameters_differ", file="SBC")
        fit = cal.fit_map(n_starts=n_starts, seed=seed + i)
        mc = cal.sample_posterior(fit, n_walkers=n_walkers, n_steps=n_steps, n_keep=draws,
                                  seed=seed + i, adapt_steps=adapt_steps)
        X = np.column_stack([p.to_x(mc.draws[p.name].to_numpy()) for p in cal.parameters])
        ranks[i] = truth_ranks(x_true, X)
        if log:
            log(f"SBC replicate {i + 1}/{replicates}: ranks "
                + ", ".join(f"{n} {r}" for n, r in zip(names, ranks[i], strict=True)))
    rank_frame = pd.DataFrame(ranks, columns=names)
    truth_frame = pd.DataFrame({p.name: p.from_x(truths[:, j]) for j, p in enumerate(params)})
    return SbcResult(ranks=rank_frame, truths=truth_frame, draws=draws,
                     uniformity=rank_uniformity(rank_frame, draws, seed=seed),
                     seconds=perf_counter() - start)
