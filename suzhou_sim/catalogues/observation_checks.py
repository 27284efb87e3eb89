"""What makes a table of observed statistics acceptable: the one validation of every data path.

Lives here: the checks that :func:`suzhou_sim.catalogues.observations.load_observations` (so
``calibrate --data``, ``backtest --data`` and every study) and ``suzhou-sim data check/add``
apply to rows of ``data/observed_history.csv``'s format, after the per-cell checks of the
reader: every row has a source; no year after the current one; the unit is the indicator's
unit in ``model/indicators.yaml`` or a differently named count of the same things
(:func:`units_compatible`; listed by :func:`unit_notes`); no value beyond :data:`MAX_VALUE`
(or 100 for a percent); no exact duplicate; figures of one indicator-year that contradict
each other by more than :data:`CONFLICT_LIMIT` (bounds taken into account) refused, the
others returned as
:class:`Conflict` (flagged with their ratio and sources, weighed by the calibration);
no jump of an order of magnitude against the indicator's own history beyond what its growth
allows (:func:`allowed_jump`), named with the likely unit error. Each refusal is one
:class:`~suzhou_sim.errors.InputError` line naming the file, the row and the column.
Must not: read files (the reader does) or decide how rows are weighed (``calibration.fit``).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from ..wording.problems import Phrase

__all__ = [
    "CONFLICT_LIMIT",
    "MAX_VALUE",
    "Conflict",
    "allowed_jump",
    "check_observation_rows",
    "find_conflicts",
    "likely_unit_error",
    "unit_slip",
    "unit_notes",
    "units_compatible",
    "validate_observations",
]

#: Largest value of any indicator in its unit (a city's persons, firms, 万元 or m² stay far
#: below it); a percent is at most 100.
MAX_VALUE = 1e12
#: Figures of one indicator-year that differ by more than this factor, after their bounds,
#: are refused as a unit or typing error (the shipped data differ by 1.4 at most).
CONFLICT_LIMIT = 3.0
#: A value may differ from the nearest year's figure by up to JUMP_BASE x JUMP_GROWTH**gap
#: (gap in years) before an order-of-magnitude jump is refused; below a factor of
#: JUMP_ORDER nothing is refused (the shipped history's largest move: 16.6x over 13 years).
JUMP_BASE, JUMP_GROWTH, JUMP_ORDER = 5.0, 1.3, 10.0
#: Dimension and scale of the units that have a scale (anything else is a count).
_SCALES = {"yuan": ("money", 1.0), "10k_yuan": ("money", 1e4), "100m_yuan": ("money", 1e8),
           "m2": ("area", 1.0), "10k_m2": ("area", 1e4), "percent": ("percent", 1.0)}
#: Unit errors a factor points to, by the indicator's unit (factor = given / expected): the
#: key of their text (``err.slip.*`` in ``wording/texts/errors_data.yaml``).
_UNIT_SLIPS = {
    "100m_yuan": {1e4: "err.slip.100m_yuan.10k", 1e8: "err.slip.100m_yuan.yuan",
                  1e-4: "err.slip.100m_yuan.trillion"},
    "percent": {1e-2: "err.slip.percent.fraction", 1e2: "err.slip.percent.times100"},
    "count": {1e-4: "err.slip.count.10k", 1e4: "err.slip.count.times10k",
              1e-3: "err.slip.count.thousands"},
}


def _where(rec: pd.Series | dict, path: object) -> str:
    return f"{rec.get('file', path)}: row {rec['row']}"


def _at(rec: pd.Series | dict, path: object) -> Phrase:
    """The file and row of a record, as a value of another text."""
    return Phrase("err.file_row", {"file": rec.get("file", path), "row": rec["row"]})


def _times(factor: float) -> str:
    return f"{factor:,.0f}" if factor >= 100 else f"{factor:.3g}"


def allowed_jump(gap: int) -> float:
    """Largest plausible factor between two figures of one indicator ``gap`` years apart."""
    return max(JUMP_ORDER, JUMP_BASE * JUMP_GROWTH ** abs(gap))


def likely_unit_error(unit: str, factor: float) -> str:
    """The unit error a factor between a value and its history most likely comes from."""
    return unit_slip(unit, factor).text("en")


def unit_slip(unit: str, factor: float) -> Phrase:
    """:func:`likely_unit_error` as a text of the wording room (said in either language)."""
    base = unit.split("/", 1)[0]
    kind = base if base in _UNIT_SLIPS else "count" if base in (
        "firms", "persons", "projects", "teams", "carriers", "incubators") else None
    for slip_factor, key in _UNIT_SLIPS.get(kind, {}).items():
        if abs(math.log10(factor) - math.log10(slip_factor)) < 0.5:
            return Phrase("err.slip_probably", {"slip": Phrase(key)})
    return Phrase("err.slip_order", {"exponent": round(math.log10(factor)), "unit": unit})


def _unit_kind(unit: str) -> tuple[str, float]:
    """The dimension of a unit and its scale: ``100m_yuan/year`` -> (``money``, 1e8)."""
    base = unit.split("/", 1)[0]
    if base in _SCALES:
        return _SCALES[base]
    return ("count", 1.0)


def units_compatible(given: str, expected: str) -> bool:
    """Whether a row in ``given`` can be the indicator's figure in ``expected``.

    The same unit, or two counts of things named differently (``incubators`` for
    ``carriers``, ``persons/year`` for ``persons``: a number that no conversion changes, shown
    by :func:`unit_notes`). Money, area and percent in another scale or dimension are not.
    """
    return given == expected or _unit_kind(given) == _unit_kind(expected) == ("count", 1.0)


def unit_notes(frame: pd.DataFrame, units: dict[str, str]) -> list[str]:
    """One line per row whose unit is a differently named count than the registry's."""
    notes = []
    for rec in frame.to_dict("records"):
        expected = units.get(rec["indicator"])
        if expected is not None and rec["unit"] != expected:
            notes.append(f"{_where(rec, '')}: {rec['indicator']} {rec['year']} is given in "
                         f"{rec['unit']!r}, the registry counts {expected!r}: check that they "
                         "are the same thing")
    return notes


def check_observation_rows(rec: dict, path: object, units: dict[str, str],
                           today: _dt.date | None = None) -> None:
    """Checks of one row: source, year, unit, size. ``units``: indicator -> registry unit.

    Raises
    ------
    InputError
        ``<file>: row R, column C: problem; what is allowed``.
    """
    year_now = (today or _dt.date.today()).year
    where = {"file": rec.get("file", path), "row": rec["row"]}
    if not str(rec.get("source_url") or "").strip():
        raise InputError(code="err.obs_at", **where, column="source_url",
                         reason=Phrase("err.obs_no_source"))
    if rec["year"] > year_now:
        raise InputError(code="err.obs_at", **where, column="year",
                         reason=Phrase("err.obs_future_year", {"year": rec["year"],
                                                               "now": year_now}))
    expected = units.get(rec["indicator"])
    if expected is not None and not units_compatible(rec["unit"], expected):
        raise InputError(code="err.obs_at", **where, column="unit", reason=Phrase(
            "err.obs_wrong_unit", {"unit": rec["unit"], "indicator": rec["indicator"],
                                   "expected": expected}))
    limit = 100.0 if rec["unit"] == "percent" else MAX_VALUE
    if rec["value"] > limit:
        raise InputError(code="err.obs_at", **where, column="value", reason=Phrase(
            "err.obs_implausible", {"value": rec["value"], "indicator": rec["indicator"],
                                    "limit": limit, "unit": rec["unit"]}))


@dataclass(frozen=True)
class Conflict:
    """Several figures for one indicator-year (kept; the calibration weighs them).

    Attributes
    ----------
    region, indicator : str
    year : int
    rows : tuple of int
        Their lines in the file (with ``files`` when they come from several files).
    values : tuple of float
    bounds, qualities, sources : tuple of str
    ratio : float
        Largest over smallest value.
    files : tuple of str
    """

    region: str
    indicator: str
    year: int
    rows: tuple[int, ...]
    values: tuple[float, ...]
    bounds: tuple[str, ...]
    qualities: tuple[str, ...]
    sources: tuple[str, ...]
    ratio: float
    files: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line: the figures, their ratio and sources."""
        figures = "; ".join(f"{v:g} ({b}, {q}, {s})" for v, b, q, s in zip(
            self.values, self.bounds, self.qualities, self.sources, strict=True))
        return (f"{self.region} {self.indicator} {self.year}: {len(self.values)} figures, "
                f"ratio {self.ratio:.4g}: {figures}")


def _contradiction(a: tuple[float, str], b: tuple[float, str]) -> float:
    """How far two figures (value, bound) contradict each other (1 = consistent)."""
    (va, ba), (vb, bb) = sorted([a, b], key=lambda x: x[1] in ("lower", "upper"))
    if ba in ("lower", "upper") and bb in ("lower", "upper"):
        low, high = (va, vb) if ba == "lower" else (vb, va)
        return low / high if ba != bb and low > high else 1.0
    if bb == "lower":
        return vb / va if va < vb else 1.0
    if bb == "upper":
        return va / vb if va > vb else 1.0
    return max(va, vb) / min(va, vb)


def find_conflicts(frame: pd.DataFrame, path: object) -> list[Conflict]:
    """Indicator-years with several different figures; refuse those that contradict.

    Raises
    ------
    InputError
        Two figures contradict by more than :data:`CONFLICT_LIMIT` (after their bounds: a
        lower bound below an exact figure agrees with it); the message names both rows.
    """
    found = []
    multi = frame[frame.duplicated(["region", "indicator", "year"], keep=False)]
    for (region, indicator, year), group in multi.groupby(["region", "indicator", "year"],
                                                          sort=True):
        recs = group.to_dict("records")
        if len({r["value"] for r in recs}) > 1:
            for i, a in enumerate(recs):
                for b in recs[i + 1:]:
                    bad = _contradiction((a["value"], a["bound"]), (b["value"], b["bound"]))
                    if bad > CONFLICT_LIMIT:
                        factor = b["value"] / a["value"]
                        raise InputError(
                            code="err.obs_at", file=b.get("file", path), row=b["row"],
                            column="value", reason=Phrase("err.obs_contradicts", {
                                "value": b["value"], "other": a["value"], "where": _at(a, path),
                                "region": region, "indicator": indicator, "year": year,
                                "factor": _times(max(factor, 1 / factor)),
                                "slip": unit_slip(b["unit"], factor)}))
        values = [r["value"] for r in recs]
        found.append(Conflict(
            region=region, indicator=indicator, year=int(year),
            rows=tuple(int(r["row"]) for r in recs), values=tuple(values),
            bounds=tuple(r["bound"] for r in recs), qualities=tuple(r["quality"] for r in recs),
            sources=tuple(r["source_url"] for r in recs), ratio=max(values) / min(values),
            files=tuple(str(r.get("file", path)) for r in recs)))
    return [c for c in found if c.ratio > 1.0]


def _check_duplicates(frame: pd.DataFrame, path: object) -> None:
    key = ["region", "indicator", "year", "value", "unit", "bound", "quality", "source_url"]
    twice = frame[frame.duplicated(key, keep="first")]
    if not twice.empty:
        again = twice.iloc[0]
        first = frame[(frame[key] == again[key]).all(axis=1)].iloc[0]
        raise InputError(code="err.obs_duplicate", file=again.get("file", path),
                         row=again["row"], first=_at(first, path), region=again["region"],
                         indicator=again["indicator"], year=again["year"],
                         value=again["value"])


def _check_jumps(frame: pd.DataFrame, path: object, checked: pd.Series | None) -> None:
    """Refuse a figure an order of magnitude off its nearest years in the same series."""
    for (_, indicator), group in frame.groupby(["region", "indicator"], sort=False):
        if group["year"].nunique() < 2:
            continue
        years = group["year"].to_numpy()
        logs = np.log10(group["value"].to_numpy(dtype=float))
        todo = range(len(group)) if checked is None else np.flatnonzero(
            checked.loc[group.index].to_numpy())
        worst = None
        for i in todo:
            gaps = np.abs(years - years[i])
            gaps[gaps == 0] = 10**6  # same-year figures are conflicts, not history
            if gaps.min() >= 10**6:
                continue
            near = np.flatnonzero(gaps == gaps.min())
            reference = float(np.median(logs[near]))
            off = logs[i] - reference
            if abs(off) > math.log10(allowed_jump(int(gaps.min()))) and (
                    worst is None or abs(off) >= abs(worst[1])):  # ties: the later row
                worst = (i, off, near[0])
        if worst is not None:
            i, off, j = worst
            rec, ref = group.iloc[i], group.iloc[j]
            raise InputError(
                code="err.obs_at", file=rec.get("file", path), row=rec["row"], column="value",
                reason=Phrase("err.obs_jump_above" if off > 0 else "err.obs_jump_below", {
                    "value": rec["value"], "unit": rec["unit"], "region": rec["region"],
                    "indicator": indicator, "year": rec["year"],
                    "factor": _times(10 ** abs(off)), "ref_year": ref["year"],
                    "ref_value": ref["value"], "where": _at(ref, path),
                    "slip": unit_slip(rec["unit"], 10 ** off)}))


def validate_observations(frame: pd.DataFrame, path: object,
                          checked: pd.Series | None = None) -> list[Conflict]:
    """Checks across rows: duplicates, contradictions, jumps; the conflicts to flag.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows as :func:`~suzhou_sim.catalogues.observations.load_observations` builds them
        (every region and quality), with ``row`` and optionally ``file`` (for rows merged
        from several files).
    path : object
        The file, for messages (when ``frame`` has no ``file`` column).
    checked : pandas.Series of bool, optional
        Only these rows are tested against the history (the others are trusted: the new
        rows of ``data check`` against the shipped file); default all.

    Returns
    -------
    list of Conflict
        Indicator-years with several figures that do not contradict each other.

    Raises
    ------
    InputError
        The first problem, on one line naming the file, the row and the column.
    """
    if frame.empty:
        return []
    _check_duplicates(frame, path)
    conflicts = find_conflicts(frame, path)
    _check_jumps(frame, path, checked)
    return conflicts
