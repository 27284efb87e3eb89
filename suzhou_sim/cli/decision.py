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

from ..catalogues.timeline import PERIODS
from ..errors import InputError
from ..fileio.atomic import atomic_write_bytes, atomic_write_text
from ..fileio.outputs import check_output_dir
from ..limits import (
    MAX_GENERATIONS,
    MAX_POPULATION,
    MAX_SWEEP_VALUES,
    check_limit,
    check_model_runs,
)
from ..wording.problems import Names, Phrase
from .common import (
    add_common_options,
    check_common,
    handle,
    output_dir,
    posterior_dir,
    whole_number,
)

__all__ = ["register", "add_dask_option", "add_assume_option", "assumed_scenario",
           "EXIT_INFEASIBLE"]

#: Exit code of ``optimise`` when no plan within the ranges reaches every target.
EXIT_INFEASIBLE = 3


def add_assume_option(p: argparse.ArgumentParser) -> None:
    """Add ``--assume NAME=VALUE`` (repeatable): fix an assumption for the study."""
    p.add_argument("--assume", action="append", default=[], metavar="NAME=VALUE",
                   help="fix an assumption at a value for this study (repeatable; NAME is a "
                        "key of `suzhou-sim list assumptions`), e.g. "
                        "future_industry_base_2023=1500: targets driven by it get the "
                        "conditional probability instead of a range")


def assumed_scenario(args: argparse.Namespace):
    """The scenario of ``args.scenario`` with ``--assume`` applied (checked, one-line errors)."""
    from ..catalogues.scenarios import load_scenario
    from ..studies.driven import parse_assume, with_assumptions

    fixed = parse_assume(getattr(args, "assume", None))
    return with_assumptions(load_scenario(args.scenario), fixed)


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
        description="Search every chosen lever in every open plan period for the plan with "
                    "the least spending that reaches every target with the given probability; "
                    "write best.yaml, pareto.csv, front.png and report.md (with what each "
                    "lever contributes). Only priced levers move (model/levers.yaml, "
                    "`pricing`); an unpriced one only within a bound you give "
                    "(--levers special_fund,attraction_projects=2000:4000). Plan periods that "
                    "have begun by the data vintage are never changed. Exit 3 when no plan "
                    "reaches every target.")
    p.add_argument("scenario", type=Path, help="starting scenario file")
    p.add_argument("--targets", required=True, help="target ids, comma-separated")
    p.add_argument("--probability", type=float, default=0.8,
                   help="required probability of every target, in (0, 1) (default 0.8)")
    p.add_argument("--levers", default=None,
                   help="lever keys, comma-separated, each optionally with a bound KEY=LOW:HIGH "
                        "(required for an unpriced lever); default: every priced lever")
    p.add_argument("--periods", default=None,
                   help=f"plan periods, comma-separated from {','.join(PERIODS)} (default: "
                        "those not begun by the data vintage)")
    p.add_argument("--population", type=whole_number, default=None,
                   help=f"plans per generation, 4-{MAX_POPULATION:,}")
    p.add_argument("--generations", type=whole_number, default=None,
                   help=f"generations of the search, 1-{MAX_GENERATIONS:,}")
    _common(p, _optimise)

    p = subparsers.add_parser(
        "discover", help="the futures (boxes of uncertain inputs) in which a target fails",
        description="PRIM scenario discovery over the calibrated parameters and assumptions: "
                    "write boxes.csv (peeling trajectories), trajectory.png and report.md with "
                    "one sentence per box in English and Chinese.")
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument("--target", required=True, help="target id, e.g. SZ-HTE-2025")
    p.add_argument("--min-lift", type=float, default=None,
                   help="least failure rate of a box as a multiple of the base failure rate "
                        "(default 1.5)")
    p.add_argument("--min-coverage", type=float, default=None,
                   help="least share of all failures a box holds, in (0, 1] (default 0.2)")
    _common(p, _discover)

    p = subparsers.add_parser(
        "sweep", help="every target's probability across values of one lever",
        description="Run the scenario with one lever in one plan period set to each value, on "
                    "the same draws; write sweep.csv, sweep.png and report.md.")
    p.add_argument("scenario", type=Path, help="scenario file")
    p.add_argument("--lever", required=True, help="lever key, e.g. special_fund")
    p.add_argument("--period", required=True, help=f"plan period: {', '.join(PERIODS)}")
    p.add_argument("--values", required=True, help="lever values, comma-separated")
    _common(p, _sweep)


def _common(p: argparse.ArgumentParser, command) -> None:
    add_common_options(p)
    add_dask_option(p)
    add_assume_option(p)
    p.add_argument("--out", type=Path, required=True, help="output folder (written atomically)")
    p.add_argument("--force", action="store_true",
                   help="also replace an output folder another suzhou-sim command wrote")
    handle(p, command)


def _names(text: str | None, option: str = "", unique: bool = True) -> list[str] | None:
    """The comma-separated names of an option; with ``unique`` a name given twice is
    refused (a study answers each once, and a repeated one would count twice in its goals)."""
    if text is None:
        return None
    names = [x.strip() for x in text.split(",") if x.strip()]
    twice = sorted({n for n in names if names.count(n) > 1})
    if unique and twice:
        raise InputError(code="err.cli_named_twice", file=option, names=Names(twice))
    return names


def _prepare(args: argparse.Namespace):
    """Scenario, posterior folder and checks shared by the three commands (nothing written)."""

    check_output_dir(args.out, args.force, writer=f"suzhou-sim {args.command}")  # before runs
    check_common(args)
    scenario = assumed_scenario(args)
    posterior = posterior_dir(args)
    return scenario, posterior


def _optimise(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import scenario_to_yaml
    from ..ensemble.cluster import dask_client
    from ..ensemble.runs import tqdm_progress
    from ..reporting import decision_report as report
    from ..reporting.answer_text import answer_text
    from ..studies.optimise import (
        GENERATIONS,
        POPULATION,
        check_targets,
        optimise_portfolio,
        parse_lever_bounds,
        portfolio_decisions,
    )

    scenario, posterior = _prepare(args)
    targets = _names(args.targets, "--targets") or []
    if not 0.0 < args.probability < 1.0:
        raise InputError(code="err.cli_probability", file="--probability", value=args.probability)
    check_targets(targets, scenario.region)
    levers, bounds = parse_lever_bounds(args.levers)
    portfolio_decisions(scenario.region, levers, _names(args.periods, "--periods"), bounds)
    population = POPULATION if args.population is None else args.population
    generations = GENERATIONS if args.generations is None else args.generations
    if population < 4 or generations < 1:
        raise InputError(code="err.cli_population")
    beyond = Phrase("err.hint_limits_file")
    check_limit(population, MAX_POPULATION, "--population", beyond)
    check_limit(generations, MAX_GENERATIONS, "--generations", beyond)
    draws = scenario.draws if args.draws is None else args.draws
    check_model_runs(population * generations * draws + draws,
                     f"--population {population} x --generations {generations} x --draws "
                     f"{draws:,} (and the plan's re-run)", dask=args.dask is not None)
    with dask_client(args.dask), tqdm_progress("generations", not args.quiet) as bar:
        result = optimise_portfolio(
            scenario, targets, args.probability, levers, _names(args.periods, "--periods"),
            draws=args.draws, seed=args.seed, posterior=posterior, population=population,
            generations=generations, progress=bar, rationale=report.portfolio_rationale,
            bounds=bounds)
    front = result.search.front.drop(columns=["on_front"])
    with output_dir(args, args.out) as tmp:
        atomic_write_text(tmp / "best.yaml", scenario_to_yaml(result.plan))
        atomic_write_text(tmp / "pareto.csv", front.to_csv(index=False))
        atomic_write_bytes(tmp / "front.png", report.png_bytes(report.front_chart(result.search)))
        atomic_write_text(tmp / "report.md", report.portfolio_report(result))
    answers = {a.target_id: a for a in result.answers}
    probs = ", ".join(f"{t} {p:.3f} (fresh draws {answer_text(answers[t], 'en')})"
                      for t, p in result.search_probabilities.items())
    if not result.feasible:
        print(f"suzhou-sim optimise: {report.infeasible_message(result)}; wrote {args.out}",
              file=sys.stderr)
        return EXIT_INFEASIBLE
    print(f"cheapest plan: spending {result.spend:g}; {probs}; wrote {args.out}")
    return 0


def _discover(args: argparse.Namespace) -> int:
    from ..ensemble.cluster import dask_client
    from ..ensemble.runs import tqdm_progress
    from ..reporting import decision_report as report
    from ..studies.discover import MIN_COVERAGE, MIN_LIFT, check_rules, discover
    from ..studies.optimise import check_targets

    scenario, posterior = _prepare(args)
    check_targets([args.target], scenario.region, "--target")
    lift = MIN_LIFT if args.min_lift is None else args.min_lift
    coverage = MIN_COVERAGE if args.min_coverage is None else args.min_coverage
    check_rules(lift, coverage)
    with dask_client(args.dask), tqdm_progress("discover", not args.quiet) as bar:
        found = discover(scenario, args.target, draws=args.draws, seed=args.seed,
                         posterior=posterior, min_lift=lift, min_coverage=coverage,
                         progress=bar)
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
    from ..ensemble.runs import tqdm_progress
    from ..reporting import decision_report as report
    from ..studies.optimise import plan_decisions
    from ..studies.sweep import sweep

    scenario, posterior = _prepare(args)
    plan_decisions([args.lever], [args.period], ("--lever", "--period"))
    try:
        values = [float(v) for v in _names(args.values, "--values", unique=False) or []]
    except ValueError:
        raise InputError(code="err.cli_not_numbers", file="--values", value=args.values) from None
    twice = sorted({v for v in values if values.count(v) > 1})
    if twice:
        raise InputError(code="err.cli_value_twice", file="--values", value=twice[0])
    check_limit(len(values), MAX_SWEEP_VALUES, "--values", Phrase("err.hint_split_sweep"))
    draws = scenario.draws if args.draws is None else args.draws
    check_model_runs(len(values) * draws, f"--values {len(values)} x --draws {draws:,}",
                     dask=args.dask is not None)
    with dask_client(args.dask), tqdm_progress("sweep", not args.quiet) as bar:
        table = sweep(scenario, args.lever, args.period, values, draws=args.draws,
                      seed=args.seed, posterior=posterior, progress=bar)
    seed = scenario.seed if args.seed is None else args.seed
    with output_dir(args, args.out) as tmp:
        atomic_write_text(tmp / "sweep.csv", table.to_csv(index=False))
        atomic_write_bytes(tmp / "sweep.png", report.png_bytes(report.sweep_chart(table)))
        atomic_write_text(tmp / "report.md", report.sweep_report(table, draws, seed))
    print(f"swept {args.lever} ({args.period}) over {len(values)} values; wrote {args.out}")
    return 0
