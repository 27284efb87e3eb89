"""The scoreboard page: the headline, the probability of every target by target year, the
attribution of the changes to the edited levers, and the guess of the next lever steps
(prefetched while the server is idle).

Must not: compute or cache (the parts come from ``app.compute``).
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, MutableMapping
from decimal import Decimal
from typing import Any

import streamlit as st

from suzhou_sim.app import effects_view
from suzhou_sim.app import state as S
from suzhou_sim.app.compute import (
    calibration_stamp,
    headline_chart,
    scoreboard_parts,
    settings_outcome,
    with_curves_now,
)
from suzhou_sim.app.live import (
    K_MOVED,
    K_SEEN,
    K_SESSION,
    K_YEAR,
    NOT_FIXED,
    Live,
    fix_key,
    fixed_drivers,
)
from suzhou_sim.app.prefetch import prefetcher
from suzhou_sim.app.text import (
    fmt_quantity,
    tr,
)
from suzhou_sim.app.views import (
    Outcome,
    named_data,
)
from suzhou_sim.catalogues.scenarios import (
    Scenario,
)
from suzhou_sim.errors import InputError
from suzhou_sim.reporting.headline import driver_values


def driver_controls(state: MutableMapping[str, Any], outcome: Outcome, lang: str) -> None:
    """One control per driving assumption of the range targets: left free (the scoreboard
    shows the range) or fixed at one of the values its curve was computed at (the
    scoreboard and the headline then show one conditional probability)."""
    res = outcome.result
    drivers = driver_values(res.curves)
    if not drivers:
        return
    with st.expander(tr("sb_fix", lang)):
        st.caption(tr("sb_fix_help", lang))
        for driver, (zh, en, unit, values) in drivers.items():
            st.select_slider(
                zh if lang == "zh" else en, [NOT_FIXED, *values],
                key=fix_key(res.scenario.region, driver),
                format_func=lambda v, u=unit: (tr("sb_fix_free", lang) if v == NOT_FIXED
                                               else fmt_quantity(v, u, lang)))


def view_scoreboard(state: MutableMapping[str, Any], outcome: Outcome, lang: str) -> None:
    """The headline (a sentence per target year and the headline chart), then the
    probability of every target by target year: a per-year summary, a year filter, the
    scoreboard (with the ledger's status when the targets carry one), the attribution of
    the changes to the edited levers, the targets outside model scope, and the statuses'
    definitions.

    Shown in two steps when the assumption curves of the current settings are not computed
    yet: the table with every probability, median and status as soon as the ensemble is
    done ("computing" where the curves go), then the same table with the curves, in the
    same place, followed by the attribution."""
    # everything made before anything is drawn: the browser gets the elements in one burst
    # and draws them once
    fixed = fixed_drivers(state, outcome)
    parts = scoreboard_parts(outcome, lang, state.get(K_YEAR, "all"), fixed)
    state[K_YEAR] = year = parts.year
    st.subheader(tr("headline", lang))
    left, right = st.columns([3, 2])
    head = left.empty()
    head.markdown("\n".join(f"- {line}" for line in parts.headline))
    chart = headline_chart(outcome, lang)
    # its place now, the chart itself after the table: the new numbers reach the browser
    # before the chart, which costs it the most to draw
    chart_place = right.empty() if chart is not None else None
    st.caption(tr("sb_year_summary", lang))
    st.html(parts.per_year)
    st.segmented_control(
        tr("sb_year_filter", lang), ["all", *parts.years], key=K_YEAR, required=True,
        format_func=lambda y: tr("sb_all_years", lang) if y == "all" else y)
    legend = tr("sb_legend", lang)
    if outcome.modified is not None:
        legend += "  \n" + tr("sb_delta_policy", lang) + ": " + tr("sb_delta_policy_help", lang)
    st.caption(legend)
    table = st.html(parts.page)
    if chart_place is not None:
        chart_place.vega_lite_chart(spec=named_data(chart), width="stretch")
    if not outcome.result.curves_done:  # second step: the curves, in the same place
        outcome = with_curves_now(outcome)
        fixed = fixed_drivers(state, outcome)
        parts = scoreboard_parts(outcome, lang, year, fixed)
        table.html(parts.page)
        head.markdown("\n".join(f"- {line}" for line in parts.headline))
    driver_controls(state, outcome, lang)
    if not outcome.is_baseline:  # which edited levers caused each change
        effects_view.attribution_table(lang, *attribution_inputs(outcome))
    if parts.outside:
        st.html(parts.outside)
    with st.expander(tr("sb_statuses", lang)):
        st.markdown(parts.summary)


def attribution_inputs(outcome: Outcome) -> tuple[Scenario, Scenario, int, int, int, tuple]:
    """The arguments after ``lang`` of ``effects_view.attribution_table`` (and the
    prefetcher's ``attribution_display``) for ``outcome``: baseline, current scenario,
    draws, seed, calibration stamp and the runs whose probabilities can be reused."""
    res = outcome.result
    return (outcome.baseline.scenario, res.scenario, res.draws, res.seed,
            calibration_stamp(res.scenario.region), (outcome.baseline, res))


def prefetch_next_steps(state, live: Live) -> None:
    """Queue the scoreboards of the lever last moved one notch further and one notch back
    (further first: planners step on in one direction), then their assumption curves, for
    the prefetcher to make while the server is idle. Only while the scoreboard is shown."""
    moved, outcome = state.get(K_MOVED), live.outcome
    if moved is None or outcome is None or live.current is None \
            or state[S.K_VIEW] != "scoreboard":
        return
    key, period = moved
    widget, spec = S.lever_widget_key(*moved), S.lever_slider(key, state[S.K_REGION])
    value, seen = float(state[widget]), state.get(K_SEEN)
    state[K_SEEN] = (widget, value)
    back = seen is not None and seen[0] == widget and value < seen[1]
    digits = max(0, -Decimal(str(spec.step)).as_tuple().exponent)  # as the slider rounds
    notches = [round(value + sign * spec.step, digits) for sign in ((-1, 1) if back else (1, -1))]
    scenarios = []
    for v in notches:
        if spec.min <= v <= spec.max:
            try:
                scenarios.append(S.scenario_from_state(ChainMap({widget: v}, state)))
            except InputError:  # a guess the settings would refuse: nothing to prefetch
                pass
    lang, year = state[S.K_LANG], state.get(K_YEAR, "all")
    res = outcome.result
    picked, baseline = live.picked, S.region_baseline(state[S.K_REGION])[1]
    stamp = calibration_stamp(res.scenario.region)

    def scoreboard(scenario: Scenario, curves: bool) -> Callable[[], object]:
        def job() -> None:  # what view_scoreboard asks for, in the same calls
            out = settings_outcome(scenario, picked, baseline, res.draws, res.seed, stamp)
            out = with_curves_now(out) if curves else out
            scoreboard_parts(out, lang, year)
            headline_chart(out, lang)
            if not out.is_baseline:
                effects_view.prefetch_attribution(lang, *attribution_inputs(out))
        return job
    prefetcher().submit(state.get(K_SESSION), [scoreboard(s, curves) for curves in (False, True)
                                                for s in scenarios])


if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.frame import show_page

    show_page(lambda state, lang, outcome, *_: view_scoreboard(state, outcome, lang),
              own_fragment=True, after=prefetch_next_steps)
