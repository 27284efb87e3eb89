"""Rolling-origin backtest: calibrate on the history up to an origin, forecast what followed.

For each forecast origin the region is calibrated on the observations up to that year only,
with a faster fit than ``calibrate`` (the maximum a posteriori from a few least-squares
starts, then ``calibrate``'s sampler with a shorter chain, or, with ``steps=0``, a Laplace
approximation: a normal law in the fit's transformed parameters with the inverse
Gauss-Newton Hessian as covariance, truncated to the bounds). The baseline scenario of the
region is then run through the one evaluator (posterior rows x assumption draws x levers,
as for every scenario run); the levers act from 2024, so the backtest years see the
historic policy. Every published value after the origin (exact or approximate rows; one
per indicator and year) is compared with the forecast and with three naive forecasts made
from the same history, and, where a policy target for the indicator was published by the
origin, with the plan-trend path from the last published value to that target.

Kunshan's priors derive from a Suzhou fit: the backtest fits Suzhou at the same origin first,
so no later Suzhou figure leaks into a Kunshan forecast.

This module computes tables; it writes no file (``cli.backtest``) and words nothing
(``reporting.backtest_report``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..calibration.conditioning import condition_posterior
from ..calibration.fit import Calibrator, MapFit, load_free_parameters
from ..calibration.posterior import Posterior
from ..catalogues.indicators import indicator_values, load_indicators
from ..catalogues.observations import load_observations, observations_as_of
from ..catalogues.regions import DEFAULT_REGION, check_region, load_region
from ..catalogues.scenarios import Scenario, baseline_file, load_scenario
from ..catalogues.targets import Target, load_targets
from ..catalogues.timeline import FIRST_SIM_YEAR
from ..ensemble.inputs import scenario_inputs
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..limits import check_draws
from ..wording.problems import Phrase
from .predictive import (
    POOLINGS,
    ErrorModel,
    choose_error_variant,
    compare_error_laws,
    fit_error_model,
    predictive_draws,
)
from .skill import (
    NAIVE_METHODS,
    PLAN_METHOD,
    crps_ensemble,
    naive_forecasts,
    plan_path_forecast,
    skill_table,
)

__all__ = [
    "PREDICTIVE_COLUMNS",
    "DEFAULT_ORIGINS",
    "KEY_SERIES",
    "BacktestResult",
    "run_backtest",
    "laplace_posterior",
    "mcmc_posterior",
    "BACKTEST_STEPS",
    "check_origins",
    "out_of_sample_rows",
    "PlanTarget",
    "plan_targets",
    "plan_forecast",
    "PLAN_MEASURES",
]

DEFAULT_ORIGINS = (2020, 2021, 2022, 2023)
#: The series the issue's backtest goals name.
KEY_SERIES = ("high_tech_enterprises", "tech_smes_registered", "hte_recognitions",
              "rd_expenditure", "rd_intensity", "tech_contract_turnover",
              "high_tech_output_share", "listed_companies")
#: Rows whose value is a point statement (bounds say only "over"/"under").
POINT_BOUNDS = ("exact", "approx")
#: Preference when one indicator-year has several published values.
_BOUND_RANK = {"exact": 0, "approx": 1}
_QUALITY_RANK = {"reported": 0, "preliminary": 1, "derived": 2, "unverified": 3}
#: Quantiles kept for the fan charts and the table.
QUANTILES = (10, 25, 50, 75, 90)
#: The predictive quantiles of each scored value (the ensemble's with the structural error).
PREDICTIVE_COLUMNS = tuple(f"pred_p{p}" for p in QUANTILES)
#: Target measures whose threshold is a value of the indicator in the target year (a
#: cumulative target counts a sum over years, not a point of the path).
PLAN_MEASURES = ("level", "annual", "ratio")
#: The year of a policy document's number, e.g. 苏委发〔2022〕1号.
_DOC_YEAR = re.compile(r"〔(\d{4})〕")  # zh-ok: the brackets of a document number
#: Posterior sets per origin from which the ensemble's posterior rows are taken.
LAPLACE_SETS = 2000
#: MCMC steps per walker of each origin's fit (``calibrate``'s sampler, a shorter chain);
#: 0 means the Laplace approximation.
BACKTEST_STEPS = 800


@dataclass
class BacktestResult:
    """Outcome of :func:`run_backtest`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per out-of-sample published value: ``origin, indicator, year, horizon,
        observed, bound, quality, p10, p25, p50, p75, p90, crps``, the naive forecasts
        ``naive_last, naive_drift, naive_trend``, the plan-trend forecast ``naive_plan``
        (NaN where no target for the indicator was issued by the origin), and
        ``pred_p10, pred_p25, pred_p50, pred_p75, pred_p90``: the predictive bands with the
        structural error estimated from the *other* origins' errors (leave-one-origin-out,
        so their coverage is out of sample).
    skill : pandas.DataFrame
        :func:`suzhou_sim.studies.skill.skill_table` of ``table``.
    fans : pandas.DataFrame
        ``origin, indicator, year, p10, p25, p50, p75, p90`` for every year from 2019
        through the last observed year, for the charts.
    error_model : ErrorModel
        Structural error fitted on all origins' errors (what scenario runs use), of the law
        and pooling chosen by the leave-one-origin-out log score (``law_comparison``).
    fits : list of dict
        Per origin: observation rows, free parameters, MAP cost, seconds.
    law_comparison : pandas.DataFrame or None
        :func:`~suzhou_sim.studies.predictive.compare_error_laws` of the table (None with a
        single origin: nothing to leave out, the law is normal).
    """

    region: str
    origins: list[int]
    draws: int
    seed: int
    table: pd.DataFrame
    skill: pd.DataFrame
    fans: pd.DataFrame
    error_model: ErrorModel
    fits: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    n_starts: int = 0
    steps: int = 0
    law_comparison: pd.DataFrame | None = None


def _in_scope(obs: pd.DataFrame) -> pd.DataFrame:
    """Rows the model measures, within the simulated years (as the payoff keeps them)."""
    registry = load_indicators()
    keep = obs["indicator"].map(lambda i: registry[i].variable is not None)
    return obs[keep & (obs["year"] >= FIRST_SIM_YEAR - 1)]


def out_of_sample_rows(obs: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Published point values after ``origin``: one per indicator and year.

    Exact rows are preferred to approximate ones, reported figures to preliminary or derived
    ones; bound rows (``lower``/``upper``) are no point value and are left out.
    """
    rows = _in_scope(obs)
    rows = rows[(rows["year"] > origin) & rows["bound"].isin(POINT_BOUNDS)].copy()
    rows["_rank"] = rows["bound"].map(_BOUND_RANK) * 10 + rows["quality"].map(_QUALITY_RANK)
    rows = rows.sort_values(["indicator", "year", "_rank"]).drop_duplicates(
        ["indicator", "year"])
    return rows.drop(columns="_rank").reset_index(drop=True)


def check_origins(region: str, origins: Sequence[int], obs: pd.DataFrame) -> list[int]:
    """Validated, sorted origins; :class:`InputError` naming what is allowed otherwise.

    An origin must be a year after the model's initial time (``FIRST_SIM_YEAR`` or later: a
    fit up to it runs the model past its start), have at least one in-scope observation up to
    it (to calibrate on) and at least one published point value after it (to score).
    """
    check_region(region, "--region")
    scoped = _in_scope(obs)
    if scoped.empty:
        raise InputError(code="err.bt_no_observation", file=region)
    points = scoped[scoped["bound"].isin(POINT_BOUNDS)]
    # The model starts at FIRST_SIM_YEAR - 1 (its INITIAL TIME); a fit up to an origin needs a
    # run that ends after it, so the first origin is FIRST_SIM_YEAR (2018 data still count).
    first, last = int(FIRST_SIM_YEAR), int(points["year"].max()) - 1
    out = sorted({int(o) for o in origins})
    if not out:
        raise InputError(code="err.bt_no_origin", file="--origins")
    for origin in out:
        if not first <= origin <= last:
            raise InputError(code="err.bt_origin_range", file="--origins", origin=origin,
                             region=region, first=first, last=last)
        if scoped[scoped["year"] <= origin].empty:
            raise InputError(code="err.bt_origin_no_data", file="--origins", field=str(origin),
                             region=region, origin=origin, first=int(scoped["year"].min()))
    return out


def laplace_posterior(cal: Calibrator, fit: MapFit, n: int, seed: int) -> Posterior:
    """Posterior sets from the Laplace approximation around the MAP of ``cal``.

    Normal in the transformed parameters (logs for log-normal priors) with the fit's
    inverse Gauss-Newton Hessian, data and prior residuals together, as covariance; draws
    outside the bounds are replaced by fresh ones (reflected into the box after ten tries),
    and draws where the model gives a non-finite output (zero density) are dropped and the
    rest resampled.
    """
    rng = np.random.default_rng(seed)
    cov = (fit.covariance + fit.covariance.T) / 2
    # Weakly identified directions can have huge variances: the bounds cap them anyway.
    span = cal.x_upper - cal.x_lower
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    scale = np.minimum(1.0, span / np.maximum(sd, 1e-300))
    cov = cov * np.outer(scale, scale)
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    X = fit.x + rng.standard_normal((n, fit.x.size)) @ root.T
    for _ in range(10):
        bad = np.any((X < cal.x_lower) | (X > cal.x_upper), axis=1)
        if not bad.any():
            break
        X[bad] = fit.x + rng.standard_normal((int(bad.sum()), fit.x.size)) @ root.T
    lo, hi = cal.x_lower, cal.x_upper
    X = np.where(X < lo, 2 * lo - X, X)
    X = np.clip(np.where(X > hi, 2 * hi - X, X), lo, hi)
    # The normal approximation can reach parameter sets where the model is undefined (a
    # non-finite output: zero posterior density). Those sets are dropped and the others
    # resampled to keep ``n`` rows; how many were dropped is recorded.
    keep, dropped = _finite_sets(cal, X, np.isfinite(cal.log_posterior(X)), rng,
                                 "err.bt_laplace_draws")
    draws = pd.DataFrame(cal.thetas(X[keep]))
    return Posterior(region=cal.region.name, point=dict(fit.theta), draws=draws,
                     meta={"laplace": True, "laplace_dropped": dropped})


def _finite_sets(cal: Calibrator, X: np.ndarray, candidates: np.ndarray,
                 rng: np.random.Generator, what: str) -> tuple[np.ndarray, int]:
    """Rows of ``X`` to keep: candidates whose runs are finite over the whole horizon.

    The rows left out are replaced by resampling the others, so ``len(X)`` indices come
    back, with the number dropped. ``what`` is the key of the text naming the sets (shown
    when none is finite).
    """
    finite = candidates.copy()
    variables = sorted({i.variable for i in load_indicators().values() if i.variable})
    runs = cal.run(X[finite], columns=variables)  # the whole horizon, not only the data years
    finite[finite] = np.all([np.isfinite(np.asarray(runs[v])).all(axis=1) for v in variables],
                            axis=0)
    n = len(X)
    if not finite.any():
        raise InputError(code="err.bt_no_finite", file="backtest", n=n, what=Phrase(what),
                         region=cal.region.name)
    keep = np.flatnonzero(finite)
    if keep.size < n:
        keep = np.concatenate([keep, rng.choice(keep, n - keep.size)])
    return keep, int(n - finite.sum())


def mcmc_posterior(cal: Calibrator, fit: MapFit, n: int, seed: int, steps: int) -> Posterior:
    """Posterior sets from ``calibrate``'s sampler run for ``steps`` steps from ``fit``.

    Sets where the model gives a non-finite output over the whole horizon are dropped and
    the rest resampled, as for :func:`laplace_posterior`.
    """
    rng = np.random.default_rng(seed)
    mc = cal.sample_posterior(fit, n_steps=steps, n_keep=n, seed=seed)
    X = np.column_stack([p.to_x(mc.draws[p.name].to_numpy()) for p in cal.parameters])
    keep, dropped = _finite_sets(cal, X, np.ones(len(X), bool), rng,
                                 "err.bt_posterior_sets")
    draws = mc.draws.iloc[keep].reset_index(drop=True)
    return Posterior(region=cal.region.name, point=dict(fit.theta), draws=draws,
                     meta={"mcmc_steps": int(steps), "dropped": dropped,
                           "chain_over_tau": mc.diagnostics["chain_over_tau"]})


def _fit_origin(region: str, obs: pd.DataFrame, origin: int, n_starts: int, seed: int,
                suzhou: Posterior | None, steps: int) -> tuple[Posterior, dict]:
    start = time.perf_counter()
    params = load_free_parameters(region, suzhou_posterior=suzhou) \
        if load_region(region).parent is not None else None
    known = observations_as_of(obs, origin)  # the data as they stood at the origin
    cal = Calibrator(region, observations=known, parameters=params)
    fit = cal.fit_map(n_starts=n_starts, seed=seed)
    post = (mcmc_posterior(cal, fit, LAPLACE_SETS, seed, steps) if steps
            else laplace_posterior(cal, fit, LAPLACE_SETS, seed))
    # as in production: every draw starts from the state published by the origin
    point, draws, _ = condition_posterior(post.point, post.draws, cal.region.constants, known,
                                          model=cal.model, seed=seed)
    post = Posterior(region=post.region, point=point, draws=draws, meta=post.meta)
    info = {"origin": origin, "region": region, "observation_rows": int(len(cal.payoff.rows)),
            "free_parameters": len(cal.names), "map_cost": round(float(fit.cost), 4),
            "seconds": round(time.perf_counter() - start, 1)}
    return post, info


def _forecast(scenario: Scenario, post: Posterior, draws: int, seed: int,
              indicators: list[str], progress: Progress | None):
    registry = load_indicators()
    columns = list(dict.fromkeys(registry[i].variable for i in indicators))
    params = scenario_inputs(scenario, draws, seed, post)
    return run_ensemble(params, draws, columns, progress=progress)


@dataclass(frozen=True)
class PlanTarget:
    """A policy target usable as a plan-trend benchmark: its value in its year, and the year
    its document was issued (from the document number)."""

    target_id: str
    indicator: str
    year: int
    value: float
    issued: int
    source_doc: str


def plan_targets(region: str, targets: dict[str, Target] | None = None) -> list[PlanTarget]:
    """Targets of ``region`` that give a point on a plan path, in catalogue order.

    A target qualifies when it is in the model's scope, its (evaluated) measure is one of
    :data:`PLAN_MEASURES`, it is no "every year" floor (no ``from_year``), its threshold is
    positive, and its document number carries the year of issue (〔YYYY〕, the latest
    when several documents are cited): a forecaster at an origin may only use a target
    issued by then, and a document without a year could leak a later plan. The threshold
    must also be a value of the indicator's own series: no bound (a target counting a
    superset or subset of what the series measures), no target of another model variable,
    and the indicator's unit.
    """
    registry = load_indicators()
    out = []
    for t in (targets if targets is not None else load_targets()).values():
        years = [int(y) for y in _DOC_YEAR.findall(t.source_doc or "")]
        indicator = registry.get(t.indicator)
        if (t.region != region or not t.in_scope or t.eval_measure not in PLAN_MEASURES
                or t.from_year is not None or not t.threshold > 0 or not years
                or t.bound is not None or t.variable is not None or indicator is None
                or t.unit != indicator.unit):
            continue
        out.append(PlanTarget(t.target_id, t.indicator, int(t.year), float(t.threshold),
                              max(years), t.source_doc))
    return out


def plan_forecast(plans: Sequence[PlanTarget], indicator: str, origin: int,
                  years: Sequence[int], values: Sequence[float], year: int) -> float:
    """The plan-trend forecast of ``indicator`` in ``year`` made at ``origin``.

    Among the targets for the indicator issued by the origin whose year is at or after
    ``year``, the one issued last (then the nearest target year, then catalogue order) gives
    the path end; the path starts at the last published value up to the origin
    (:func:`~suzhou_sim.studies.skill.plan_path_forecast`). NaN without such a target or
    history.
    """
    if len(years) == 0:
        return float("nan")
    usable = [p for p in plans if p.indicator == indicator and p.issued <= origin
              and p.year >= year]
    if not usable:
        return float("nan")
    plan = min(enumerate(usable), key=lambda kv: (-kv[1].issued, kv[1].year, kv[0]))[1]
    last = int(np.argmax(np.asarray(years)))
    return plan_path_forecast(int(years[last]), float(values[last]), plan.year, plan.value,
                              int(year))


def _history(obs: pd.DataFrame, indicator: str, origin: int) -> pd.DataFrame:
    own = obs[(obs["indicator"] == indicator) & (obs["year"] <= origin)
              & obs["bound"].isin(POINT_BOUNDS)]
    return own.sort_values("year")


def _rows_for_origin(obs, origin, results, last_year, plans: Sequence[PlanTarget] = ()
                     ) -> tuple[list[dict], list[pd.DataFrame]]:
    targets = out_of_sample_rows(obs, origin)
    rows, fans = [], []
    years = list(range(FIRST_SIM_YEAR, last_year + 1))
    for ind, own in targets.groupby("indicator", sort=True):
        values = indicator_values(results, ind, years, "level")
        q = np.percentile(values, QUANTILES, axis=0)
        fans.append(pd.DataFrame({"origin": origin, "indicator": ind, "year": years,
                                  **{f"p{p}": q[k] for k, p in enumerate(QUANTILES)}}))
        hist = _history(obs, ind, origin)
        for rec in own.to_dict("records"):
            col = years.index(int(rec["year"]))
            ens = values[:, col]
            naive = naive_forecasts(hist["year"].tolist(), hist["value"].tolist(),
                                    int(rec["year"]))
            # the last year's mean value, as the naive forecasts use it
            last = hist.groupby("year")["value"].mean()
            naive[PLAN_METHOD] = plan_forecast(plans, ind, origin, last.index.tolist(),
                                               last.tolist(), int(rec["year"]))
            rows.append({
                "origin": origin, "indicator": ind, "year": int(rec["year"]),
                "horizon": int(rec["year"]) - origin, "observed": float(rec["value"]),
                "bound": rec["bound"], "quality": rec["quality"],
                **{f"p{p}": float(q[k, col]) for k, p in enumerate(QUANTILES)},
                "crps": float(crps_ensemble(rec["value"], ens)[0]),
                **naive, "_ensemble": ens,
            })
    return rows, fans


def _predictive_band(table: pd.DataFrame, region: str, seed: int, law: str = "normal",
                     pooling: str = "grouped") -> pd.DataFrame:
    """Leave-one-origin-out predictive band: the error model of the other origins (of
    ``law`` and ``pooling``; a Student-t's df fitted on the other origins too)."""
    out = table.copy()
    for col in PREDICTIVE_COLUMNS:
        out[col] = np.nan
    origins = sorted(out["origin"].unique())
    for origin in origins:
        others = out[out["origin"] != origin]
        if others.empty:
            continue
        # Horizons count from the origin here: last observed year 0, "years" = horizons.
        model = fit_error_model(others, region, 0, law, pooling=pooling)
        for idx in out.index[out["origin"] == origin]:
            rec = out.loc[idx]
            ens = np.asarray(rec["_ensemble"])[:, None]
            # a Generator, not its normal numbers: the draws follow the model's law (a
            # Student-t's chi-square too); for a normal law the numbers are the same
            rng = np.random.default_rng([seed, int(origin), int(idx)])
            pred = predictive_draws(ens, rec["indicator"], [rec["horizon"]], region, rng, model)
            out.loc[idx, list(PREDICTIVE_COLUMNS)] = np.percentile(
                pred[:, 0], [10, 25, 50, 75, 90])
    return out


def run_backtest(
    region: str = DEFAULT_REGION,
    origins: Sequence[int] = DEFAULT_ORIGINS,
    draws: int = 500,
    seed: int = 0,
    observations: pd.DataFrame | None = None,
    n_starts: int = 2,
    scenario: Scenario | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    steps: int = BACKTEST_STEPS,
) -> BacktestResult:
    """Rolling-origin backtest of ``region``'s baseline forecasts.

    Parameters
    ----------
    region : str
        ``suzhou`` or ``kunshan``.
    origins : sequence of int
        Last observed year of each calibration (see :func:`check_origins`).
    draws : int
        Ensemble size of each forecast.
    seed : int
        Seed of the fits, the Laplace draws and the ensembles.
    observations : pandas.DataFrame, optional
        Observation rows (default: the region's rows of ``data/observed_history.csv``).
        For Kunshan, Suzhou's rows are read from the default file for the prior fits.
    n_starts : int
        Least-squares starts per fit.
    scenario : Scenario, optional
        Scenario to forecast with (default: the region's baseline).
    progress : callable, optional
        ``progress(done, total)`` of each forecast ensemble.
    log : callable, optional
        Receives one line per finished step.
    steps : int
        MCMC steps per walker of each fit (``calibrate``'s sampler, shorter); 0 uses the
        Laplace approximation instead.

    Returns
    -------
    BacktestResult
    """
    start = time.perf_counter()
    draws = check_draws(draws, "--draws")
    check_region(region, "--region")
    obs = observations if observations is not None else load_observations(region=region)
    obs = obs[obs["region"] == region] if "region" in obs else obs
    origins = check_origins(region, origins, obs)
    if scenario is None:
        scenario = load_scenario(baseline_file(region, required=True))
    if scenario.region != region:
        raise InputError(code="err.bt_scenario_region", name=scenario.name,
                         own=scenario.region, region=region)
    last_year = int(_in_scope(obs)["year"].max())
    parent = load_region(region).parent
    suzhou_obs = load_observations(region=parent) if parent is not None else None
    rows, fans, fits = [], [], []
    plans = plan_targets(region)
    for origin in origins:
        suzhou_post = None
        if suzhou_obs is not None:
            suzhou_post, info = _fit_origin(parent, suzhou_obs, origin, n_starts, seed, None,
                                            steps)
            fits.append(info)
        post, info = _fit_origin(region, obs, origin, n_starts, seed, suzhou_post, steps)
        indicators = sorted(out_of_sample_rows(obs, origin)["indicator"].unique())
        results = _forecast(scenario, post, draws, seed, indicators, progress)
        new_rows, new_fans = _rows_for_origin(obs, origin, results, last_year, plans)
        rows += new_rows
        fans += new_fans
        fits.append(info)
        if log:
            log(f"{region} origin {origin}: {info['observation_rows']} rows, "
                f"MAP cost {info['map_cost']:.2f}, {len(new_rows)} values scored "
                f"({info['seconds']:.0f} s fit)")
    table = pd.DataFrame(rows)
    comparison = compare_error_laws(table, region, POOLINGS) if len(origins) > 1 else None
    law, pooling = (choose_error_variant(comparison) if comparison is not None
                    else ("normal", "grouped"))
    table = _predictive_band(table, region, seed, law, pooling)
    table = table.drop(columns="_ensemble").sort_values(
        ["origin", "indicator", "year"]).reset_index(drop=True)
    columns = ["origin", "indicator", "year", "horizon", "observed", "bound", "quality",
               *(f"p{p}" for p in QUANTILES), "crps", *NAIVE_METHODS, PLAN_METHOD,
               *PREDICTIVE_COLUMNS]
    table = table[columns]
    model = fit_error_model(table, region, last_year, law, pooling=pooling)
    return BacktestResult(
        region=region, origins=origins, draws=draws, seed=seed, table=table,
        skill=skill_table(table), fans=pd.concat(fans, ignore_index=True), error_model=model,
        fits=fits, seconds=time.perf_counter() - start, n_starts=n_starts, steps=steps,
        law_comparison=comparison,
    )
