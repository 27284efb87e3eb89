"""The scenario subcommands: ``run``, ``compare``, ``goal-seek`` and ``run-all``.

Argument parsing, output folders and terminal printing only; the work is in
``studies.scenario_runs``, ``studies.goal_seek`` and ``reporting``. The shared options, the
one error handler (bad input: one line, exit code 2) and output folders (temporary folder
renamed into place, refused when the target was not written by this tool unless
``--force``) come from :mod:`suzhou_sim.cli.common`.

Calibrated parameters come from ``model/calibration/<region>/``. For tests and
experiments another calibration root (holding ``<region>/point.yaml`` and
``<region>/posterior.csv``) can be given with the hidden option ``--posterior-dir DIR`` or
the environment variable ``SUZHOU_SIM_POSTERIOR_DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..catalogues.timeline import DEFAULT_PERIOD, PERIODS
from ..errors import InputError
from ..fileio.atomic import atomic_write_text
from ..fileio.outputs import (
    check_output_dir,
    check_output_file,
    prepare_output_dir,
    write_output_file,
)
from ..paths import REPO_ROOT, SCENARIOS_DIR
from .common import (
    POSTERIOR_ENV,
    add_common_options,
    check_as_of_posterior,
    check_common,
    handle,
    posterior_dir,
    warn_zero_split,
)
from .decision import add_assume_option, add_dask_option, assumed_scenario

if TYPE_CHECKING:
    from ..catalogues.scenarios import Scenario
    from ..studies.scenario_runs import ScenarioResult

__all__ = ["register", "write_run_outputs", "POSTERIOR_ENV"]

OUTPUT_DIR = REPO_ROOT / "output"
#: What the marker of a run's folder and the sidecar of a comparison's CSV name.
RUN_WRITER, COMPARE_WRITER = "suzhou-sim run", "suzhou-sim compare"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``run``, ``compare``, ``goal-seek`` and ``run-all`` to the CLI."""
    _add_run(subparsers)
    _add_compare(subparsers)
    _add_goal_seek(subparsers)
    _add_run_all(subparsers)


# --- arguments ------------------------------------------------------------------------------


def _add_run(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run", help="run one scenario and write its targets, series, charts and report",
        description="Run a scenario's ensemble; write targets.csv, series.csv, fan charts and "
                    "report.md into the output folder and print the scoreboard.")
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    add_common_options(p, out=True, out_help="output folder (default output/<scenario name>)")
    p.add_argument("--no-baseline", action="store_true",
                   help="do not run the region's baseline for comparison")
    p.add_argument("--as-of", type=int, default=None, metavar="YEAR",
                   help="say what the tool would have said with the data up to YEAR: needs "
                        "--posterior DIR of a `calibrate --as-of YEAR --out DIR`")
    add_dask_option(p)
    handle(p, _cmd_run)


def _add_compare(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "compare", help="compare target probabilities of several scenarios on the same draws",
        description="Probabilities of every target side by side (p_<name>) and differences "
                    "from the first scenario (d_<name>), all on the same draws.")
    p.add_argument("scenarios", type=Path, nargs="+", help="scenario files (same region)")
    add_common_options(p)
    add_assume_option(p)
    p.add_argument("--csv", type=Path, default=None, help="also write the table to this CSV")
    handle(p, _cmd_compare)


def _add_goal_seek(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "goal-seek", help="smallest lever value reaching a target with a given probability",
        description="Find the smallest value of one lever in one plan period (within its "
                    "allowed range) that reaches a target with the requested probability. For "
                    "a target driven by an assumption (e.g. SZ-FUTURE-2030) there is one "
                    "answer at the driver's low, central and high value, or one conditional "
                    "answer when --assume fixes it.")
    p.add_argument("scenario", type=Path, help="starting scenario file")
    p.add_argument("--target", required=True, help="target id, e.g. SZ-FUTURE-2030")
    p.add_argument("--lever", required=True, help="lever key, e.g. special_fund")
    p.add_argument("--period", default=DEFAULT_PERIOD,
                   help=f"plan period: {', '.join(PERIODS)} (default {DEFAULT_PERIOD}); "
                        "one not begun by the data vintage whose levers act by the target "
                        "year")
    p.add_argument("--probability", type=float, default=0.8,
                   help="required probability (default 0.8)")
    add_common_options(p)
    add_assume_option(p)
    handle(p, _cmd_goal_seek)


def _add_run_all(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run-all", help="run every scenario in scenarios/ and print each scoreboard",
        description="Validate every scenario file first, then run each and write its outputs "
                    "into <out>/<scenario name>.")
    add_common_options(p, out=True, out_help="output root; each run writes <out>/<scenario "
                       "name> (default output/)")
    p.add_argument("--dir", type=Path, default=SCENARIOS_DIR, help="scenario folder")
    handle(p, _cmd_run_all)


# --- helpers --------------------------------------------------------------------------------


def write_run_outputs(
    result: ScenarioResult, out_dir: Path, baseline: ScenarioResult | None = None,
    progress: bool = False, force: bool = False,
) -> Path:
    """Write a run's outputs atomically into ``out_dir``.

    Everything is written into a temporary sibling folder that replaces ``out_dir`` only
    when complete (:func:`~suzhou_sim.fileio.outputs.prepare_output_dir`); on any failure
    ``out_dir`` is left as it was (absent or old content). An existing ``out_dir`` that this
    tool did not write is refused unless ``force``.

    Writes ``targets.csv``, ``series.csv``, ``curves.csv`` (probability of each
    assumption-driven target over its driving assumptions), ``exceedance.csv``,
    ``prior_sensitivity.csv`` (each target's probability in the low, middle and high band of
    every drawn input, ``ScenarioResult.sensitivity``), ``scenario.yaml`` (the scenario
    as run, with the draws and seed used), one ``fan_<indicator>.png`` per indicator and
    ``report.md``.
    """
    from ..catalogues.scenarios import scenario_to_yaml
    from ..reporting.markdown import render_report
    from ..reporting.plots import write_fan_charts

    with prepare_output_dir(out_dir, force=force,
                            writer=f"{RUN_WRITER} {result.scenario.name}") as tmp:
        result.targets.to_csv(tmp / "targets.csv", index=False)
        result.series.to_csv(tmp / "series.csv", index=False)
        result.curves.to_csv(tmp / "curves.csv", index=False)
        result.exceedance.to_csv(tmp / "exceedance.csv", index=False)
        result.sensitivity.to_csv(tmp / "prior_sensitivity.csv", index=False)
        as_run = result.scenario.model_copy(update={"draws": result.draws, "seed": result.seed})
        atomic_write_text(tmp / "scenario.yaml", scenario_to_yaml(as_run))
        charts = write_fan_charts(result, tmp, baseline=baseline, progress=progress)
        atomic_write_text(tmp / "report.md", render_report(result, charts, baseline))
    return Path(out_dir)


def _run_one(scenario: Scenario, args: argparse.Namespace, out_dir: Path,
             baselines: dict, progress: bool) -> None:
    from ..catalogues.scenarios import baseline_file, load_scenario
    from ..ensemble.runs import tqdm_progress
    from ..reporting.markdown import scoreboard_text
    from ..studies.scenario_runs import run_scenario

    posterior = posterior_dir(args)
    as_of = getattr(args, "as_of", None)
    if as_of is not None:
        check_as_of_posterior(as_of, posterior, scenario.region)
    draws = scenario.draws if args.draws is None else args.draws
    seed = scenario.seed if args.seed is None else args.seed
    key = (scenario.region, draws, seed)  # baselines are shared by runs on the same draws
    base_file = None if getattr(args, "no_baseline", False) else baseline_file(
        scenario.region, getattr(args, "dir", SCENARIOS_DIR))
    base_scenario = load_scenario(base_file) if base_file is not None else None
    is_baseline = base_scenario is not None and base_scenario.name == scenario.name
    if is_baseline and key in baselines:
        result = baselines[key]
    else:
        with tqdm_progress("simulating", progress) as bar:
            result = run_scenario(scenario, draws=draws, seed=seed, posterior=posterior,
                                  progress=bar, as_of=as_of)
    baseline = None
    if is_baseline:
        baselines[key] = result
    elif base_scenario is not None:
        if key not in baselines:
            with tqdm_progress("simulating the baseline", progress) as bar:
                baselines[key] = run_scenario(base_scenario, draws=draws, seed=seed,
                                              posterior=posterior, progress=bar, as_of=as_of)
        baseline = baselines[key]
    write_run_outputs(result, out_dir, baseline=baseline, progress=progress,
                      force=bool(getattr(args, "force", False)))
    print(scoreboard_text(result))
    print(f"wrote {out_dir}", file=sys.stderr)


# --- commands -------------------------------------------------------------------------------


def _cmd_run(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..ensemble.cluster import dask_client

    check_common(args)
    scenario = load_scenario(args.scenario)
    out_dir = args.out if args.out is not None else OUTPUT_DIR / scenario.name
    check_output_dir(out_dir, args.force, writer=RUN_WRITER)  # refuse before simulating
    warn_zero_split(scenario, "run")
    with dask_client(args.dask):
        _run_one(scenario, args, out_dir, {}, progress=not args.quiet)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..ensemble.runs import tqdm_progress
    from ..reporting.answer_text import with_answers
    from ..reporting.markdown import comparison_text
    from ..studies.driven import parse_assume, scenario_answers, with_assumptions
    from ..studies.scenario_runs import compare_scenarios

    check_common(args)
    from ..limits import check_model_runs

    if args.csv is not None:  # refuse before the runs, naming the user's path
        check_output_file(args.csv, option="--csv", writer=COMPARE_WRITER)
    fixed = parse_assume(args.assume)
    scenarios = [with_assumptions(load_scenario(p), fixed) for p in args.scenarios]
    draws = args.draws if args.draws is not None else max(s.draws for s in scenarios)
    check_model_runs(len(scenarios) * draws, f"{len(scenarios)} scenarios x --draws {draws:,}")
    for scenario in scenarios:
        warn_zero_split(scenario, "compare")
    with tqdm_progress("simulating", not args.quiet) as bar:
        table = compare_scenarios(scenarios, draws=args.draws, seed=args.seed,
                                  posterior=posterior_dir(args), progress=bar)
    with tqdm_progress("assumption-driven targets", not args.quiet) as bar:
        answers = scenario_answers(scenarios, args.draws, args.seed, posterior_dir(args),
                                   progress=bar)
    table = with_answers(table, answers)
    if args.csv is not None:
        write_output_file(args.csv, table.to_csv(index=False).encode("utf-8"), option="--csv",
                          writer=COMPARE_WRITER)
    print(comparison_text(table))
    return 0


def _cmd_goal_seek(args: argparse.Namespace) -> int:
    from ..ensemble.runs import tqdm_progress
    from ..reporting.goal_seek_text import goal_seek_message
    from ..studies.goal_seek import check_seek_period, goal_seek_all

    check_common(args)
    scenario = assumed_scenario(args)
    check_seek_period(args.target, args.period)
    warn_zero_split(scenario, "goal-seek")
    with tqdm_progress("goal seeking", not args.quiet) as bar:
        answers = goal_seek_all(scenario, args.target, args.lever, period=args.period,
                                probability=args.probability, draws=args.draws,
                                seed=args.seed, posterior=posterior_dir(args), progress=bar)
    for res in answers:
        print(goal_seek_message(res))
        value = "-" if res.value is None else f"{res.value:g}"
        achieved = "-" if res.achieved is None else f"{res.achieved:.3f}"
        given = (f" {res.condition}={res.condition_value:g} ({res.condition_setting}"
                 f"{' band' if res.band else ''})" if res.condition else "")
        print(f"status={res.status} value={value} achieved={achieved} goal={res.goal:g} "
              f"P(min={res.lower:g})={res.probability_at_min:.3f} "
              f"P(max={res.upper:g})={res.probability_at_max:.3f} "
              f"evaluations={res.evaluations}{given}")
    return 0


def _cmd_run_all(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario, scenario_files

    check_common(args)
    files = scenario_files(args.dir)
    if not files:
        raise InputError(code="err.cli_no_scenarios", file=args.dir)
    scenarios = [load_scenario(f) for f in files]  # all validated before any run
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(code="err.cli_duplicate_names", file=args.dir, names=dupes)
    from ..calibration.resolve import resolve_posterior

    root = args.out if args.out is not None else OUTPUT_DIR
    for region in dict.fromkeys(s.region for s in scenarios):  # fail before the first run
        resolve_posterior(posterior_dir(args), region)
    for scenario in scenarios:
        check_output_dir(root / scenario.name, args.force, writer=RUN_WRITER)
        warn_zero_split(scenario, "run-all")
    baselines: dict = {}
    for scenario in scenarios:
        _run_one(scenario, args, root / scenario.name, baselines, progress=not args.quiet)
        print()
    return 0

