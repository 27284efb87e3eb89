"""The ``effects`` subcommand: what each lever buys, written to an output folder.

Argument checks, the output folder and the console summary only: the effects come from
``studies.effects``, the charts and wording from ``reporting.effects_report``. Bad input
(unknown lever, a step that is not positive, below the least step or leaving a lever's
range, a lever named twice in ``--joint``, ``--money-step`` with ``--money-share``, draws
outside the limit, a bad scenario) raises :class:`~suzhou_sim.errors.InputError` before
anything runs, which ``cli.main`` turns into one line and exit code 2.
The outputs are written into a temporary folder that replaces ``--out`` only when
complete, under the one rule of
:mod:`suzhou_sim.fileio.outputs` (an earlier ``effects`` output is replaced, another
command's only with ``--force``, a folder the tool did not write never).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..fileio.outputs import MARKER, check_output_dir, prepare_output_dir
from .common import check_common, posterior_dir
from .decision import add_assume_option, add_dask_option

__all__ = ["register", "MARKER", "WRITER"]

#: What the marker of an ``effects`` folder names.
WRITER = "suzhou-sim effects"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``effects`` to the CLI."""
    from ..studies.effects import DEFAULT_MONEY_SHARE, DEFAULT_STEP
    from ..wording import say

    yuan = say("unit.100m_yuan", "zh")  # the money unit as planners write it, also in English

    p = subparsers.add_parser(
        "effects", help="what each lever buys: paired effects of a step in every lever",
        description=(
            "For every lever and plan period, raise the lever alone by a step and rerun the "
            "ensemble on the same draws (common random numbers); write effects.csv (effect on "
            "every in-scope target in its target year with its 80% band, change in "
            "probability, cost per additional unit for money; for targets driven by an "
            "assumption the change at the driver's low, central and high setting), "
            "skipped.csv (steps not taken and targets a step cannot move, with reason codes), "
            "evidence.csv (the model's costs beside the evidence ranges), one tornado chart "
            "per target and report.md (English and Chinese). Money steps are "
            f"{DEFAULT_MONEY_SHARE:.0%} of the region's own special fund in each period by "
            f"default (Suzhou 200 {yuan} a year -> 20, Kunshan 42 -> 4.2), the same relative "
            "size as the other levers' step. With --joint, the named levers are also raised "
            "together and interaction.csv compares the joint effect with the sum of the "
            "single effects (the interaction = joint - sum)."),
    )
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    p.add_argument("--draws", type=int, default=None,
                   help="draws per step (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    p.add_argument("--step", type=float, default=DEFAULT_STEP,
                   help=f"relative step of levers that are not money (default {DEFAULT_STEP:g} "
                        "= +10%% of the value); positive")
    p.add_argument("--money-step", type=float, default=None,
                   help=f"explicit step of money levers and channels in {yuan} a year, the same "
                        "for every period (default: --money-share of the region's fund); "
                        "positive; not with --money-share")
    p.add_argument("--money-share", type=float, default=None,
                   help=f"money step as a share of the region's own special fund in each "
                        f"period (default {DEFAULT_MONEY_SHARE:g}: Suzhou 200 {yuan} a year -> "
                        "20, Kunshan 42 -> 4.2; the region's historic fund where a scenario "
                        "spends none); in (0, 1]; not with --money-step")
    p.add_argument("--joint", default=None, metavar="KEY,KEY[,...]",
                   help="also raise these levers together by their single steps in each "
                        "period and write interaction.csv: each lever alone, the sum, the "
                        "joint effect and the interaction (joint - sum) per target")
    p.add_argument("--lever", action="append", default=None, metavar="KEY",
                   help="study only this lever (repeatable; default: all of model/levers.yaml)")
    p.add_argument("--no-channels", action="store_true",
                   help="skip the steps that add money to one spending channel alone")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--force", action="store_true",
                   help="also replace an output folder another suzhou-sim command wrote")
    p.add_argument("--posterior-dir", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    add_assume_option(p)
    add_dask_option(p)
    p.set_defaults(handler=_command, func=_command)


def _command(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..ensemble.cluster import dask_client
    from ..ensemble.runs import tqdm_progress
    from ..errors import InputError
    from ..fileio.atomic import atomic_write_text
    from ..reporting.effects_report import effects_markdown, money_rule, write_tornado_charts
    from ..studies.driven import parse_assume, with_assumptions
    from ..studies.effects import (
        DEFAULT_MONEY_SHARE,
        benchmark_comparison,
        lever_effects,
        plan_perturbations,
    )

    check_common(args)
    if args.money_step is not None and args.money_share is not None:
        raise InputError(code="err.fx_money_step_and_share")
    if args.money_share is None:
        args.money_share = DEFAULT_MONEY_SHARE
    check_output_dir(args.out, args.force, writer=WRITER)
    scenario = with_assumptions(load_scenario(args.scenario), parse_assume(args.assume))
    joint = None if args.joint is None else [k.strip() for k in args.joint.split(",")
                                              if k.strip()]
    # refuse bad steps, shares and levers before any cluster starts
    plan_perturbations(scenario, args.lever, args.step, args.money_step, not args.no_channels,
                       money_share=args.money_share, joint=joint)
    start = time.perf_counter()
    with dask_client(args.dask, batch_progress=not args.quiet) as client, \
            tqdm_progress("effects", not args.quiet) as bar:
        result = lever_effects(scenario, args.draws, args.seed, levers=args.lever,
                               step=args.step, money_step=args.money_step,
                               money_share=args.money_share, joint=joint,
                               channels=not args.no_channels, posterior=posterior_dir(args),
                               progress=bar, client=client)
    comparison = benchmark_comparison(result.table, result.scenario)
    seconds = time.perf_counter() - start
    meta = {
        "scenario": f"{scenario.name} ({args.scenario})",
        "region": scenario.region,
        "draws per step": f"{result.draws:,}",
        "seed": str(result.seed),
        "relative step": f"{result.relative_step:g}",
        "money step": money_rule(result.money_step, result.money_share),
        "model runs": f"{result.runs:,}",
        "wall time": f"{seconds:.1f} s",
        "posterior": result.posterior_source,
    }
    with prepare_output_dir(args.out, args.force, writer=WRITER) as tmp:
        atomic_write_text(tmp / "effects.csv", result.table.to_csv(index=False))
        atomic_write_text(tmp / "skipped.csv", result.skipped.to_csv(index=False))
        atomic_write_text(tmp / "evidence.csv", comparison.to_csv(index=False))
        if joint is not None:
            atomic_write_text(tmp / "interaction.csv", result.interaction.to_csv(index=False))
        charts = write_tornado_charts(result.table, tmp)
        atomic_write_text(tmp / "report.md", effects_markdown(
            result.table, result.skipped, comparison, meta, charts, result.relative_step,
            result.interaction))
    steps = result.runs // result.draws - 1
    print(f"effects of {scenario.name}: {steps} steps x {result.draws:,} draws "
          f"({result.runs:,} model runs) in {seconds:.1f} s; wrote {args.out}", file=sys.stdout)
    return 0
