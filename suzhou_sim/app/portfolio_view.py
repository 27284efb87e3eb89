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
from ..catalogues.scenarios import PERIODS, Scenario, load_levers
from ..catalogues.targets import targets_for_region
from ..catalogues.timeline import PERIOD_YEARS
from ..errors import InputError, render_error
from ..reporting.decision_report import discovery_sentences
from ..studies.discover import discover
from ..studies.optimise import (
    PortfolioResult,
    open_periods,
    optimise_portfolio,
    priced_levers,
    spending_levers,
)
from ..studies.scenario_runs import ScenarioResult
from . import state as S
from .compute import scenario_key
from .text import fmt_probability, multiselect_text, period_label, tr

__all__ = ["APP_POPULATION", "APP_GENERATIONS", "plan_frame", "front_spec", "missed_targets",
           "load_plan", "view_portfolio", "knee_plan", "target_periods", "current_point"]

#: A smaller search than the command line's, so that the app answers within a minute.
APP_POPULATION = 24
APP_GENERATIONS = 12


def knee_plan(result: PortfolioResult) -> pd.Series:
    """The knee of the spend/shortfall front: the plan farthest below the straight line
    from the cheapest to the costliest plan of the front (both scaled to 0-1), where more
    spending starts to buy little; the chosen plan when the front has fewer than three."""
    front = result.search.front
    if len(front) < 3:
        return result.search.chosen()
    spend, short = front["spend"].to_numpy(float), front["shortfall"].to_numpy(float)
    x = (spend - spend.min()) / ((spend.max() - spend.min()) or 1.0)
    y = (short - short.min()) / ((short.max() - short.min()) or 1.0)
    # the line from (0, y[0]) to (1, y[-1]); the distance below it, per plan
    below = (y[0] + (y[-1] - y[0]) * x) - y
    return front.iloc[int(below.argmax())]


def target_periods(years: list[int], region: str | None = None) -> list[str]:
    """The plan periods that can still move targets of ``years``: those starting no later
    than the last target year (a 2025 target leaves the 15th and 16th plans alone), and,
    for a ``region``, only those not begun by its data vintage (a plan cannot change money
    already spent or committed: :func:`~suzhou_sim.studies.optimise.open_periods`)."""
    last = max(years, default=max(PERIOD_YEARS[p][1] for p in PERIODS))
    allowed = open_periods(region)[0] if region is not None else list(PERIODS)
    return [p for p in allowed if PERIOD_YEARS[p][0] <= last]


def current_point(result: PortfolioResult, current: Scenario,
                  probabilities: dict[str, float]) -> tuple[float, float]:
    """(spend, shortfall) of the current settings on the front's axes: the decisions'
    spending at the current lever values, and the shortfall of the current run's
    ``probabilities`` of the chosen targets."""
    spend = sum(current.lever_value(d.lever, d.period) * d.cost_per_unit
                for d in result.search.decisions)
    goal = result.search.probability
    short = sum(max(0.0, goal - probabilities.get(t, 0.0)) for t in result.search.target_ids)
    return float(spend), float(short)


def plan_frame(result: PortfolioResult, lang: str, row: pd.Series | None = None
               ) -> pd.DataFrame:
    """A plan of the search (the chosen one by default): one row per optimised lever and
    period."""
    levers = load_levers()
    row = result.search.chosen() if row is None else row
    return pd.DataFrame([{
        tr("pf_lever", lang): levers[d.lever].label(lang),
        tr("pf_period", lang): period_label(d.period, lang, short=True),
        tr("pf_value", lang): f"{row[d.name]:g}",
    } for d in result.search.decisions])


def front_spec(result: PortfolioResult, lang: str,
               current: tuple[float, float] | None = None) -> dict:
    """Vega-Lite spec of the front: spending against shortfall, the chosen plan in red, the
    knee in orange and (given its (spend, shortfall)) the current plan as a black cross."""
    front = result.search.front
    chosen = result.search.chosen()
    knee = knee_plan(result)
    records = [{"spend": float(r.spend), "shortfall": float(r.shortfall),
                "reached": int(r.reached), "chosen": bool(i == chosen.name),
                "knee": bool(i == knee.name)}
               for i, r in front.iterrows()]
    layers: list[dict] = [{
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
        }}, {
        "transform": [{"filter": "datum.knee"}],
        "mark": {"type": "point", "size": 160, "filled": True, "color": "#e8710a"},
        "encoding": {"x": {"field": "spend", "type": "quantitative"},
                     "y": {"field": "shortfall", "type": "quantitative"}}}]
    if current is not None:
        layers.append({
            "data": {"values": [{"spend": current[0], "shortfall": current[1],
                                 "label": tr("cmp_current_name", lang)}]},
            "mark": {"type": "point", "shape": "cross", "size": 180, "filled": True,
                     "color": "#222222"},
            "encoding": {"x": {"field": "spend", "type": "quantitative"},
                         "y": {"field": "shortfall", "type": "quantitative"},
                         "tooltip": [{"field": "label", "title": " "},
                                     {"field": "spend", "title": tr("pf_spend", lang)}]}})
    return {"data": {"values": records}, "layer": layers, "title": tr("pf_front", lang)}


def missed_targets(result: ScenarioResult, probability: float) -> list[str]:
    """In-scope targets whose probability under the current settings is below ``probability``."""
    table = result.targets
    missed = table[table["in_scope"].astype(bool) & (table["probability"] < probability)]
    return list(missed["target_id"])


def load_plan(state: MutableMapping[str, Any], result: PortfolioResult,
              row: pd.Series | None = None) -> None:
    """Set the lever sliders to a plan of the search (the chosen one by default; the
    button's callback). Levers and periods outside the search keep their values."""
    row = result.search.chosen() if row is None else row
    for d in result.search.decisions:
        S.set_lever(state, d.lever, d.period, float(row[d.name]))


def _load_and_redraw(state: MutableMapping[str, Any], result: PortfolioResult,
                     row: pd.Series) -> None:
    import streamlit as st

    load_plan(state, result, row)
    # the stored answer now describes these settings (not out of date by its own plan)
    done, kept = state["pf.result"]
    state["pf.result"] = ((scenario_key(S.scenario_from_state(state)), *done[1:]), kept)
    st.rerun()  # the whole page: the sliders in the sidebar show the plan


def _follow_targets(state: MutableMapping[str, Any], years: dict[str, int],
                    region: str) -> None:
    """The targets changed: offer the periods that can move them (the rest stay as set)."""
    state["pf.periods"] = target_periods([years[t] for t in state.get("pf.targets") or []],
                                         region)


def view_portfolio(state: MutableMapping[str, Any], lang: str, current: Scenario,
                   outcome_result: ScenarioResult, draws: int, seed: int,
                   posterior: Posterior) -> None:
    """Choose targets and a probability, see the cheapest plan and the front, load the plan."""
    import streamlit as st

    st.caption(tr("pf_intro", lang))
    targets = {t.target_id: t for t in targets_for_region(current.region) if t.in_scope}
    years = {k: t.year for k, t in targets.items()}
    levers = load_levers()
    open_now = open_periods(current.region)[0]
    if "pf.periods" not in state or not set(state["pf.periods"]) <= set(open_now):
        state["pf.periods"] = target_periods([], current.region)
    c1, c2 = st.columns([3, 1])
    chosen = c1.multiselect(tr("pf_targets", lang), list(targets), key="pf.targets",
                            format_func=lambda t: f"{targets[t].label(lang)} ({t})",
                            on_change=_follow_targets, args=(state, years, current.region),
                            **multiselect_text(lang))
    goal = c2.slider(tr("pf_probability", lang), 0.5, 0.95, 0.8, 0.05, key="pf.p",
                     format="percent")
    c3, c4 = st.columns([3, 1])
    # only levers with a price: the search refuses an unpriced one without bounds of its own
    priced = priced_levers()
    keys = c3.multiselect(tr("pf_levers", lang), priced,
                          default=[k for k in spending_levers() if k in priced],
                          key="pf.levers", format_func=lambda k: levers[k].label(lang),
                          **multiselect_text(lang))
    periods = c4.multiselect(tr("pf_periods", lang), open_now, key="pf.periods",
                             format_func=lambda p: period_label(p, lang, True),
                             **multiselect_text(lang))
    held = [period_label(p, lang, True) for p in PERIODS if p not in periods]
    if held:  # said plainly: the periods left out are not zeroed
        st.caption(tr("pf_held", lang, periods=tr("list_sep", lang).join(held)))
    ranged = [t for t in chosen if targets[t].drivers]
    if ranged:
        st.caption(tr("pf_ranged", lang, items=", ".join(ranged)))
    request = (scenario_key(current), tuple(chosen), goal, tuple(keys), tuple(periods),
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
                    st.error(render_error(exc, lang))
    stored = state.get("pf.result")
    if stored is not None:
        done, result = stored
        if done != request:
            st.caption(tr("pf_stale", lang))
        pick = result.search.chosen()
        knee = knee_plan(result)
        p_text = fmt_probability(result.search.probability)
        if result.feasible:
            st.success(tr("pf_found", lang, spend=f"{result.spend:,.0f}", p=p_text))
        else:
            st.warning(tr("pf_infeasible", lang, p=p_text, spend=f"{float(pick.spend):,.0f}",
                          shortfall=fmt_probability(float(pick.shortfall))))
        plans = {"chosen": pick}
        if knee.name != pick.name:
            st.info(tr("pf_knee", lang, spend=f"{float(knee.spend):,.0f}",
                       reached=int(knee.reached), n=len(result.search.target_ids),
                       shortfall=fmt_probability(float(knee.shortfall))))
            plans["knee"] = knee
        items = ", ".join(f"{t} {fmt_probability(p)} / "
                          f"{fmt_probability(result.fresh_probabilities[t])}"
                          for t, p in result.search_probabilities.items())
        st.markdown(tr("pf_probabilities", lang, items=items))
        which = "chosen"
        if len(plans) > 1:
            which = st.segmented_control(
                tr("pf_plan", lang), list(plans), key="pf.which", required=True,
                default="chosen", format_func=lambda k: tr(f"pf_plan_{k}", lang)) or "chosen"
        st.dataframe(plan_frame(result, lang, plans[which]), hide_index=True)
        st.button(tr("pf_load", lang), key="pf.load", on_click=_load_and_redraw,
                  args=(state, result, plans[which]))
        probs = {t: float(p) for t, p in zip(outcome_result.targets["target_id"],
                                              outcome_result.targets["probability"],
                                              strict=True) if p == p}
        st.vega_lite_chart(spec=front_spec(result, lang, current_point(result, current, probs)),
                           width="stretch")

    st.subheader(tr("pf_discover", lang))
    st.caption(tr("pf_discover_caption", lang))
    missed = missed_targets(outcome_result, goal)
    if not missed:
        st.info(tr("pf_discover_none", lang))
        return
    ask = (scenario_key(current), tuple(missed), draws, seed)
    if st.button(tr("pf_discover_run", lang), key="pf.discover"):
        with st.spinner(tr("computing", lang)):
            state["pf.discovery"] = (ask, [discover(current, t, draws=draws, seed=seed,
                                                    posterior=posterior) for t in missed])
    found = state.get("pf.discovery")
    if found is not None and found[0] == ask:
        for item in found[1]:
            for sentence in discovery_sentences(item, lang):
                st.markdown(f"- {sentence}")
