"""The scenario subcommands: ``run``, ``compare``, ``goal-seek`` and ``run-all``.

Argument parsing, output folders and terminal printing only; the work is in ``studies``,
``reporting.plots`` and ``reporting.markdown``. Bad input raises
:class:`~suzhou_sim.errors.InputError`
before anything is written (the CLI maps it to exit code 2), and results are written into a
temporary folder that replaces the output folder only when complete.

Calibrated parameters come from ``model/calibration/<region>/``. For tests and
experiments another calibration root (holding ``<region>/point.yaml`` and
``<region>/posterior.csv``) can be given with the hidden option ``--posterior-dir DIR`` or
the environment variable ``SUZHOU_SIM_POSTERIOR_DIR``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..fileio.atomic import atomic_directory, atomic_write_text
from ..paths import REPO_ROOT, SCENARIOS_DIR
from .decision import add_dask_option

if TYPE_CHECKING:
    from ..catalogues.scenarios import Scenario
    from ..studies.scenario_runs import ScenarioResult

__all__ = ["register", "write_run_outputs", "POSTERIOR_ENV", "REGION_BASELINES"]

POSTERIOR_ENV = "SUZHOU_SIM_POSTERIOR_DIR"
OUTPUT_DIR = REPO_ROOT / "output"
# The scenario each region's runs are drawn against (dashed median, baseline probabilities).
REGION_BASELINES = {"suzhou": "baseline.yaml", "kunshan": "kunshan_baseline.yaml"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``run``, ``compare``, ``goal-seek`` and ``run-all`` to the CLI."""
    _add_run(subparsers)
    _add_compare(subparsers)
    _add_goal_seek(subparsers)
    _add_run_all(subparsers)


# --- arguments ------------------------------------------------------------------------------


def _handle(parser: argparse.ArgumentParser, command: Callable[[argparse.Namespace], int]) -> None:
    """Attach ``command`` so that bad input ends with its message and exit code 2.

    ``cli.main`` dispatches on ``args.handler`` (other subcommand modules use ``func``): both
    are set. Input errors are reported here, each problem on its own line, so that the exit
    code does not depend on which exceptions ``main`` maps.
    """

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except InputError as exc:
            print(f"suzhou-sim {parser.prog.split()[-1]}: error: {exc}", file=sys.stderr)
            return 2

    parser.set_defaults(handler=run, func=run)



def _ensemble_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--draws", type=int, default=None,
                   help="ensemble size, 1-100000 (default: the scenario's, usually 1000)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the common random numbers (default: the scenario's)")
    p.add_argument("--posterior-dir", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_run(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run", help="run one scenario and write its targets, series, charts and report",
        description="Run a scenario's ensemble; write targets.csv, series.csv, fan charts and "
                    "report.md into the output folder and print the scoreboard.")
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    _ensemble_options(p)
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default output/<scenario name>)")
    p.add_argument("--no-baseline", action="store_true",
                   help="do not run the region's baseline for comparison")
    add_dask_option(p)
    _handle(p, _cmd_run)


def _add_compare(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "compare", help="compare target probabilities of several scenarios on the same draws",
        description="Probabilities of every target side by side (p_<name>) and differences "
                    "from the first scenario (d_<name>), all on the same draws.")
    p.add_argument("scenarios", type=Path, nargs="+", help="scenario files (same region)")
    _ensemble_options(p)
    p.add_argument("--csv", type=Path, default=None, help="also write the table to this CSV")
    _handle(p, _cmd_compare)


def _add_goal_seek(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "goal-seek", help="smallest lever value reaching a target with a given probability",
        description="Find the smallest value of one lever in one plan period (within its "
                    "allowed range) that reaches a target with the requested probability.")
    p.add_argument("scenario", type=Path, help="starting scenario file")
    p.add_argument("--target", required=True, help="target id, e.g. SZ-FUTURE-2030")
    p.add_argument("--lever", required=True, help="lever key, e.g. special_fund")
    p.add_argument("--period", default="15th",
                   help="plan period: 14th, 15th or 16th (default 15th)")
    p.add_argument("--probability", type=float, default=0.8,
                   help="required probability (default 0.8)")
    _ensemble_options(p)
    _handle(p, _cmd_goal_seek)


def _add_run_all(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run-all", help="run every scenario in scenarios/ and print each scoreboard",
        description="Validate every scenario file first, then run each and write its outputs "
                    "into <out>/<scenario name>.")
    _ensemble_options(p)
    p.add_argument("--dir", type=Path, default=SCENARIOS_DIR, help="scenario folder")
    p.add_argument("--out", type=Path, default=OUTPUT_DIR, help="output root (default output/)")
    _handle(p, _cmd_run_all)


# --- helpers --------------------------------------------------------------------------------


def _posterior_dir(args: argparse.Namespace) -> Path | None:
    if args.posterior_dir is not None:
        return args.posterior_dir
    env = os.environ.get(POSTERIOR_ENV)
    return Path(env) if env else None


def _check_draws(args: argparse.Namespace) -> None:
    if args.draws is not None and not 1 <= args.draws <= 100_000:
        raise InputError(f"--draws: {args.draws} is outside the allowed range 1-100000")
    if args.seed is not None and args.seed < 0:
        raise InputError(f"--seed: {args.seed} is not allowed; use a seed >= 0")


def _baseline_file(scenario: Scenario, directory: Path = SCENARIOS_DIR) -> Path | None:
    path = directory / REGION_BASELINES[scenario.region]
    return path if path.is_file() else None


def write_run_outputs(
    result: ScenarioResult, out_dir: Path, baseline: ScenarioResult | None = None,
    progress: bool = False,
) -> Path:
    """Write a run's outputs atomically into ``out_dir``.

    Everything is written into a temporary sibling folder that replaces ``out_dir`` only
    when complete; on any failure ``out_dir`` is left as it was (absent or old content).

    Writes ``targets.csv``, ``series.csv``, ``curves.csv`` (probability of each
    assumption-driven target over its driving assumptions), ``scenario.yaml`` (the scenario
    as run, with the draws and seed used), one ``fan_<indicator>.png`` per indicator and
    ``report.md``.
    """
    from ..catalogues.scenarios import scenario_to_yaml
    from ..reporting.markdown import render_report
    from ..reporting.plots import write_fan_charts

    with atomic_directory(out_dir) as tmp:
        result.targets.to_csv(tmp / "targets.csv", index=False)
        result.series.to_csv(tmp / "series.csv", index=False)
        result.curves.to_csv(tmp / "curves.csv", index=False)
        as_run = result.scenario.model_copy(update={"draws": result.draws, "seed": result.seed})
        atomic_write_text(tmp / "scenario.yaml", scenario_to_yaml(as_run))
        charts = write_fan_charts(result, tmp, baseline=baseline, progress=progress)
        atomic_write_text(tmp / "report.md", render_report(result, charts, baseline))
    return Path(out_dir)


def _run_one(scenario: Scenario, args: argparse.Namespace, out_dir: Path,
             baselines: dict, progress: bool) -> None:
    from ..catalogues.scenarios import load_scenario
    from ..reporting.markdown import scoreboard_text
    from ..studies.evaluator import tqdm_progress
    from ..studies.scenario_runs import run_scenario

    posterior = _posterior_dir(args)
    draws = scenario.draws if args.draws is None else args.draws
    seed = scenario.seed if args.seed is None else args.seed
    key = (scenario.region, draws, seed)  # baselines are shared by runs on the same draws
    base_file = None if getattr(args, "no_baseline", False) else _baseline_file(
        scenario, getattr(args, "dir", SCENARIOS_DIR))
    base_scenario = load_scenario(base_file) if base_file is not None else None
    is_baseline = base_scenario is not None and base_scenario.name == scenario.name
    if is_baseline and key in baselines:
        result = baselines[key]
    else:
        with tqdm_progress("simulating", progress) as bar:
            result = run_scenario(scenario, draws=draws, seed=seed, posterior=posterior,
                                  progress=bar)
    baseline = None
    if is_baseline:
        baselines[key] = result
    elif base_scenario is not None:
        if key not in baselines:
            with tqdm_progress("simulating the baseline", progress) as bar:
                baselines[key] = run_scenario(base_scenario, draws=draws, seed=seed,
                                              posterior=posterior, progress=bar)
        baseline = baselines[key]
    write_run_outputs(result, out_dir, baseline=baseline, progress=progress)
    print(scoreboard_text(result))
    print(f"wrote {out_dir}", file=sys.stderr)


# --- commands -------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..studies.evaluator import dask_client

    _check_draws(args)
    scenario = load_scenario(args.scenario)
    out_dir = args.out if args.out is not None else OUTPUT_DIR / scenario.name
    with dask_client(args.dask):
        _run_one(scenario, args, out_dir, {}, progress=not args.quiet)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..reporting.markdown import comparison_text
    from ..studies.evaluator import tqdm_progress
    from ..studies.scenario_runs import compare_scenarios

    _check_draws(args)
    scenarios = [load_scenario(p) for p in args.scenarios]
    with tqdm_progress("simulating", not args.quiet) as bar:
        table = compare_scenarios(scenarios, draws=args.draws, seed=args.seed,
                                  posterior=_posterior_dir(args), progress=bar)
    if args.csv is not None:
        atomic_write_text(args.csv, table.to_csv(index=False))
    print(comparison_text(table))
    return 0


def _cmd_goal_seek(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..reporting.goal_seek_text import goal_seek_message
    from ..studies.evaluator import tqdm_progress
    from ..studies.goal_seek import goal_seek

    _check_draws(args)
    scenario = load_scenario(args.scenario)
    with tqdm_progress("goal seeking", not args.quiet) as bar:
        res = goal_seek(scenario, args.target, args.lever, period=args.period,
                        probability=args.probability, draws=args.draws, seed=args.seed,
                        posterior=_posterior_dir(args), progress=bar)
    print(goal_seek_message(res))
    value = "-" if res.value is None else f"{res.value:g}"
    achieved = "-" if res.achieved is None else f"{res.achieved:.3f}"
    print(f"status={res.status} value={value} achieved={achieved} goal={res.goal:g} "
          f"P(min={res.lower:g})={res.probability_at_min:.3f} "
          f"P(max={res.upper:g})={res.probability_at_max:.3f} evaluations={res.evaluations}")
    return 0


def _cmd_run_all(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario, scenario_files

    _check_draws(args)
    files = scenario_files(args.dir)
    if not files:
        raise InputError(f"{args.dir}: no scenario files (*.yaml)")
    scenarios = [load_scenario(f) for f in files]  # all validated before any run
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{args.dir}: scenario names must be unique (output folders): {dupes}")
    from ..studies.evaluator import resolve_posterior

    for region in dict.fromkeys(s.region for s in scenarios):  # fail before the first run
        resolve_posterior(_posterior_dir(args), region)
    baselines: dict = {}
    for scenario in scenarios:
        _run_one(scenario, args, args.out / scenario.name, baselines, progress=not args.quiet)
        print()
    return 0


# Public for the other subcommands that run ensembles (``report``).
check_draws, posterior_dir = _check_draws, _posterior_dir
__all__ += ["check_draws", "posterior_dir"]
