"""The charts page: fan charts of the chosen indicators.

Must not: compute or cache.
"""

from __future__ import annotations

import streamlit as st

from suzhou_sim.app.text import (
    multiselect_text,
    tr,
)
from suzhou_sim.app.views import (
    Outcome,
    chart_indicators,
    named_data,
    trajectory_chart,
)
from suzhou_sim.catalogues.indicators import load_indicators

DEFAULT_CHARTS = 4


def view_charts(outcome: Outcome, lang: str) -> None:
    """Fan charts of the chosen indicators: history, baseline, scenario, band and targets."""
    names = chart_indicators(outcome.result)
    registry = load_indicators()
    key = f"charts.{outcome.result.scenario.region}"
    if key not in st.session_state:
        st.session_state[key] = names[:DEFAULT_CHARTS]
    chosen = st.multiselect(tr("chart_indicators", lang), names, key=key,
                            format_func=lambda n: registry[n].label(lang), persist_state="page",
                            **multiselect_text(lang))
    st.caption(tr("chart_caption", lang))
    if not chosen:
        st.info(tr("chart_none", lang))
    for start in range(0, len(chosen), 2):
        for col, name in zip(st.columns(2), chosen[start:start + 2], strict=False):
            with col:
                # named data: a lever step swaps the numbers of the drawn charts
                st.vega_lite_chart(spec=named_data(trajectory_chart(outcome, name, lang)),
                                   width="stretch")


if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.frame import show_page

    show_page(lambda state, lang, outcome, *_: view_charts(outcome, lang), own_fragment=True)
