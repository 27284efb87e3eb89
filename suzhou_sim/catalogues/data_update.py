"""Adding a file of new statistics to the observed history: what it changes, then the write.

Lives here: :func:`plan_update` (the new file checked with the same code as every load of
the observed history, :mod:`~suzhou_sim.catalogues.observation_checks`, and against the
existing rows: rows already there are folded, the rest classified as new indicator-years,
revisions of a preliminary figure or further figures of an indicator-year, with the
conflicts they make and the regions whose data vintage moves) and :func:`apply_update`
(appends the new rows to the file, atomically, after keeping the previous file under
``previous/`` beside it; the existing text is kept byte for byte, so no row is ever lost).
Must not: print (``cli.data`` words the plan) or know how the calibration weighs rows.
"""

from __future__ import annotations

import csv
import datetime as _dt
import fcntl
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..fileio.atomic import atomic_write_bytes
from ..fileio.text import read_text
from ..limits import MAX_OBSERVATION_BYTES
from ..wording.problems import Names
from .indicators import load_indicators
from .observation_checks import Conflict, unit_notes, validate_observations
from .observations import (
    DataVintage,
    data_vintage,
    load_observations,
    read_observation_rows,
)

__all__ = ["PREVIOUS_DIR", "UpdatePlan", "apply_update", "plan_update"]

#: Folder beside the data file holding the copies kept by :func:`apply_update`.
PREVIOUS_DIR = "previous"
#: The columns that make two rows the same figure.
_SAME = ["region", "indicator", "year", "value", "unit", "bound", "quality", "source_url"]


@dataclass(frozen=True)
class UpdatePlan:
    """What adding ``new_file`` to ``target`` would do (nothing is written by planning).

    Attributes
    ----------
    new_file, target : Path
    added : pandas.DataFrame
        The new rows to append (file line numbers in ``row``), with a ``change`` column:
        ``new`` (no figure yet for the indicator-year), ``revision`` (the indicator-year had
        only preliminary figures and this one is reported) or ``additional`` (a further figure
        of an indicator-year that has one).
    already_present : pandas.DataFrame
        Rows of ``new_file`` identical to rows of ``target`` (folded: not added again).
    revised : dict
        ``(region, indicator, year)`` -> the preliminary values the revision follows.
    conflicts : list of Conflict
        Indicator-years that will hold several different figures, each with a new row.
    vintages : dict
        Region -> (vintage before or None, vintage after) for regions whose rows change.
    unit_notes : list of str
        New rows whose unit is a differently named count than the registry's.
    history_unit_notes : list of str
        The same for the rows already in ``target`` (a warning: they are fitted as they are,
        and a row or the registry may name the wrong thing).
    """

    new_file: Path
    target: Path
    added: pd.DataFrame
    already_present: pd.DataFrame
    revised: dict = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    vintages: dict[str, tuple[DataVintage | None, DataVintage]] = field(default_factory=dict)
    unit_notes: list[str] = field(default_factory=list)
    history_unit_notes: list[str] = field(default_factory=list)

    @property
    def regions(self) -> list[str]:
        """Regions whose observed rows change (their calibrations become stale)."""
        return sorted(set(self.added["region"]))


def _vintage(region: str, frame: pd.DataFrame) -> DataVintage | None:
    try:
        return data_vintage(region, frame)
    except InputError:  # no published figure yet
        return None


def plan_update(new_file: Path, target: Path, today: _dt.date | None = None) -> UpdatePlan:
    """Check ``new_file`` against ``target`` and say what adding it would change.

    Parameters
    ----------
    new_file : Path
        Rows in the format of ``data/observed_history.csv`` (the same columns).
    target : Path
        The observed history they go into.
    today : datetime.date, optional
        The current date (default today): no row may be for a later year.

    Returns
    -------
    UpdatePlan

    Raises
    ------
    InputError
        Anything :func:`~suzhou_sim.catalogues.observations.load_observations` refuses, in
        the new file, in the target, or in both together (a duplicate within the new file,
        a figure contradicting an existing one, a jump against the existing history); one
        line naming the file, the row and the column.
    """
    new_file, target = Path(new_file), Path(target)
    old = read_observation_rows(target, today)
    validate_observations(old, target)
    new = read_observation_rows(new_file, today)
    old["file"], new["file"] = str(target), str(new_file)
    present = new.merge(old[_SAME].drop_duplicates(), on=_SAME, how="left", indicator=True)
    is_present = (present["_merge"] == "both").to_numpy()
    already, fresh = new[is_present], new[~is_present]
    both = pd.concat([old, fresh], ignore_index=True)
    checked = pd.Series([False] * len(old) + [True] * len(fresh), index=both.index)
    conflicts = [c for c in validate_observations(both, new_file, checked)
                 if str(new_file) in c.files]
    changes, revised = [], {}
    for rec in fresh.itertuples(index=False):
        key = (rec.region, rec.indicator, rec.year)
        before = old[(old["region"] == rec.region) & (old["indicator"] == rec.indicator)
                     & (old["year"] == rec.year)]
        if before.empty:
            changes.append("new")
        elif (before["quality"] == "preliminary").all() and rec.quality == "reported":
            changes.append("revision")
            revised[key] = tuple(before["value"])
        else:
            changes.append("additional")
    added = fresh.assign(change=changes).drop(columns="file").reset_index(drop=True)
    vintages = {}
    for region in sorted(set(added["region"])):
        after = _vintage(region, both)
        before = _vintage(region, old)
        if after is not None and after != before:
            vintages[region] = (before, after)
    units = {name: ind.unit for name, ind in load_indicators().items()}
    return UpdatePlan(new_file=new_file, target=target, added=added,
                      already_present=already.drop(columns="file").reset_index(drop=True),
                      revised=revised, conflicts=conflicts, vintages=vintages,
                      unit_notes=unit_notes(fresh, units),
                      history_unit_notes=unit_notes(old, units))


def _raw_rows(path: Path) -> dict[int, dict[str, str]]:
    """The rows of ``path`` as written (cells unchanged), by line number."""
    reader = csv.DictReader(io.StringIO(read_text(path, "observed-history CSV",
                                                  MAX_OBSERVATION_BYTES), newline=""))
    return {i: row for i, row in enumerate(reader, start=2)}


def _previous_copy(target: Path, data: bytes) -> Path:
    """Keep ``data`` (the target's current bytes) as a new file under ``previous/``."""
    folder = target.parent / PREVIOUS_DIR
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1000):
        copy = folder / f"{target.stem}.{stamp}{'' if n == 0 else f'-{n}'}{target.suffix}"
        try:
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return copy
    raise InputError(code="err.update_no_free_name", file=folder, name=target.name)


def apply_update(new_file: Path, target: Path,
                 today: _dt.date | None = None) -> tuple[UpdatePlan, Path | None]:
    """Add the new rows of ``new_file`` to ``target``; the plan and the kept previous file.

    Under a lock (``previous/.lock``: two updates at once never lose each other's rows) the
    plan is made again from the file as it is now (:func:`plan_update`); the target's
    current bytes are copied to ``previous/<name>.<UTC time>.csv``; the new text is the old
    text unchanged followed by the new rows as written in the new file (in the target's
    column order), written through a temporary file and a rename; the result is read back
    and must hold every old row and every new one, else the previous text is put back.

    Returns
    -------
    tuple of (UpdatePlan, Path or None)
        The plan applied and the copy of the previous file (None when nothing was new).

    Raises
    ------
    InputError
        As :func:`plan_update`; a new row with a column the target lacks; a file read back
        that is not the old rows plus the new ones.
    """
    target = Path(target)
    folder = target.parent / PREVIOUS_DIR
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        plan = plan_update(new_file, target, today)
        if plan.added.empty:
            return plan, None
        return plan, _append(plan)


def _append(plan: UpdatePlan) -> Path:
    target = plan.target
    data = target.read_bytes()
    current = read_observation_rows(target)
    raw = _raw_rows(plan.new_file)
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    extra = sorted({c for i in plan.added["row"] for c in raw[int(i)] if c not in header})
    if extra:
        raise InputError(code="err.update_extra_columns", file=plan.new_file,
                         names=Names(extra), target=target, allowed=Names(header))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    for i in plan.added["row"]:
        writer.writerow({c: raw[int(i)].get(c, "") for c in header})
    separator = b"" if not data or data.endswith(b"\n") else b"\n"
    previous = _previous_copy(target, data)
    atomic_write_bytes(target, data + separator + buffer.getvalue().encode("utf-8"))
    after = load_observations(target, include_unverified=True)
    expected = pd.concat([current[_SAME], plan.added[_SAME]], ignore_index=True)
    same = len(after) == len(expected) and after[_SAME].sort_values(_SAME).reset_index(
        drop=True).equals(expected.sort_values(_SAME).reset_index(drop=True))
    if not same:
        atomic_write_bytes(target, data)
        raise InputError(code="err.update_read_back", file=target, previous=previous)
    return previous
