"""The ``sensitivity`` subcommand: Sobol or Morris indices of a scenario's targets.

Argument checks, the output folder and the summary report only; the indices come from
``studies.sensitivity`` and the charts from ``reporting.sensitivity_plots``. Bad input raises
:class:`~suzhou_sim.errors.InputError` before anything runs (the CLI maps it to exit code 2),
and the outputs are written into a temporary folder that replaces the output folder only
when complete. Calibrated parameters are found as for ``run`` (hidden ``--posterior-dir`` or
the ``SUZHOU_SIM_POSTERIOR_DIR`` environment variable, else ``model/calibration/``).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .decision import add_dask_option

__all__ = ["register", "METHODS", "DEFAULT_SAMPLES"]

METHODS = ("sobol", "morris")
EXIT_USAGE = 2  # as argparse and cli.main use for bad input
#: Sobol base samples N (cost N·(D+2) runs) and Morris trajectories r (cost r·(D+1) runs).
DEFAULT_SAMPLES = {"sobol": 1024, "morris": 64}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sensitivity`` to the CLI."""
    p = subparsers.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity of a scenario's targets to parameters and assumptions",
        description=(
            "Which uncertain inputs decide each target? Varies the calibrated parameters "
            "(over their posterior 5-95%% range) and the scenario's uncertain assumptions "
            "(over their low-high range) and writes indices.csv, factors.csv, one chart per "
            "target, heatmap.png and summary.md (English and Chinese) into the output folder."
        ),
    )
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    p.add_argument("--method", default="sobol",
                   help="sobol (variance-based, default) or morris (cheaper screening)")
    p.add_argument("--samples", type=int, default=None,
                   help="Sobol base samples N, a power of 2 (default 1024; N*(D+2) model runs) "
                        "or Morris trajectories (default 64; r*(D+1) runs); at least 2")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default output/sensitivity_<scenario name>)")
    p.add_argument("--posterior-dir", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    add_dask_option(p)
    # cli.main dispatches on ``handler``, the other subcommand modules on ``func``: set both.
    p.set_defaults(handler=_command, func=_command)


def _command(args: argparse.Namespace) -> int:
    """Run the command; bad input ends with one line on stderr and exit code 2.

    Handled here, not left to ``cli.main``, so the exit code does not depend on which
    exceptions ``main`` maps; several problems (a scenario file can have many) share the line.
    """
    try:
        return _run(args)
    except InputError as exc:
        message = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        print(f"suzhou-sim sensitivity: error: {message}", file=sys.stderr)
        return EXIT_USAGE


def _check(args: argparse.Namespace) -> tuple[str, int]:
    method = str(args.method).lower()
    if method not in METHODS:
        raise InputError(f"--method: unknown method {args.method!r}; allowed: "
                         f"{', '.join(METHODS)}")
    samples = DEFAULT_SAMPLES[method] if args.samples is None else args.samples
    if samples < 2:
        raise InputError(f"--samples: {samples} is too small; use at least 2")
    if args.seed < 0:
        raise InputError(f"--seed: {args.seed} is not allowed; use a seed >= 0")
    return method, samples


def _run(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import load_scenario
    from ..fileio.atomic import atomic_directory, atomic_write_text
    from ..reporting.sensitivity_plots import write_sensitivity_plots
    from ..reporting.sensitivity_text import sensitivity_summary_markdown
    from ..studies.evaluator import dask_client, resolve_posterior, tqdm_progress
    from ..studies.sensitivity import build_problem, morris, sobol
    from .scenarios import OUTPUT_DIR, _posterior_dir

    method, samples = _check(args)
    scenario = load_scenario(args.scenario)
    posterior, source = resolve_posterior(_posterior_dir(args), scenario.region)
    problem = build_problem(scenario, posterior)
    out_dir = args.out or OUTPUT_DIR / f"sensitivity_{scenario.name}"
    progress = not args.quiet
    start = time.perf_counter()
    run = sobol if method == "sobol" else morris
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        with dask_client(args.dask), tqdm_progress("simulating", progress) as bar:
            indices = run(scenario, samples, args.seed, posterior=posterior, progress=bar)
    # One short line per distinct warning, on stderr and in the report.
    notes = list(dict.fromkeys(str(w.message) for w in caught
                               if issubclass(w.category, UserWarning)))
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    seconds = time.perf_counter() - start
    runs = indices.attrs.get("model_runs", 0)
    meta = {
        "scenario": f"{scenario.name} ({args.scenario})",
        "region": scenario.region,
        "method": method,
        "samples": f"{samples} ({'base samples N' if method == 'sobol' else 'trajectories'})",
        "seed": str(args.seed),
        "factors": f"{len(problem)} ({problem.kinds.count('calibrated')} calibrated, "
                   f"{problem.kinds.count('assumption')} assumptions)",
        "model runs": f"{runs:,}",
        "wall time": f"{seconds:.1f} s",
        "posterior": source,
    }
    factors = pd.DataFrame({
        "factor": problem.names, "kind": problem.kinds, "unit": problem.units,
        "low": [b[0] for b in problem.bounds], "high": [b[1] for b in problem.bounds],
        "label_en": [f.label("en") for f in problem.factors],
        "label_zh": [f.label("zh") for f in problem.factors],
    })
    with atomic_directory(out_dir) as tmp:
        atomic_write_text(tmp / "indices.csv", indices.to_csv(index=False))
        atomic_write_text(tmp / "factors.csv", factors.to_csv(index=False))
        charts = write_sensitivity_plots(indices, tmp, progress=progress)
        atomic_write_text(tmp / "summary.md",
                          sensitivity_summary_markdown(indices, meta, charts, notes))
    print(f"{method} sensitivity of {scenario.name}: {len(problem)} factors, {runs:,} model "
          f"runs in {seconds:.1f} s; wrote {out_dir}", file=sys.stdout)
    return 0
