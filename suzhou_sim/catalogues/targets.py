"""The target ledger and the evaluation of targets on an ensemble result.

``model/targets.yaml`` carries every row of ``data/policy_targets.csv`` with how the model
measures it (registry indicator, a variable override, a documented sub-model carried from
an observed series) or why it cannot (outside scope). :func:`load_targets` reads it and
checks it against the CSV; :func:`evaluate_targets` turns an engine result into the
scoreboard, with a :data:`STATUSES` value for every target.

Rules (also stated in the reports and in ``model/README.md``):

* ``probability`` is P(value >= threshold) in the target year, for ``>=`` and ``~``
  ("about", 左右) targets alike: no tolerance. For ``~`` targets ``p_about`` is the share of
  runs within ±5% of the threshold (:data:`ABOUT_BAND`), in its own column.
* A target with ``from_year`` ("每年", every year) is reached only when the condition holds
  in every calendar year from ``from_year`` through the target year.
* First year reached (per run): the first calendar year from 2019 (or from ``base_year`` for
  cumulative targets) up to 2035 in which the value meets the threshold. The table shows
  the median over the runs that ever reach it, and is left blank when fewer than half do.
* Status: see :data:`STATUSES` and :func:`target_status`; ``prior_driven`` (a range over
  the drawn input that moves an assessable target most, the other inputs drawn as in the
  ensemble) comes from :func:`apply_prior_sensitivity` and the rule :func:`prior_driven`.

This module does not run the model and does not know about scenarios; the probability
curves of assumption-driven targets are computed by ``studies.scenario_runs`` from the
:class:`Driver` values given here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..fileio.safe_yaml import load_yaml
from ..paths import OBSERVED_FILE, POLICY_TARGETS_FILE, TARGETS_FILE
from ..stats import percentiles
from ..wording.problems import Given, Names, Problem
from .csv_tables import read_csv_table
from .indicators import (
    Bilingual,
    indicator_values,
    load_indicators,
    translation_gaps,
    year_columns,
)
from .judging import JUDGED_STATUSES, Judgement, judge
from .observations import data_vintage, load_observations
from .timeline import FIRST_SIM_YEAR, HORIZON
from .trends import TrendError, trend_draws, trend_error

#: A problem of a ledger entry: (field, code, values of the code's text).
_Found = tuple[str, str, dict]

__all__ = [
    "ABOUT_BAND",
    "FIRST_SIM_YEAR",
    "HORIZON",
    "STATUSES",
    "CURVE_POINTS",
    "Driver",
    "Target",
    "load_targets",
    "targets_for_region",
    "target_variables",
    "target_values",
    "reached_per_run",
    "within_about_band",
    "observed_ratio",
    "target_status",
    "judgement",
    "reach_levels",
    "exceedance_curves",
    "EXCEEDANCE_COLUMNS",
    "EXCEEDANCE_PROBABILITIES",
    "DECIDED",
    "RANGE_STATUSES",
    "evaluate_targets",
    "apply_curves",
    "PRIOR_BAND",
    "PRIOR_SPREAD",
    "PRIOR_NOISE_SE",
    "MIN_BAND_RUNS",
    "SENSITIVITY_COLUMNS",
    "prior_driven",
    "apply_prior_sensitivity",
    "is_prior_sensitive",
    "SCOREBOARD_COLUMNS",
    "CURVE_COLUMNS",
]

ABOUT_BAND = 0.05  # "~" targets: p_about is the share of runs within ±5% of the threshold
CURVE_POINTS = 5  # values of a driving assumption, low to high, in a probability curve
# Relative slack so that a value equal to the threshold (a lever summed over years, say)
# is not missed through floating-point rounding; not a tolerance on the target.
_ROUNDING = 1e-9
MEASURES = ("level", "ratio", "annual", "cumulative")
COMPARATORS = (">=", "~")
BOUNDS = ("lower", "upper")
# In the order of precedence used by target_status: first the targets whose year has passed
# (judged from published figures, catalogues.judging), then the forecasts.
STATUSES = (*JUDGED_STATUSES, "outside_scope", "set_by_lever", "already_met",
            "assumption_driven", "trend_only", "lower_bound", "upper_bound", "prior_driven",
            "assessable")
#: Statuses that carry no forecast probability: decided by the published figure.
DECIDED = ("met", "missed")
#: Statuses whose probability is a range over the driving assumptions (``p_curve_min`` /
#: ``p_curve_max``): over the ledger's drivers, or over the drawn input that moves an
#: otherwise assessable target most (:func:`prior_driven`).
RANGE_STATUSES = ("assumption_driven", "prior_driven")
#: Share of the runs in each band of a drawn input (the lowest, middle and highest fifth).
PRIOR_BAND = 0.2
#: A target is prior-driven when its probability spans more than this between the low and
#: the high band of one drawn input (issue #22)...
PRIOR_SPREAD = 0.3
#: ... and by more than this many binomial standard errors of the difference, so that
#: sampling noise alone cannot make a target prior-driven: at the default 1,000 draws (200
#: runs per band, SE at most 0.05) the spread rule decides; with small bands (40 runs at
#: 200 draws, SE up to 0.11) a spread must exceed 0.56, beyond what noise over every target
#: and input reaches ...
PRIOR_NOISE_SE = 5.0
#: ... and with at least this many runs per band (fewer: the range is reported, the status
#: is not changed).
MIN_BAND_RUNS = 30
#: Prior sensitivity per target and drawn input (``studies.prior_sensitivity``): the
#: probability with the input in the lowest, middle and highest ``band`` of the runs.
SENSITIVITY_COLUMNS = ["target_id", "driver", "kind", "band", "p_low", "p_mid", "p_high",
                       "value_low", "value_high", "runs", "spread", "se"]
_CSV_FIELDS = ("region", "indicator", "measure", "base_year", "year", "comparator",
               "threshold", "unit", "clause_zh", "source_doc")
SCOREBOARD_COLUMNS = [
    "target_id", "region", "indicator", "label_en", "label_zh", "measure", "year",
    "comparator", "threshold", "unit", "in_scope", "status", "probability", "p_about",
    "p_bracket", "p_curve_min", "p_curve_max", "drivers", "prior_sensitive", "median", "p10",
    "p90",
    "first_year", "observed", "reason", "note",
    "reach_50", "reach_80", "reach_90",
    "data_through", "forecast_status", "judged_year", "judged_value", "judged_bound",
    "judged_quality", "judged_source",
]
#: Probabilities of the exceedance curves written per target (``exceedance.csv``).
EXCEEDANCE_PROBABILITIES = tuple(round(p, 3) for p in np.linspace(0.025, 0.975, 39))
EXCEEDANCE_COLUMNS = ["target_id", "year", "unit", "probability", "level"]
CURVE_COLUMNS = ["target_id", "driver", "label_en", "label_zh", "unit", "value", "probability",
                 "runs"]


@dataclass(frozen=True)
class Driver:
    """An assumption that decides an assumption-driven target, with the range it is read over.

    ``constant`` is the .mdl constant; ``low``/``high`` the range over which the probability
    curve is computed (from the .mdl comment or ``model/assumptions.yaml``), ``source`` says
    where the range comes from.
    """

    constant: str
    low: float
    high: float
    label_en: str
    label_zh: str
    unit: str
    source: str

    def grid(self, points: int = CURVE_POINTS) -> np.ndarray:
        """``points`` values from ``low`` to ``high``, evenly spaced."""
        return np.linspace(self.low, self.high, points)

    def label(self, lang: str = "zh") -> str:
        """Display label in ``lang``."""
        return self.label_zh if lang == "zh" else self.label_en


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
    bound: str | None = None
    drivers: tuple[Driver, ...] = ()
    set_by_lever: str | None = None
    read_as: Mapping | None = field(default=None, hash=False)
    trend: Mapping | None = field(default=None, hash=False)
    ratio: Mapping | None = field(default=None, hash=False)
    bracket: Mapping | None = field(default=None, hash=False)
    derive: str | None = None
    series_reason: str | None = None
    series_reason_zh: str | None = None

    @property
    def reach_level(self) -> float:
        """Value from which the target counts as reached: the threshold itself.

        Lowered by a relative 1e-9 so that a value meeting the threshold exactly is not
        missed through floating-point rounding.
        """
        return self.threshold * (1.0 - _ROUNDING)

    @property
    def eval_measure(self) -> str:
        """Measure the model reads (``read_as`` overrides the CSV's, with the reason noted)."""
        return (self.read_as or {}).get("measure", self.measure)

    @property
    def eval_base_year(self) -> int | None:
        """Base year of a cumulative reading (``read_as`` overrides the CSV's)."""
        return (self.read_as or {}).get("base_year", self.base_year)

    @property
    def first_candidate_year(self) -> int:
        """First calendar year examined for the first year reached."""
        if self.eval_measure == "cumulative" and self.eval_base_year is not None:
            return max(self.eval_base_year, FIRST_SIM_YEAR)
        if self.from_year is not None:
            # An "every year" target cannot be reached before its window opens.
            return max(self.from_year, FIRST_SIM_YEAR)
        return FIRST_SIM_YEAR

    def model_variables(self) -> list[str]:
        """Model variables needed to evaluate the target (empty when out of scope or carried
        by a trend of its observed series)."""
        if not self.in_scope or self.trend:
            return []
        if self.derive:
            return list(_DERIVED[self.derive][0])
        if self.variable:
            return [self.variable]
        ind = load_indicators()[self.indicator]
        if self.eval_measure == "cumulative" or (self.eval_measure == "annual"
                                                  and not ind.variable):
            return [ind.counter]
        return [ind.variable]

    @property
    def has_probability(self) -> bool:
        """True when the scoreboard gives the target one probability (not outside scope,
        not set by a lever, not assumption-driven): the targets goal seeking can aim at."""
        return self.in_scope and not self.set_by_lever and not self.drivers

    def series_reason_text(self, lang: str = "zh") -> str | None:
        """Why an observed series does not bring an outside-scope target into scope."""
        return self.series_reason_zh if lang == "zh" else self.series_reason


# --- derived measures ------------------------------------------------------------------------


def _second_cluster_bound(largest: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Future-industry clusters of >= 1000 yi, counting a second one when it can exist.

    The largest field counts when it reaches 1000 yi. The second-largest field is at most
    as large as the largest and at most the rest of the output, so it is counted when
    ``min(largest, total - largest)`` reaches 1000 yi: an upper bound for two clusters.
    """
    second = np.minimum(largest, total - largest)
    return (largest >= 1000.0).astype(float) + (second >= 1000.0).astype(float)


# name -> (model variables, function of their arrays)
_DERIVED = {
    "second_cluster_bound": (("Largest future field output", "Future industry output"),
                             _second_cluster_bound),
}


# --- reading and checking the ledger ---------------------------------------------------------


def _drivers(entry: dict) -> tuple[Driver, ...]:
    return tuple(Driver(**d) for d in entry.get("drivers") or ())


def _problems(tid: str, entry: dict, row: dict | None, observed: set[tuple[str, str]]
              ) -> list[_Found]:
    """Consistency problems of one ledger entry (against the CSV row and the registry)."""
    out: list[_Found] = []
    registry = load_indicators()
    if row is None:
        return [(tid, "err.target_not_in_csv", {"csv": POLICY_TARGETS_FILE.name})]
    for name in _CSV_FIELDS:
        want = row[name]
        got = entry.get(name)
        if name in ("threshold",):
            same = got is not None and float(got) == float(want)
        elif name in ("base_year", "year"):
            same = (got is None and want == "") or (got is not None and str(int(got)) == want)
        else:
            same = str(got) == want
        if not same:
            out.append((f"{tid}.{name}", "err.target_differs_csv", {"got": got, "want": want}))
    ind = registry.get(entry.get("indicator"))
    if ind is None:
        return out + [(f"{tid}.indicator", "err.target_no_indicator", {})]
    if entry.get("measure") not in MEASURES or entry.get("comparator") not in COMPARATORS:
        out.append((tid, "err.target_measure_comparator",
                    {"measures": str(MEASURES), "comparators": str(COMPARATORS)}))
    if entry.get("bound") not in (None, *BOUNDS):
        out.append((f"{tid}.bound", "err.obs_not_allowed",
                    {"value": entry.get("bound"), "allowed": Names(BOUNDS)}))
    if entry.get("in_scope"):
        modelled = (ind.in_scope or entry.get("variable") or entry.get("trend")
                    or entry.get("derive"))
        if not modelled:
            out.append((f"{tid}.in_scope", "err.target_no_output", {"indicator": ind.name}))
        measure = (entry.get("read_as") or {}).get("measure", entry.get("measure"))
        if measure == "cumulative" and not (entry.get("variable") or ind.counter
                                            or entry.get("trend")):
            out.append((tid, "err.target_cumulative", {}))
        if entry.get("derive") and entry["derive"] not in _DERIVED:
            out.append((f"{tid}.derive", "err.obs_not_allowed",
                        {"value": entry["derive"], "allowed": Names(_DERIVED)}))
    else:
        if not entry.get("reason"):
            out.append((f"{tid}.reason", "err.target_needs_reason", {}))
        if (entry.get("region"), entry.get("indicator")) in observed and not entry.get(
                "series_reason"):
            out.append((f"{tid}.series_reason", "err.target_series_reason",
                        {"data_file": OBSERVED_FILE.name}))
    for d in entry.get("drivers") or ():
        if not isinstance(d, dict) or not {"constant", "low", "high", "source"} <= set(d):
            out.append((f"{tid}.drivers", "err.target_driver_fields", {}))
    out += [(f"{tid}.{need}", "err.translation_missing", {"have": have})
            for need, have in translation_gaps(entry)]
    if bool(entry.get("series_reason")) != bool(entry.get("series_reason_zh")):
        out.append((f"{tid}.series_reason_zh", "err.target_series_both", {}))
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
        Every inconsistency, one per line, naming the file and the target field; among
        them an outside-scope target whose indicator has an observed series but no
        ``series_reason`` (the scoping rule of ``model/README.md``).
    """
    raw = load_yaml(path, "target ledger")
    entries = raw.get("targets") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise InputError(code="err.targets_not_mapping", file=path)
    csv = read_csv_table(csv_path, "policy-target CSV", ("target_id", *_CSV_FIELDS),
                         numeric=("threshold",))
    rows = {r["target_id"]: r for r in csv.to_dict("records")}
    obs = _observations()
    observed = set(zip(obs["region"], obs["indicator"], strict=True))
    problems = [p for tid, e in entries.items()
                for p in _problems(tid, e, rows.get(tid), observed)]
    problems += [(tid, "err.target_missing_ledger", {"csv": Path(csv_path).name})
                 for tid in rows if tid not in entries]
    out: dict[str, Target] = {}
    if not problems:
        for tid, e in entries.items():
            try:
                out[tid] = Target(target_id=tid, **{**e, "drivers": _drivers(e)})
            except TypeError as exc:
                problems.append((tid, "err.data_bad_fields", {"detail": str(exc)}))
    if problems:
        raise InputError(problems=[Problem(code, file=path, field=where, **values)
                                   for where, code, values in problems])
    return out


def targets_for_region(region: str) -> list[Target]:
    """The ledger's targets of ``region`` (in scope or not), in ledger order."""
    return [t for t in load_targets().values() if t.region == region]


def target_variables(targets: Iterable[Target]) -> list[str]:
    """Model variables needed to evaluate ``targets`` (no duplicates, stable order)."""
    return list(dict.fromkeys(v for t in targets for v in t.model_variables()))


# --- observed data -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _observations() -> pd.DataFrame:
    return load_observations()


def _usable(region: str, indicator: str) -> tuple[tuple[int, float], ...]:
    """(year, value) of the observations that give the value or a floor of it, one per year
    (exact preferred to approx to lower), by year."""
    return _usable_series().get((region, indicator), ())


@lru_cache(maxsize=1)
def _usable_series() -> dict[tuple[str, str], tuple[tuple[int, float], ...]]:
    """:func:`_usable` of every series, found in one pass over the observations (a run asks
    for some thirty series; filtering the table once per series cost a tenth of a run)."""
    obs = _observations()
    rows = obs[obs["bound"].isin(["exact", "approx", "lower"])]
    rank = rows["bound"].map({"exact": 0, "approx": 1, "lower": 2})
    rows = (rows.assign(rank=rank).sort_values(["region", "indicator", "year", "rank"])
            .drop_duplicates(["region", "indicator", "year"]))
    return {(str(region), str(indicator)): tuple(
                (int(y), float(v)) for y, v in zip(part["year"], part["value"], strict=True))
            for (region, indicator), part in rows.groupby(["region", "indicator"], sort=False)}


def observed_ratio(spec: Mapping) -> float:
    """A ratio of two observed figures, as a ledger ``ratio``/``bracket`` entry states it.

    ``spec`` holds ``region``, ``numerator``, ``denominator`` (indicators) and ``year``;
    with ``difference_from`` the numerator is the increase since that year (a flow from a
    cumulative count, e.g. STAR-market listings in 2023 = listed 2023 - listed 2022).
    """

    def value(indicator: str, year: int) -> float:
        found = dict(_usable(spec["region"], indicator)).get(year)
        if found is None:
            raise InputError(code="err.target_no_observation", file=TARGETS_FILE.name,
                             indicator=indicator, year=year, region=spec["region"],
                             obs_file=OBSERVED_FILE.name)
        return found

    num = value(spec["numerator"], spec["year"])
    if "difference_from" in spec:
        num -= value(spec["numerator"], spec["difference_from"])
    return num / value(spec["denominator"], spec["year"])


def _latest_observation(target: Target) -> tuple[int, float] | None:
    """Latest observed (year, value) of the target's quantity before the target year."""
    if target.eval_measure == "cumulative":
        return None  # the observed series are levels or in-year counts
    rows = [(y, v) for y, v in _usable(target.region, target.indicator)
            if (target.from_year or 0) <= y < target.year]
    return rows[-1] if rows else None


@lru_cache(maxsize=1)
def _trend_error() -> TrendError:
    return trend_error(_observations())


def _trend_values(target: Target, years: list[int], n_runs: int) -> np.ndarray:
    """Values carried forward from the observed series by the target's ``trend`` sub-model
    (:func:`suzhou_sim.catalogues.trends.trend_draws`: the mean annual change between the
    first and the latest point figure, with the error the rule showed in its backtest on
    every observed series)."""
    return _trend_draws_of(target.region, target.trend["series"], tuple(years), n_runs).copy()


@lru_cache(maxsize=256)
def _trend_draws_of(region: str, series: str, years: tuple[int, ...], n_runs: int
                    ) -> np.ndarray:
    # they depend on the data file alone, read once per process: made once, not on every
    # evaluation (a tenth of an app's lever step went to filtering and sorting the rows)
    obs = _observations()
    rows = obs[(obs["region"] == region) & (obs["indicator"] == series)]
    return trend_draws(rows, years, n_runs, _trend_error())


def _n_runs(results) -> int:
    n = getattr(results, "n_runs", None)
    if n:
        return int(n)
    if isinstance(results, Mapping) and len(results):
        return int(np.shape(next(iter(results.values())))[0])
    return 1000  # a trend-only evaluation: the sub-model's own quantile grid


# --- values and probabilities ----------------------------------------------------------------


def target_values(results, target: Target, years: Iterable[int]) -> np.ndarray:
    """Values of the target's quantity per run and calendar year.

    Uses the registry (:func:`suzhou_sim.catalogues.indicators.indicator_values`) unless the
    ledger says otherwise: an override ``variable`` (read like a level, or as a counter
    ``V(Y) - V(B-1)`` for cumulative readings), a ``derive``d measure, a ``trend`` carried
    from the observed series, and a ``ratio`` to the modelled quantity.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_runs, len(years))``.
    """
    years = list(years)
    if not target.in_scope:
        raise InputError(code="err.target_outside_scope", name=target.target_id,
                         reason=Given(target.reason_zh, str(target.reason)))
    measure, base = target.eval_measure, target.eval_base_year
    if target.trend:
        return _trend_values(target, years, _n_runs(results))
    cols = year_columns(results.times, years)
    if target.derive:
        names, fn = _DERIVED[target.derive]
        return fn(*(np.asarray(results[n])[:, cols] for n in names))
    if target.variable is None:
        values = indicator_values(results, target.indicator, years, measure, base)
    else:
        data = results[target.variable]
        values = data[:, cols]
        if measure == "cumulative":
            values = values - data[:, year_columns(results.times, [base - 1])]
    return values * observed_ratio(target.ratio) if target.ratio else values


def _window(target: Target) -> range:
    return range(target.from_year or target.year, target.year + 1)


def reach_levels(results, target: Target) -> np.ndarray:
    """Per run, the highest threshold the run reaches: the value in the target year, or for
    an "every year" target the lowest value over its years. P(value >= x) of a target is
    the share of runs whose reach level is at least x, so it never rises with x."""
    return np.min(target_values(results, target, _window(target)), axis=1)


def exceedance_curves(results, targets: Iterable[Target]) -> pd.DataFrame:
    """The exceedance curve P(value >= x) of every in-scope target with a probability.

    For each probability q of :data:`EXCEEDANCE_PROBABILITIES`, the level reachable with
    probability q (the (1 - q) quantile of :func:`reach_levels`); a planner setting a
    target reads which level is reachable with 50%, 80% or 90%.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EXCEEDANCE_COLUMNS`.
    """
    rows = []
    qs = np.asarray(EXCEEDANCE_PROBABILITIES)
    for t in targets:
        if not t.in_scope or t.set_by_lever:
            continue
        levels = percentiles(reach_levels(results, t), tuple(100 * (1 - qs)))
        rows += [{"target_id": t.target_id, "year": t.year, "unit": t.unit,
                  "probability": float(q), "level": float(x)}
                 for q, x in zip(qs, levels, strict=True)]
    return pd.DataFrame(rows, columns=EXCEEDANCE_COLUMNS)


def reached_per_run(results, target: Target) -> np.ndarray:
    """Boolean per run: value >= threshold (in every year of an "every year" target)."""
    values = target_values(results, target, _window(target))
    return np.all(values >= target.reach_level, axis=1)


def within_about_band(values: np.ndarray, threshold: float) -> np.ndarray:
    """Boolean per value: within ±:data:`ABOUT_BAND` of the threshold (edges included)."""
    slack = ABOUT_BAND * abs(threshold) * (1.0 + _ROUNDING)
    return np.abs(np.asarray(values, dtype=float) - threshold) <= slack


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


def judgement(target: Target, vintage: int | None = None, today: dt.date | None = None,
              observations: pd.DataFrame | None = None) -> Judgement | None:
    """What the published figures say about ``target`` once its year has passed, or None.

    ``vintage`` is the region's data vintage (read from the data when omitted), ``today``
    today's date (a parameter so tests can fix it), ``observations`` the rows to judge from
    (default: the project's data file).
    """
    obs = _observations() if observations is None else observations
    if vintage is None:
        vintage = _vintage_year(target.region, observations)
    key = (target.region, target.indicator, target.eval_measure, target.year,
           target.reach_level, int(vintage), today or dt.date.today(), target.from_year,
           target.eval_base_year)
    if observations is None:
        # the project's data file is read once per process: its judgements are kept, so the
        # app's slider steps do not filter the data again for every target
        return _judged_from_file(*key)
    return _judged(obs, *key)


def _vintage_year(region: str, observations: pd.DataFrame | None) -> int:
    """The region's data vintage year in ``observations`` (None: the project's data file)."""
    if observations is None:
        return _file_vintage_year(region)
    return data_vintage(region, observations).year


@lru_cache(maxsize=64)
def _file_vintage_year(region: str) -> int:
    # the data file is read once per process: its vintages are kept too (an app's lever
    # step evaluates the targets several times)
    return data_vintage(region, _observations()).year


def _judged(obs: pd.DataFrame, region: str, indicator: str, measure: str, year: int,
            level: float, vintage: int, today: dt.date, from_year: int | None,
            base_year: int | None) -> Judgement | None:
    rows = obs[(obs["region"] == region) & (obs["indicator"] == indicator)]
    return judge(measure=measure, year=year, level=level, rows=rows, vintage=vintage,
                 today=today, from_year=from_year, base_year=base_year)


@lru_cache(maxsize=1024)
def _judged_from_file(*key) -> Judgement | None:
    return _judged(_observations(), *key)


def _every_year_met(target: Target) -> bool:
    """True when every calendar year the target applies to (its target year, or every year
    from ``from_year``) has a published figure of the value or a floor of it (exact, approx
    or a lower bound, :func:`_usable`) at or above the threshold."""
    found = dict(_usable(target.region, target.indicator))
    return all(y in found and found[y] >= target.reach_level for y in _window(target))


def target_status(target: Target, judged: Judgement | None = None) -> str:
    """The target's status (:data:`STATUSES`), from the ledger and the observed data.

    In order of precedence: a target whose year has passed is ``met``, ``missed`` or
    ``undetermined`` by its published figure, or ``awaiting_data`` when the figure is not
    published yet (``judged``: :func:`judgement`; out-of-scope and lever-set targets are
    judged only by a figure, they have no nowcast); then ``outside_scope`` (no model
    output, sub-model or derivation); ``set_by_lever`` (the outcome is a lever setting);
    ``already_met`` (a year-end level or ratio whose latest observation before the target
    year already meets the threshold; an ``upper`` bound observation cannot show that; an
    annual flow only when every year it applies to is published and meets it, each year
    counting anew: :func:`_every_year_met`); ``assumption_driven`` (no observed
    series: the ledger names the driving assumptions); ``trend_only`` (no model output: a
    trend of the observed series with its backtested error carries it,
    :mod:`suzhou_sim.catalogues.trends`); ``lower_bound``/``upper_bound`` (the model
    measures a subset/superset); ``assessable``. ``prior_driven`` is not decided from the
    ledger and the data: it is an assessable target whose probability a drawn input of the
    ensemble moves beyond the rule of :func:`prior_driven` (:func:`apply_prior_sensitivity`).
    """
    if judged is not None and (judged.status != "awaiting_data"
                               or (target.in_scope and not target.set_by_lever)):
        return judged.status
    if not target.in_scope:
        return "outside_scope"
    if target.set_by_lever:
        return "set_by_lever"
    latest = _latest_observation(target)
    if (latest is not None and target.eval_measure in ("level", "ratio")
            and latest[1] >= target.reach_level):
        return "already_met"
    if target.eval_measure == "annual" and _every_year_met(target):
        return "already_met"
    if target.drivers:
        return "assumption_driven"
    if target.trend:
        return "trend_only"
    if target.bound:
        return f"{target.bound}_bound"
    return "assessable"


def evaluate_targets(results, targets: Iterable[Target], today: dt.date | None = None,
                     observations: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scoreboard: one row per target with its status.

    A target whose year has passed is judged from the published figures
    (:func:`judgement`): ``met``/``missed`` rows carry the figure (``judged_*``) and no
    probability; ``undetermined``/``awaiting_data`` rows carry the model's nowcast
    probability. ``data_through`` is the region's data vintage; ``today`` and
    ``observations`` (default: the date and the data file) make an ``--as-of`` run say
    what the tool would have said then.

    Parameters
    ----------
    results
        Engine result (``results[variable]`` shaped ``(n_runs, n_times)``, ``results.times``).
    targets : iterable of Target

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCOREBOARD_COLUMNS`. ``status`` is one of :data:`STATUSES`.
        ``probability`` is P(value >= threshold): for ``lower_bound`` rows "at least", for
        ``upper_bound`` rows "at most"; blank for ``set_by_lever`` (no probability),
        ``assumption_driven`` (``p_curve_min``/``p_curve_max``: the range of the
        probability over the driving assumptions, filled by :func:`apply_curves`) and
        ``outside_scope``. ``p_about`` is P(within ±5% of the threshold) for ``~`` targets.
        ``p_bracket`` is the probability on the other side of a bracket (the ledger's
        ``bracket``: the bound's counterpart scaled by an observed share). ``median``,
        ``p10``, ``p90`` are quantiles of the value in the target year, ``first_year`` the
        median first year reached, ``observed`` the latest observation
        before the target year (``"2023: 120"``). ``prior_sensitive`` is False here; it
        is set, with ``p_curve_min``/``p_curve_max`` and ``drivers`` of every target with
        a probability, by :func:`apply_prior_sensitivity`.
    """
    rows = []
    vintages: dict[str, int] = {}
    for t in targets:
        if t.region not in vintages:
            vintages[t.region] = _vintage_year(t.region, observations)
        judged = judgement(t, vintages[t.region], today, observations)
        row = {c: getattr(t, c, None) for c in SCOREBOARD_COLUMNS}
        row.update(target_id=t.target_id, status=target_status(t, judged), drivers=None,
                   prior_sensitive=False,
                   probability=None, p_about=None, p_bracket=None, p_curve_min=None,
                   p_curve_max=None, data_through=vintages[t.region],
                   # what the probability measures (a subset, a range over assumptions, ...)
                   # when the status is a judgement awaiting or undecided by the data
                   forecast_status=target_status(t))
        if judged is not None and judged.value is not None:
            row.update(judged_year=judged.year, judged_value=judged.value,
                       judged_bound=judged.bound, judged_quality=judged.quality,
                       judged_source=judged.source)
        latest = _latest_observation(t)
        row["observed"] = f"{latest[0]}: {latest[1]:g}" if latest else ""
        if t.drivers:
            row["drivers"] = "; ".join(d.constant for d in t.drivers)
        if t.in_scope:
            value = target_values(results, t, [t.year])[:, 0]
            p10, med, p90 = percentiles(value, (10, 50, 90))
            row.update(median=float(med), p10=float(p10), p90=float(p90),
                       first_year=_first_year(results, t))
            if not t.set_by_lever:
                # the level reachable with probability q: P(reach level >= x) = q
                lo90, lo80, mid = percentiles(reach_levels(results, t), (10, 20, 50))
                row.update(reach_50=float(mid), reach_80=float(lo80), reach_90=float(lo90))
            if row["status"] not in ("set_by_lever", "assumption_driven", *DECIDED) \
                    and not (t.drivers or t.set_by_lever):
                row["probability"] = float(reached_per_run(results, t).mean())
                if t.comparator == "~":
                    row["p_about"] = float(within_about_band(value, t.threshold).mean())
                if t.bracket:
                    scaled = target_values(results, t, _window(t)) * observed_ratio(t.bracket)
                    row["p_bracket"] = float(np.all(scaled >= t.reach_level, axis=1).mean())
        rows.append(row)
    df = pd.DataFrame(rows, columns=SCOREBOARD_COLUMNS)
    for c in ("probability", "p_about", "p_bracket", "p_curve_min", "p_curve_max", "median", "p10",
              "p90", "threshold", "judged_value", "reach_50", "reach_80", "reach_90"):
        df[c] = df[c].astype(float)
    for c in ("first_year", "data_through", "judged_year"):
        df[c] = df[c].astype("Int64")
    df["prior_sensitive"] = df["prior_sensitive"].astype(bool)
    return df


def apply_curves(table: pd.DataFrame, curves: pd.DataFrame) -> pd.DataFrame:
    """The scoreboard with ``p_curve_min``/``p_curve_max`` of assumption-driven targets.

    ``curves`` has :data:`CURVE_COLUMNS`; for each target the smallest and the largest
    probability over all values of all its drivers are copied. A copy is returned.
    """
    out = table.copy()
    if curves.empty:
        return out
    # plain Python over a few hundred rows: a pandas groupby and .loc cost more (the app
    # does this on every slider step)
    span: dict[str, tuple[float, float]] = {}
    for tid, p in zip(curves["target_id"], curves["probability"].astype(float), strict=True):
        lo, hi = span.get(tid, (p, p))
        span[tid] = (min(lo, p), max(hi, p))
    ids = out["target_id"].tolist()
    for col, k in (("p_curve_min", 0), ("p_curve_max", 1)):
        old = out[col].tolist()
        out[col] = np.array([span[t][k] if t in span else v for t, v in zip(ids, old,
                                                                             strict=True)],
                            dtype=float)
    return out


def prior_driven(p_low: float, p_high: float, runs: int) -> bool:
    """The rule of the ``prior_driven`` status, for one drawn input of a target.

    True when the probability with the input in its high band of the runs and in its low
    band (``runs`` runs each) differ by more than :data:`PRIOR_SPREAD` and by more than
    sampling noise could: ``|p_high - p_low| > max(PRIOR_SPREAD, PRIOR_NOISE_SE * se)``, with
    ``se = sqrt((p_low (1 - p_low) + p_high (1 - p_high)) / runs)``, and the bands hold at
    least :data:`MIN_BAND_RUNS` runs.
    """
    if runs < MIN_BAND_RUNS:
        return False
    se = np.sqrt((p_low * (1 - p_low) + p_high * (1 - p_high)) / runs)
    # rounded to 9 digits: the shares are counts over the runs, and 0.33 - 0.03 must be
    # exactly 0.3 (not above it) as the counts say
    return bool(round(abs(p_high - p_low), 9) > round(max(PRIOR_SPREAD, PRIOR_NOISE_SE * se),
                                                       9))


def apply_prior_sensitivity(table: pd.DataFrame, sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The scoreboard with the prior-sensitivity range of every target with a probability.

    For each target with a probability (not ``assumption_driven``: its range is over the
    ledger's drivers, :func:`apply_curves`), the inputs of ``sensitivity``
    (:data:`SENSITIVITY_COLUMNS`) that pass :func:`prior_driven` are its drivers (largest
    spread first), else the one input that moves it most (none when no input moves it:
    the range is the probability itself); ``p_curve_min``/``p_curve_max`` are the least
    and largest band probability over them and ``drivers`` names them. A target with an
    input passing the rule has ``prior_sensitive`` True (its probability is shown as that
    range, a bound as "at least/at most low–high"), and an ``assessable`` target (or
    forecast status of a nowcast) becomes ``prior_driven``. A copy is returned.
    """
    out = table.copy()
    if "prior_sensitive" not in out:
        out["prior_sensitive"] = False
    if sensitivity.empty:
        return out
    found: dict[str, list] = {}
    for r in sensitivity.itertuples(index=False):
        found.setdefault(r.target_id, []).append(r)
    changes: dict[str, tuple[list[int], list]] = {}

    def put(column: str, i: int, value) -> None:
        at, values = changes.setdefault(column, ([], []))
        at.append(i)
        values.append(value)
    for i, (tid, p, status, forecast) in enumerate(zip(
            out["target_id"], out["probability"], out["status"], out["forecast_status"],
            strict=True)):
        rows = sorted(found.get(tid, ()), key=lambda r: -abs(r.p_high - r.p_low))
        if not rows or pd.isna(p) or "assumption_driven" in (status, forecast):
            continue
        passing = [r for r in rows if prior_driven(r.p_low, r.p_high, int(r.runs))]
        # no input moves it at all (every band 0 or 1, say): no driver is named
        chosen = passing or [r for r in rows[:1] if r.p_high != r.p_low]
        probs = [q for r in chosen for q in (r.p_low, r.p_mid, r.p_high)] or [float(p)]
        put("p_curve_min", i, min(probs))
        put("p_curve_max", i, max(probs))
        if chosen:
            put("drivers", i, "; ".join(r.driver for r in chosen))
        if passing:
            # a range with its driver wherever it is shown, whatever the status (a bound
            # reads "at least low-high"); an assessable target becomes prior-driven
            put("prior_sensitive", i, True)
            if status == "assessable":
                put("status", i, "prior_driven")
            if forecast == "assessable":
                put("forecast_status", i, "prior_driven")
    # one assignment per column (a cell at a time cost a tenth of a scenario run)
    for column, (rows_at, values) in changes.items():
        out.iloc[rows_at, out.columns.get_loc(column)] = values
    return out


def is_prior_sensitive(row) -> bool:
    """Whether a scoreboard row (a tuple or a record) has ``prior_sensitive`` True and a
    range to show (a missing column or a blank cell count as False)."""
    flag = getattr(row, "prior_sensitive", False)
    return flag in (True,) and not pd.isna(getattr(row, "p_curve_min", np.nan))
