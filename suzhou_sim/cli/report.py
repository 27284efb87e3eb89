"""The ``report`` subcommand: a scenario's meeting report as a Word or Excel file.

``report SCENARIO.yaml [--draws N] [--seed S] [--compare OTHER.yaml ...] --out FILE
[--force]``: the format follows the suffix of FILE (.docx or .xlsx). Everything that can be
checked before the run is checked first (suffix, folder, an existing file not written by
this tool, the scenario files), so bad input exits 2 with one line and writes nothing. The
file is written through a temporary file and a rename.

Must not: build the document (``reporting/office.py``) or run the model itself
(``studies/scenario_runs.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..errors import InputError
from ..fileio.atomic import atomic_write_bytes
from .common import add_common_options, check_common, handle, posterior_dir

__all__ = ["register", "check_output"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report`` to the CLI."""
    p = subparsers.add_parser(
        "report", help="write a scenario's meeting report (.docx or .xlsx)",
        description="Run a scenario (and its region's baseline on the same draws) and write a "
                    "meeting report in Chinese: Word (.docx: scoreboard, changes, fan charts, "
                    "assumptions, sources, limits) or Excel (.xlsx: one sheet per table). The "
                    "format follows the suffix of --out.")
    p.add_argument("scenario", type=Path, help="scenario file (scenarios/*.yaml)")
    p.add_argument("--out", type=Path, required=True, help="report file: *.docx or *.xlsx")
    p.add_argument("--compare", type=Path, nargs="+", default=[], metavar="OTHER.yaml",
                   help="also compare with these scenarios (same region, same draws)")
    p.add_argument("--force", action="store_true",
                   help="replace an existing report file at --out")
    add_common_options(p)
    handle(p, _cmd_report)


def check_output(path: Path, force: bool) -> None:
    """Refuse an output path before any work: suffix, folder, existing file.

    Raises
    ------
    InputError
        Unknown suffix, missing or unwritable folder, a folder at ``path``, or an existing
        file without ``force``.
    """
    from ..reporting.office import REPORT_SUFFIXES

    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(f"--out {path}: unknown report format {suffix or '(no suffix)'!r}; "
                         f"allowed: {', '.join(REPORT_SUFFIXES)}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"--out {path}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"--out {path}: folder {folder} is not writable")
    if path.is_dir():
        raise InputError(f"--out {path}: is a folder; give a file name ending in {suffix}")
    if path.exists() and not force:
        raise InputError(f"--out {path}: file exists; use --force to replace it")


def _cmd_report(args: argparse.Namespace) -> int:
    from ..catalogues.scenarios import baseline_file, load_scenario
    from ..ensemble.runs import tqdm_progress
    from ..reporting.office import ReportInputs, report_bytes
    from ..studies.scenario_runs import compare_scenarios, run_scenario

    check_output(args.out, args.force)
    check_common(args)
    scenario = load_scenario(args.scenario)
    others = [load_scenario(p) for p in args.compare]
    for other, path in zip(others, args.compare, strict=True):
        if other.region != scenario.region:
            raise InputError(f"--compare {path}: region {other.region} differs from the "
                             f"scenario's ({scenario.region}); compare within one region")
    posterior = posterior_dir(args)
    draws = scenario.draws if args.draws is None else args.draws
    seed = scenario.seed if args.seed is None else args.seed
    with tqdm_progress("simulating", not args.quiet) as progress:
        result = run_scenario(scenario, draws=draws, seed=seed, posterior=posterior,
                              progress=progress)
        base_file = baseline_file(scenario.region)
        baseline = None
        if base_file is not None and load_scenario(base_file).name != scenario.name:
            baseline = run_scenario(base_file, draws=draws, seed=seed, posterior=posterior,
                                    progress=progress)
        comparison, compared = None, []
        if others:
            compared = [scenario, *others]
            comparison = compare_scenarios(compared, draws=draws, seed=seed,
                                           posterior=posterior, progress=progress)
    data = report_bytes(args.out, ReportInputs(result, baseline, comparison, compared))
    check_output(args.out, args.force)  # the file may have appeared during the run
    atomic_write_bytes(args.out, data)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
