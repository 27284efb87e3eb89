"""The headline of a scenario run (结论摘要): what its scoreboard says per target year, as data.

Lives here: the counts and selections behind the one-sentence-per-year summary at the top of
the app's scoreboard, the Word report and the Excel summary (how many targets are likely,
which are at risk with their probabilities, which depend on an assumption (or, prior-driven,
on a drawn input the data inform weakly) with their range and driver, which the levers
cannot move, how the probabilities moved against the baseline),
the conditional probability of a target when the planner fixes a driving assumption (read
off the assumption curves), and the choice of the headline chart's indicator. The wording
of all of it is :mod:`suzhou_sim.reporting.headline_text`.

Must not: run the model, word anything, import the app or Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..catalogues.judging import JUDGED_STATUSES
from ..catalogues.observations import DataVintage
from ..catalogues.targets import RANGE_STATUSES, is_prior_sensitive, load_targets
from .driver_labels import driver_label

__all__ = [
    "LIKELY",
    "AT_RISK",
    "MOVED",
    "SHOWN",
    "COUNTED",
    "is_range",
    "HeadlineTarget",
    "YearHeadline",
    "Headline",
    "conditional_probability",
    "driver_values",
    "headline",
    "headline_indicator",
]

#: A target counts as likely from this probability (the scoreboard's green band).
LIKELY = 0.8
#: A target is at risk below this probability (the scoreboard's orange and red bands).
AT_RISK = 0.5
#: A change against the baseline counts as a move from one percentage point.
MOVED = 0.01
#: Targets named per year and kind (at risk, ranges): the lowest probabilities first.
SHOWN = 3
#: Statuses of targets whose year has passed, judged from the published figures (or
#: waiting for them), and of targets read off a trend: counted per year in the headline.
#: In the order a reader takes them: met first, then missed, undetermined, awaiting data
#: (the statuses themselves are defined in ``catalogues.judging``).
_READING_ORDER = {"met": 0, "missed": 1, "undetermined": 2, "awaiting_data": 3}
COUNTED = (*sorted(JUDGED_STATUSES, key=_READING_ORDER.__getitem__), "trend_only")


@dataclass(frozen=True)
class HeadlineTarget:
    """One target named in the headline.

    ``probability`` is its one probability (NaN for a range), ``low``/``high`` the range
    over its driving assumptions (NaN without one); ``drivers`` the (Chinese, English)
    labels of those assumptions; ``fixed`` the (driver label zh, en, value, unit) the
    conditional ``probability`` of a range target was read at (None when not fixed);
    ``prior`` is True for a ``prior_driven`` range (over a drawn assumption or a weakly
    informed parameter of the ensemble, not over the ledger's driving assumptions);
    ``bound`` is ``lower``/``upper`` when the model measures a subset/superset of what the
    target counts (its probability reads "at least"/"at most"); ``share`` is, for a lower
    bound at probability 0, the median run's value as a share of the threshold (what the
    measured part shows), else NaN.
    """

    target_id: str
    label_zh: str
    label_en: str
    status: str
    probability: float
    low: float = math.nan
    high: float = math.nan
    drivers: tuple[tuple[str, str], ...] = ()
    fixed: tuple[str, str, float, str] | None = None
    prior: bool = False
    bound: str | None = None
    share: float = math.nan

    def label(self, lang: str) -> str:
        """Display label in ``lang``."""
        return self.label_en if lang == "en" else self.label_zh


@dataclass(frozen=True)
class YearHeadline:
    """The scoreboard of one target year in numbers.

    Attributes
    ----------
    year : int
    in_scope : int
        Targets of the year the model measures.
    outside : int
        Targets of the year outside the model's scope.
    with_probability : int
        In-scope targets with one probability (not a range, not set by a lever).
    likely : int
        Of those, the ones with probability ≥ :data:`LIKELY`.
    already_met : int
        Targets the latest observation already meets (levers cannot move them).
    set_by_lever : int
        Targets whose outcome is a lever setting.
    at_risk : tuple of HeadlineTarget
        Targets with probability < :data:`AT_RISK`, lowest first (at most :data:`SHOWN`).
    n_at_risk : int
        All at-risk targets of the year.
    ranges : tuple of HeadlineTarget
        Targets whose probability is a range over driving assumptions (or conditional on a
        fixed driver), at most :data:`SHOWN`.
    n_ranges : int
        All such targets of the year.
    up, down : int or None
        Targets whose probability rose / fell by at least :data:`MOVED` against the
        baseline (None without a baseline, or when the run is the baseline).
    judged : tuple of (status, count)
        Targets per status of :data:`COUNTED` (met or missed by the published
        figures, awaiting them, ...), in that order, zeros left out.
    """

    year: int
    in_scope: int
    outside: int
    with_probability: int
    likely: int
    already_met: int
    set_by_lever: int
    at_risk: tuple[HeadlineTarget, ...]
    n_at_risk: int
    ranges: tuple[HeadlineTarget, ...]
    n_ranges: int
    up: int | None = None
    down: int | None = None
    judged: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Headline:
    """The headline of one run: per target year, and the data vintage of the region."""

    region: str
    years: tuple[YearHeadline, ...]
    vintage: DataVintage | None


def driver_values(curves: pd.DataFrame) -> dict[str, tuple[str, str, str, list[float]]]:
    """The driving assumptions of ``curves`` (``ScenarioResult.curves``) and the values their
    curves were computed at: constant -> (label zh, label en, unit, sorted values)."""
    out: dict[str, tuple[str, str, str, list[float]]] = {}
    for driver, zh, en, unit, value in zip(curves["driver"], curves["label_zh"],
                                           curves["label_en"], curves["unit"], curves["value"],
                                           strict=True):
        out.setdefault(driver, (zh, en, unit, []))[3].append(float(value))
    return {k: (zh, en, unit, sorted(set(v))) for k, (zh, en, unit, v) in out.items()}


def conditional_probability(curves: pd.DataFrame, target_id: str,
                            fixed: Mapping[str, float]) -> tuple[str, float, float] | None:
    """The probability of ``target_id`` with one of its driving assumptions fixed.

    The assumption curves run each driver's values on the same draws with that driver held
    at the value and everything else drawn as usual, so the curve's point is
    P(target reached | driver = value). The first driver of the target (in the curves'
    order) that ``fixed`` names is used; its value is the curve's nearest point.

    Returns
    -------
    (driver, value, probability) or None
        None when ``fixed`` names none of the target's drivers.
    """
    rows = curves[curves["target_id"] == target_id]
    for driver in dict.fromkeys(rows["driver"]):
        if driver in fixed:
            mine = rows[rows["driver"] == driver]
            gap = (mine["value"].astype(float) - float(fixed[driver])).abs()
            at = mine.loc[gap.idxmin()]
            return driver, float(at["value"]), float(at["probability"])
    return None


def is_range(row) -> bool:
    """Whether a scoreboard row's probability is a range over driving assumptions: its
    status (or, for a target whose year has passed, its ``forecast_status``) is one of
    :data:`RANGE_STATUSES`, a drawn input moves it beyond the prior-driven rule
    (``prior_sensitive``, e.g. a lower bound), or it has no single probability but a
    range."""
    forecast = getattr(row, "forecast_status", None)
    if row.status in RANGE_STATUSES or (isinstance(forecast, str)
                                        and forecast in RANGE_STATUSES):
        return True
    if is_prior_sensitive(row):
        return True  # a bound (say) that a drawn input moves beyond the prior-driven rule
    return bool(pd.isna(row.probability) and not pd.isna(row.p_curve_min))


def _bound(row) -> str | None:
    """``lower``/``upper`` when the row's measured status (its forecast status once its year
    has passed) is a bound, else None."""
    measured = (getattr(row, "forecast_status", None)
                if row.status in ("undetermined", "awaiting_data") else row.status)
    return {"lower_bound": "lower", "upper_bound": "upper"}.get(measured)


def headline(targets: pd.DataFrame, curves: pd.DataFrame | None = None,
             baseline: pd.DataFrame | None = None, vintage: DataVintage | None = None,
             fixed: Mapping[str, float] | None = None, region: str = "") -> Headline:
    """The headline of a scoreboard, per target year.

    Parameters
    ----------
    targets : pandas.DataFrame
        ``ScenarioResult.targets`` (columns of ``catalogues.targets.SCOREBOARD_COLUMNS``).
    curves : pandas.DataFrame, optional
        ``ScenarioResult.curves``: the drivers' labels, and the conditional probabilities
        when ``fixed`` names a driver.
    baseline : pandas.DataFrame, optional
        The baseline's ``targets`` on the same draws (the moves against it); None when the
        run is the baseline.
    vintage : DataVintage, optional
        The data vintage of the region.
    fixed : mapping, optional
        Driver constant -> value the planner fixed (see :func:`conditional_probability`).
    region : str
        The region's name.

    Returns
    -------
    Headline
    """
    curves = curves if curves is not None else pd.DataFrame(
        columns=["target_id", "driver", "label_zh", "label_en", "unit", "value", "probability"])
    fixed = fixed or {}
    values = driver_values(curves)
    labels = {d: (zh, en) for d, (zh, en, _, _) in values.items()}
    units = {d: unit for d, (_, _, unit, _) in values.items()}
    base = ({} if baseline is None else
            dict(zip(baseline["target_id"], baseline["probability"].astype(float), strict=True)))
    ledger = load_targets()
    # the rows and each target's drivers read once, not filtered out of the frames per
    # year and per target (a filter of a frame costs more than the sentences)
    every = list(targets.itertuples(index=False))
    curve_drivers: dict[str, dict[str, None]] = {}
    for target_id, driver in zip(curves["target_id"], curves["driver"], strict=True):
        curve_drivers.setdefault(target_id, {})[driver] = None
    years = []
    for year in sorted({int(y) for y in targets["year"]}):
        rows = [r for r in every if r.year == year]
        inside = [r for r in rows if r.in_scope]
        single, ranged = [], []
        for r in inside:
            p = float(r.probability)
            if is_range(r):
                drivers = tuple(labels.get(d, (d, d)) for d in curve_drivers.get(r.target_id, ()))
                if not drivers and r.target_id in ledger:  # curves not in: the ledger's
                    drivers = tuple((d.label_zh, d.label_en)
                                    for d in ledger[r.target_id].drivers)
                named = getattr(r, "drivers", None)
                if not drivers and isinstance(named, str) and named:  # prior-driven
                    drivers = tuple((driver_label(c.strip(), "zh"), driver_label(c.strip(), "en"))
                                    for c in named.split(";"))
                cond = conditional_probability(curves, r.target_id, fixed) if fixed else None
                at = None
                if cond is not None:
                    driver, value, p = cond
                    at = (*labels[driver], value, units[driver])
                prior = ("prior_driven" in (r.status, getattr(r, "forecast_status", None))
                         or is_prior_sensitive(r))
                ranged.append(HeadlineTarget(r.target_id, r.label_zh, r.label_en, r.status, p,
                                             float(r.p_curve_min), float(r.p_curve_max),
                                             drivers, at, prior, _bound(r)))
            elif not math.isnan(p):
                bound = _bound(r)
                median, threshold = (getattr(r, c, math.nan) for c in ("median", "threshold"))
                share = (float(median) / float(threshold)
                         if bound == "lower" and p == 0 and not pd.isna(median)
                         and not pd.isna(threshold) and threshold else math.nan)
                single.append(HeadlineTarget(r.target_id, r.label_zh, r.label_en, r.status, p,
                                             bound=bound, share=share))
        at_risk = sorted((t for t in single if t.probability < AT_RISK),
                         key=lambda t: t.probability)
        ranged.sort(key=lambda t: (t.fixed is None, t.low if t.fixed is None else t.probability))
        up = down = None
        if baseline is not None:
            moves = [t.probability - base.get(t.target_id, math.nan) for t in single]
            up = sum(1 for m in moves if m >= MOVED)
            down = sum(1 for m in moves if m <= -MOVED)
        statuses = [r.status for r in inside]
        judged = tuple((k, statuses.count(k)) for k in COUNTED if statuses.count(k))
        years.append(YearHeadline(
            year=year, in_scope=len(inside), outside=len(rows) - len(inside),
            with_probability=len(single),
            likely=sum(1 for t in single if t.probability >= LIKELY),
            already_met=statuses.count("already_met"),
            set_by_lever=statuses.count("set_by_lever"),
            at_risk=tuple(at_risk[:SHOWN]), n_at_risk=len(at_risk),
            ranges=tuple(ranged[:SHOWN]), n_ranges=len(ranged), up=up, down=down,
            judged=judged))
    return Headline(region=region, years=tuple(years), vintage=vintage)


def headline_indicator(targets: pd.DataFrame, charted: list[str]) -> str | None:
    """The indicator of the headline chart: among ``charted`` (the indicators that can be
    charted with their targets, in display order), the one whose in-scope targets span the
    most target years, then the one with the most such targets; None when none has one."""
    # one pass over plain columns: a filter of the frame per indicator cost more than a
    # tenth of an app's lever step (its text columns are Arrow strings)
    years: dict[str, set] = {}
    counts: dict[str, int] = {}
    for name, year, inside in zip(targets["indicator"], targets["year"], targets["in_scope"],
                                  strict=True):
        if inside:
            counts[name] = counts.get(name, 0) + 1
            if not pd.isna(year):
                years.setdefault(name, set()).add(year)
    best, score = None, (0, 0)
    for name in charted:
        here = (len(years.get(name, ())), counts.get(name, 0))
        if here > score:
            best, score = name, here
    return best
