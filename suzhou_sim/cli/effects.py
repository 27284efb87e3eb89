"""The ``effects`` subcommand: what each lever buys, written to an output folder.

Argument checks, the output folder and the console summary only: the effects come from
``studies.effects``, the charts and wording from ``reporting.effects_report``. Bad input
(unknown lever, a step that is not positive or leaves a lever's range, draws outside the
limit, a bad scenario) raises :class:`~suzhou_sim.errors.InputError` before anything runs,
which ``cli.main`` turns into one line and exit code 2. The outputs are written into a
temporary folder that replaces ``--out`` only when complete; an existing non-empty folder
is replaced only with ``--force`` and only when this command wrote it (it carries
:data:`MARKER`), so nothing the tool did not write is ever deleted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import InputError
from .common import check_common, posterior_dir

__all__ = ["register", "MARKER", "check_output_folder"]

#: File that marks a folder as written by ``effects`` (and so safe to replace with --force).
MARKER = ".suzhou_sim_effects"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``effects`` to the CLI."""
    from ..studies.effects import DEFAULT_MONEY_STEP, DEFAULT_STEP

    p = subparsers.add_parser(
        "effects", help="what each lever buys: paired effects of a step in every lever",
        description=(
            "For every lever and plan period, raise the lever alone by a step and rerun the "
            "ensemble on the same draws (common random numbers); write effects.csv (effect on "
            "every in-scope target in its target year with its 80%% band, change in "
            "probability, cost per additional unit for money), evidence.csv (the model's costs "
            "beside the evidence ranges), one tornado chart per target and report.md "
            "(English and Chinese)."),
    )
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    p.add_argument("--draws", type=int, default=None,
                   help="draws per step (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="seed (default: the scenario's)")
    p.add_argument("--step", type=float, default=DEFAULT_STEP,
                   help=f"relative step of levers that are not money (default {DEFAULT_STEP:g} "
                        "= +10%% of the value); positive")
    p.add_argument("--money-step", type=float, default=DEFAULT_MONEY_STEP,
                   help=f"step of money levers and channels in 亿元 a year (default "
                        f"{DEFAULT_MONEY_STEP:g}); positive")
    p.add_argument("--lever", action="append", default=None, metavar="KEY",
                   help="study only this lever (repeatable; default: all of model/levers.yaml)")
    p.add_argument("--no-channels", action="store_true",
                   help="skip the steps that add money to one spending channel alone")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--force", action="store_true",
                   help="replace an existing output folder written by an earlier `effects`")
    p.add_argument("--posterior-dir", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_command, func=_command)


def check_output_folder(out: Path, force: bool) -> None:
    """Refuse a folder that holds anything, unless ``force`` and an earlier run wrote it.

    Raises
    ------
    InputError
        The folder is a file, is not empty without ``--force``, or was not written by
        ``effects`` (it has no :data:`MARKER`).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} is a file; give a folder")
    if not out.exists() or not any(out.iterdir()):
        return
    if not (out / MARKER).exists():
        raise InputError(f"--out: {out} is not empty and was not written by `effects`; "
                         "choose a new or empty folder")
    if not force:
        raise InputError(f"--out: {out} holds an earlier `effects` output; add --force to "
                         "replace it or choose another folder")


def _command(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..ensemble.runs import tqdm_progress
    from ..fileio.atomic import atomic_write_text
    from ..fileio.outputs import prepare_output_dir
    from ..reporting.effects_report import effects_markdown, write_tornado_charts
    from ..studies.effects import benchmark_comparison, lever_effects

    check_common(args)
    check_output_folder(args.out, args.force)
    scenario = load_scenario(args.scenario)
    start = time.perf_counter()
    with tqdm_progress("effects", not args.quiet) as bar:
        result = lever_effects(scenario, args.draws, args.seed, levers=args.lever,
                               step=args.step, money_step=args.money_step,
                               channels=not args.no_channels, posterior=posterior_dir(args),
                               progress=bar)
    comparison = benchmark_comparison(result.table, result.scenario)
    seconds = time.perf_counter() - start
    meta = {
        "scenario": f"{scenario.name} ({args.scenario})",
        "region": scenario.region,
        "draws per step": f"{result.draws:,}",
        "seed": str(result.seed),
        "relative step": f"{result.relative_step:g}",
        "money step": f"{result.money_step:g} 100m_yuan/year",
        "model runs": f"{result.runs:,}",
        "wall time": f"{seconds:.1f} s",
        "posterior": result.posterior_source,
    }
    with prepare_output_dir(args.out) as tmp:
        atomic_write_text(tmp / MARKER, "written by suzhou-sim effects\n")
        atomic_write_text(tmp / "effects.csv", result.table.to_csv(index=False))
        atomic_write_text(tmp / "skipped.csv", result.skipped.to_csv(index=False))
        atomic_write_text(tmp / "evidence.csv", comparison.to_csv(index=False))
        charts = write_tornado_charts(result.table, tmp)
        atomic_write_text(tmp / "report.md", effects_markdown(
            result.table, result.skipped, comparison, meta, charts, result.relative_step))
    steps = result.table[["kind", "lever", "period"]].drop_duplicates().shape[0]
    print(f"effects of {scenario.name}: {steps} steps x {result.draws:,} draws "
          f"({result.runs:,} model runs) in {seconds:.1f} s; wrote {args.out}", file=sys.stdout)
    return 0
