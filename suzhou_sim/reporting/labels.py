"""Number formatting and the shared bilingual (中文 / English) labels of units and plan periods.

Lives here: the display names of the model's units, the names of the plan periods, and the
formatting of numbers, quantities with their unit, probabilities and differences of
probabilities, for every reader: the meeting reports (:mod:`suzhou_sim.reporting.office`),
the warnings and the Streamlit app (``suzhou_sim.app.text`` re-exports these functions).
Labels of levers, assumptions, targets, indicators and regions are not here: they come from
the catalogues, the ledger and the registry.
Their texts are ``labels.*`` of ``wording/texts/reports_misc.yaml``.
Must not: import the app or Streamlit, run the model or read project files.
"""

from __future__ import annotations

import math

from ..catalogues.timeline import PERIOD_NAMES, PERIOD_YEARS, PERIODS, PLAN_LENGTH
from ..wording import say
from ..wording.problems import unit_name

__all__ = [
    "PERIOD_LABELS",
    "period_years",
    "PERIOD_SHORT",
    "in_language",
    "unit_label",
    "fmt_value",
    "fmt_number",
    "fmt_quantity",
    "fmt_probability",
    "fmt_points",
    "period_label",
]

def period_years(period: str) -> str:
    """The years of a plan period, short: ``2026–30``, or ``2025`` for a single year."""
    first, last = PERIOD_YEARS[period]
    return str(first) if first == last else f"{first}–{last % 100:02d}"


def _with_years(period: str) -> tuple[str, str]:
    (zh, en), (first, last) = PERIOD_NAMES[period], PERIOD_YEARS[period]
    # the span of years is typography, not wording: 2026—2030 in Chinese, 2026-30 in English
    years = (f"{first}—{last}", f"{first}-{last % 100:02d}")
    if first == last:  # the one remaining year of a plan under way
        key, years = "labels.period_remaining_year", (str(first), str(first))
    elif last - first + 1 < PLAN_LENGTH:  # the remaining years of a plan under way
        key = "labels.period_remaining_years"
    else:
        key = "labels.period_plan"
    return say(key, "zh", name=zh, years=years[0]), say(key, "en", name=en, years=years[1])


#: Plan periods with their years: (Chinese, English), from the timeline.
PERIOD_LABELS: dict[str, tuple[str, str]] = {p: _with_years(p) for p in PERIODS}
#: Plan periods, short: (Chinese, English).
PERIOD_SHORT: dict[str, tuple[str, str]] = PERIOD_NAMES

# Display names of the .mdl/ledger units: wording/texts/units.yaml (keys unit.<name>).

# Units of things counted one by one: no decimals from 10 up.
_COUNTS = frozenset({"firms", "firms/year", "persons", "teams", "projects", "projects/year",
                     "clusters", "carriers", "consortia", "institutions", "incubators", "labs",
                     "parks", "platforms", "products", "scenarios", "factories", "workshops",
                     "zones"})


def in_language(pair: tuple[str, str], lang: str) -> str:
    """The ``lang`` text of a (Chinese, English) pair; anything but ``en`` is Chinese."""
    return pair[1] if lang == "en" else pair[0]


def unit_label(unit: str, lang: str) -> str:
    """Display name of a model unit (``100m_yuan/year`` -> ``亿元/年`` or ``100m yuan/yr``)."""
    return unit_name(unit, lang)


def period_label(period: str, lang: str, short: bool = False) -> str:
    """Name of a plan period (``14th``/``15th``/``16th``), with its years unless ``short``.

    Raises
    ------
    KeyError
        For an unknown period (a programming error, not bad input).
    """
    return in_language((PERIOD_SHORT if short else PERIOD_LABELS)[period], lang)


def _is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_value(value: float | None, unit: str = "") -> str:
    """A number with sensible precision and thousands separators (no unit).

    Shares in ``percent`` keep one decimal; amounts from 100 and counts from 10 none;
    smaller numbers one to three significant decimals. Missing values give an en dash.
    """
    if _is_missing(value):
        return "–"
    value = float(value)
    size = abs(value)
    if unit.startswith("percent"):
        return f"{value:,.1f}"
    if size >= 100 or (value == round(value) and size >= 1) or (size >= 10 and unit in _COUNTS):
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    if size >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def fmt_number(value: float | None, digits: int = 3, missing: str = "–") -> str:
    """A number for the reports' tables: ``12,345`` from 1,000 up, else ``digits``
    significant digits (``0.123``); ``missing`` (an en dash) for a missing value."""
    if _is_missing(value):
        return missing
    value = float(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.{digits}g}"


def fmt_quantity(value: float | None, unit: str, lang: str) -> str:
    """A number with its unit in ``lang``: ``20,000 家``, ``5,565 亿元/年``, ``55.0%``."""
    text = fmt_value(value, unit)
    label = unit_label(unit, lang)
    if text == "–" or not label:
        return text
    if label.startswith("%"):
        return text + label
    return f"{text} {label}"


def fmt_probability(p: float | None) -> str:
    """A probability as a whole percentage (``88%``); ``<1%``/``>99%`` at the extremes."""
    if _is_missing(p):
        return "–"
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"


def fmt_points(delta: float | None, lang: str) -> str:
    """A difference of probabilities in percentage points, signed (``+3.2 pp``/``+3.2个百分点``)."""
    if _is_missing(delta):
        return "–"
    points = delta * 100
    if abs(points) < 0.05:
        return "±0"
    return say("labels.points", lang, points=f"{points:+.1f}")
