"""The ``backtest`` subcommand: argument parsing only; the work is in ``studies.backtest``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..catalogues.regions import DEFAULT_REGION
from ..paths import OBSERVED_FILE

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``backtest`` to the CLI."""
    p = subparsers.add_parser(
        "backtest",
        help="rolling-origin backtest of the baseline forecasts against naive forecasts",
        description=(
            "For each origin, calibrate on the observations up to that year (MAP + a short "
            "MCMC chain), forecast the region's baseline and score every later published "
            "value against the naive forecasts. Writes backtest.csv, skill.csv, fans.csv, "
            "forecast_error.yaml, report.md and charts into --out."
        ),
    )
    # Region and origins are checked by the study so that a bad value gives one line.
    p.add_argument("--region", default=DEFAULT_REGION,
                   help=f"a region with a profile in model/regions/ (default {DEFAULT_REGION})")
    p.add_argument("--origins", default="2020,2021,2022,2023",
                   help="comma-separated forecast origins (default 2020,2021,2022,2023; the "
                        "model starts at the end of 2018, so 2019 is the earliest)")
    p.add_argument("--as-of", type=int, default=None, metavar="YEAR",
                   help="score with the data up to YEAR only (what the backtest would have "
                        "said then)")
    p.add_argument("--draws", default="500", help="ensemble size per forecast (default 500)")
    p.add_argument("--seed", default="0", help="random seed (default 0)")
    p.add_argument("--starts", default="2", help="least-squares starts per fit (default 2)")
    p.add_argument("--steps", default="800",
                   help="MCMC steps per walker of each fit, calibrate's sampler with a shorter "
                        "chain (default 800; 0 = the Laplace approximation instead)")
    p.add_argument("--data", type=Path, default=OBSERVED_FILE, help="observed-history CSV")
    p.add_argument("--out", type=Path, required=True,
                   help="output folder (new, empty, or written by an earlier backtest)")
    p.add_argument("--save-error-model", action="store_true",
                   help="also store forecast_error.yaml as the region's error model "
                        "(model/calibration/<region>/forecast_error.yaml)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(handler=_run)


def _whole(text: str, field: str, low: int, high: int) -> int:
    from ..errors import InputError

    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError(code="err.cli_not_whole", file=field, value=text,
                         allowed=f"{low}-{high}") from None
    if not low <= value <= high:
        raise InputError(code="err.cli_out_of_range", file=field, value=value,
                         allowed=f"{low}-{high}")
    return value


def _run(args: argparse.Namespace) -> int:
    import sys

    from ..catalogues.observations import load_observations, observations_as_of
    from ..ensemble.runs import tqdm_progress
    from ..errors import InputError
    from ..limits import MAX_DRAWS, MAX_STARTS, MAX_STEPS
    from ..reporting.backtest_report import check_output_folder, write_backtest
    from ..studies.backtest import KEY_SERIES, run_backtest
    from ..studies.predictive import error_model_file, save_error_model
    from .common import check_as_of

    origins = [_whole(o, "--origins", 1900, 2100) for o in args.origins.split(",") if o.strip()]
    draws = _whole(args.draws, "--draws", 1, MAX_DRAWS)
    seed = _whole(args.seed, "--seed", 0, 2**32 - 1)
    starts = _whole(args.starts, "--starts", 1, MAX_STARTS)
    steps = _whole(args.steps, "--steps", 0, MAX_STEPS)
    if 0 < steps < 100:
        raise InputError(code="err.cli_chain_short", file="--steps", value=steps,
                         allowed=f"0 or 100-{MAX_STEPS}")
    # Fail on a bad folder before any fitting.
    check_output_folder(args.out)
    obs = load_observations(args.data, region=args.region)
    if args.as_of is not None:
        check_as_of(args.as_of, obs_file=args.data, region=args.region)
        obs = observations_as_of(obs, args.as_of)
    log = None if args.quiet else (lambda line: print(line, file=sys.stderr))
    with tqdm_progress(f"backtest {args.region}", enabled=not args.quiet) as progress:
        result = run_backtest(args.region, origins, draws=draws, seed=seed, observations=obs,
                              n_starts=starts, progress=progress, log=log, steps=steps)
    command = ("python -m suzhou_sim backtest --region {r} --origins {o} --draws {d} --seed {s}"
               " --starts {n} --steps {m} --out {out}").format(
        r=args.region, o=",".join(map(str, result.origins)), d=draws, s=seed, n=starts,
        m=steps, out=args.out)
    write_backtest(result, args.out, obs, KEY_SERIES, command)
    if args.save_error_model:
        path = save_error_model(result.error_model, error_model_file(args.region))
        print(f"error model: {path}")
    print(f"backtest of {args.region}: {len(result.table)} values scored in "
          f"{result.seconds:.0f} s; written to {args.out}")
    return 0
