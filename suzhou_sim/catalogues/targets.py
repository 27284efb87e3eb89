"""The target ledger and the evaluation of targets on an ensemble result.

``model/targets.yaml`` carries every row of ``data/policy_targets.csv`` with how the model
measures it (registry indicator, or a variable override) or why it cannot (out of scope).
:func:`load_targets` reads it and checks it against the CSV; :func:`evaluate_targets` turns
an engine result into the scoreboard.

Rules (also stated in the reports):

* ``>=`` is reached when the value at the target year is at least the threshold. ``~``
  ("about", 左右) is reached at 95% of the threshold or more: the lower edge of a ±5% band.
  Exceeding an "about" target still counts as reaching it.
* A target with ``from_year`` ("每年", every year) is reached only when the condition holds
  in every calendar year from ``from_year`` through the target year.
* First year reached (per run): the first calendar year from 2019 (or from ``base_year`` for
  cumulative targets) up to 2035 in which the value meets the condition. The table shows the
  median over the runs that ever reach it, and is left blank when fewer than half do.

This module does not run the model and does not know about scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import POLICY_TARGETS_FILE, TARGETS_FILE
from .indicators import (
    Bilingual,
    indicator_values,
    load_indicators,
    missing_translations,
    year_columns,
)
from .timeline import FIRST_SIM_YEAR, HORIZON

__all__ = [
    "ABOUT_FRACTION",
    "FIRST_SIM_YEAR",
    "HORIZON",
    "Target",
    "load_targets",
    "targets_for_region",
    "target_variables",
    "target_values",
    "reached_per_run",
    "evaluate_targets",
    "SCOREBOARD_COLUMNS",
]

ABOUT_FRACTION = 0.95  # "~" targets count as reached from 95% of the threshold
_ROUNDING = 1e-9
MEASURES = ("level", "ratio", "annual", "cumulative")
COMPARATORS = (">=", "~")
_CSV_FIELDS = ("region", "indicator", "measure", "base_year", "year", "comparator",
               "threshold", "unit", "clause_zh", "source_doc")
SCOREBOARD_COLUMNS = [
    "target_id", "region", "indicator", "label_en", "label_zh", "measure", "year",
    "comparator", "threshold", "unit", "in_scope", "probability", "median", "p10", "p90",
    "first_year", "reason", "note",
]


@dataclass(frozen=True)
class Target(Bilingual):
    """One policy target of the ledger (fields as in the header of ``model/targets.yaml``)."""

    target_id: str
    region: str
    indicator: str
    measure: str
    year: int
    comparator: str
    threshold: float
    unit: str
    label_en: str
    label_zh: str
    clause_zh: str
    source_doc: str
    in_scope: bool
    base_year: int | None = None
    from_year: int | None = None
    variable: str | None = None
    reason: str | None = None
    reason_zh: str | None = None
    note: str | None = None
    note_zh: str | None = None

    @property
    def reach_level(self) -> float:
        """Value from which the target counts as reached (95% of the threshold for ``~``).

        Lowered by a relative 1e-9 so that a value meeting the threshold exactly (a lever
        summed over years, say) is not missed through floating-point rounding.
        """
        factor = ABOUT_FRACTION if self.comparator == "~" else 1.0
        return self.threshold * factor * (1.0 - _ROUNDING)

    @property
    def first_candidate_year(self) -> int:
        """First calendar year examined for the first year reached."""
        if self.measure == "cumulative" and self.base_year is not None:
            return max(self.base_year, FIRST_SIM_YEAR)
        if self.from_year is not None:
            # An "every year" target cannot be reached before its window opens.
            return max(self.from_year, FIRST_SIM_YEAR)
        return FIRST_SIM_YEAR

    def model_variables(self) -> list[str]:
        """Model variables needed to evaluate the target (empty when out of scope)."""
        if not self.in_scope:
            return []
        if self.variable:
            return [self.variable]
        ind = load_indicators()[self.indicator]
        if self.measure == "cumulative" or (self.measure == "annual" and not ind.variable):
            return [ind.counter]
        return [ind.variable]


def _problems(tid: str, entry: dict, row: dict | None) -> list[str]:
    """Consistency problems of one ledger entry (against the CSV row and the registry)."""
    out = []
    registry = load_indicators()
    if row is None:
        return [f"{tid}: not in {POLICY_TARGETS_FILE.name}"]
    for field in _CSV_FIELDS:
        want = row[field]
        got = entry.get(field)
        if field in ("threshold",):
            same = got is not None and float(got) == float(want)
        elif field in ("base_year", "year"):
            same = (got is None and want == "") or (got is not None and str(int(got)) == want)
        else:
            same = str(got) == want
        if not same:
            out.append(f"{tid}.{field}: {got!r} differs from the CSV ({want!r})")
    ind = registry.get(entry.get("indicator"))
    if ind is None:
        return out + [f"{tid}.indicator: not in the indicator registry"]
    if entry.get("measure") not in MEASURES or entry.get("comparator") not in COMPARATORS:
        out.append(f"{tid}: measure must be one of {MEASURES}, comparator one of {COMPARATORS}")
    if entry.get("in_scope"):
        if not (ind.in_scope or entry.get("variable")):
            out.append(f"{tid}.in_scope: the registry has no model output for {ind.name}")
        if entry.get("measure") == "cumulative" and not (entry.get("variable") or ind.counter):
            out.append(f"{tid}: cumulative needs a counter in the registry or a variable")
    elif not entry.get("reason"):
        out.append(f"{tid}.reason: out-of-scope targets need a one-line reason")
    out += [f"{tid}.{problem}" for problem in missing_translations(entry)]
    return out


@lru_cache(maxsize=4)
def load_targets(
    path: Path = TARGETS_FILE, csv_path: Path = POLICY_TARGETS_FILE
) -> dict[str, Target]:
    """Read the target ledger and check it against the targets CSV and the registry.

    Parameters
    ----------
    path : Path
        The ledger (``model/targets.yaml``).
    csv_path : Path
        ``data/policy_targets.csv``: the ledger must hold exactly its target ids, with the
        same region, indicator, measure, years, comparator, threshold, unit and clause.

    Returns
    -------
    dict[str, Target]
        Targets by id, in ledger order.

    Raises
    ------
    InputError
        Every inconsistency, one per line, naming the file and the target field.
    """
    raw = load_yaml(path, "target ledger")
    entries = raw.get("targets") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise InputError(f"{path}: expected a mapping `targets:` keyed by target_id")
    csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    rows = {r["target_id"]: r for r in csv.to_dict("records")}
    problems = [p for tid, e in entries.items() for p in _problems(tid, e, rows.get(tid))]
    problems += [f"{tid}: in {Path(csv_path).name} but missing from the ledger"
                 for tid in rows if tid not in entries]
    out: dict[str, Target] = {}
    for tid, e in entries.items():
        try:
            out[tid] = Target(target_id=tid, **e)
        except TypeError as exc:
            problems.append(f"{tid}: {exc}")
    if problems:
        raise InputError("\n".join(f"{path}: {p}" for p in problems))
    return out


def targets_for_region(region: str) -> list[Target]:
    """The ledger's targets of ``region`` (in scope or not), in ledger order."""
    return [t for t in load_targets().values() if t.region == region]


def target_variables(targets: Iterable[Target]) -> list[str]:
    """Model variables needed to evaluate ``targets`` (no duplicates, stable order)."""
    return list(dict.fromkeys(v for t in targets for v in t.model_variables()))


def target_values(results, target: Target, years: Iterable[int]) -> np.ndarray:
    """Values of the target's quantity per run and calendar year.

    Uses the registry (:func:`suzhou_sim.catalogues.indicators.indicator_values`) unless the ledger
    overrides the model variable; an override variable is read like a level, or as a
    counter (``V(Y) - V(B-1)``) for cumulative targets.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_runs, len(years))``.
    """
    years = list(years)
    if not target.in_scope:
        raise InputError(f"target {target.target_id} is outside model scope: {target.reason}")
    if target.variable is None:
        return indicator_values(results, target.indicator, years, target.measure,
                                target.base_year)
    data = results[target.variable]
    cols = year_columns(results.times, years)
    if target.measure == "cumulative":
        return data[:, cols] - data[:, year_columns(results.times, [target.base_year - 1])]
    return data[:, cols]


def reached_per_run(results, target: Target) -> np.ndarray:
    """Boolean per run: is the target reached (see the module docstring for the rules)?"""
    years = range(target.from_year or target.year, target.year + 1)
    values = target_values(results, target, years)
    return np.all(values >= target.reach_level, axis=1)


def _first_year(results, target: Target) -> int | None:
    times = np.asarray(results.times, dtype=float)
    last = min(HORIZON, int(round(times[-1])))
    years = np.arange(target.first_candidate_year, last + 1)
    ok = target_values(results, target, years) >= target.reach_level
    ever = ok.any(axis=1)
    if ever.mean() < 0.5:
        return None
    first = years[np.argmax(ok[ever], axis=1)]
    return int(np.ceil(np.median(first)))


def evaluate_targets(results, targets: Iterable[Target]) -> pd.DataFrame:
    """The scoreboard: one row per target, out-of-scope ones with blank numbers.

    Parameters
    ----------
    results
        Engine result (``results[variable]`` shaped ``(n_runs, n_times)``, ``results.times``).
    targets : iterable of Target

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCOREBOARD_COLUMNS`. ``probability`` is the share of runs reaching
        the target; ``median``, ``p10``, ``p90`` are quantiles of the value at the target
        year; ``first_year`` the median first year reached (blank if fewer than half of the
        runs ever reach it).
    """
    rows = []
    for t in targets:
        row = {c: getattr(t, c, None) for c in SCOREBOARD_COLUMNS}
        row["target_id"] = t.target_id
        if t.in_scope:
            value = target_values(results, t, [t.year])[:, 0]
            p10, med, p90 = np.percentile(value, [10, 50, 90])
            row.update(
                probability=float(reached_per_run(results, t).mean()),
                median=float(med), p10=float(p10), p90=float(p90),
                first_year=_first_year(results, t),
            )
        rows.append(row)
    df = pd.DataFrame(rows, columns=SCOREBOARD_COLUMNS)
    for c in ("probability", "median", "p10", "p90", "threshold"):
        df[c] = df[c].astype(float)
    df["first_year"] = df["first_year"].astype("Int64")
    return df
