"""Targets whose year has passed: judged from the published figures, never forecast.

A target's year is *covered* when the region's data run through it (the data vintage,
:func:`~suzhou_sim.catalogues.observations.data_vintage`). Then the published figure of the
target's own quantity decides, year by year over the years the target applies to:

* an ``exact`` or ``approx`` figure at or above the threshold: ``met``; below it: ``missed``;
* a ``lower`` bound ("超X", the true value is at least X) at or above the threshold: ``met``;
  below it: ``undetermined`` (the true value may still reach it);
* an ``upper`` bound ("近X") below the threshold: ``missed``; at or above it:
  ``undetermined``;
* no figure for a covered year, or a year that has ended but is not covered yet:
  ``awaiting_data``.

Every year must be ``met`` for the target to be met; one ``missed`` year misses it.
``cumulative`` targets (sums of additions) are judged only when every year of the sum is
published as a point figure. A target whose year has not ended is a forecast (``None``).
``unverified`` rows never judge a target.

This module only decides from rows given to it; it reads no files and runs no model.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = ["JUDGED_STATUSES", "Judgement", "judge", "best_figure"]

#: Statuses of targets whose year has passed (in the order of precedence of the worst year).
JUDGED_STATUSES = ("missed", "awaiting_data", "undetermined", "met")
_BOUND_RANK = {"exact": 0, "approx": 1, "lower": 2, "upper": 2}
_QUALITY_RANK = {"reported": 0, "preliminary": 1, "derived": 2}


@dataclass(frozen=True)
class Judgement:
    """What the published data say about a target.

    Attributes
    ----------
    status : str
        One of :data:`JUDGED_STATUSES`.
    year : int or None
        The year whose figure decided (the worst year for "every year" targets).
    value : float or None
        That figure (the sum for cumulative targets).
    bound, quality, source : str or None
        The figure's bound, quality and source URL.
    """

    status: str
    year: int | None = None
    value: float | None = None
    bound: str | None = None
    quality: str | None = None
    source: str | None = None


def best_figure(rows: pd.DataFrame, year: int) -> dict | None:
    """The figure that speaks for ``year``: a point figure before a bound, reported before
    preliminary before derived; ``unverified`` rows are never used."""
    own = rows[(rows["year"] == year) & rows["quality"].isin(tuple(_QUALITY_RANK))]
    if own.empty:
        return None
    recs = own.to_dict("records")
    return min(recs, key=lambda r: (_BOUND_RANK[r["bound"]], _QUALITY_RANK[r["quality"]]))


def _year_status(fig: dict | None, level: float) -> str:
    if fig is None:
        return "awaiting_data"
    value, bound = float(fig["value"]), fig["bound"]
    if bound in ("exact", "approx"):
        return "met" if value >= level else "missed"
    if bound == "lower":
        return "met" if value >= level else "undetermined"
    return "missed" if value < level else "undetermined"


def judge(
    *,
    measure: str,
    year: int,
    level: float,
    rows: pd.DataFrame,
    vintage: int,
    today: _dt.date,
    from_year: int | None = None,
    base_year: int | None = None,
) -> Judgement | None:
    """Judge one target from its published figures, or None when it is still a forecast.

    Parameters
    ----------
    measure : str
        ``level``, ``ratio``, ``annual`` or ``cumulative``.
    year : int
        The target year.
    level : float
        The value that meets the target (the threshold).
    rows : pandas.DataFrame
        Observation rows of the target's own indicator in its region (columns ``year``,
        ``value``, ``bound``, ``quality``, ``source_url``).
    vintage : int
        The last year with published figures for the region.
    today : datetime.date
        Today's date: a year has passed once it has ended.
    from_year, base_year : int, optional
        First year of an "every year" target; base year of a cumulative target.
    """
    if year >= today.year:
        return None
    if year > vintage:
        return Judgement("awaiting_data")
    if measure == "cumulative":
        return _judge_sum(rows, base_year or year, year, level)
    years: Sequence[int] = range(from_year or year, year + 1)
    figures = [(y, best_figure(rows, y)) for y in years]
    statuses = [_year_status(f, level) for _, f in figures]
    # the worst year decides; among equals the smallest figure (the closest to failing)
    worst = min(range(len(statuses)), key=lambda k: (
        JUDGED_STATUSES.index(statuses[k]),
        float(figures[k][1]["value"]) if figures[k][1] is not None else 0.0))
    y, fig = figures[worst]
    if fig is None:
        return Judgement(statuses[worst], y)
    return Judgement(statuses[worst], y, float(fig["value"]), fig["bound"], fig["quality"],
                     fig.get("source_url"))


def _judge_sum(rows: pd.DataFrame, first: int, last: int, level: float) -> Judgement:
    figures = [best_figure(rows, y) for y in range(first, last + 1)]
    if any(f is None or f["bound"] not in ("exact", "approx") for f in figures):
        return Judgement("awaiting_data", last)
    total = float(sum(f["value"] for f in figures))
    quality = max((f["quality"] for f in figures), key=_QUALITY_RANK.get)
    return Judgement("met" if total >= level else "missed", last, total, "exact", quality,
                     figures[-1].get("source_url"))
