"""Scenario discovery: the boxes of uncertain inputs in which a target fails (PRIM).

The uncertain inputs of a scenario's ensemble are the calibrated parameters (posterior rows)
and every assumption the catalogue lists (effect sizes included) that the scenario leaves
uncertain; levers are fixed. The ensemble is run once on common random numbers, each run is
marked failed or not for the target, and the EMA workbench's PRIM peels boxes of inputs with a
high failure rate. For each box the whole peeling trajectory is kept (coverage, density, mass
and the restricted inputs with their ranges at every step) with one chosen step.

A box is kept only when its chosen step is worth reading: its failure rate (density) is at
least :data:`MIN_LIFT` times the base failure rate (the lift), it holds at least
:data:`MIN_COVERAGE` of all failures, and it restricts at least one input. When no step of a
box clears both, there is no box (the report says so; it never prints an empty condition).

:func:`discover_boxes` is the generic core (any input table and failure flags; tests use a
synthetic case with a known box); :func:`discover` applies it to a scenario. Returns data;
sentences and charts live in ``reporting.decision_report``.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..calibration.posterior import Posterior
from ..calibration.resolve import resolve_posterior
from ..catalogues.scenarios import Scenario, load_assumptions, load_scenario
from ..catalogues.targets import reached_per_run, target_variables
from ..ensemble.inputs import scenario_inputs
from ..ensemble.runs import Progress, run_ensemble
from ..errors import InputError
from ..limits import MAX_DRAWS, check_draws
from .optimise import check_targets
from .predictive import predictive_results

__all__ = ["Restriction", "Box", "Discovery", "discover_boxes", "uncertain_inputs", "discover",
           "check_rules", "MIN_LIFT", "MIN_COVERAGE", "MAX_BOXES", "MAX_DIMS"]

#: Least lift of a box: its failure rate over the base failure rate of all runs.
MIN_LIFT = 1.5
#: Least share of all failures a box must hold.
MIN_COVERAGE = 0.2
#: The chosen step of a box restricts at most this many inputs, so that it reads as a rule.
MAX_DIMS = 3
#: At most this many boxes are peeled, one after the other on the runs left outside.
MAX_BOXES = 3


@dataclass(frozen=True)
class Restriction:
    """A restricted input of a box: values within ``[low, high]`` of ``[lower, upper]``."""

    name: str
    low: float
    high: float
    lower: float  # the input's range over all runs
    upper: float

    @property
    def side(self) -> str:
        """``below`` (only the top was peeled), ``above`` (only the bottom) or ``between``."""
        if self.low <= self.lower:
            return "below"
        if self.high >= self.upper:
            return "above"
        return "between"


@dataclass
class Box:
    """One PRIM box: its peeling trajectory and the chosen step.

    ``trajectory`` has one row per peeling/pasting step: ``step``, ``coverage``,
    ``density``, ``mass``, ``n``, ``res_dim`` and ``restrictions`` (list of
    :class:`Restriction`).
    """

    number: int
    trajectory: pd.DataFrame
    chosen: int

    @property
    def restrictions(self) -> list[Restriction]:
        """Restricted inputs at the chosen step."""
        return self.trajectory.loc[self.chosen, "restrictions"]

    @property
    def coverage(self) -> float:
        """Share of all failures that fall inside the box at the chosen step."""
        return float(self.trajectory.loc[self.chosen, "coverage"])

    @property
    def density(self) -> float:
        """Failure rate inside the box at the chosen step."""
        return float(self.trajectory.loc[self.chosen, "density"])

    @property
    def lift(self) -> float:
        """Failure rate inside the box over the base failure rate, at the chosen step."""
        return float(self.trajectory.loc[self.chosen, "lift"])


@dataclass
class Discovery:
    """Outcome of :func:`discover`: the boxes, the base failure rate, the inputs and the rules
    a box had to clear (``min_lift``, ``min_coverage``)."""

    target_id: str
    base_rate: float
    boxes: list[Box]
    inputs: list[str]
    draws: int
    seed: int
    scenario: str = ""
    min_lift: float = MIN_LIFT
    min_coverage: float = MIN_COVERAGE

    def table(self) -> pd.DataFrame:
        """``boxes.csv``: one row per box and trajectory step."""
        rows = []
        for box in self.boxes:
            for step, r in box.trajectory.iterrows():
                rows.append({
                    "target_id": self.target_id, "box": box.number, "step": int(step),
                    "chosen": step == box.chosen, "coverage": r["coverage"],
                    "density": r["density"], "lift": r["lift"], "mass": r["mass"],
                    "n": int(r["n"]),
                    "base_failure_rate": self.base_rate, "res_dim": int(r["res_dim"]),
                    "restricted": "; ".join(
                        f"{x.name} in [{x.low:.6g}, {x.high:.6g}]" for x in r["restrictions"]),
                })
        return pd.DataFrame(rows, columns=[
            "target_id", "box", "step", "chosen", "coverage", "density", "lift", "mass", "n",
            "base_failure_rate", "res_dim", "restricted"])


def _restrictions(lims: pd.DataFrame, init: pd.DataFrame) -> list[Restriction]:
    out = []
    for name in lims.columns:
        low, high = float(lims.loc[0, name]), float(lims.loc[1, name])
        lower, upper = float(init.loc[0, name]), float(init.loc[1, name])
        if low > lower or high < upper:
            out.append(Restriction(name, low, high, lower, upper))
    return out


def check_rules(min_lift: float, min_coverage: float) -> None:
    """Refuse a least lift not above 1 or a least coverage outside (0, 1] (:class:`InputError`)."""
    if isinstance(min_lift, bool) or not float(min_lift) > 1.0:
        raise InputError(code="err.disc_min_lift", file="--min-lift", value=min_lift)
    if isinstance(min_coverage, bool) or not 0.0 < float(min_coverage) <= 1.0:
        raise InputError(code="err.disc_min_coverage", file="--min-coverage",
                         value=min_coverage)


def _choose(trajectory: pd.DataFrame, min_lift: float, min_coverage: float) -> int | None:
    """The step worth reading: lift and coverage cleared, at least one restricted input.

    Among those, the readable ones (at most :data:`MAX_DIMS` restricted inputs) if any, and of
    them the largest coverage (then density). None when no step clears the rules.
    """
    ok = trajectory[(trajectory["lift"] >= min_lift) & (trajectory["coverage"] >= min_coverage)
                    & (trajectory["res_dim"] >= 1)]
    readable = ok[ok["res_dim"] <= MAX_DIMS]
    ok = readable if not readable.empty else ok
    if ok.empty:
        return None
    return int(ok.sort_values(["coverage", "density"], ascending=False).index[0])


def discover_boxes(
    x: pd.DataFrame, failed: np.ndarray, min_lift: float = MIN_LIFT,
    min_coverage: float = MIN_COVERAGE, max_boxes: int = MAX_BOXES,
) -> list[Box]:
    """PRIM boxes of ``x`` in which ``failed`` is concentrated (EMA workbench's PRIM).

    Parameters
    ----------
    x : pandas.DataFrame
        Inputs, one row per run, one numeric column per input.
    failed : numpy.ndarray
        Boolean per run: the case of interest.
    min_lift : float
        Least failure rate of a box as a multiple of the base failure rate (> 1).
    min_coverage : float
        Least share of all failures a box holds, in (0, 1].
    max_boxes : int
        Boxes peeled at most.

    Returns
    -------
    list of Box
        Empty when nothing fails, everything fails, or no box clears ``min_lift`` and
        ``min_coverage`` (e.g. a base failure rate above ``1 / min_lift`` leaves no room for
        such a box).
    """
    check_rules(min_lift, min_coverage)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional parallel backends
        from ema_workbench.analysis import prim
    failed = np.asarray(failed, dtype=bool)
    base = float(failed.mean()) if failed.size else 0.0
    threshold = min_lift * base
    if not failed.any() or failed.all() or x.shape[1] == 0 or threshold > 1.0:
        return []  # nothing fails, or everything does: no box to peel (PRIM asserts)
    logging.getLogger("EMA").setLevel(logging.ERROR)
    finder = prim.Prim(x.reset_index(drop=True), failed, threshold=threshold)
    boxes = []
    for number in range(1, max_boxes + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no box meets the threshold" is answered below
            found = finder.find_box()
        if found is None or found.mean < threshold:
            break  # PRIM returns the rest of the data ("dump box") once no box is dense enough
        traj = found.peeling_trajectory.copy()
        traj["restrictions"] = [_restrictions(lims, finder.box_init) for lims in found.box_lims]
        traj["lift"] = traj["density"] / base
        traj.index = range(len(traj))
        chosen = _choose(traj, min_lift, min_coverage)
        if chosen is None:
            break
        boxes.append(Box(number, traj[["coverage", "density", "lift", "mass", "n", "res_dim",
                                       "restrictions"]], chosen))
    return boxes


def uncertain_inputs(scenario: Scenario, params: dict, posterior: Posterior) -> pd.DataFrame:
    """The ensemble's uncertain inputs as a table: posterior parameters, then assumptions.

    Inputs constant over the runs (fixed assumptions, a one-row posterior) are left out, and
    so are the state corrections (:attr:`Posterior.corrections`): they vary over the runs
    but only to start each draw from the published state, so a box on them would name no
    uncertainty a planner can read.
    """
    names = list(posterior.fitted) + [a.vensim for a in load_assumptions().values()]
    columns = {k: np.asarray(params[k], dtype=float) for k in names
               if k in params and np.ndim(params[k]) and np.ptp(params[k]) > 0}
    return pd.DataFrame(columns)


def discover(
    scenario: Scenario | str | Path,
    target_id: str,
    draws: int | None = None,
    seed: int | None = None,
    posterior: Posterior | str | Path | None = None,
    min_lift: float = MIN_LIFT,
    min_coverage: float = MIN_COVERAGE,
    max_boxes: int = MAX_BOXES,
    client=None,
    progress: Progress | None = None,
) -> Discovery:
    """Boxes of uncertain inputs in which ``target_id`` fails under ``scenario``.

    Parameters
    ----------
    scenario : Scenario or path
    target_id : str
        A target of the scenario's region, in model scope.
    draws, seed, posterior
        As for :func:`suzhou_sim.studies.scenario_runs.run_scenario`.
    min_lift, min_coverage
        What a box must clear: failure rate at least ``min_lift`` times the base rate, and
        at least ``min_coverage`` of all failures.
    max_boxes : int
        Boxes peeled at most.
    client : distributed.Client, optional
        Run the ensemble on this Dask cluster (identical results).
    progress : callable, optional
        ``progress(done, total)`` after each chunk of runs.

    Returns
    -------
    Discovery
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_rules(min_lift, min_coverage)
    (target,) = check_targets([target_id], scenario.region, "--target")
    n = check_draws(scenario.draws if draws is None else draws, "--draws")
    if n < 10:
        raise InputError(code="err.disc_draws", file="--draws", value=n, most=MAX_DRAWS)
    seed = scenario.seed if seed is None else int(seed)
    post, _ = resolve_posterior(posterior, scenario.region)
    params = scenario_inputs(scenario, n, seed, post)
    results = run_ensemble(params, n, target_variables([target]), progress=progress,
                           client=client)
    # fails in the published statistic, as the scoreboard counts it
    failed = ~reached_per_run(predictive_results(results, scenario.region, seed), target)
    x = uncertain_inputs(scenario, params, post)
    return Discovery(target_id=target_id, base_rate=float(failed.mean()),
                     boxes=discover_boxes(x, failed, min_lift, min_coverage, max_boxes),
                     inputs=list(x.columns), draws=n, seed=seed, scenario=scenario.name,
                     min_lift=min_lift, min_coverage=min_coverage)
