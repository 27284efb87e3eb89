"""The comparison page: the probabilities of two or more scenarios side by side, their
charts and indicators.

Must not: compute or cache (the comparison comes from ``app.compute``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from suzhou_sim.app import state as S
from suzhou_sim.app.compute import (
    cached_compare,
    cached_run,
    scenario_key,
)
from suzhou_sim.app.text import (
    fmt_points,
    fmt_probability,
    multiselect_text,
    tr,
)
from suzhou_sim.app.views import (
    chart_indicators,
    compare_chart,
    compare_frame,
    compare_indicators,
    probability_band,
    scenario_title,
    table_html,
)
from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.catalogues.scenarios import (
    Scenario,
)

BAND_BACKGROUND = {"green": "#d4edda", "amber": "#fff3cd", "orange": "#fde0c5", "red": "#f8d7da"}


def _styled(frame: pd.DataFrame, prob_cols: list[str], delta_cols: list[str], lang: str):
    """Probabilities as percentages on their band's colour (a range over an assumption as
    its text, uncoloured), differences in percentage points."""
    def background(p: object) -> str:
        if isinstance(p, str) or p is None or pd.isna(p):
            return ""
        return f"background-color: {BAND_BACKGROUND[probability_band(p)]}"

    # differences as text: a range target (over its driving assumption) has no one
    # difference, and st.dataframe shows a missing cell as "None" whatever the Styler says
    frame = frame.assign(**{c: frame[c].map(lambda d: fmt_points(d, lang))
                            for c in delta_cols})
    return (frame.style.map(background, subset=prob_cols)
            .format(lambda p: p if isinstance(p, str) else fmt_probability(p), subset=prob_cols))


def view_compare(state, lang: str, current: Scenario, draws: int, seed: int, stamp: int) -> None:
    """Probabilities of two or more saved scenarios side by side (compare_scenarios)."""
    choices = S.comparable_scenarios(state)
    options = list(choices)
    key = f"compare.{state[S.K_REGION]}"
    if key not in state:  # the baseline first: differences are taken against the first
        first = S.region_baseline(state[S.K_REGION])[0]
        state[key] = list(dict.fromkeys([k for k in (first, state[S.K_PICK]) if k in choices]
                                        + options))[:3]
    state[key] = [k for k in state[key] if k in choices]  # a saved one may have been replaced
    picked = st.multiselect(tr("cmp_pick", lang), options, key=key, persist_state="page",
                            format_func=lambda k: scenario_title(choices[k], lang),
                            **multiselect_text(lang))
    include = st.checkbox(tr("cmp_current", lang), key="compare.current", persist_state="page")
    scenarios = [choices[k] for k in picked]
    if include:  # pinned first: every difference is then against the current settings
        scenarios.insert(0, current.model_copy(update={"name": "current_settings"}))
    # unique names, so that the p_<name> columns of the table map back to the scenarios
    scenarios = [s if s.name not in {t.name for t in scenarios[:i]}
                 else s.model_copy(update={"name": f"{s.name}_{i + 1}"})
                 for i, s in enumerate(scenarios)]
    request = (tuple(scenario_key(s) for s in scenarios), draws, seed, stamp)
    if st.button(tr("cmp_run", lang), type="primary", key="run_compare"):
        if len(scenarios) < 2:
            st.warning(tr("cmp_need_two", lang))
        else:
            with st.spinner(tr("computing", lang)):
                state["compare.result"] = (request, cached_compare(tuple(scenarios), *request[1:]),
                                              scenarios)
    stored = state.get("compare.result")
    if stored is None:
        return
    done, table, used = stored
    if done != request:
        st.caption(tr("cmp_stale", lang))
    titles = {s.name: (tr("cmp_current_name", lang) if s.name == "current_settings"
                       else scenario_title(s, lang)) for s in used}
    frame = compare_frame(table, titles, lang)
    st.caption(tr("cmp_caption", lang, draws=done[1], seed=done[2]))
    prob_cols = [c for c in titles.values() if c in frame]
    delta_cols = [c for c in frame if c.startswith("Δ ")]
    # narrow number columns (long scenario titles would otherwise widen them past the screen)
    widths = {c: st.column_config.Column(width="small", help=c)
              for c in [*prob_cols, *delta_cols, tr("sb_year", lang)]}
    widths[tr("sb_target", lang)] = st.column_config.Column(width="large")
    st.dataframe(_styled(frame, prob_cols, delta_cols, lang), hide_index=True, width="stretch",
                 column_config=widths)
    # the scenarios overlaid on one chart, and their indicators side by side
    runs = {titles[s.name]: cached_run(s, done[1], done[2], stamp)
            for s in used}
    first = next(iter(runs.values()))
    st.subheader(tr("cmp_charts", lang))
    names = chart_indicators(first)
    registry = load_indicators()
    indicator = st.selectbox(tr("chart_indicators", lang), names, key="compare.indicator",
                             format_func=lambda n: registry[n].label(lang))
    st.caption(tr("cmp_chart_caption", lang))
    st.vega_lite_chart(spec=compare_chart(runs, indicator, lang), width="stretch")
    years = sorted({int(y) for y in first.targets.loc[first.targets["in_scope"], "year"]})
    st.markdown(f"**{tr('cmp_indicators', lang)}**")
    st.html(table_html(compare_indicators(runs, years, lang), "cmp-indicators"))


if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.frame import show_page

    show_page(lambda state, lang, outcome, current, draws, seed, stamp: view_compare(
        state, lang, current, draws, seed, stamp))
