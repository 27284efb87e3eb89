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
import sys
from pathlib import Path

from ..errors import InputError
from ..fileio.outputs import check_output_file, write_output_file
from ..wording.problems import Names
from .common import add_common_options, check_common, handle, posterior_dir

__all__ = ["register", "check_output", "WRITER"]

#: What the sidecar of a report file names.
WRITER = "suzhou-sim report"


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
                   help="also replace an output file another suzhou-sim command wrote")
    add_common_options(p)
    handle(p, _cmd_report)


def check_output(path: Path, force: bool) -> None:
    """Refuse an output path before any work: suffix, then the one rule of output files.

    Raises
    ------
    InputError
        Unknown suffix, or what :func:`~suzhou_sim.fileio.outputs.check_output_file`
        refuses (a protected place, a missing or unwritable folder, a folder at ``path``,
        a file the tool did not write or that was changed since).
    """
    from ..reporting.office import REPORT_SUFFIXES

    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise InputError(code="err.cli_report_format", file=f"--out {path}",
                         suffix=suffix or "(no suffix)", allowed=Names(REPORT_SUFFIXES))
    check_output_file(path, force, "--out", WRITER)


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
            raise InputError(code="err.cli_compare_region", file=f"--compare {path}",
                             region=other.region, own=scenario.region)
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
    write_output_file(args.out, data, args.force, WRITER)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0
