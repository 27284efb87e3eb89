"""The model's calendar: simulated years and the Five-Year-Plan periods levers are set for.

Defined once here; every module that needs a period name, its years, its name in Chinese or
the horizon imports them from this module (``tests/test_vocabulary.py`` fails on a second
definition). Nothing here reads files.
"""

from __future__ import annotations

from ..wording import pair

__all__ = ["PERIODS", "PERIOD_YEARS", "PERIOD_NAMES", "PLAN_LENGTH", "DEFAULT_PERIOD",
           "FIRST_SIM_YEAR", "HORIZON"]

#: Plan periods in order: 14th = its remaining year 2025 (2024 is published history),
#: 15th = 2026-30, 16th = 2031-35.
PERIODS: tuple[str, ...] = ("14th", "15th", "16th")
#: First and last calendar year each period's lever values act in.
PERIOD_YEARS: dict[str, tuple[int, int]] = {
    "14th": (2025, 2025), "15th": (2026, 2030), "16th": (2031, 2035)}
#: Each period's plan by name: (Chinese, English).
PERIOD_NAMES: dict[str, tuple[str, str]] = {p: pair(f"misc.period.{p}") for p in PERIODS}
#: Years of a whole Five-Year Plan: a period with fewer years is the plan's remaining years.
PLAN_LENGTH = 5
#: The period asked about when none is given (goal seeking): the next whole plan.
DEFAULT_PERIOD = "15th"
FIRST_SIM_YEAR = 2019  # first simulated calendar year (model time 2018 is the initial state)
HORIZON = 2035
