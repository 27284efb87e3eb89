"""What the current settings give, made once per settings: :class:`Live`.

Lives here: the session keys the sidebar, the pages and ``app.py`` share (the lever last
moved, the fragments a lever step reruns, the kept :class:`Live`), :func:`live_settings`
(the scenario, the outcome through ``app.compute`` and the messages about them) and the
driving assumptions the planner fixed on the scoreboard (:func:`fixed_drivers`).

Must not: draw anything or keep results of its own (``app.compute`` caches them).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from typing import Any

from ..calibration.posterior import Posterior
from ..catalogues.scenarios import (
    PERIODS,
    Scenario,
    zero_split_periods,
)
from ..catalogues.timeline import PERIOD_YEARS
from ..engine.errors import EngineError
from ..errors import InputError, render_error
from ..reporting.headline import driver_values
from ..reporting.warnings_text import staleness_message, zero_split_message
from . import state as S
from .compute import (
    cached_posterior,
    calibration_staleness,
    calibration_stamp,
    scenario_key,
    settings_outcome,
    with_known_curves,
)
from .text import (
    tr,
)
from .views import (
    Outcome,
    problem_lines,
    region_label,
)

K_LIVE = "live_ref"  # the latest Live and the settings it was made from


K_DL_ADJUSTED = "downloads_adjusted"  # the downloads were drawn for adjusted settings


K_MOVED = "lever_moved"  # (lever, period) of the last lever step


K_SEEN = "lever_seen"  # the moved lever's value at the last results run (its direction)


K_SESSION = "session_token"  # identifies the session's queue of prefetch jobs


K_YEAR = "sb_year"


#: Keys of the fragments a lever step reruns: the results (main area), the downloads and the
#: share captions.
RESULTS, DOWNLOADS, SHARES = "results", "downloads", "shares"


#: The last year of history: levers act from the first year of the first plan period.
HISTORY_END = PERIOD_YEARS[PERIODS[0]][0] - 1


@dataclass(frozen=True)
class Live:
    """What the current settings give: the scenario, the one they were loaded from, the
    outcome and the posterior (None where they could not be made), and the messages to
    show about them as (kind, text), kind one of ``error`` and ``warning``."""

    current: Scenario | None
    picked: Scenario
    outcome: Outcome | None
    posterior: Posterior | None
    messages: tuple[tuple[str, str], ...]
    changes: tuple[S.Change, ...] = ()  # the settings that differ from ``picked``


def live_settings(state: MutableMapping[str, Any], lang: str) -> Live:
    """The :class:`Live` of the settings in ``state`` (runs cached by their settings; made
    once per settings and kept in ``state[K_LIVE]``: a run asks more than once, for the
    results and the downloads). A kept one gains the assumption curves once any session
    has computed them."""
    region, draws, seed = state[S.K_REGION], int(state[S.K_DRAWS]), int(state[S.K_SEED])
    stamp = calibration_stamp(region)
    messages: list[tuple[str, str]] = []
    current: Scenario | None = None
    diff: list[S.Change] = []
    try:
        current, diff = S.settings_from_state(state)
    except InputError as exc:
        messages.append(("error", tr("bad_settings", lang,
                                     message="; ".join(problem_lines(str(exc), lang)))))
    ref = state.setdefault(K_LIVE, {})
    key = (scenario_key(current) if current is not None else tuple(messages),
           state[S.K_BASE], draws, seed, stamp, lang)
    if ref.get("key") == key:
        live = ref["live"]
        if live.outcome is not None and not live.outcome.result.curves_done:
            result = with_known_curves(live.outcome.result, stamp)
            if result is not live.outcome.result:
                live = ref["live"] = replace(live, outcome=replace(live.outcome, result=result))
        return live
    picked = S.base_scenario(state)
    outcome: Outcome | None = None
    posterior: Posterior | None = None
    if current is not None and (split := zero_split_periods(current)):
        messages.append(("warning", zero_split_message(split, lang)))
    if current is not None:
        try:
            posterior = cached_posterior(region, stamp)
        except InputError as exc:
            messages.append(("warning", tr("no_calibration", lang,
                                           region=region_label(region, lang),
                                           message=render_error(exc, lang))))
        else:
            if (status := calibration_staleness(region, stamp)).stale:
                messages.append(("warning", staleness_message(status, lang)))
            try:
                # the current run's curves when some session computed them already (the
                # scoreboard then shows them at once); otherwise the scoreboard adds them
                outcome = settings_outcome(current, picked, S.region_baseline(region)[1],
                                           draws, seed, stamp)
            except InputError as exc:  # e.g. a calibration that does not fit the model
                messages.append(("error", tr("run_failed", lang, message=render_error(exc, lang))))
            except EngineError as exc:  # e.g. settings the model refuses (a bad .mdl edit)
                if exc.code is None:  # an engine invariant failed: a bug, not the planner's
                    raise
                messages.append(("error", tr("run_failed", lang, message=exc.render(lang))))
    live = Live(current, picked, outcome, posterior, tuple(messages), tuple(diff))
    ref["key"], ref["live"] = key, live
    return live


NOT_FIXED = "free"  # the first choice of a driver's control: drawn over its range


def fix_key(region: str, driver: str) -> str:
    """Session key of the control fixing ``driver`` in ``region``."""
    return f"fix.{region}.{driver}"


def fixed_drivers(state: MutableMapping[str, Any], outcome: Outcome
                  ) -> tuple[tuple[str, float], ...]:
    """The driving assumptions the planner fixed (constant, value) in the scoreboard's
    "fix a driver" controls, for the current run's curves (none before they are in)."""
    res = outcome.result
    if not res.curves_done:
        return ()
    out = []
    for driver, (*_, values) in driver_values(res.curves).items():
        value = state.get(fix_key(res.scenario.region, driver))
        if value is not None and value != NOT_FIXED and float(value) in values:
            out.append((driver, float(value)))
    return tuple(out)
