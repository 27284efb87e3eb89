"""What the app's goal seeking offers: the plan periods still open, the targets they can
move, and the driver values at which a range target's conditional probability is sought.

Pure functions of the catalogues (no Streamlit): the page ``app.pages.goal`` draws the controls,
``app.compute.cached_goal_seek`` runs :func:`~suzhou_sim.studies.goal_seek.goal_seek_all` on
the scenario that :func:`conditioned` returns.

- **Periods**: only those not begun by the data vintage
  (:func:`~suzhou_sim.studies.optimise.open_periods`, as the portfolio view): with data
  through 2024 the 14th plan's one remaining year, 2025, is under way.
- **Targets and their periods**: a target is offered when some open period's levers act by
  its year, and then in exactly those periods (:func:`~suzhou_sim.studies.goal_seek.
  seek_periods`, the rule the command line's ``check_seek_period`` applies too: one rule),
  with one probability, or a range over driving assumptions (:func:`~suzhou_sim.studies.
  driven.is_range`: the 2030/2035 future-industry targets).
- **A range target** has no single probability to seek; the planner fixes each of its
  drivers (at its low, central or high value: :func:`~suzhou_sim.studies.driven.
  driver_settings`, or at the value fixed on the scoreboard), and the answer is the lever
  value reaching the probability *conditional* on those values, labelled so.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalogues.scenarios import Scenario, load_assumptions
from ..catalogues.targets import Driver, Target, targets_for_region
from ..studies.driven import driver_settings, is_range, with_assumptions
from ..studies.goal_seek import seek_periods
from ..studies.optimise import open_periods

__all__ = ["GOAL_MIN", "GOAL_MAX", "GOAL_DEFAULT", "goal_periods", "closed_periods",
           "goal_targets", "target_periods", "default_period", "driver_choices", "assumption_key",
           "conditioned"]

#: Range of the required-probability slider: from 5% (a planner may ask what a long shot
#: needs) to 99%; 80% is the command line's default.
GOAL_MIN, GOAL_MAX, GOAL_DEFAULT = 0.05, 0.99, 0.8


def goal_periods(region: str) -> list[str]:
    """Plan periods goal seeking offers: those not begun by the region's data vintage."""
    return open_periods(region)[0]


def closed_periods(region: str) -> list[str]:
    """Plan periods begun by the data vintage (not offered), in order."""
    return open_periods(region)[1]


def goal_targets(region: str) -> list[Target]:
    """Targets of ``region`` the open plan periods can move: in model scope, not set by a
    lever, with one probability or a range over driving assumptions, and at least one open
    period whose levers act by the target year (:func:`target_periods`). Empty when no
    period is open."""
    return [t for t in targets_for_region(region)
            if (t.has_probability or is_range(t)) and target_periods(t)]


def target_periods(target: Target) -> list[str]:
    """The plan periods a goal seek for ``target`` can act in, in order: open (not begun by
    the data vintage) and acting by the target year. The rule is
    :func:`~suzhou_sim.studies.goal_seek.seek_periods`, the one the command line checks."""
    return seek_periods(target)


def default_period(target: Target) -> str:
    """The period offered first for ``target``: the last of :func:`target_periods` (the
    open period in which the target year falls, else the last open one before it).

    Raises
    ------
    ValueError
        No open period acts by the target year (:func:`goal_targets` offers no such target).
    """
    periods = target_periods(target)
    if not periods:
        raise ValueError(f"no open plan period acts by {target.target_id}'s year {target.year}")
    return periods[-1]


def driver_choices(driver: Driver, region: str, fixed: float | None = None) -> list[float]:
    """Values offered for fixing ``driver``: its low, central and high value, and the value
    fixed on the scoreboard (``fixed``) when it is another one, in increasing order."""
    values = {float(v) for v in driver_settings(driver, region)}
    if fixed is not None and driver.low <= fixed <= driver.high:
        values.add(float(fixed))
    return sorted(values)


def assumption_key(constant: str) -> str | None:
    """Catalogue key of the assumption of a driver's .mdl constant (None if not catalogued)."""
    return next((k for k, a in load_assumptions().items() if a.vensim == constant), None)


def conditioned(scenario: Scenario, fixed: Mapping[str, float]) -> Scenario:
    """``scenario`` with the drivers in ``fixed`` (.mdl constant -> value) fixed as
    assumptions, so that goal seeking reads the target's probability conditional on them.

    Raises
    ------
    InputError
        A value outside the assumption's allowed range.
    KeyError
        A constant that is not a catalogued assumption.
    """
    keys = {constant: assumption_key(constant) for constant in fixed}
    missing = [c for c, k in keys.items() if k is None]
    if missing:
        raise KeyError(f"not a catalogued assumption: {missing}")
    return with_assumptions(scenario, {keys[c]: float(v) for c, v in fixed.items()},
                            option="goal seek")
