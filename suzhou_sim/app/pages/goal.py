"""The goal-seeking page: the smallest lever value in an open plan period that reaches a
target (a range target conditional on fixed drivers; a prior-driven target one answer per
band of its driving input, as the command line's goal-seek).

Must not: compute or cache (the answers come from ``app.compute.cached_goal_seek``).
"""

from __future__ import annotations

import streamlit as st

from suzhou_sim.app import state as S
from suzhou_sim.app.compute import (
    cached_goal_seek,
    scenario_key,
)
from suzhou_sim.app.goal_options import (
    GOAL_DEFAULT,
    GOAL_MAX,
    GOAL_MIN,
    assumption_key,
    closed_periods,
    conditioned,
    default_period,
    driver_choices,
    goal_periods,
    goal_targets,
    target_periods,
)
from suzhou_sim.app.live import fixed_drivers
from suzhou_sim.app.text import (
    fmt_probability,
    fmt_quantity,
    period_label,
    tr,
)
from suzhou_sim.app.views import (
    Outcome,
    goal_seek_text,
    region_vintage,
)
from suzhou_sim.catalogues.scenarios import (
    Scenario,
    load_levers,
)
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.errors import InputError, render_error
from suzhou_sim.reporting.answer_text import driver_name
from suzhou_sim.reporting.headline import conditional_probability
from suzhou_sim.reporting.labels import fmt_value
from suzhou_sim.studies.driven import driver_settings, is_range
from suzhou_sim.studies.goal_seek import GoalSeekResult


def _apply_goal(state, res: GoalSeekResult) -> None:
    """Use the goal-seeking answer; the stored answer now describes these settings (it is
    not out of date because of its own value)."""
    S.set_lever(state, res.lever_key, res.period, res.value)
    done, result = state["goal.result"]
    fixed = dict(done[-1])
    seeking = conditioned(S.scenario_from_state(state), fixed) if fixed else (
        S.scenario_from_state(state))
    state["goal.result"] = ((scenario_key(seeking), *done[1:]), result)
    st.rerun()  # the whole page: the lever's slider in the sidebar shows the new value


def goal_key(region: str, driver: str) -> str:
    """Session key of the goal-seeking control fixing ``driver`` in ``region``."""
    return f"goal.fix.{region}.{driver}"


def _goal_drivers(state, lang: str, target, current: Scenario, outcome: Outcome
                  ) -> dict[str, float]:
    """The driving assumptions of a range target, each fixed: by the scenario when it
    fixes the assumption (one value), else by a control (low, central, high, or the
    scoreboard's fixed value; central by default). Returns constant -> value."""
    st.caption(tr("gs_fix_help", lang))
    on_board = dict(fixed_drivers(state, outcome))
    fixed: dict[str, float] = {}
    columns = st.columns(len(target.drivers))
    for column, driver in zip(columns, target.drivers, strict=True):
        setting = current.assumptions.get(assumption_key(driver.constant) or "")
        if setting is not None and setting.low == setting.high:  # the scenario fixes it
            fixed[driver.constant] = float(setting.default)
            column.caption(tr("gs_by_scenario", lang, driver=driver.label(lang),
                              value=fmt_quantity(fixed[driver.constant], driver.unit, lang)))
            continue
        choices = driver_choices(driver, current.region, on_board.get(driver.constant))
        widget = goal_key(current.region, driver.constant)
        if state.get(widget) not in choices:  # first visit, or the scoreboard's value moved
            board = on_board.get(driver.constant)
            state[widget] = board if board in choices else driver_settings(
                driver, current.region)[1]
        fixed[driver.constant] = float(column.select_slider(
            driver.label(lang), choices, key=widget,
            format_func=lambda v, u=driver.unit: fmt_quantity(v, u, lang)))
    return fixed


def _given(target, fixed: dict[str, float], lang: str) -> str:
    """"driver = value" of each fixed driver of ``target``, joined in ``lang``."""
    return tr("list_sep", lang).join(
        f"{d.label(lang)} = {fmt_quantity(fixed[d.constant], d.unit, lang)}"
        for d in target.drivers if d.constant in fixed)


def _current_probability(outcome: Outcome, target, fixed: dict[str, float]) -> float | None:
    """The target's probability in the current run: its one probability, or for a range
    target with one driver the conditional probability at the fixed value when the run's
    curves hold that value (None otherwise)."""
    res = outcome.result
    if not fixed:
        try:
            p = res.probability(target.target_id)
        except InputError:
            return None
        return None if p != p else p
    if len(fixed) != 1 or not res.curves_done:
        return None
    found = conditional_probability(res.curves, target.target_id, fixed)
    if found is None or found[1] != next(iter(fixed.values())):
        return None
    return found[2]


def view_goal(state, lang: str, current: Scenario, outcome: Outcome, draws: int, seed: int,
              stamp: int) -> None:
    """Smallest lever value in a plan period that reaches a target (goal_seek): only the
    periods not begun by the data vintage and the targets they can move; a range target
    (2030/2035 future industry) sought conditional on fixed driving assumptions."""
    st.caption(tr("gs_intro", lang))
    region = current.region
    periods, closed = goal_periods(region), closed_periods(region)
    vintage = region_vintage(region)
    if closed:  # said, not silently left out
        st.caption(tr("gs_closed", lang, vintage=vintage.year if vintage else "-",
                      periods=tr("list_sep", lang).join(
                          period_label(p, lang) for p in closed)))
    if not periods:
        st.info(tr("gs_no_open", lang))
        return
    targets = goal_targets(region)
    if not targets:
        st.info(tr("gs_none", lang))
        return
    by_id = {t.target_id: t for t in targets}
    levers = load_levers()
    target_key = f"goal.target.{region}"
    if state.get(target_key) not in by_id:
        state[target_key] = targets[0].target_id

    def follow_target() -> None:  # the open plan period in which the target year falls
        state["goal.period"] = default_period(by_id[state[target_key]])

    c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
    target = c1.selectbox(tr("gs_target", lang), list(by_id), key=target_key,
                          format_func=lambda t: f"{by_id[t].label(lang)} ({t})",
                          persist_state="page", on_change=follow_target)
    lever = c2.selectbox(tr("gs_lever", lang), list(levers), key="goal.lever",
                         format_func=lambda k: levers[k].label(lang), persist_state="page")
    # the periods whose levers act by the target year (those the command line accepts)
    acting = target_periods(by_id[target])
    if state.get("goal.period") not in acting:  # e.g. a closed period kept from before
        state["goal.period"] = default_period(by_id[target])
    period = c3.selectbox(tr("gs_period", lang), acting, key="goal.period",
                          format_func=lambda p: period_label(p, lang), persist_state="page")
    goal = c4.slider(tr("gs_probability", lang), GOAL_MIN, GOAL_MAX, GOAL_DEFAULT, 0.01,
                     key="goal.p", persist_state="page", format="percent")
    chosen = by_id[target]
    fixed = _goal_drivers(state, lang, chosen, current, outcome) if is_range(chosen) else {}
    given = _given(chosen, fixed, lang)
    now = _current_probability(outcome, chosen, fixed)
    if now is not None:
        st.caption(tr("gs_current_conditional", lang, p=fmt_probability(now), items=given)
                   if fixed else tr("gs_current", lang, p=fmt_probability(now)))
    seeking = conditioned(current, fixed) if fixed else current
    request = (scenario_key(seeking), target, lever, period, goal, draws, seed, stamp,
               tuple(sorted(fixed.items())))
    if st.button(tr("gs_run", lang), type="primary", key="run_goal_seek"):
        with st.spinner(tr("computing", lang)):
            try:
                state["goal.result"] = (request, cached_goal_seek(seeking, *request[1:-1]))
            except InputError as exc:
                st.error(render_error(exc, lang))
    stored = state.get("goal.result")
    if stored is None:
        return
    done, answers = stored
    if done != request:
        st.caption(tr("gs_stale", lang))
    if len(answers) > 1:
        st.caption(tr("gs_band_intro", lang))
    for i, res in enumerate(answers):
        show = {"found": st.success, "not_enough": st.warning,
                "already_met": st.info}[res.status]
        text = goal_seek_text(res, lang)
        if res.band:  # one band of a prior-driven target's input
            text = tr("gs_band", lang, fifth=tr(f"gs_band_{res.condition_setting}", lang),
                      name=driver_name(res.condition, lang),
                      value=fmt_value(res.condition_value)) + text
        elif done[-1]:  # the probability sought was conditional on the fixed drivers
            text = tr("gs_conditional", lang, items=_given(load_targets()[res.target_id],
                                                            dict(done[-1]), lang)) + (
                "" if lang == "zh" else " ") + text
        show(text)
        if res.status == "found" and res.value is not None:
            st.button(tr("gs_apply", lang), on_click=_apply_goal, args=(state, res),
                      key=f"gs_apply_{i}")


if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.frame import show_page

    show_page(lambda state, lang, outcome, current, draws, seed, stamp: view_goal(
        state, lang, current, outcome, draws, seed, stamp))
