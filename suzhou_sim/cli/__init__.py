"""Command-line interface: ``suzhou-sim`` / ``python -m suzhou_sim``.

Lives here: the argparse parser, the registration list :data:`_SUBCOMMANDS` (one
``register(subparsers)`` per subcommand module), the ``simulate`` subcommand, and
:func:`main`, which runs every subcommand under the one error handler of
:mod:`suzhou_sim.cli.common` (an expected failure is one line on stderr and exit code 2).
Shared options (``--draws``, ``--seed``, ``--posterior-dir``, ``--strict``, ``--quiet``,
``--out``, ``--force``) and output folders are in :mod:`suzhou_sim.cli.common`.
Must not: implement simulations or file formats (subcommands call library functions).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence

from ..errors import InputError
from .backtest import register as _add_backtest
from .calibrate import register as _add_calibrate
from .common import EXIT_USAGE, OneLineParser, run_command
from .data import register as _add_data  # data check, data add
from .decision import register as _add_decision  # optimise, discover, sweep
from .effects import register as _add_effects
from .listing import register as _add_list
from .report import register as _add_report
from .scenarios import register as _add_scenario_commands  # run, compare, goal-seek, run-all
from .sensitivity import register as _add_sensitivity
from .sketch import register as _add_sketch

__all__ = ["EXIT_USAGE", "build_parser", "main"]


def _add_simulate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run a Vensim model once and write a time x variables CSV",
        description="Run a Vensim model with the ensemble engine and write its outputs "
                    "(time index column, then one column per variable) like `python -m pysd`.")
    parser.add_argument("model", help="Vensim .mdl file")
    parser.add_argument("-o", "--output", required=True, help="CSV file to write")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="set a constant (repeatable); NAME may be the Vensim name")
    parser.add_argument("--return-columns", metavar="A,B",
                        help="comma-separated variables to write (default: all)")
    parser.add_argument("--time-step", type=float, metavar="DT", help="override TIME STEP")
    parser.add_argument("--keep-non-finite", action="store_true",
                        help="write NaN/inf values instead of refusing the run")
    parser.set_defaults(handler=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> int:
    from ..engine.simulate import simulate_to_csv

    columns = None
    if args.return_columns is not None:
        columns = [c.strip() for c in args.return_columns.split(",") if c.strip()]
        if not columns:
            raise InputError(code="err.cli_columns_empty", option="--return-columns")
    simulate_to_csv(args.model, args.output, params=args.param, return_columns=columns,
                    time_step=args.time_step, keep_non_finite=args.keep_non_finite)
    return 0


#: Collector thresholds while a command runs (Python's default is 700, 10, 10). A command
#: allocates millions of short-lived objects (imports, pandas, chart artists) and keeps
#: large live heaps whose full collections find little: at the default a 1,000-draw ``run``
#: spent 0.25 CPU-s in about 480 collections, at these 0.07 s in 5. Cycles are still
#: collected, every 50,000 allocations.
GC_THRESHOLD = (50_000, 20, 100)

#: Subcommand registrars, each ``register(subparsers)``; add new ones here. A registrar
#: adds its parser(s) and sets ``handler`` (or ``func``) to ``f(args) -> exit code``.
_SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_simulate, _add_scenario_commands, _add_calibrate, _add_sensitivity, _add_effects,
    _add_report, _add_decision,
    _add_backtest, _add_data, _add_list, _add_sketch)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every subcommand registered.

    Returns
    -------
    argparse.ArgumentParser
    """
    parser = OneLineParser(
        prog="suzhou-sim",
        description="Suzhou innovation-policy simulator: run scenarios against the policy "
                    "targets, calibrate, goal-seek and study sensitivity.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for register in _SUBCOMMANDS:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Process exit code: 0 on success, 2 on expected failures (argparse also exits
        with 2 on bad usage).
    """
    previous = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        return _main(argv)
    finally:  # a caller in the same process (a test, a notebook) keeps its own setting
        gc.set_threshold(*previous)


def _main(argv: Sequence[str] | None) -> int:
    from ..fileio.replace import recover_interrupted

    argv = list(sys.argv[1:] if argv is None else argv)
    for token in argv:
        # argparse (3.11) turns "--option=--" into an empty list that no value check expects
        if token.startswith("--") and token.endswith("=--"):
            print(f"suzhou-sim: error: {token[:-3]}: '--' is not a value; give "
                  f"{token[:-3]}=VALUE (see --help)", file=sys.stderr)
            return EXIT_USAGE
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # a usage error (one line, see OneLineParser) or --help
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    # Complete or roll back any replacement a killed command left half done (issue 26).
    for done in recover_interrupted():
        print(f"suzhou-sim: note: {done}", file=sys.stderr)
    # Subcommands set ``handler`` (or ``func``, the other common argparse idiom); every one
    # runs under the one error handler, whether or not it used ``common.handle``.
    handler = getattr(args, "handler", None) or args.func
    return run_command(handler, args)
