"""Sweeps: every target's probability and quantiles across values of one lever in one period.

All values run on the same draws (common random numbers), stacked values × draws per engine
call, so differences between values come from the lever alone. A target driven by an
assumption (2030/2035 future industry) gets its range too: the probability at the driver's
low, central and high value for every lever value (:mod:`suzhou_sim.studies.driven`), or the
conditional value when the scenario fixes the driver; a prior-driven target its range over
the bands of the driver the base scenario's scoreboard names, on each value's own runs.
Returns a table; charts and files live in ``reporting`` and ``cli``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.scenarios import Scenario, load_scenario
from ..catalogues.targets import evaluate_targets, targets_for_region
from ..ensemble.inputs import scenario_inputs
from ..ensemble.runs import Progress
from ..errors import InputError
from ..limits import MAX_SWEEP_VALUES, check_draws
from .driven import answer_cells, fixed_prior_drivers, plan_answers
from .optimise import plan_decisions

__all__ = ["SWEEP_COLUMNS", "sweep"]

SWEEP_COLUMNS = ["lever", "period", "value", "target_id", "status", "forecast_status", "kind",
                 "probability",
                 "p_low", "p_central", "p_high", "drivers", "given", "basis", "p10", "median",
                 "p90"]
#: Values of one sweep at most (each is a whole ensemble); defined in ``suzhou_sim.limits``.
MAX_VALUES = MAX_SWEEP_VALUES


def sweep(
    scenario: Scenario | str | Path,
    lever: str,
    period: str,
    values: Sequence[float],
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    client=None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Probability and p10/median/p90 of every in-scope target of the region per lever value.

    Parameters
    ----------
    scenario : Scenario or path
        Scenario whose other levers stay as they are.
    lever, period : str
        Lever catalogue key and plan period swept.
    values : sequence of float
        Lever values, each within the lever's allowed range.
    draws, seed, posterior
        As for :func:`suzhou_sim.studies.scenario_runs.run_scenario`.
    client : distributed.Client, optional
        Run on this Dask cluster (identical results).
    progress : callable, optional
        ``progress(done, total)`` after each engine call.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SWEEP_COLUMNS`, one row per value and target. ``probability`` is the
        scoreboard's where its status gives one; for a range target the ensemble's share
        (drivers drawn) with ``p_low``/``p_central``/``p_high`` at the driver's settings
        (``kind`` ``range``, ``basis`` ``settings``), or the conditional value (``kind``
        ``conditional``, ``given`` the fixed drivers). A prior-driven target (or
        prior-sensitive bound) has ``kind`` ``range`` with ``basis`` ``bands``: ``p_low``
        / ``p_high`` the least and largest probability over the lowest, middle and highest
        fifth of each value's runs by the driver the base scenario's scoreboard names
        (the same driver for every value), ``p_central`` the middle fifth's; its
        ``status`` is ``prior_driven`` where the scoreboard's would be (an assessable target
        answered over those bands), and so is its ``forecast_status`` (the scoreboard's
        status of the forecast of a target whose year is not yet published).
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    (decision,) = plan_decisions([lever], [period], ("--lever", "--period"))
    values = [float(v) for v in values]
    if not 1 <= len(values) <= MAX_VALUES:
        raise InputError(code="err.sweep_count", file="--values", most=MAX_VALUES,
                         count=len(values))
    bad = [v for v in values if not decision.low <= v <= decision.high]
    if bad:
        raise InputError(code="err.sweep_range", file="--values", value=bad[0], lever=lever,
                         low=decision.low, high=decision.high)
    n = check_draws(scenario.draws if draws is None else draws, "--draws")
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    targets = [t for t in targets_for_region(scenario.region) if t.in_scope]
    base = scenario_inputs(scenario, n, seed, post)
    boards: dict[int, pd.DataFrame] = {}

    def board(i: int, results) -> None:
        # The scoreboard's own evaluation of each value: the same probabilities, statuses
        # and quantiles as a scenario run.
        boards[i] = evaluate_targets(results, targets)

    plans = [{decision.vensim: v} for v in values]
    answers = plan_answers(base, n, targets, scenario.region, seed, plans, client=client,
                           progress=progress, ensemble=board, posterior=post,
                           given=fixed_prior_drivers(scenario, n, seed, post, targets))
    rows = []
    for i, value in enumerate(values):
        for r, answer in zip(boards[i].itertuples(index=False), answers[i], strict=True):
            cells = answer_cells(answer)
            p = cells["probability"] if cells["kind"] != "single" else r.probability
            # answered over the bands of the prior driver: an assessable target (or the
            # forecast status of a nowcast) reads prior-driven, as the scoreboard's does
            # (apply_prior_sensitivity)
            bands = cells["basis"] == "bands"
            status, forecast = (("prior_driven" if bands and s == "assessable" else s)
                                for s in (r.status, r.forecast_status))
            rows.append([lever, period, value, r.target_id, status, forecast, cells["kind"], p,
                         cells["p_low"], cells["p_central"], cells["p_high"], cells["drivers"],
                         cells["given"], cells["basis"], r.p10, r.median, r.p90])
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)
