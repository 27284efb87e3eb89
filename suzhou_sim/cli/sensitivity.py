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
from ..wording.problems import Names
from .common import (
    add_common_options,
    check_common,
    handle,
    output_dir,
    posterior_dir,
    warn_zero_split,
)
from .decision import add_dask_option

__all__ = ["register", "METHODS", "DEFAULT_SAMPLES"]

METHODS = ("sobol", "morris")
#: Sobol base samples N (cost N·(D+2) runs) and Morris trajectories r (cost r·(D+1) runs).
DEFAULT_SAMPLES = {"sobol": 1024, "morris": 64}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sensitivity`` to the CLI."""
    p = subparsers.add_parser(
        "sensitivity",
        help="Sobol or Morris sensitivity of a scenario's targets to parameters and assumptions",
        description=(
            "Which uncertain inputs decide each target? Varies the calibrated parameters "
            "(over their posterior 5-95% range) and the scenario's uncertain assumptions "
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
    p.add_argument("--effect-of", default=None, metavar="LEVER:PERIOD",
                   help="study the effect of a step of this lever in this plan period "
                        "(e.g. special_fund:15th; money levers by 10%% of the region's "
                        "special fund a year, others by +10%% of their value): "
                        "the paired difference of each target with and without it, on the "
                        "same factor values (twice the runs)")
    p.add_argument("--years", default=None,
                   help="only the targets of these years, comma-separated (e.g. 2030,2035)")
    add_common_options(p, draws=False, seed_default=0, out=True,
                       out_help="output folder (default output/sensitivity_<scenario name>)")
    handle(p, _run)
    add_dask_option(p)


def _check(args: argparse.Namespace) -> tuple[str, int]:
    method = str(args.method).lower()
    if method not in METHODS:
        raise InputError(code="err.cli_method", file="--method", name=args.method,
                         allowed=Names(METHODS))
    samples = DEFAULT_SAMPLES[method] if args.samples is None else args.samples
    if samples < 2:
        raise InputError(code="err.cli_samples_small", file="--samples", value=samples)
    if method == "sobol" and samples & (samples - 1):
        raise InputError(code="err.cli_samples_power", file="--samples", value=samples,
                         below=1 << (samples.bit_length() - 1), above=1 << samples.bit_length())
    check_common(args)
    return method, samples


def _check_runs(method: str, samples: int, factors: int, paired: bool = False) -> None:
    """Refuse, before sampling, a study whose model runs exceed the draws limit."""
    from ..limits import MAX_DRAWS

    per = (factors + (2 if method == "sobol" else 1)) * (2 if paired else 1)
    runs = samples * per
    if runs > MAX_DRAWS:
        raise InputError(code="err.cli_samples_runs", file="--samples", value=samples, runs=runs,
                         per=per, limit=MAX_DRAWS, most=MAX_DRAWS // per)


def _effect_and_years(args: argparse.Namespace, scenario):  # noqa: ANN001, ANN202
    """The paired step of ``--effect-of`` (or None) and the years of ``--years`` (or None)."""
    from ..studies.sensitivity import effect_step

    years = None
    if args.years is not None:
        try:
            years = [int(y) for y in args.years.split(",") if y.strip()]
        except ValueError:
            raise InputError(code="err.cli_years", file="--years", value=args.years) from None
    if args.effect_of is None:
        return None, years
    lever, sep, period = args.effect_of.partition(":")
    if not sep:
        raise InputError(code="err.cli_effect_of", file="--effect-of", value=args.effect_of)
    return effect_step(scenario, lever.strip(), period.strip()), years


def _run(args: argparse.Namespace) -> int:
    from ..calibration.resolve import resolve_posterior
    from ..catalogues.scenarios import load_scenario
    from ..ensemble.cluster import dask_client
    from ..ensemble.runs import tqdm_progress
    from ..fileio.atomic import atomic_write_text
    from ..fileio.outputs import check_output_dir
    from ..reporting.sensitivity_plots import write_sensitivity_plots
    from ..reporting.sensitivity_text import sensitivity_summary_markdown
    from ..studies.sensitivity import build_problem, morris, sobol
    from .scenarios import OUTPUT_DIR

    method, samples = _check(args)
    scenario = load_scenario(args.scenario)
    out_dir = args.out or OUTPUT_DIR / f"sensitivity_{scenario.name}"
    check_output_dir(out_dir, args.force, writer="suzhou-sim sensitivity")  # before the runs
    warn_zero_split(scenario, "sensitivity")
    posterior, source = resolve_posterior(posterior_dir(args), scenario.region)
    problem = build_problem(scenario, posterior)
    effect, years = _effect_and_years(args, scenario)
    _check_runs(method, samples, len(problem), effect is not None)
    progress = not args.quiet
    start = time.perf_counter()
    run = sobol if method == "sobol" else morris
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        with dask_client(args.dask), tqdm_progress("simulating", progress) as bar:
            indices = run(scenario, samples, args.seed, posterior=posterior, progress=bar,
                          effect=None if effect is None else effect.changes, years=years)
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
    if effect is not None:
        meta["effect of"] = (f"{effect.lever} in the {effect.period} plan: {effect.value:g} -> "
                             f"{effect.new_value:g} {effect.unit} (paired)")
    if years:
        meta["targets of"] = ", ".join(map(str, years))
    factors = pd.DataFrame({
        "factor": problem.names, "kind": problem.kinds, "unit": problem.units,
        "low": [b[0] for b in problem.bounds], "high": [b[1] for b in problem.bounds],
        "label_en": [f.label("en") for f in problem.factors],
        "label_zh": [f.label("zh") for f in problem.factors],
    })
    with output_dir(args, out_dir) as tmp:
        atomic_write_text(tmp / "indices.csv", indices.to_csv(index=False))
        atomic_write_text(tmp / "factors.csv", factors.to_csv(index=False))
        charts = write_sensitivity_plots(indices, tmp, progress=progress)
        atomic_write_text(tmp / "summary.md",
                          sensitivity_summary_markdown(indices, meta, charts, notes))
    print(f"{method} sensitivity of {scenario.name}: {len(problem)} factors, {runs:,} model "
          f"runs in {seconds:.1f} s; wrote {out_dir}", file=sys.stdout)
    return 0
