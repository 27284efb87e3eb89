"""Calibration: fit the model to observed history and sample the posterior.

The payoff respects each observation row: two-sided relative errors for ``exact`` and
``approx`` rows, a censored likelihood for ``lower``/``upper`` bounds, and a larger error scale for
approximate, preliminary and derived figures (``unverified`` rows are left out unless asked
for). Several sources for one indicator-year all count. The point estimate is the maximum a
posteriori found by ``scipy.optimize.least_squares`` from several starts. The posterior sample
comes from ``emcee`` with a multiple-proposal Metropolis-within-Gibbs move
(:class:`MultipleProposalMove`): each step every walker chooses among many candidates for a
block of correlated parameters, drawn from the conditional law of a guide adapted to earlier
rounds of the chain, and all walkers' candidates are run in one vectorised engine call, which
stops at the last observed year.

Kunshan is fitted hierarchically: Suzhou's posterior is the population prior of the behavioural
parameters (a joint normal in the sampler's coordinates), the region's scale parameters and a
few named region effects have their own, wider priors.

This module fits and samples; :func:`calibrate_region` strings the steps together and hands
storage to ``posterior.py``; the written report is a writer handed in from above
(``reporting.fit_report.calibrate_and_report``): calibration imports neither ``studies`` nor
``reporting``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

import emcee
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..catalogues.indicators import load_indicators
from ..catalogues.observations import load_observations, observations_as_of
from ..catalogues.regions import DEFAULT_REGION, Region, load_region
from ..ensemble.compiled import compiled_model
from ..ensemble.runs import run_ensemble
from ..errors import InputError
from ..paths import CALIBRATION_DIR, MODEL_FILE, OBSERVED_FILE
from .conditioning import condition_posterior
from .fit_tables import fit_tables
from .posterior import Posterior, load_posterior
from .priors import (
    FreeParameter,
    JointPrior,
    informed_parameters,
    load_free_parameters,
    population_prior,
)

__all__ = [
    "FreeParameter",
    "Payoff",
    "Calibrator",
    "MapFit",
    "McmcResult",
    "CalibrationOutcome",
    "calibrate_region",
    "load_free_parameters",
    "JointPrior",
    "population_prior",
    "informed_parameters",
    "observation_sigma",
    "MODEL_ERROR",
    "MultipleProposalMove",
    "DEFAULT_STEPS",
]


# Relative measurement error by bound and quality. A ``lower``/``upper`` bound ("over",
# "nearly") is a censored observation: the published statistic lies beyond the bound, and the
# model's value reaches the statistic only up to the same measurement and structural error as
# a point value, so its likelihood is the probability of that event (a probit in the relative
# gap), not a hard wall. A wall would trust a bound far more than a point value of the same
# indicator and year, and carve the posterior into a polytope that samplers cross slowly.
BOUND_SIGMA = {"exact": 0.03, "lower": 0.03, "upper": 0.03, "approx": 0.06}
QUALITY_FACTOR = {"reported": 1.0, "preliminary": 1.5, "derived": 1.5, "unverified": 2.0}
# Relative structural error of the model, added in quadrature: an aggregate model cannot
# reproduce yearly noise, and without this term the posterior would be overconfident.
MODEL_ERROR = 0.04
# The law fitted to the adaptation chain that guides the sampler: a multivariate t with these
# degrees of freedom, its covariance the fitted one inflated by this factor (a little heavier
# and wider than the target, so the ratio of target to proposal stays bounded in the tails).
PROPOSAL_DF = 30
PROPOSAL_SCALE = 1.1
# Multiple-proposal sampler: each step redraws a block of this many parameters (one size per
# move, chosen with equal weights), with this many candidates per walker and step (all
# walkers' candidates go into one engine call, which costs little more than one run per walker
# at this size: the call's fixed cost dominates).
BLOCK_SIZES = (2, 3, 5, 8)
TRIES = 24
# Adaptation before the kept chain: this many rounds, each a tenth of the kept chain (100 to
# 300 steps), the guide refitted after each to the second half of all rounds so far.
ADAPT_ROUNDS = 3
ADAPT_STEPS = (100, 300)
DEFAULT_WALKERS = 48
# Entries of a region's calibration folder that other commands write (``backtest --out
# model/calibration/<region>/backtest --save-error-model``); a recalibration keeps them.
KEPT_BY_RECALIBRATION = ("backtest", "forecast_error.yaml")
DEFAULT_STEPS = 7000


def observation_sigma(bound: str, quality: str, model_error: float = MODEL_ERROR) -> float:
    """Relative error scale of one observation row (measurement and structural error)."""
    meas = BOUND_SIGMA[bound] * QUALITY_FACTOR[quality]
    return float(np.hypot(meas, model_error))


class Payoff:
    """Bound-aware weighted residuals of model runs against observation rows.

    Parameters
    ----------
    observations : pandas.DataFrame
        Rows from :func:`load_observations`.
    times : numpy.ndarray
        Save times of the model runs (model time t = end of calendar year t).
    model_error : float
        Relative structural error added in quadrature to each row's measurement error.

    Attributes
    ----------
    rows : pandas.DataFrame
        The rows that enter the payoff, with ``variable`` and ``sigma`` columns.
    skipped : pandas.DataFrame
        Rows left out, with a ``why`` column (outside model scope, before the start year, or
        a bound for an indicator and year that also has a point value).
    """

    def __init__(self, observations: pd.DataFrame, times: np.ndarray, model_error=MODEL_ERROR):
        registry = load_indicators()
        times = np.asarray(times, float)
        rows, skipped = [], []
        records = observations.to_dict("records")
        points = {}
        for rec in records:
            if rec["bound"] in ("exact", "approx"):
                points.setdefault((rec["indicator"], rec["year"]), rec["value"])
        for rec in records:
            ind = registry[rec["indicator"]]
            point = points.get((rec["indicator"], rec["year"]))
            if ind.variable is None:
                skipped.append({**rec, "why": f"outside model scope: {ind.reason}"})
            elif not np.any(np.isclose(times, rec["year"])):
                skipped.append({**rec, "why": "before the simulation start (end-2018)"})
            elif ind.basis_from is not None and rec["year"] < ind.basis_from:
                skipped.append({**rec, "why": f"older statistical basis: {ind.basis_note}"})
            elif rec["bound"] in ("lower", "upper") and point is not None:
                # The bound and the point value report one statistic: counting both would
                # push the fit beyond the point value (or fight it, where they disagree).
                met = point >= rec["value"] if rec["bound"] == "lower" else point <= rec["value"]
                skipped.append({**rec, "why": (
                    f"{'implied' if met else 'contradicted'} by the point value {point:g} of "
                    f"the same indicator and year{'' if met else ', which is used'}")})
            else:
                sigma = observation_sigma(rec["bound"], rec["quality"], model_error)
                rows.append({**rec, "variable": ind.variable, "sigma": sigma})
        self.rows = pd.DataFrame(rows)
        self.skipped = pd.DataFrame(skipped)
        if self.rows.empty:
            raise InputError(code="err.fit_no_observation")
        self.variables = list(dict.fromkeys(self.rows["variable"]))
        self._col = np.array([int(np.flatnonzero(np.isclose(times, y))[0]) for y in self.rows.year])
        self._y = self.rows["value"].to_numpy(float)
        self._scale = self.rows["sigma"].to_numpy(float) * np.abs(self._y)
        self._lower = np.flatnonzero((self.rows["bound"] == "lower").to_numpy())
        self._upper = np.flatnonzero((self.rows["bound"] == "upper").to_numpy())

    def simulated(self, results) -> np.ndarray:
        """Model values at each row's variable and year, shape ``(n_runs, n_rows)``."""
        cols = [results[v] for v in self.rows["variable"]]
        return np.stack([c[:, j] for c, j in zip(cols, self._col, strict=True)], axis=1)

    def residuals(self, results) -> np.ndarray:
        """Weighted residuals, shape ``(n_runs, n_rows)``.

        ``d = (model - value) / (sigma * |value|)`` for point rows. A bound row is censored:
        its squared residual is ``-2 log P(statistic beyond the bound)`` with the statistic
        normal around the model value, ``-2 log Phi(d)`` for ``lower`` rows (the residual
        negative, near zero once the model is well above the bound) and ``-2 log Phi(-d)``
        for ``upper`` rows (positive), so ``-0.5 * sum(r**2)`` is the log likelihood.
        """
        # scipy is imported where it is used: a scenario run imports this module (for the
        # free parameters) but never fits, and scipy.optimize costs 0.2 CPU-s to import
        from scipy.special import log_ndtr

        m = self.simulated(results)
        d = (m - self._y) / self._scale
        with np.errstate(invalid="ignore"):
            d[:, self._lower] = -np.sqrt(-2.0 * log_ndtr(d[:, self._lower]))
            d[:, self._upper] = np.sqrt(-2.0 * log_ndtr(-d[:, self._upper]))
        return d


@dataclass
class MapFit:
    """Result of the multi-start least-squares fit."""

    theta: dict[str, float]
    x: np.ndarray
    cost: float
    covariance: np.ndarray
    start_costs: list[float]
    success: bool


@dataclass
class McmcResult:
    """Posterior sample and its convergence diagnostics."""

    draws: pd.DataFrame
    diagnostics: dict = field(default_factory=dict)


class Calibrator:
    """Fit free parameters of one region to its observations.

    Parameters
    ----------
    region : str
        ``suzhou`` or ``kunshan``.
    observations : pandas.DataFrame, optional
        Defaults to the region's rows of ``data/observed_history.csv``.
    parameters : list of FreeParameter, optional
        Defaults to :func:`load_free_parameters` for the region.
    max_year : int, optional
        Use only observations up to this year (out-of-sample checks).
    model_file : Path
        The ``.mdl`` file.
    joint_prior : JointPrior, optional
        Joint prior of the ``shared`` parameters; defaults to :func:`population_prior`.
    """

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        observations: pd.DataFrame | None = None,
        parameters: list[FreeParameter] | None = None,
        max_year: int | None = None,
        model_file: Path = MODEL_FILE,
        model_error: float = MODEL_ERROR,
        joint_prior: JointPrior | None = None,
    ):
        self.region: Region = load_region(region)
        self.model = compiled_model(Path(model_file))
        obs = observations if observations is not None else load_observations(region=region)
        if max_year is not None:
            obs = obs[obs["year"] <= max_year]
        self.parameters = parameters or load_free_parameters(region, model_file=model_file)
        self.names = [p.name for p in self.parameters]
        self.joint_prior = joint_prior or population_prior(
            self.parameters, parent=self.region.parent or DEFAULT_REGION)
        self._joint_cols = (
            [self.names.index(n) for n in self.joint_prior.names] if self.joint_prior else []
        )
        probe = self.model.run(params=dict(self.region.constants), return_columns=["Time"])
        self.times = np.asarray(probe.times, float)
        self.payoff = Payoff(obs, self.times, model_error)
        self.last_year = float(self.payoff.rows["year"].max())
        lo, hi = zip(*(p.x_bounds for p in self.parameters), strict=True)
        self.x_lower, self.x_upper = np.array(lo), np.array(hi)

    # -- parameter handling ---------------------------------------------------------------
    def thetas(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """Model constants for rows of transformed parameters ``X`` (n, p)."""
        X = np.atleast_2d(X)
        return {p.name: p.from_x(X[:, j]) for j, p in enumerate(self.parameters)}

    def to_x(self, theta: dict[str, float]) -> np.ndarray:
        return np.array([float(p.to_x(theta[p.name])) for p in self.parameters])

    def run(self, X: np.ndarray, columns: list[str] | None = None):
        """Run the model for each row of ``X`` in one vectorised call.

        Without ``columns`` the runs return the payoff's variables and stop at the last
        observed year (a third of the cost of running to the horizon); with ``columns``
        they run the whole horizon.
        """
        X = np.atleast_2d(X)
        params = {**self.region.constants, **self.thetas(X)}
        return run_ensemble(params, X.shape[0], columns or self.payoff.variables,
                            model=self.model, final_time=None if columns else self.last_year)

    # -- payoff -----------------------------------------------------------------------------
    def prior_residuals(self, X: np.ndarray) -> np.ndarray:
        """Independent priors' residuals, then the joint prior's whitened ones (if any)."""
        X = np.atleast_2d(X)
        own = np.stack([p.prior_residual(X[:, j]) for j, p in enumerate(self.parameters)], 1)
        if not self.joint_prior:
            return own
        return np.concatenate([own, self.joint_prior.residuals(X[:, self._joint_cols])], 1)

    def residuals(self, X: np.ndarray) -> np.ndarray:
        """Data residuals followed by prior residuals, shape ``(n, n_rows + n_params)``."""
        X = np.atleast_2d(X)
        data = self.payoff.residuals(self.run(X))
        return np.concatenate([data, self.prior_residuals(X)], axis=1)

    def log_posterior(self, X: np.ndarray) -> np.ndarray:
        """Unnormalised log posterior of each row; ``-inf`` outside the bounds."""
        X = np.atleast_2d(X)
        inside = np.all((X >= self.x_lower) & (X <= self.x_upper), axis=1)
        out = np.full(X.shape[0], -np.inf)
        if inside.any():
            r = self.residuals(X[inside])
            val = -0.5 * np.sum(r * r, axis=1)
            out[inside] = np.where(np.isfinite(val), val, -np.inf)
        return out

    def _jacobian(self, x: np.ndarray) -> np.ndarray:
        # Forward differences, all perturbed sets in one engine call.
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        room = self.x_upper - x
        step = np.where(room >= h, h, -h)
        X = np.vstack([x, x + np.diag(step)])
        r = self.residuals(X)
        return ((r[1:] - r[0]) / step[:, None]).T

    # -- fitting ----------------------------------------------------------------------------
    def fit_map(self, n_starts: int = 8, seed: int = 0, progress: bool = False) -> MapFit:
        """Maximum a posteriori estimate by bounded least squares from several starts.

        The first start is the prior centre; the others are drawn from the priors
        (truncated to the bounds) with ``seed``.
        """
        rng = np.random.default_rng(seed)
        centre = np.clip(
            np.array([float(p.to_x(p.centre)) for p in self.parameters]),
            self.x_lower, self.x_upper,
        )
        starts = [centre]
        for _ in range(max(0, n_starts - 1)):
            draw = centre + rng.normal(size=centre.size) * np.array(
                [p.sd if p.prior != "flat" else 0.25 * (p.x_bounds[1] - p.x_bounds[0])
                 for p in self.parameters]
            )
            starts.append(np.clip(draw, self.x_lower, self.x_upper))
        from scipy.optimize import least_squares

        best, costs = None, []
        for x0 in tqdm(starts, desc=f"fit {self.region.name}", disable=not progress, leave=False):
            x0 = np.clip(x0, self.x_lower + 1e-9, self.x_upper - 1e-9)
            sol = least_squares(
                lambda x: self.residuals(x)[0],
                x0,
                jac=self._jacobian,
                bounds=(self.x_lower, self.x_upper),
                method="trf",
                x_scale="jac",
                max_nfev=400,
            )
            costs.append(float(sol.cost))
            if best is None or sol.cost < best.cost:
                best = sol
        J = best.jac
        cov = np.linalg.pinv(J.T @ J)
        theta = {k: float(v[0]) for k, v in self.thetas(best.x).items()}
        return MapFit(theta, best.x, float(best.cost), cov, costs, bool(best.success))

    def sample_posterior(
        self,
        fit: MapFit,
        n_walkers: int | None = None,
        n_steps: int = DEFAULT_STEPS,
        n_keep: int = 4000,
        seed: int = 0,
        progress: bool = False,
        adapt_steps: int | None = None,
    ) -> McmcResult:
        """Sample the posterior, starting from the Laplace approximation at the MAP.

        ``emcee`` with :class:`MultipleProposalMove` steps (one per block size of
        ``BLOCK_SIZES``): each step redraws a block of correlated parameters for every walker
        from the guide law's conditional given the others, choosing among many candidates,
        all walkers' candidates in one vectorised engine call. Two stages:

        1. adaptation: ``ADAPT_ROUNDS`` rounds of ``n_steps // 10`` steps (100 to 300), the
           first guided by the Laplace approximation (MAP and the inverse Gauss-Newton
           Hessian, priors included), each later one by the law refitted to the second half
           of all rounds so far;
        2. the kept chain: ``n_steps`` steps guided by the last refitted law, then fixed, so
           the chain is a valid Markov chain for the posterior.

        ``adapt_steps`` overrides the length of each adaptation round (reduced-size fits such
        as simulation-based calibration's; ``calibrate`` and the backtest keep the default).

        Burn-in of the kept chain is the larger of five autocorrelation times and a tenth of
        the chain (at most half); the rest is thinned by half an autocorrelation time and
        ``n_keep`` sets are drawn from it with ``seed``. Diagnostics: integrated
        autocorrelation time per parameter, chain length over the longest one, effective
        sample size, split-R-hat across two halves of the walkers, and the share of steps
        on which a walker moved.
        """
        t_start = perf_counter()
        ndim = len(self.parameters)
        n_walkers = n_walkers or DEFAULT_WALKERS
        rng = np.random.default_rng(seed)
        cov = 0.5 * (fit.covariance + fit.covariance.T)
        sd = np.sqrt(np.clip(np.diag(cov), 1e-12, None))
        shrink = np.minimum(1.0, 0.25 * (self.x_upper - self.x_lower) / sd)
        cov = cov * np.outer(shrink, shrink)
        def draw(n):
            x = rng.multivariate_normal(fit.x, cov, size=n, method="eigh")
            return np.clip(x, self.x_lower + 1e-9, self.x_upper - 1e-9)

        # Walkers start where the model is defined: a walker at zero density would only
        # ever move by luck, and short chains (backtests) would waste it.
        p0 = draw(n_walkers)
        for _ in range(20):
            bad = ~np.isfinite(self.log_posterior(p0))
            if not bad.any():
                break
            p0[bad] = draw(int(bad.sum()))
        else:
            p0[~np.isfinite(self.log_posterior(p0))] = fit.x
        n_round = (int(np.clip(n_steps // 10, *ADAPT_STEPS)) if adapt_steps is None
                   else int(adapt_steps))
        if n_round < 1:
            raise InputError(code="err.fit_adapt_steps", value=adapt_steps)

        def run(mean, guide, start, steps, stage):
            moves = [MultipleProposalMove(mean, guide, k, TRIES) for k in BLOCK_SIZES]
            sampler = emcee.EnsembleSampler(n_walkers, ndim, self.log_posterior,
                                            vectorize=True, moves=moves)
            sampler.random_state = np.random.RandomState(seed + stage).get_state()
            sampler.run_mcmc(start, steps, progress=progress, progress_kwargs={"leave": False})
            return sampler

        mean, start, adapted = fit.x, p0, []
        for stage in range(ADAPT_ROUNDS):
            adapting = run(mean, cov, start, n_round, stage)
            adapted.append(adapting.get_chain())
            start = adapting.get_last_sample()
            sample = np.concatenate(adapted)
            sample = sample[sample.shape[0] // 2:].reshape(-1, ndim)
            mean, cov = sample.mean(axis=0), np.atleast_2d(np.cov(sample.T))
        sampler = run(mean, cov, start, n_steps, ADAPT_ROUNDS)
        tau = sampler.get_autocorr_time(quiet=True, tol=0)
        # A chain too short to move has no estimable autocorrelation time: count it as the
        # whole chain (not converged), so burn-in and thinning stay defined.
        finite_tau = tau[np.isfinite(tau)]
        tau_max = float(finite_tau.max()) if finite_tau.size else float(n_steps)
        burn = int(min(max(5 * tau_max, n_steps // 10), n_steps // 2))
        thin = max(1, int(tau_max / 2))
        chain = sampler.get_chain(discard=burn, thin=thin)  # (steps, walkers, ndim)
        flat = chain.reshape(-1, ndim)
        idx = rng.choice(flat.shape[0], size=n_keep, replace=flat.shape[0] < n_keep)
        theta = self.thetas(flat[idx])
        draws = pd.DataFrame({k: v for k, v in theta.items()})
        half = n_walkers // 2
        rhat = _split_rhat(chain[:, :half], chain[:, half:])
        diag = {
            "sampler": (f"emcee with multiple-proposal Metropolis-within-Gibbs moves "
                        f"(Tjelmeland 2004; Calderhead 2014): each step redraws a block of "
                        f"{'/'.join(map(str, BLOCK_SIZES))} correlated parameters from the "
                        f"conditional law of a fitted multivariate t (df {PROPOSAL_DF}, "
                        f"covariance x {PROPOSAL_SCALE}^2) given the others, choosing among "
                        f"{TRIES} candidates per walker; guide adapted over {ADAPT_ROUNDS} "
                        f"rounds of {n_round} steps from the Laplace approximation, then fixed"),
            "walkers": int(n_walkers),
            "steps": int(n_steps),
            "burn_in": int(burn),
            "thin": int(thin),
            "acceptance_fraction": float(np.mean(sampler.acceptance_fraction)),
            "seconds": float(perf_counter() - t_start),
            "autocorr_time_max": tau_max,
            "autocorr_time": {n: float(t) for n, t in zip(self.names, tau, strict=True)},
            "chain_over_tau": float(n_steps / tau_max),
            "effective_samples": float(n_walkers * (n_steps - burn) / tau_max),
            "rhat_max": float(np.nanmax(rhat)),
            "rhat": {n: float(r) for n, r in zip(self.names, rhat, strict=True)},
        }
        return McmcResult(draws=draws, diagnostics=diag)


class MultipleProposalMove(emcee.moves.Move):
    """Multiple-proposal Metropolis-within-Gibbs move on blocks of correlated parameters.

    ``mean`` and ``cov`` are a guide law fitted to an earlier chain (a multivariate t with
    ``PROPOSAL_DF`` degrees of freedom, covariance ``cov * PROPOSAL_SCALE**2``). Each step
    picks a parameter at random and, as its block, the ``block`` parameters most correlated
    with it in the guide (itself included). Every walker draws ``tries`` candidates for the
    block from the guide's conditional law given its other coordinates (which stay), and
    moves to one of the candidates or stays, with probability proportional to
    ``posterior / proposal`` (Tjelmeland 2004; Calderhead 2014, *PNAS* 111:17408). The
    candidates do not depend on the block's current values, so this Gibbs step on the joint
    law of state and candidates leaves the posterior invariant; choosing among many
    candidates approaches an exact draw from the posterior's conditional even where the
    guide is only a rough fit (bounds, curvature). Blocks follow the correlations, so
    parameters that the data tie together (an initial stock and its growth rate) move
    together.

    All walkers' candidates are evaluated in one vectorised engine call, which costs little
    more than one run per walker.
    """

    def __init__(self, mean: np.ndarray, cov: np.ndarray, block: int, tries: int):
        self.mean = np.asarray(mean, float)
        self.ndim = self.mean.size
        self.block = int(min(block, self.ndim))
        self.tries = int(tries)
        self.cov = 0.5 * (cov + cov.T) * PROPOSAL_SCALE**2
        sd = np.sqrt(np.clip(np.diag(self.cov), 1e-300, None))
        corr = np.abs(self.cov / np.outer(sd, sd))
        np.fill_diagonal(corr, np.inf)  # a parameter's block starts with itself
        self.partners = np.argsort(-corr, axis=1, kind="stable")[:, : self.block]
        self._laws: dict[tuple[int, ...], tuple] = {}

    def conditional(self, block: np.ndarray) -> tuple:
        """``(block, rest, regression, factor, inverse factor)`` of the guide's conditional.

        Given the other coordinates ``x_r`` the block is ``mean_b + K (x_r - mean_r) + L z``
        with ``z`` a standard multivariate t.
        """
        key = tuple(sorted(int(i) for i in block))
        if key not in self._laws:
            b = np.array(key)
            r = np.setdiff1d(np.arange(self.ndim), b)
            S = self.cov
            K = np.linalg.solve(S[np.ix_(r, r)], S[np.ix_(r, b)]).T if r.size else \
                np.zeros((b.size, 0))
            C = S[np.ix_(b, b)] - K @ S[np.ix_(r, b)]
            C = 0.5 * (C + C.T)
            L = np.linalg.cholesky(C + 1e-12 * np.diag(np.diag(C)))
            self._laws[key] = (b, r, K, L, np.linalg.inv(L))
        return self._laws[key]

    def _log_q(self, z: np.ndarray) -> np.ndarray:
        return -0.5 * (PROPOSAL_DF + z.shape[-1]) * np.log1p(
            np.sum(z * z, axis=-1) / PROPOSAL_DF)

    def propose(self, model, state):
        """One step for every walker (emcee's ``Move`` interface)."""
        rnd = model.random
        n, m = state.coords.shape[0], self.tries
        b, r, K, L, L_inv = self.conditional(self.partners[rnd.randint(self.ndim)])
        X = state.coords
        centre = self.mean[b] + (X[:, r] - self.mean[r]) @ K.T  # (n, k)
        z_now = (X[:, b] - centre) @ L_inv.T
        w = rnd.chisquare(PROPOSAL_DF, size=(n, m)) / PROPOSAL_DF
        z_new = rnd.standard_normal((n, m, b.size)) / np.sqrt(w)[..., None]
        cand = np.repeat(X[:, None, :], m, axis=1)
        cand[:, :, b] = centre[:, None, :] + z_new @ L.T
        log_p, _ = model.compute_log_prob_fn(cand.reshape(n * m, self.ndim))
        log_p = np.reshape(log_p, (n, m))
        log_w = np.concatenate([(state.log_prob - self._log_q(z_now))[:, None],
                                log_p - self._log_q(z_new)], axis=1)
        log_w = np.where(np.isfinite(log_w), log_w, -np.inf)
        with np.errstate(invalid="ignore"):  # no finite weight: the walker stays
            prob = np.exp(log_w - log_w.max(axis=1, keepdims=True))
            prob /= prob.sum(axis=1, keepdims=True)
        choice = (prob.cumsum(axis=1) < rnd.uniform(size=(n, 1))).sum(axis=1)
        choice = np.minimum(choice, m)
        accepted = choice > 0
        rows = np.flatnonzero(accepted)
        new_coords = X.copy()
        new_coords[rows] = cand[rows, choice[rows] - 1]
        new_log_p = state.log_prob.copy()
        new_log_p[rows] = log_p[rows, choice[rows] - 1]
        new_state = emcee.State(new_coords, log_prob=new_log_p)
        return self.update(state, new_state, accepted), accepted


def _split_rhat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Gelman-Rubin R-hat per parameter, treating two walker groups as two chains."""
    chains = [a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])]
    n = min(len(c) for c in chains)
    chains = np.stack([c[:n] for c in chains])  # (2, n, ndim)
    within = chains.var(axis=1, ddof=1).mean(axis=0)
    between = n * chains.mean(axis=1).var(axis=0, ddof=1)
    var_hat = (n - 1) / n * within + between / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(var_hat / within)


@dataclass
class CalibrationOutcome:
    """What :func:`calibrate_region` produced."""

    posterior: Posterior
    folder: Path
    report: Path | None
    summary: dict


def _predictive(ens: np.ndarray, sigma: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ensemble values with relative observation error added (posterior predictive)."""
    return ens * (1.0 + sigma * rng.normal(size=ens.shape))


def calibrate_region(
    region: str = DEFAULT_REGION,
    seed: int = 0,
    n_starts: int = 8,
    n_steps: int = DEFAULT_STEPS,
    n_keep: int = 4000,
    out_dir: Path | None = None,
    progress: bool = True,
    include_unverified: bool = False,
    log: Callable[[str], None] = print,
    observations: pd.DataFrame | None = None,
    observed_file: Path = OBSERVED_FILE,
    force: bool = False,
    write_report: Callable[..., Path] | None = None,
    as_of: int | None = None,
) -> CalibrationOutcome:
    """Calibrate ``region``, store its posterior and write the fit report.

    Everything is computed before anything is written, and the folder (posterior, report,
    charts and ``provenance.yaml``) is replaced as a whole
    (:func:`~suzhou_sim.fileio.outputs.prepare_output_dir`), so a failure leaves the stored
    calibration as it was. ``observed_file`` is the file the observations came from (its
    fingerprint is recorded); ``force`` replaces an ``out_dir`` that this tool did not write.
    ``write_report`` writes the fit report into the folder (called with the folder, region,
    fit tables, parameter table, diagnostics, out-of-sample rows, charts, skipped rows and
    run time, and ``informed=``; returns the report's path): the orchestration above
    calibration passes :func:`suzhou_sim.reporting.fit_report.write_fit_report`
    (:func:`~suzhou_sim.reporting.fit_report.calibrate_and_report`); without it no report is
    written. ``as_of`` fits only the rows for years up to it (what the tool would have said
    then; recorded in ``provenance.yaml``). Deterministic for a given ``seed``.
    """

    from ..fileio.outputs import prepare_output_dir
    from .posterior import save_posterior
    from .provenance import write_provenance

    t0 = perf_counter()
    obs = observations if observations is not None else load_observations(
        observed_file, region=region, include_unverified=include_unverified)
    obs = observations_as_of(obs, as_of)
    cal = Calibrator(region, observations=obs)
    log(f"{region}: {len(cal.payoff.rows)} observation rows, {len(cal.names)} free parameters")
    fit = cal.fit_map(n_starts=n_starts, seed=seed, progress=progress)
    starts = ", ".join(f"{c:.1f}" for c in fit.start_costs)
    log(f"{region}: MAP cost {fit.cost:.2f} (starts: {starts})")
    mc = cal.sample_posterior(fit, n_steps=n_steps, n_keep=n_keep, seed=seed, progress=progress)
    d = mc.diagnostics
    log(f"{region}: posterior {len(mc.draws)} sets, R-hat max {d['rhat_max']:.3f}, "
        f"chain/tau {d['chain_over_tau']:.1f}, acceptance {d['acceptance_fraction']:.2f}")

    # Start every draw (and the point estimate, on the figures themselves) from the
    # published state: corrections stored as posterior columns (conditioning.py).
    point, draws, cond = condition_posterior(fit.theta, mc.draws, cal.region.constants, obs,
                                             model=cal.model, seed=seed)
    log(f"{region}: conditioned on the published state ("
        + ", ".join(f"{r.indicator} {r.year}: percentile {r.percentile_before:.0f} -> "
                    f"{r.percentile_after:.0f}" for r in cond.summary.itertuples()) + ")")

    rng = np.random.default_rng(seed)
    indicators = list(dict.fromkeys(cal.payoff.rows["indicator"]))
    registry = load_indicators()
    columns = [registry[i].variable for i in indicators]
    X_map = cal.to_x(fit.theta)
    ens_idx = rng.choice(len(mc.draws), size=min(1000, len(mc.draws)), replace=False)
    X_ens = np.column_stack([
        cal.parameters[j].to_x(mc.draws[n].to_numpy()[ens_idx]) for j, n in enumerate(cal.names)
    ])
    run_map = cal.run(X_map, columns)
    run_ens = cal.run(X_ens, columns)
    rows = cal.payoff.rows
    sigma_rows = rows["sigma"].to_numpy()
    ens_rows = cal.payoff.simulated(run_ens)
    tables = fit_tables(
        rows, cal.payoff.simulated(run_map)[0], ens_rows, _predictive(ens_rows, sigma_rows, rng)
    )
    charts = {}
    for ind, var in zip(indicators, columns, strict=True):
        own = rows[rows["indicator"] == ind]
        two = own[own["bound"].isin(["exact", "approx"])]
        # The band's error scale: the series' two-sided rows (its bounds only if it has none).
        sig = float((two if not two.empty else own)["sigma"].min())
        ens = run_ens[var]
        charts[ind] = (cal.times, run_map[var][0], ens, _predictive(ens, sig, rng))

    oos = None
    # Out of sample: fit to the data two years before the last, predict those two years.
    split = int(obs["year"].max()) - 2
    early = obs[obs["year"] <= split]
    late = tables.rows[tables.rows["year"] > split]
    if not late.empty and len(Payoff(early, cal.times).rows) >= 5:
        cal_oos = Calibrator(region, observations=early, parameters=cal.parameters)
        fit_oos = cal_oos.fit_map(n_starts=max(2, n_starts // 2), seed=seed, progress=progress)
        pred_all = cal.payoff.simulated(cal.run(cal.to_x(fit_oos.theta)))[0]
        oos = late[["indicator", "year", "value", "bound", "fitted"]].copy()
        oos["predicted"] = pred_all[late.index.to_numpy()]
        two = oos["bound"].isin(["exact", "approx"])
        oos["ape_oos_pct"] = np.where(
            two, np.abs(oos["predicted"] - oos["value"]) / oos["value"] * 100, np.nan)
        oos["ape_in_pct"] = np.where(
            two, np.abs(oos["fitted"] - oos["value"]) / oos["value"] * 100, np.nan)

    params = pd.DataFrame({
        "parameter": cal.names,
        "prior_centre": [p.centre for p in cal.parameters],
        "map": [fit.theta[n] for n in cal.names],
        "p10": [float(np.percentile(mc.draws[n], 10)) for n in cal.names],
        "median": [float(np.median(mc.draws[n])) for n in cal.names],
        "p90": [float(np.percentile(mc.draws[n], 90)) for n in cal.names],
    })
    params["rel_width"] = (params["p90"] - params["p10"]) / params["median"].abs()
    informed = informed_parameters(cal, mc.draws)
    if cal.region.parent is not None:
        # Show how much less the sparse regional data pin the parameters down.
        suz = load_posterior(cal.region.parent).draws
        q10, q50, q90 = (suz[cal.names].quantile(q) for q in (0.1, 0.5, 0.9))
        params["suzhou_rel_width"] = ((q90 - q10) / q50.abs()).to_numpy()
    runtime = perf_counter() - t0
    summary = {
        "seed": int(seed),
        "observation_rows": int(len(rows)),
        "map_cost": float(fit.cost),
        "band_coverage": float(tables.coverage),
        "bounds_respected": bool(tables.bounds_respected),
        "mape_pct": {
            r["indicator"]: float(r["mape_exact_reported_pct"])
            for _, r in tables.series.iterrows() if not np.isnan(r["mape_exact_reported_pct"])
        },
        "runtime_s": float(runtime),
        "free_parameters": len(cal.names),
        "informed_parameters": int(informed["informed"].sum()),
        "effective_parameters": float(np.sum(1 - np.clip(informed["sd_ratio"], 0, 1) ** 2)),
    }
    summary["conditioning"] = cond.summary.to_dict("records")
    posterior = Posterior(
        region=region, point=point, draws=draws,
        meta={"summary": summary, "diagnostics": mc.diagnostics},
    )
    folder = Path(out_dir or CALIBRATION_DIR / region)
    # The whole folder at once: no chart of an earlier fit survives, provenance included.
    # The backtest and its forecast-error model live in the region's folder too, written by
    # ``backtest``: a recalibration carries them over.
    with prepare_output_dir(folder, force=force,
                            writer=f"suzhou-sim calibrate --region {region}",
                            keep=KEPT_BY_RECALIBRATION) as tmp:
        save_posterior(posterior, tmp)
        report = None if write_report is None else write_report(
            tmp, region, tables, params, mc.diagnostics, oos, charts, cal.payoff.skipped, runtime,
            informed=informed, conditioning=cond.summary,
        )
        write_provenance(tmp, region, as_of=as_of, observed_file=Path(observed_file))
    report = folder / report.name if report is not None else None
    written = f" (report {report.name})" if report is not None else ""
    log(f"{region}: stored {folder}{written} in {runtime:.0f} s")
    return CalibrationOutcome(posterior, folder, report, summary)
