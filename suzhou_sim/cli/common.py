"""What every subcommand shares: common options, one error handler, output folders, warnings.

How a subcommand module uses it (``cli/<name>.py``)::

    from ..fileio.outputs import check_output_dir
    from .common import add_common_options, check_common, handle, output_dir, posterior_dir

    def register(subparsers):
        p = subparsers.add_parser("mystudy", help="...")
        p.add_argument("scenario", type=Path)
        add_common_options(p, draws=True, seed=True, posterior=True, out=True)
        handle(p, _run)                     # sets ``handler``: errors -> exit 2, one line

    def _run(args) -> int:
        check_common(args)                  # --draws / --seed limits
        check_output_dir(args.out or DEFAULT, args.force,   # refuse before the long runs
                         writer="suzhou-sim mystudy")
        warn_zero_split(scenario, "mystudy")  # if the study takes a scenario
        ...                                 # studies load the calibration via
        ...                                 # resolve_posterior(posterior_dir(args), ...)
        with output_dir(args, default=DEFAULT) as tmp:
            ...                             # write files into tmp; renamed into place at the end
        return 0

Options added by :func:`add_common_options`: ``--draws N`` (1 to the
``MAX_DRAWS``), ``--seed N`` (>= 0), ``--posterior-dir DIR`` (hidden; also the environment
variable ``SUZHOU_SIM_POSTERIOR_DIR``), ``--strict`` (a stale calibration is an error, not a
warning), ``--quiet`` (no progress bars), ``--out DIR`` and ``--force`` (also replace a
folder another command of this tool wrote; a folder the tool did not write is never
replaced). The handler installed by :func:`handle` turns every
:class:`~suzhou_sim.errors.InputError` (and engine error, OS error, stale calibration under
``--strict``) into ONE line ``suzhou-sim <command>: error: <file>: <field>: <what is allowed>``
on stderr and exit code 2, and prints warnings (stale calibration, a fund split of all zeros)
as one ``warning:`` line each (a stale calibration is found by
``resolve_posterior`` for every study; :func:`warn_if_stale` is for commands that
read a calibration some other way). Must not: run studies or word results (``studies``,
``reporting``).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from ..calibration.provenance import StaleCalibrationWarning, Staleness, calibration_status
from ..engine.errors import EngineError
from ..errors import InputError
from ..fileio.outputs import prepare_output_dir
from ..wording import say
from ..wording.problems import Phrase

__all__ = [
    "CLI_LANG",
    "EXIT_USAGE",
    "OneLineParser",
    "whole_number",
    "POSTERIOR_ENV",
    "add_common_options",
    "check_common",
    "handle",
    "one_line",
    "output_dir",
    "posterior_dir",
    "run_command",
    "warn",
    "warn_if_stale",
    "warn_zero_split",
]

#: Exit code for bad input, as argparse uses for a bad command line.
EXIT_USAGE = 2
#: Language of the command line's messages (its options and help are English too).
CLI_LANG = "en"
POSTERIOR_ENV = "SUZHOU_SIM_POSTERIOR_DIR"


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are ONE line (``prog: error: message``), exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print ``message`` on one line and exit with :data:`EXIT_USAGE`."""
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)}\n")


def whole_number(text: str) -> int:
    """An argparse type: a whole number, also written ``1e6`` or ``1_000`` (never ``1.5``).

    Raises
    ------
    argparse.ArgumentTypeError
        Not a whole number (``true``, ``1.5``, ``abc``).
    """
    cleaned = str(text).strip().replace("_", "")
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value == int(value) and abs(value) < 1e18:
        return int(value)
    raise argparse.ArgumentTypeError(say("misc.cli_not_whole_number", CLI_LANG, text=text))


def add_common_options(
    parser: argparse.ArgumentParser,
    *,
    draws: bool = True,
    seed: bool = True,
    posterior: bool = True,
    out: bool = False,
    quiet: bool = True,
    seed_default: int | None = None,
    out_help: str = "output folder",
) -> None:
    """Add the shared options to a subcommand's parser (each only when asked for).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    draws, seed, posterior, out, quiet : bool
        Add ``--draws``; ``--seed``; ``--posterior-dir`` and ``--strict``; ``--out`` and
        ``--force``; ``--quiet``.
    seed_default : int, optional
        Default of ``--seed`` (None: the scenario's own seed).
    out_help : str
        Help text of ``--out`` (say the default folder).
    """
    from ..limits import MAX_DRAWS

    if draws:
        parser.add_argument("--draws", type=whole_number, default=None,
                            help=f"ensemble size, 1-{MAX_DRAWS} (default: the scenario's)")
    if seed:
        default = "the scenario's" if seed_default is None else str(seed_default)
        parser.add_argument("--seed", type=int, default=seed_default,
                            help=f"random seed, >= 0 (default: {default})")
    if posterior:
        parser.add_argument("--posterior-dir", type=Path, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--strict", action="store_true",
                            help="refuse to run with a stale calibration (default: warn)")
    if out:
        parser.add_argument("--out", type=Path, default=None, help=out_help)
        parser.add_argument("--force", action="store_true",
                            help="also replace an output folder another suzhou-sim command "
                                 "wrote (never one suzhou-sim did not write)")
    if quiet:
        parser.add_argument("--quiet", action="store_true", help="no progress bars")


def check_common(args: argparse.Namespace) -> None:
    """Check ``--draws`` and ``--seed`` (when the parser has them); raise :class:`InputError`."""
    from ..limits import check_draws

    if getattr(args, "draws", None) is not None:
        check_draws(args.draws, "--draws")
    if getattr(args, "seed", None) is not None and args.seed < 0:
        raise InputError(code="err.cli_seed", file="--seed", value=args.seed)


def check_as_of(year: int, obs_file: Path, region: str) -> None:
    """Refuse an ``--as-of`` year the region's data cannot answer (before its first
    published figure, or after the last: the data vintage)."""
    from ..catalogues.observations import data_vintage, load_observations
    from ..catalogues.timeline import FIRST_SIM_YEAR

    obs = load_observations(obs_file, region=region)
    last = data_vintage(region, obs).year
    if not FIRST_SIM_YEAR <= year <= last:
        raise InputError(code="err.cli_as_of_range", file="--as-of", value=year,
                         first=FIRST_SIM_YEAR, last=last, region=region, data=str(obs_file))


def check_as_of_posterior(year: int, posterior: Path | None, region: str) -> None:
    """``run --as-of YEAR`` needs a posterior calibrated on the data up to YEAR."""
    from ..calibration.provenance import read_as_of

    if posterior is None:
        raise InputError(code="err.cli_as_of_needs_posterior", file=f"--as-of {year}",
                         region=region, year=year)
    folder = Path(posterior)
    if (folder / region).is_dir():
        folder = folder / region
    recorded = read_as_of(folder)
    if recorded != year:
        said = Phrase("err.cli_all_data") if recorded is None else \
            Phrase("err.cli_data_up_to", {"year": recorded})
        raise InputError(code="err.cli_as_of_mismatch", file=f"--as-of {year}",
                         folder=str(folder), said=said, year=year)


def posterior_dir(args: argparse.Namespace) -> Path | None:
    """The calibration root given by ``--posterior-dir`` or the environment, else None."""
    given = getattr(args, "posterior_dir", None)
    if given is not None:
        return Path(given)
    env = os.environ.get(POSTERIOR_ENV)
    return Path(env) if env else None


def output_dir(args: argparse.Namespace, default: Path) -> contextlib.AbstractContextManager[Path]:
    """:func:`~suzhou_sim.fileio.outputs.prepare_output_dir` for ``--out`` (else ``default``).

    Refuses (exit 2) an existing folder this tool did not write (always) or another command
    wrote (unless ``--force``); never turns a file into a folder.
    """
    target = getattr(args, "out", None) or default
    writer = " ".join(["suzhou-sim", str(getattr(args, "command", ""))]).strip()
    return prepare_output_dir(target, force=bool(getattr(args, "force", False)), writer=writer)


def one_line(text: str) -> str:
    """``text`` on one line: its lines joined by ``; ``, inner whitespace collapsed."""
    parts = [" ".join(line.split()) for line in str(text).splitlines()]
    return "; ".join(p for p in parts if p)


def warn(command: str, message: str) -> None:
    """Print one ``warning:`` line on stderr."""
    print(f"suzhou-sim {command}: warning: {one_line(message)}", file=sys.stderr)


def warn_if_stale(region: str, strict: bool = False, directory: Path | None = None,
                  command: str = "") -> Staleness:
    """Check ``region``'s calibration; one warning line when stale, :class:`InputError` if strict.

    For commands that use a calibration without going through
    :func:`~suzhou_sim.calibration.resolve.resolve_posterior` (which warns by itself).
    """
    from ..reporting.warnings_text import staleness_message, staleness_phrase

    status = calibration_status(region, directory)
    if status.stale:
        if strict:
            raise InputError(code="err.cli_strict_stale", file="--strict",
                             message=staleness_phrase(status))
        warn(command, staleness_message(status))
    return status


def warn_zero_split(scenario, command: str) -> None:  # noqa: ANN001 - a Scenario
    """Warn on one line when every split weight of a plan period is 0 (the fund goes nowhere)."""
    from ..catalogues.scenarios import zero_split_periods
    from ..reporting.warnings_text import zero_split_message

    periods = zero_split_periods(scenario)
    if periods:
        warn(command, f"{scenario.name}: {zero_split_message(periods)}")


def _command_name(args: argparse.Namespace, parser: argparse.ArgumentParser | None) -> str:
    name = getattr(args, "command", None)
    return str(name) if name else (parser.prog.split()[-1] if parser else "")


def run_command(command: Callable[[argparse.Namespace], int], args: argparse.Namespace,
                parser: argparse.ArgumentParser | None = None) -> int:
    """Run ``command(args)`` with the one error handler and the warning printer.

    A stale calibration reported through :class:`StaleCalibrationWarning` prints one warning
    line per region, or fails with exit 2 under ``--strict``. Input, engine and OS errors
    print one ``error:`` line (rendered from their codes in :data:`CLI_LANG`) and return
    :data:`EXIT_USAGE`; an engine error without a code is an engine bug and keeps its
    traceback.
    """
    from ..reporting.warnings_text import library_warning_message, staleness_message

    name = _command_name(args, parser)
    strict = bool(getattr(args, "strict", False))
    shown: set[object] = set()

    def library(source: str, text: str) -> None:
        message = library_warning_message(source, text)
        if message not in shown:  # once per command, however often a library repeats it
            shown.add(message)
            warn(name, message)

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        if isinstance(message, StaleCalibrationWarning):
            key = (message.status.region, message.status.folder)
            if key not in shown:
                shown.add(key)
                warn(name, staleness_message(message.status))
            return
        # a library's warning (NumPy, SciPy, SALib, ...): one line, in words, not raw
        library(_library_of(filename), str(message))

    handler = _LibraryLog(library)
    root = logging.getLogger()
    try:
        root.addHandler(handler)
        with warnings.catch_warnings():
            warnings.simplefilter("error" if strict else "always", StaleCalibrationWarning)
            warnings.showwarning = show
            return int(command(args) or 0)
    except StaleCalibrationWarning as exc:
        message = f"--strict: {staleness_message(exc.status)}"
    except InputError as exc:
        message = str(exc) or type(exc).__name__
    except EngineError as exc:
        if exc.code is None:  # an engine invariant failed: a bug, shown with its traceback
            raise
        message = exc.render(CLI_LANG)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc}"
    finally:
        root.removeHandler(handler)
    print(f"suzhou-sim {name}: error: {one_line(message)}", file=sys.stderr)
    return EXIT_USAGE


def _library_of(filename: str) -> str:
    """The top-level package a warning came from (``numpy``, ``emcee``, ...), from its file."""
    parts = Path(str(filename)).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1:]
        if rest:
            return rest[0].removesuffix(".py")
    return Path(str(filename)).stem or "python"


class _LibraryLog(logging.Handler):
    """Logging records of other packages at WARNING or above, passed on as one line each
    (emcee, for one, logs its chain-length warning instead of warning)."""

    def __init__(self, report: Callable[[str, str], None]) -> None:
        super().__init__(level=logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        top = record.name.split(".")[0]
        if top in ("suzhou_sim", "root", "py"):
            return
        self.report(top, record.getMessage())


def handle(parser: argparse.ArgumentParser,
           command: Callable[[argparse.Namespace], int]) -> None:
    """Make ``command`` the subcommand's handler, wrapped in :func:`run_command`."""

    def run(args: argparse.Namespace) -> int:
        return run_command(command, args, parser)

    parser.set_defaults(handler=run, func=run)
