"""The ``calibrate`` subcommand: argument parsing only; the work is in ``calibration.fit``.

The calibration folder (posterior, report, charts, ``provenance.yaml``) is written as a whole
through :mod:`suzhou_sim.cli.common`'s output-folder rules (``--out``, ``--force``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..catalogues.observation_checks import Conflict
from ..catalogues.regions import DEFAULT_REGION
from ..limits import MAX_KEEP, MAX_STARTS, MAX_STEPS
from ..paths import OBSERVED_FILE
from .common import add_common_options, check_as_of, check_common, handle, whole_number

__all__ = ["register", "conflict_note"]


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
    # The region is checked against the profiles in model/regions/ so that a bad value
    # gives one line.
    p.add_argument("--region", default=DEFAULT_REGION,
                   help=f"a region with a profile in model/regions/ (default {DEFAULT_REGION})")
    p.add_argument("--starts", type=whole_number, default=8,
                   help=f"least-squares starts, 1-{MAX_STARTS} (default 8)")
    p.add_argument("--steps", type=whole_number, default=None,
                   help=f"MCMC steps per walker, 100-{MAX_STEPS:,} (default: the sampler's "
                        "DEFAULT_STEPS, 7000)")
    p.add_argument("--keep", type=whole_number, default=4000,
                   help=f"posterior sets stored, 100-{MAX_KEEP:,} (default 4000)")
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


def conflict_note(conflicts: list[Conflict], region: str, data: Path, folder: Path) -> str | None:
    """One line on the indicator-years with several figures the fit had to weigh, or None.

    Parameters
    ----------
    conflicts : list of Conflict
        :func:`~suzhou_sim.catalogues.observations.observation_conflicts` of the fitted rows.
    region : str
    data : Path
        The observations file.
    folder : Path
        The calibration folder whose ``report.md`` lists each conflict and how it was weighed.
    """
    if not conflicts:
        return None
    worst = sorted(conflicts, key=lambda c: -c.ratio)[:3]
    listed = ", ".join(f"{c.indicator} {c.year} (ratio {c.ratio:.3g})" for c in worst)
    return (f"calibrate: {len(conflicts)} indicator-year(s) of {region} in {data} have "
            f"several figures (largest disagreement: {listed}); {folder / 'report.md'} says "
            "how the fit weighed each")


def _run(args: argparse.Namespace) -> int:
    from ..calibration.fit import DEFAULT_STEPS, KEPT_BY_RECALIBRATION
    from ..catalogues.observations import load_observations, observation_conflicts
    from ..catalogues.regions import check_region
    from ..errors import InputError
    from ..fileio.outputs import check_output_dir
    from ..limits import check_limit
    from ..paths import calibration_dir
    from ..reporting.fit_report import calibrate_and_report
    from ..wording.problems import Phrase

    check_region(args.region, "--region")
    args.steps = DEFAULT_STEPS if args.steps is None else args.steps
    if args.starts < 1 or args.steps < 100 or args.keep < 100:
        raise InputError(code="err.cli_fit_minimums")
    for option, value, limit in (("--starts", args.starts, MAX_STARTS),
                                 ("--steps", args.steps, MAX_STEPS),
                                 ("--keep", args.keep, MAX_KEEP)):
        check_limit(value, limit, option, Phrase("err.hint_limits_file"))
    check_common(args)
    if args.as_of is not None:
        check_as_of(args.as_of, obs_file=args.data, region=args.region)
        if args.out is None:
            raise InputError(code="err.cli_as_of_needs_out", file="--as-of")
    # Validate the data file and the output folder before any fitting, so bad input fails
    # fast and stores nothing.
    obs = load_observations(args.data, region=args.region,
                            include_unverified=args.include_unverified)
    check_output_dir(args.out or calibration_dir(args.region), args.force,
                     writer="suzhou-sim calibrate", keep=KEPT_BY_RECALIBRATION)
    calibrate_and_report(
        args.region, seed=args.seed, n_starts=args.starts, n_steps=args.steps,
        n_keep=args.keep, out_dir=args.out, progress=not args.quiet, observations=obs,
        observed_file=args.data, force=args.force, as_of=args.as_of,
    )
    note = conflict_note(observation_conflicts(obs, args.data), args.region, args.data,
                         Path(args.out or calibration_dir(args.region)))
    if note:
        print(note, file=sys.stderr)  # said however quiet: the fit weighed disagreeing figures
    return 0
