"""Observed statistics: reading and validating ``data/observed_history.csv``.

Every row is one reported figure with its bound (exact, lower, upper, approx), quality
(reported, preliminary, derived, unverified) and source. This module reads the file (bounded:
size and rows limited before parsing, no devices or FIFOs) and checks each cell; the checks
across rows and against the registry (sources, years, units, duplicates, conflicts, jumps) are
:mod:`suzhou_sim.catalogues.observation_checks`, shared with ``suzhou-sim data check``.
Turning rows into calibration residuals is ``calibration.fit``'s job.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import hashlib
import io
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..fileio.text import read_text
from ..limits import MAX_OBSERVATION_BYTES, MAX_OBSERVATION_ROWS
from ..paths import OBSERVED_FILE
from ..wording.problems import Names, Phrase
from .indicators import load_indicators
from .observation_checks import Conflict, check_observation_rows, validate_observations
from .regions import region_names

__all__ = ["BOUNDS", "QUALITIES", "REQUIRED_COLUMNS", "YEARS", "DataVintage", "data_vintage",
           "load_observations", "observation_conflicts", "observations_as_of",
           "read_observation_rows"]

REQUIRED_COLUMNS = (
    "region", "indicator", "year", "value", "unit", "bound", "quality", "source_url", "quote_zh",
)
BOUNDS = ("exact", "lower", "upper", "approx")
QUALITIES = ("reported", "preliminary", "derived", "unverified")
#: Years a data row may carry (inclusive).
YEARS = (1990, 2100)


def _bad(path: Path, row: int, column: str, code: str, **values: object) -> InputError:
    return InputError(code="err.obs_at", file=path, row=row, column=column,
                      reason=Phrase(code, values))


def read_observation_rows(path: Path, today: _dt.date | None = None) -> pd.DataFrame:
    """Read ``path`` and check every row on its own (no checks across rows).

    Returns
    -------
    pandas.DataFrame
        Every row of every region and quality, with ``row`` (line in the file).

    Raises
    ------
    InputError
        As :func:`load_observations`, for the checks of single rows.
    """
    path = Path(path)
    text = read_text(path, "observed-history CSV", MAX_OBSERVATION_BYTES)  # a BOM is dropped
    if text.count("\n") > MAX_OBSERVATION_ROWS + 1:
        raise InputError(code="err.obs_too_many_rows", file=path, limit=MAX_OBSERVATION_ROWS)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(code="err.obs_missing_columns", file=path, names=Names(missing))
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(code="err.obs_unreadable_csv", file=path, reason=str(exc)) from None
    if not rows:
        raise InputError(code="err.obs_no_rows", file=path)

    known = load_indicators()
    regions = region_names()
    units = {name: ind.unit for name, ind in known.items()}
    records = []
    for i, raw in enumerate(rows, start=2):
        rec = dict(raw)
        for col in REQUIRED_COLUMNS:
            if rec.get(col) is None:
                raise _bad(path, i, col, "err.obs_short_row")
        try:
            rec["value"] = float(rec["value"])
        except ValueError:
            raise _bad(path, i, "value", "err.obs_not_number", value=rec["value"]) from None
        # Every observed figure is an amount (firms, yuan, percent); errors are relative to it.
        if not (math.isfinite(rec["value"]) and rec["value"] > 0):
            raise _bad(path, i, "value", "err.obs_not_positive", value=rec["value"])
        try:
            rec["year"] = int(rec["year"])
        except ValueError:
            raise _bad(path, i, "year", "err.obs_not_year", value=rec["year"]) from None
        if not YEARS[0] <= rec["year"] <= YEARS[1]:
            raise _bad(path, i, "year", "err.obs_year_range", value=rec["year"], low=YEARS[0],
                       high=YEARS[1])
        if rec["region"] not in regions:
            raise _bad(path, i, "region", "err.obs_not_allowed", value=rec["region"],
                       allowed=Names(regions))
        if rec["indicator"] not in known:
            close = difflib.get_close_matches(rec["indicator"], list(known), n=3)
            if close:
                raise _bad(path, i, "indicator", "err.obs_unknown_indicator_close",
                           name=rec["indicator"], close=Names(close))
            raise _bad(path, i, "indicator", "err.obs_unknown_indicator", name=rec["indicator"])
        if rec["bound"] not in BOUNDS:
            raise _bad(path, i, "bound", "err.obs_not_allowed", value=rec["bound"],
                       allowed=Names(BOUNDS))
        if rec["quality"] not in QUALITIES:
            raise _bad(path, i, "quality", "err.obs_not_allowed", value=rec["quality"],
                       allowed=Names(QUALITIES))
        rec["row"] = i
        check_observation_rows(rec, path, units, today)
        records.append(rec)
    return pd.DataFrame.from_records(records, columns=[*REQUIRED_COLUMNS, "row"])


def observation_conflicts(frame: pd.DataFrame, path: Path = OBSERVED_FILE) -> list[Conflict]:
    """Indicator-years of ``frame`` (from :func:`load_observations`) with several figures."""
    return validate_observations(frame, path)


#: Validated files of this process: (path, content digest, day) -> rows. A scenario run
#: reads the history three or four times (targets, judgements, trends, conditioning);
#: validating it once is a quarter of a run's own time. The digest of the file's bytes (not
#: its modification time, which a quick same-size edit may not change) and the day (which
#: decides which years lie in the future) make any change read it anew.
_VALIDATED: dict[tuple, pd.DataFrame] = {}
_VALIDATED_LOCK = threading.Lock()  # the app's sessions read from several threads


def _content_key(path: Path) -> tuple | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_OBSERVATION_BYTES:
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return str(path.resolve()), digest, _dt.date.today()
    except OSError:
        return None  # read_observation_rows says what is wrong with the path


def _validated_rows(path: Path) -> pd.DataFrame:
    key = _content_key(path)
    with _VALIDATED_LOCK:
        frame = _VALIDATED.get(key) if key is not None else None
    if frame is None:
        frame = read_observation_rows(path)
        validate_observations(frame, path)
        # kept only if the file still holds the bytes the key was made from (an edit while
        # it was read must not file the new rows under the old content, or the reverse)
        if key is not None and _content_key(path) == key:
            with _VALIDATED_LOCK:
                _VALIDATED.clear()  # one file at a time is what a run reads
                _VALIDATED[key] = frame
    return frame.copy()


def load_observations(
    path: Path = OBSERVED_FILE,
    region: str | None = None,
    include_unverified: bool = False,
) -> pd.DataFrame:
    """Read and validate the observed history.

    Parameters
    ----------
    path : Path
        CSV with the columns of ``data/README.md``.
    region : str, optional
        Keep only this region's rows.
    include_unverified : bool
        Keep rows of quality ``unverified`` (left out by default, as the design asks).

    Returns
    -------
    pandas.DataFrame
        One row per figure; ``value`` float, ``year`` int; a ``row`` column gives the line
        number in the file (header = line 1) for messages.

    Raises
    ------
    InputError
        Not a regular file, larger than the limits, not UTF-8, no data rows, missing column,
        non-numeric, non-finite, zero or negative value, year outside :data:`YEARS` or after
        the current year, unknown region/indicator/bound/quality, empty source, a unit not
        the indicator's, an implausible value, an exact duplicate, contradicting figures of
        one indicator-year, an order-of-magnitude jump against the indicator's history
        (:mod:`~suzhou_sim.catalogues.observation_checks`); the message names the file, the
        row and the column.
    """
    frame = _validated_rows(Path(path))
    if region is not None:
        frame = frame[frame["region"] == region]
    if not include_unverified:
        frame = frame[frame["quality"] != "unverified"]
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class DataVintage:
    """How current a region's published statistics are.

    Attributes
    ----------
    region : str
    year : int
        The last calendar year with a published figure (quality ``reported`` or
        ``preliminary``) for the region: "data through ``year``".
    preliminary : tuple[str, ...]
        Indicators whose figure for ``year`` is preliminary (预计数), likely to be revised.
    """

    region: str
    year: int
    preliminary: tuple[str, ...] = ()


def data_vintage(region: str, observations: pd.DataFrame | None = None) -> DataVintage:
    """The data vintage of ``region``: the last year with published figures.

    Parameters
    ----------
    region : str
        Region name.
    observations : pandas.DataFrame, optional
        Rows from :func:`load_observations` (any regions); read from the project's file when
        omitted.

    Raises
    ------
    InputError
        The region has no published figure.
    """
    obs = load_observations() if observations is None else observations
    mine = obs[(obs["region"] == region) & obs["quality"].isin(("reported", "preliminary"))]
    if mine.empty:
        raise InputError(code="err.obs_no_region", file=OBSERVED_FILE, region=region)
    year = int(mine["year"].max())
    last = mine[mine["year"] == year]
    prelim = tuple(sorted(set(last.loc[last["quality"] == "preliminary", "indicator"])))
    return DataVintage(region=region, year=year, preliminary=prelim)


def observations_as_of(observations: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """The rows for years up to ``year`` (all rows for None): the data as they stood then.

    ``--as-of YEAR`` on ``calibrate``, ``run`` and ``backtest`` and every backtest origin use
    this one cut, so what the tool would have said in ``year`` can be reproduced.
    """
    if year is None:
        return observations
    return observations[observations["year"] <= int(year)].reset_index(drop=True)
