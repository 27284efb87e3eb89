"""The app's "组合优化 / portfolio" view: cheapest plan, Pareto front, discovery sentences.

Lives here: the Streamlit layout of the view, the tables and the chart spec it shows, and the
callback that loads an optimised plan into the lever sliders. Numbers come from
``studies.optimise`` and ``studies.discover``; sentences from ``reporting.decision_report``;
interface text from ``app.text``. No model logic of its own.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import pandas as pd

from ..calibration.posterior import Posterior
from ..catalogues.scenarios import PERIODS, Scenario, load_levers, scenario_to_yaml
from ..catalogues.targets import targets_for_region
from ..errors import InputError
from ..reporting.decision_report import discovery_sentences
from ..studies.discover import discover
from ..studies.optimise import PortfolioResult, optimise_portfolio, spending_levers
from ..studies.scenario_runs import ScenarioResult
from . import state as S
from .text import fmt_probability, period_label, tr

__all__ = ["APP_POPULATION", "APP_GENERATIONS", "plan_frame", "front_spec", "missed_targets",
           "load_plan", "view_portfolio"]

#: A smaller search than the command line's, so that the app answers within a minute.
APP_POPULATION = 24
APP_GENERATIONS = 12


def plan_frame(result: PortfolioResult, lang: str) -> pd.DataFrame:
    """The chosen plan: one row per optimised lever and period."""
    levers = load_levers()
    row = result.search.chosen()
    return pd.DataFrame([{
        tr("pf_lever", lang): levers[d.lever].label(lang),
        tr("pf_period", lang): period_label(d.period, lang, short=True),
        tr("pf_value", lang): f"{row[d.name]:g}",
    } for d in result.search.decisions])


def front_spec(result: PortfolioResult, lang: str) -> dict:
    """Vega-Lite spec of the front: spending against shortfall, the chosen plan in red."""
    front = result.search.front
    chosen = result.search.chosen()
    records = [{"spend": float(r.spend), "shortfall": float(r.shortfall),
                "reached": int(r.reached), "chosen": bool(i == chosen.name)}
               for i, r in front.iterrows()]
    return {
        "data": {"values": records},
        "mark": {"type": "line", "point": True, "interpolate": "step-after"},
        "encoding": {
            "x": {"field": "spend", "type": "quantitative", "title": tr("pf_spend", lang)},
            "y": {"field": "shortfall", "type": "quantitative",
                  "title": tr("pf_shortfall", lang)},
            "color": {"field": "chosen", "type": "nominal", "legend": None,
                      "scale": {"domain": [False, True], "range": ["#08519c", "#d62728"]}},
            "tooltip": [{"field": "spend", "title": tr("pf_spend", lang)},
                        {"field": "shortfall", "title": tr("pf_shortfall", lang),
                         "format": ".3f"},
                        {"field": "reached", "title": tr("pf_reached", lang)}],
        },
        "title": tr("pf_front", lang),
    }


def missed_targets(result: ScenarioResult, probability: float) -> list[str]:
    """In-scope targets whose probability under the current settings is below ``probability``."""
    table = result.targets
    missed = table[table["in_scope"].astype(bool) & (table["probability"] < probability)]
    return list(missed["target_id"])


def load_plan(state: MutableMapping[str, Any], result: PortfolioResult) -> None:
    """Set the lever sliders to the optimised plan (the button's callback)."""
    row = result.search.chosen()
    for d in result.search.decisions:
        S.set_lever(state, d.lever, d.period, float(row[d.name]))


def _load_and_redraw(state: MutableMapping[str, Any], result: PortfolioResult) -> None:
    import streamlit as st

    load_plan(state, result)
    st.rerun()  # the whole page: the sliders in the sidebar show the plan


def view_portfolio(state: MutableMapping[str, Any], lang: str, current: Scenario,
                   outcome_result: ScenarioResult, draws: int, seed: int,
                   posterior: Posterior) -> None:
    """Choose targets and a probability, see the cheapest plan and the front, load the plan."""
    import streamlit as st

    st.caption(tr("pf_intro", lang))
    targets = {t.target_id: t for t in targets_for_region(current.region) if t.in_scope}
    levers = load_levers()
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect(tr("pf_targets", lang), list(targets), key="pf.targets",
                            format_func=lambda t: f"{targets[t].label(lang)} ({t})")
    goal = c2.slider(tr("pf_probability", lang), 0.5, 0.95, 0.8, 0.05, key="pf.p")
    c3, c4 = st.columns([3, 1])
    keys = c3.multiselect(tr("pf_levers", lang), list(levers), default=spending_levers(),
                          key="pf.levers", format_func=lambda k: levers[k].label(lang))
    periods = c4.multiselect(tr("pf_periods", lang), list(PERIODS), default=list(PERIODS),
                             key="pf.periods", format_func=lambda p: period_label(p, lang, True))
    request = (scenario_to_yaml(current), tuple(chosen), goal, tuple(keys), tuple(periods),
               draws, seed)
    if st.button(tr("pf_run", lang), type="primary", key="pf.run"):
        if not chosen:
            st.warning(tr("pf_need_target", lang))
        else:
            with st.spinner(tr("computing", lang)):
                try:
                    state["pf.result"] = (request, optimise_portfolio(
                        current, chosen, goal, keys or None, periods or None, draws=draws,
                        seed=seed, posterior=posterior, population=APP_POPULATION,
                        generations=APP_GENERATIONS))
                except InputError as exc:
                    st.error(str(exc))
    stored = state.get("pf.result")
    if stored is not None:
        done, result = stored
        if done != request:
            st.caption(tr("pf_stale", lang))
        key = "pf_found" if result.feasible else "pf_infeasible"
        (st.success if result.feasible else st.warning)(
            tr(key, lang, spend=f"{result.spend:g}", p=f"{result.search.probability:g}"))
        items = ", ".join(f"{t} {fmt_probability(p)} / "
                          f"{fmt_probability(result.fresh_probabilities[t])}"
                          for t, p in result.search_probabilities.items())
        st.markdown(tr("pf_probabilities", lang, items=items))
        st.dataframe(plan_frame(result, lang), hide_index=True)
        st.button(tr("pf_load", lang), key="pf.load", on_click=_load_and_redraw,
                  args=(state, result))
        st.vega_lite_chart(spec=front_spec(result, lang), width="stretch")

    st.subheader(tr("pf_discover", lang))
    st.caption(tr("pf_discover_caption", lang))
    missed = missed_targets(outcome_result, goal)
    if not missed:
        st.info(tr("pf_discover_none", lang))
        return
    ask = (scenario_to_yaml(current), tuple(missed), draws, seed)
    if st.button(tr("pf_discover_run", lang), key="pf.discover"):
        with st.spinner(tr("computing", lang)):
            state["pf.discovery"] = (ask, [discover(current, t, draws=draws, seed=seed,
                                                    posterior=posterior) for t in missed])
    found = state.get("pf.discovery")
    if found is not None and found[0] == ask:
        for item in found[1]:
            for sentence in discovery_sentences(item, lang):
                st.markdown(f"- {sentence}")
