"""The command line's English sentences for a goal-seeking answer.

Wording only: :func:`suzhou_sim.studies.goal_seek.goal_seek` computes the answer; this module
turns its fields into sentences. (The app's bilingual wording of the same answer is in
``suzhou_sim.app.views.goal_seek_text``, from the phrases in ``suzhou_sim.app.text``.)
"""

from __future__ import annotations

from ..catalogues.scenarios import load_levers
from ..catalogues.targets import load_targets
from ..catalogues.timeline import PERIOD_YEARS
from ..studies.goal_seek import GoalSeekResult

__all__ = ["goal_seek_message", "condition_text"]


def _fmt(value: float, unit: str) -> str:
    return f"{value:g} {unit}" if unit != "Dmnl" else f"{value:g}"


def condition_text(res: GoalSeekResult) -> str:
    """``With Future-industry output in 2023 at its low value 500: `` for an answer at one
    driver setting of a range target, ``Prior-driven, among the lowest fifth of runs by …``
    for one band of a prior-driven target (empty for a target with one probability)."""
    if not res.condition:
        return ""
    from .answer_text import driver_name
    from .labels import fmt_value

    name = driver_name(res.condition, "en")
    value = fmt_value(res.condition_value)
    if res.band:
        fifth = {"low": "lowest", "mid": "middle", "high": "highest"}[res.condition_setting]
        return (f"Prior-driven, among the {fifth} fifth of runs by {name} (median {value}; "
                "conditional on that band): ")
    if res.condition_setting == "fixed":
        return f"With {name} fixed at {value} (conditional): "
    return f"With {name} at its {res.condition_setting} value {value}: "


def goal_seek_message(res: GoalSeekResult) -> str:
    """The answer of :func:`~suzhou_sim.studies.goal_seek.goal_seek` in English sentences.

    Says plainly when even the top of the lever's range is not enough, when the bottom of the
    range already suffices, when the probability is not monotone in the lever, when the
    confirming re-run disagrees, and when the lever acts only after the target year.
    """
    lever = load_levers()[res.lever_key]
    target = load_targets()[res.target_id]
    first, last = PERIOD_YEARS[res.period]
    label = f"{lever.label_en} ({res.period} plan, {first}-{last})"
    goal = f"{res.goal:.2f}"
    if res.status == "already_met":
        text = (f"{res.target_id} is already reached with probability "
                f"{res.probability_at_min:.2f} >= {goal} at the bottom of the allowed range of "
                f"{label}, {_fmt(res.lower, lever.unit)}: the target does not need this lever.")
    elif res.status == "not_enough":
        text = (f"Not enough: even the top of the allowed range of {label}, "
                f"{_fmt(res.upper, lever.unit)}, reaches {res.target_id} with probability only "
                f"{res.probability_at_max:.2f} < {goal}. This lever alone cannot reach the "
                "target; combine levers or revisit the target.")
    else:
        text = (f"Setting {label} to {_fmt(res.value, lever.unit)} reaches {res.target_id} "
                f"with probability {res.search_probability:.2f} >= {goal} (scenario value "
                f"{_fmt(res.baseline_value, lever.unit)} gives {res.baseline_probability:.2f}).")
        if res.smaller_reaching:
            text += (f" Caution: the probability is not monotone in this lever; the smaller "
                     f"value {_fmt(min(res.smaller_reaching), lever.unit)} also reaches {goal}.")
        elif res.achieved is not None and res.achieved < res.goal:
            text += (f" The confirming re-run gives only {res.achieved:.2f}; treat the value "
                     "with caution.")
    text = condition_text(res) + text
    if first > target.year:
        text += (f" Note: the {res.period}-plan lever acts from {first}, after the target year "
                 f"{target.year}.")
    return text
