"""Decision-support subcommands: ``optimise``, ``discover`` and ``sweep`` (and ``--dask``).

Lives here: their arguments, the checks of the command line made before anything runs, and
the atomic writing of each output folder (a temporary folder renamed at the end; an existing
folder this tool did not write is refused without ``--force``; options and the one error
handler come from :mod:`suzhou_sim.cli.common`). Computation lives in ``studies``, wording
and charts in ``reporting.decision_report``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from ..fileio.atomic import atomic_write_bytes, atomic_write_text
from ..fileio.outputs import check_output_dir
from .common import add_common_options, check_common, handle, output_dir, posterior_dir

__all__ = ["register", "add_dask_option", "EXIT_INFEASIBLE"]

#: Exit code of ``optimise`` when no plan within the ranges reaches every target.
EXIT_INFEASIBLE = 3


def add_dask_option(p: argparse.ArgumentParser) -> None:
    """Add ``--dask ADDRESS|local`` (run the ensembles on a Dask cluster) to a parser."""
    p.add_argument("--dask", metavar="ADDRESS|local", default=None,
                   help="run the ensembles on a Dask cluster: 'local' starts one worker per "
                        "core, or give a scheduler address such as tcp://host:8786 "
                        "(results are identical to the in-process run)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``optimise``, ``discover`` and ``sweep`` to the CLI."""
    p = subparsers.add_parser(
        "optimise", help="cheapest lever plan reaching several targets, and the Pareto front",
        description="Search every chosen lever in every chosen plan period (within the "
                    "catalogue's ranges) for the plan with the least special-fund spending "
                    "that reaches every target with the given probability; write best.yaml, "
                    "pareto.csv, front.png and report.md. Exit 3 when no plan reaches them.")
    p.add_argument("scenario", type=Path, help="starting scenario file")
    p.add_argument("--targets", required=True, help="target ids, comma-separated")
    p.add_argument("--probability", type=float, default=0.8,
                   help="required probability of every target, in (0, 1) (default 0.8)")
    p.add_argument("--levers", default=None, help="lever keys, comma-separated (default all)")
    p.add_argument("--periods", default=None,
                   help="plan periods, comma-separated from 14th,15th,16th (default all)")
    p.add_argument("--population", type=int, default=None, help="plans per generation")
    p.add_argument("--generations", type=int, default=None, help="generations of the search")
    _common(p, _optimise)

    p = subparsers.add_parser(
        "discover", help="the futures (boxes of uncertain inputs) in which a target fails",
        description="PRIM scenario discovery over the calibrated parameters and assumptions: "
                    "write boxes.csv (peeling trajectories), trajectory.png and report.md with "
                    "one sentence per box in English and Chinese.")
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument("--target", required=True, help="target id, e.g. SZ-HTE-2025")
    _common(p, _discover)

    p = subparsers.add_parser(
        "sweep", help="every target's probability across values of one lever",
        description="Run the scenario with one lever in one plan period set to each value, on "
                    "the same draws; write sweep.csv, sweep.png and report.md.")
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument("--lever", required=True, help="lever key, e.g. special_fund")
    p.add_argument("--period", required=True, help="plan period: 14th, 15th or 16th")
    p.add_argument("--values", required=True, help="lever values, comma-separated")
    _common(p, _sweep)


def _common(p: argparse.ArgumentParser, command) -> None:
    add_common_options(p)
    add_dask_option(p)
    p.add_argument("--out", type=Path, required=True, help="output folder (written atomically)")
    p.add_argument("--force", action="store_true",
                   help="replace the --out folder even if suzhou-sim did not write it")
    handle(p, command)


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [x.strip() for x in text.split(",") if x.strip()]


def _prepare(args: argparse.Namespace):
    """Scenario, posterior folder and checks shared by the three commands (nothing written)."""
    from ..catalogues.scenarios import load_scenario

    check_output_dir(args.out, args.force)  # refuse before the runs, not after
    check_common(args)
    scenario = load_scenario(args.scenario)
    posterior = posterior_dir(args)
    return scenario, posterior


def _optimise(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import scenario_to_yaml
    from ..ensemble.cluster import dask_client
    from ..ensemble.runs import tqdm_progress
    from ..reporting import decision_report as report
    from ..studies.optimise import (
        GENERATIONS,
        POPULATION,
        check_targets,
        optimise_portfolio,
        plan_decisions,
    )

    scenario, posterior = _prepare(args)
    targets = _names(args.targets) or []
    if not 0.0 < args.probability < 1.0:
        raise InputError(f"--probability: {args.probability:g} is outside the allowed range "
                         "(0, 1) (exclusive)")
    check_targets(targets, scenario.region)
    plan_decisions(_names(args.levers), _names(args.periods))
    population = POPULATION if args.population is None else args.population
    generations = GENERATIONS if args.generations is None else args.generations
    if population < 4 or generations < 1:
        raise InputError("--population: at least 4 plans; --generations: at least 1")
    with dask_client(args.dask), tqdm_progress("generations", not args.quiet) as bar:
        result = optimise_portfolio(
            scenario, targets, args.probability, _names(args.levers), _names(args.periods),
            draws=args.draws, seed=args.seed, posterior=posterior, population=population,
            generations=generations, progress=bar, rationale=report.portfolio_rationale)
    front = result.search.front.drop(columns=["on_front"])
    with output_dir(args, args.out) as tmp:
        atomic_write_text(tmp / "best.yaml", scenario_to_yaml(result.plan))
        atomic_write_text(tmp / "pareto.csv", front.to_csv(index=False))
        atomic_write_bytes(tmp / "front.png", report.png_bytes(report.front_chart(result.search)))
        atomic_write_text(tmp / "report.md", report.portfolio_report(result))
    probs = ", ".join(f"{t} {p:.3f} (fresh draws {result.fresh_probabilities[t]:.3f})"
                      for t, p in result.search_probabilities.items())
    if not result.feasible:
        print(f"suzhou-sim optimise: {report.infeasible_message(result)}; wrote {args.out}",
              file=sys.stderr)
        return EXIT_INFEASIBLE
    print(f"cheapest plan: spending {result.spend:g}; {probs}; wrote {args.out}")
    return 0


def _discover(args: argparse.Namespace) -> int:
    from ..ensemble.cluster import dask_client
    from ..reporting import decision_report as report
    from ..studies.discover import discover
    from ..studies.optimise import check_targets

    scenario, posterior = _prepare(args)
    check_targets([args.target], scenario.region, "--target")
    with dask_client(args.dask):
        found = discover(scenario, args.target, draws=args.draws, seed=args.seed,
                         posterior=posterior)
    with output_dir(args, args.out) as tmp:
        atomic_write_text(tmp / "boxes.csv", found.table().to_csv(index=False))
        atomic_write_bytes(tmp / "trajectory.png",
                           report.png_bytes(report.trajectory_chart(found)))
        atomic_write_text(tmp / "report.md", report.discovery_report(found))
    for sentence in report.discovery_sentences(found, "en"):
        print(sentence)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from ..ensemble.cluster import dask_client
    from ..reporting import decision_report as report
    from ..studies.optimise import plan_decisions
    from ..studies.sweep import sweep

    scenario, posterior = _prepare(args)
    plan_decisions([args.lever], [args.period], ("--lever", "--period"))
    try:
        values = [float(v) for v in _names(args.values) or []]
    except ValueError:
        raise InputError(f"--values: {args.values!r} is not a comma-separated list of "
                         "numbers") from None
    with dask_client(args.dask):
        table = sweep(scenario, args.lever, args.period, values, draws=args.draws,
                      seed=args.seed, posterior=posterior)
    draws = scenario.draws if args.draws is None else args.draws
    seed = scenario.seed if args.seed is None else args.seed
    with output_dir(args, args.out) as tmp:
        atomic_write_text(tmp / "sweep.csv", table.to_csv(index=False))
        atomic_write_bytes(tmp / "sweep.png", report.png_bytes(report.sweep_chart(table)))
        atomic_write_text(tmp / "report.md", report.sweep_report(table, draws, seed))
    print(f"swept {args.lever} ({args.period}) over {len(values)} values; wrote {args.out}")
    return 0
