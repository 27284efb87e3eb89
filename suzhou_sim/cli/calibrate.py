"""The ``calibrate`` subcommand: argument parsing only; the work is in ``calibration.fit``.

The calibration folder (posterior, report, charts, ``provenance.yaml``) is written as a whole
through :mod:`suzhou_sim.cli.common`'s output-folder rules (``--out``, ``--force``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..paths import OBSERVED_FILE, REGIONS
from .common import add_common_options, check_as_of, check_common, handle

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to the CLI."""
    p = subparsers.add_parser(
        "calibrate",
        help="fit a region to the observed history and store its posterior",
        description=(
            "Fit the free parameters of model/calibration/parameters.yaml to the observed "
            "history, sample the posterior and write model/calibration/<region>/ "
            "(point.yaml, posterior.csv, provenance.yaml, report.md and charts)."
        ),
    )
    p.add_argument("--region", choices=REGIONS, default="suzhou")
    p.add_argument("--starts", type=int, default=8, help="least-squares starts (default 8)")
    p.add_argument("--steps", type=int, default=None,
                   help="MCMC steps per walker (default: the sampler's DEFAULT_STEPS, 7000)")
    p.add_argument("--keep", type=int, default=4000, help="posterior sets stored (default 4000)")
    p.add_argument("--data", type=Path, default=OBSERVED_FILE, help="observed-history CSV")
    p.add_argument("--include-unverified", action="store_true",
                   help="also fit rows of quality 'unverified'")
    p.add_argument("--as-of", type=int, default=None, metavar="YEAR",
                   help="fit only the rows for years up to YEAR (what the tool would have "
                        "said then); needs --out, the stored calibration is never replaced "
                        "by a calibration of past data")
    add_common_options(p, draws=False, seed_default=0, posterior=False, out=True,
                       out_help="output folder (default model/calibration/<region>)")
    handle(p, _run)


def _run(args: argparse.Namespace) -> int:
    from ..calibration.fit import DEFAULT_STEPS
    from ..catalogues.observations import load_observations
    from ..errors import InputError
    from ..fileio.outputs import check_output_dir
    from ..paths import calibration_dir
    from ..reporting.fit_report import calibrate_and_report

    args.steps = DEFAULT_STEPS if args.steps is None else args.steps
    if args.starts < 1 or args.steps < 100 or args.keep < 100:
        raise InputError("--starts must be >= 1, --steps and --keep >= 100")
    check_common(args)
    if args.as_of is not None:
        check_as_of(args.as_of, obs_file=args.data, region=args.region)
        if args.out is None:
            raise InputError("--as-of: give --out DIR (the stored calibration in "
                             "model/calibration/ is the one of all the data)")
    # Validate the data file and the output folder before any fitting, so bad input fails
    # fast and stores nothing.
    obs = load_observations(args.data, region=args.region,
                            include_unverified=args.include_unverified)
    check_output_dir(args.out or calibration_dir(args.region), args.force)
    calibrate_and_report(
        args.region, seed=args.seed, n_starts=args.starts, n_steps=args.steps,
        n_keep=args.keep, out_dir=args.out, progress=not args.quiet, observations=obs,
        observed_file=args.data, force=args.force, as_of=args.as_of,
    )
    return 0
