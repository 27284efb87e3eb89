"""Sweeps: every target's probability and quantiles across values of one lever in one period.

All values run on the same draws (common random numbers), stacked values × draws per engine
call through :func:`suzhou_sim.ensemble.runs.run_plans`, so differences between values
come from the lever alone. Returns a table; charts and files live in ``reporting`` and ``cli``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.scenarios import Scenario, load_scenario
from ..catalogues.targets import evaluate_targets, target_variables, targets_for_region
from ..ensemble.inputs import scenario_inputs
from ..ensemble.results import RunSlice
from ..ensemble.runs import run_plans
from ..errors import InputError
from ..limits import check_draws
from .optimise import plan_decisions
from .predictive import predictive_results

__all__ = ["SWEEP_COLUMNS", "sweep"]

SWEEP_COLUMNS = ["lever", "period", "value", "target_id", "status", "probability", "p10",
                 "median", "p90"]
#: Values of one sweep at most (each is a whole ensemble).
MAX_VALUES = 200


def sweep(
    scenario: Scenario | str | Path,
    lever: str,
    period: str,
    values: Sequence[float],
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    client=None,
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

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SWEEP_COLUMNS`, one row per value and target.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    (decision,) = plan_decisions([lever], [period], ("--lever", "--period"))
    values = [float(v) for v in values]
    if not 1 <= len(values) <= MAX_VALUES:
        raise InputError(f"--values: give 1-{MAX_VALUES} values, got {len(values)}")
    bad = [v for v in values if not decision.low <= v <= decision.high]
    if bad:
        raise InputError(f"--values: {bad[0]:g} is outside the allowed range of {lever} "
                         f"({decision.low:g}-{decision.high:g})")
    n = check_draws(scenario.draws if draws is None else draws, "--draws")
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    targets = [t for t in targets_for_region(scenario.region) if t.in_scope]
    base = scenario_inputs(scenario, n, seed, post)
    rows = []
    plans = {decision.vensim: np.array(values)}
    for start, stop, res in run_plans(base, n, plans, target_variables(targets), client=client):
        for i in range(stop - start):
            # The scoreboard's own evaluation of each value: the same probabilities, statuses
            # and quantiles as a scenario run (NaN where the status gives no probability).
            part = RunSlice(res, i * n, (i + 1) * n)
            board = evaluate_targets(predictive_results(part, scenario.region, seed), targets)
            rows += [[lever, period, values[start + i], r.target_id, r.status, r.probability,
                      r.p10, r.median, r.p90] for r in board.itertuples(index=False)]
    return pd.DataFrame(rows, columns=SWEEP_COLUMNS)
