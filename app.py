"""The planners' Streamlit app: levers per plan period, assumptions, target scoreboard, charts.

Run with ``make app`` (``.venv/bin/streamlit run app.py``). This file is layout and wiring
only: settings live in ``suzhou_sim.app.state``, interface text in ``suzhou_sim.app.text``,
display objects in ``suzhou_sim.app.views`` and the diagram in
``suzhou_sim.reporting.structure_diagram``; every number comes from
``suzhou_sim.studies.scenario_runs``. It adds
no model logic of its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from suzhou_sim.app import state as S
from suzhou_sim.app.skill_view import skill_section
from suzhou_sim.app.text import (
    LANG_NAMES,
    LANGS,
    fmt_probability,
    period_label,
    tr,
    unit_label,
)
from suzhou_sim.app.views import (
    SCOREBOARD_CSS,
    Outcome,
    chart_indicators,
    compare_frame,
    describe_changes,
    fit_summary,
    goal_seek_text,
    probability_band,
    recompute,
    region_label,
    report_goals,
    scenario_title,
    scoreboard_frame,
    scoreboard_html,
    series_csv,
    targets_csv,
    trajectory_chart,
)
from suzhou_sim.calibration.posterior import Posterior, load_posterior
from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    Scenario,
    load_assumptions,
    load_lever_themes,
    load_levers,
    scenario_to_yaml,
)
from suzhou_sim.catalogues.targets import targets_for_region
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.engine import load_model
from suzhou_sim.errors import InputError
from suzhou_sim.paths import DATA_DIR, MODEL_FILE, REGIONS, REPO_ROOT, calibration_dir
from suzhou_sim.reporting.structure_diagram import (
    read_loops,
    read_sectors,
    read_structure,
    structure_dot,
)
from suzhou_sim.studies.goal_seek import GoalSeekResult, goal_seek
from suzhou_sim.studies.scenario_runs import (
    ScenarioResult,
    compare_scenarios,
    run_scenario,
)

VIEWS = ("scoreboard", "charts", "compare", "goal", "about")
DEFAULT_CHARTS = 4
BAND_BACKGROUND = {"green": "#d4edda", "amber": "#fff3cd", "orange": "#fde0c5", "red": "#f8d7da"}


# --- cached resources -----------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def compiled_model():
    """The compiled engine model (the engine also caches it; this keeps it warm)."""
    return load_model(MODEL_FILE)


def calibration_stamp(region: str) -> int:
    """Modification time of the region's stored calibration (0 when there is none).

    Part of every cache key, so a recalibration is picked up without restarting the app.
    """
    folder = calibration_dir(region)
    files = [folder / "point.yaml", folder / "posterior.csv"]
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_posterior(region: str, stamp: int) -> Posterior:
    """The stored posterior of ``region`` (raises InputError when there is none)."""
    return load_posterior(region)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_run(scenario_yaml: str, draws: int, seed: int, stamp: int) -> ScenarioResult:
    """Run a scenario (given as YAML text, the cache key) on the stored posterior."""
    scenario = S.scenario_from_yaml(scenario_yaml)
    return run_scenario(scenario, draws=draws, seed=seed,
                         posterior=cached_posterior(scenario.region, stamp))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(yamls: tuple[str, ...], draws: int, seed: int, stamp: int) -> pd.DataFrame:
    """compare_scenarios on scenarios given as YAML texts."""
    scenarios = [S.scenario_from_yaml(t) for t in yamls]
    return compare_scenarios(scenarios, draws=draws, seed=seed,
                             posterior=cached_posterior(scenarios[0].region, stamp))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_goal_seek(scenario_yaml: str, target: str, lever: str, period: str,
                     probability: float, draws: int, seed: int, stamp: int) -> GoalSeekResult:
    """goal_seek on a scenario given as YAML text."""
    scenario = S.scenario_from_yaml(scenario_yaml)
    return goal_seek(scenario, target, lever, period, probability, draws=draws, seed=seed,
                     posterior=cached_posterior(scenario.region, stamp))


def run_cached(stamp: int):
    """The app's runner for :func:`recompute`: scenario runs cached by their settings."""
    def run(scenario: Scenario, draws: int, seed: int) -> ScenarioResult:
        return cached_run(scenario_to_yaml(scenario), draws, seed, stamp)
    return run


@st.cache_data(show_spinner=False)
def model_diagram(mdl_stamp: int, readme_stamp: int) -> str:
    """DOT text of the stock-and-flow diagram (rebuilt when the model or README changes)."""
    structure = read_structure(MODEL_FILE)
    return structure_dot(structure, read_loops(structure=structure),
                         read_sectors(structure=structure))


# --- sidebar --------------------------------------------------------------------------------


def _on_file(state) -> None:
    upload = state.get(S.K_FILE)
    if upload is not None:
        S.apply_uploaded_scenario(upload.getvalue(), state, source=upload.name)


def _on_paste(state) -> None:
    S.apply_uploaded_scenario(state.get(S.K_PASTE) or "", state, "pasted scenario")


def sidebar_settings(state, lang: str) -> None:
    """Language, region, scenario, levers per plan period, assumptions, draws and seed."""
    st.segmented_control(tr("language", lang), LANGS, format_func=LANG_NAMES.get, key=S.K_LANG,
                         required=True, on_change=S.on_language_change, args=(state,))
    st.radio(tr("region", lang), REGIONS, format_func=lambda r: region_label(r, lang),
             key=S.K_REGION, horizontal=True, on_change=S.on_region_change, args=(state,))
    choices, problems = S.scenario_choices(state[S.K_REGION])
    options = S.pick_options(state)
    uploaded = state.get(S.K_UPLOADED)

    def title(pick: str) -> str:
        if pick == S.UPLOADED and uploaded:
            name = scenario_title(S.scenario_from_yaml(uploaded), lang)
            return tr("uploaded_scenario", lang, name=name)
        return scenario_title(choices[pick], lang) if pick in choices else pick

    st.selectbox(tr("scenario", lang), options, format_func=title, key=S.K_PICK,
                 help=tr("scenario_help", lang), on_change=S.on_pick_change, args=(state,))
    for problem in problems:
        st.caption(f"⚠ {problem}")
    st.button(tr("reset", lang), on_click=S.reset_to_picked, args=(state,),
              width="stretch")

    with st.expander(tr("levers", lang), expanded=True):
        st.caption(tr("levers_caption", lang))
        levers, themes = load_levers(), load_lever_themes()
        for period, tab in zip(PERIODS, st.tabs([period_label(p, lang, short=True)
                                                  for p in PERIODS]), strict=True):
            with tab:
                st.caption(period_label(period, lang))
                for theme, labels in themes.items():
                    in_theme = [k for k, lever in levers.items() if lever.theme == theme]
                    if not in_theme:
                        continue
                    st.markdown(f"**{labels['label_zh' if lang == 'zh' else 'label_en']}**")
                    for key in in_theme:
                        lever, spec = levers[key], S.lever_slider(key)
                        unit = unit_label(lever.unit, lang)
                        st.slider(f"{lever.label(lang)}" + (f" ({unit})" if unit else ""),
                                  min_value=spec.min, max_value=spec.max, step=spec.step,
                                  format=spec.format, key=S.lever_widget_key(key, period),
                                  help=lever.help(lang))

    with st.expander(tr("assumptions", lang)):
        st.caption(tr("assumptions_caption", lang))
        region = state[S.K_REGION]
        for key, a in load_assumptions().items():
            spec = S.assumption_slider(key, region)
            unit = unit_label(a.unit, lang)
            label = a.label(lang) + (f" ({unit})" if unit else "")
            st.markdown(f"**{label}**", help=a.help(lang))
            common = dict(min_value=spec.min, max_value=spec.max, step=spec.step,
                          format=spec.format)
            st.slider(tr("assumption_range", lang, label=a.label(lang)),
                      key=S.assumption_range_key(key), **common)
            st.slider(tr("assumption_default", lang, label=a.label(lang)),
                      key=S.assumption_default_key(key), **common)
            low, high = state[S.assumption_range_key(key)]
            value = state[S.assumption_default_key(key)]
            if not low <= value <= high:
                st.caption("⚠ " + tr("assumption_clamped", lang, value=f"{value:g}",
                                     used=f"{min(max(value, low), high):g}"))

    with st.expander(tr("ensemble", lang)):
        st.slider(tr("draws", lang), S.DRAWS_MIN, S.DRAWS_MAX, step=S.DRAWS_STEP,
                  key=S.K_DRAWS, help=tr("draws_help", lang))
        st.number_input(tr("seed", lang), min_value=0, step=1, key=S.K_SEED,
                        help=tr("seed_help", lang))


def sidebar_files(state, lang: str, current: Scenario | None, outcome: Outcome | None) -> None:
    """Downloads of the settings and results; upload or paste of a scenario file."""
    with st.expander(tr("save_load", lang), expanded=False):
        if current is not None:
            st.download_button(tr("download_yaml", lang), scenario_to_yaml(current),
                               file_name=f"{current.name}.yaml", mime="application/x-yaml",
                               on_click="ignore", width="stretch")
        if outcome is not None:
            name = outcome.result.scenario.name
            st.download_button(tr("download_targets", lang), targets_csv(outcome),
                               file_name=f"{name}_targets.csv", mime="text/csv",
                               on_click="ignore", width="stretch")
            st.download_button(tr("download_series", lang), series_csv(outcome),
                               file_name=f"{name}_series.csv", mime="text/csv",
                               on_click="ignore", width="stretch")
        st.file_uploader(tr("upload", lang), type=["yaml", "yml"], key=S.K_FILE,
                         on_change=_on_file, args=(state,))
        st.text_area(tr("paste", lang), key=S.K_PASTE, height=120)
        st.button(tr("apply_paste", lang), key="apply_paste", on_click=_on_paste,
                  args=(state,), width="stretch")


# --- main views -----------------------------------------------------------------------------


def view_scoreboard(outcome: Outcome, lang: str) -> None:
    """Probability of every target, with clause, threshold, quantiles and first year."""
    frame = scoreboard_frame(outcome, lang)
    inside = frame[frame["in_scope"]]
    bands = inside["probability"].map(probability_band).value_counts()
    st.markdown(tr("sb_summary", lang, n=len(inside), out=int((~frame["in_scope"]).sum()),
                   **{b: int(bands.get(b, 0)) for b in ("green", "amber", "orange", "red")}))
    st.caption(tr("sb_legend", lang))
    if outcome.modified is not None:
        st.caption(tr("sb_delta_policy", lang) + ": " + tr("sb_delta_policy_help", lang))
    st.html(SCOREBOARD_CSS + scoreboard_html(frame, lang))


def view_charts(outcome: Outcome, lang: str) -> None:
    """Fan charts of the chosen indicators: history, baseline, scenario, band and targets."""
    names = chart_indicators(outcome.result)
    registry = load_indicators()
    key = f"charts.{outcome.result.scenario.region}"
    if key not in st.session_state:
        st.session_state[key] = names[:DEFAULT_CHARTS]
    chosen = st.multiselect(tr("chart_indicators", lang), names, key=key,
                            format_func=lambda n: registry[n].label(lang), persist_state="page")
    st.caption(tr("chart_caption", lang))
    if not chosen:
        st.info(tr("chart_none", lang))
    for start in range(0, len(chosen), 2):
        for col, name in zip(st.columns(2), chosen[start:start + 2], strict=False):
            with col:
                st.vega_lite_chart(spec=trajectory_chart(outcome, name, lang), width="stretch")


def _styled(frame: pd.DataFrame, prob_cols: list[str], delta_cols: list[str]):
    def background(p: float) -> str:
        return "" if pd.isna(p) else f"background-color: {BAND_BACKGROUND[probability_band(p)]}"

    return (frame.style.map(background, subset=prob_cols)
            .format(fmt_probability, subset=prob_cols)
            .format(lambda d: "–" if pd.isna(d) else f"{d * 100:+.1f}", subset=delta_cols))


def view_compare(state, lang: str, current: Scenario, draws: int, seed: int, stamp: int) -> None:
    """Probabilities of two or more saved scenarios side by side (compare_scenarios)."""
    choices, _ = S.scenario_choices(state[S.K_REGION])
    options = list(choices)
    key = f"compare.{state[S.K_REGION]}"
    if key not in state:  # the baseline first: differences are taken against the first
        first = S.region_baseline(state[S.K_REGION])[0]
        state[key] = list(dict.fromkeys([k for k in (first, state[S.K_PICK]) if k in choices]
                                        + options))[:3]
    picked = st.multiselect(tr("cmp_pick", lang), options, key=key, persist_state="page",
                            format_func=lambda k: scenario_title(choices[k], lang))
    include = st.checkbox(tr("cmp_current", lang), key="compare.current", persist_state="page")
    scenarios = [choices[k] for k in picked]
    if include:
        scenarios.append(current.model_copy(update={"name": "current_settings"}))
    # unique names, so that the p_<name> columns of the table map back to the scenarios
    scenarios = [s if s.name not in {t.name for t in scenarios[:i]}
                 else s.model_copy(update={"name": f"{s.name}_{i + 1}"})
                 for i, s in enumerate(scenarios)]
    yamls = tuple(scenario_to_yaml(s) for s in scenarios)
    request = (yamls, draws, seed, stamp)
    if st.button(tr("cmp_run", lang), type="primary", key="run_compare"):
        if len(scenarios) < 2:
            st.warning(tr("cmp_need_two", lang))
        else:
            with st.spinner(tr("computing", lang)):
                state["compare.result"] = (request, cached_compare(*request), scenarios)
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
    st.dataframe(_styled(frame, prob_cols, delta_cols), hide_index=True, width="stretch")


def period_of_year(year: int) -> str:
    """The plan period in which ``year`` falls (the first one for years before 2024)."""
    return next((p for p in reversed(PERIODS) if PERIOD_YEARS[p][0] <= year), PERIODS[0])


def view_goal(state, lang: str, current: Scenario, draws: int, seed: int, stamp: int) -> None:
    """Smallest lever value in a plan period that reaches a target (goal_seek)."""
    st.caption(tr("gs_intro", lang))
    region = current.region
    targets = [t for t in targets_for_region(region) if t.in_scope]
    if not targets:
        st.info(tr("gs_none", lang))
        return
    by_id = {t.target_id: t for t in targets}
    levers = load_levers()
    target_key = f"goal.target.{region}"
    if target_key not in state:
        state[target_key] = targets[0].target_id
        state["goal.period"] = period_of_year(targets[0].year)

    def follow_target() -> None:  # the plan period in which the target year falls
        state["goal.period"] = period_of_year(by_id[state[target_key]].year)

    c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
    target = c1.selectbox(tr("gs_target", lang), list(by_id), key=target_key,
                          format_func=lambda t: f"{by_id[t].label(lang)} ({t})",
                          persist_state="page", on_change=follow_target)
    lever = c2.selectbox(tr("gs_lever", lang), list(levers), key="goal.lever",
                         format_func=lambda k: levers[k].label(lang), persist_state="page")
    period = c3.selectbox(tr("gs_period", lang), PERIODS, key="goal.period",
                          format_func=lambda p: period_label(p, lang), persist_state="page")
    goal = c4.slider(tr("gs_probability", lang), 0.5, 0.99, 0.8, 0.01, key="goal.p",
                     persist_state="page")
    request = (scenario_to_yaml(current), target, lever, period, goal, draws, seed, stamp)
    if st.button(tr("gs_run", lang), type="primary", key="run_goal_seek"):
        with st.spinner(tr("computing", lang)):
            try:
                state["goal.result"] = (request, cached_goal_seek(*request))
            except InputError as exc:
                st.error(str(exc))
    stored = state.get("goal.result")
    if stored is None:
        return
    done, res = stored
    if done != request:
        st.caption(tr("gs_stale", lang))
    show = {"found": st.success, "not_enough": st.warning, "already_met": st.info}[res.status]
    show(goal_seek_text(res, lang))
    if res.status == "found" and res.value is not None:
        st.button(tr("gs_apply", lang), on_click=S.set_lever,
                  args=(state, res.lever_key, res.period, res.value))


def view_about(region: str, lang: str, stamp: int) -> None:
    """Stock-and-flow diagram from the .mdl, loops, data sources and the calibration fit."""
    readme = MODEL_FILE.parent / "README.md"
    st.subheader(tr("about_structure", lang))
    st.caption(tr("about_structure_caption", lang, mdl=MODEL_FILE.relative_to(REPO_ROOT)))
    st.graphviz_chart(model_diagram(MODEL_FILE.stat().st_mtime_ns, readme.stat().st_mtime_ns),
                      width="stretch")
    st.subheader(tr("about_loops", lang))
    loops = read_loops(readme)
    rows = [f"| {tr('about_loop', lang)} | {tr('about_loop_path', lang)} |", "|---|---|"]
    rows += [f"| **{tr(f'loop_{lp.code}', lang)}** | {lp.path} |" for lp in loops]
    st.markdown("\n".join(rows))

    st.subheader(tr("about_fit", lang))
    try:
        posterior = cached_posterior(region, stamp)
    except InputError as exc:
        st.warning(tr("about_fit_missing", lang, region=region_label(region, lang),
                      message=str(exc)))
    else:
        text, mape = fit_summary(posterior, lang)
        st.markdown(text)
        path, goals = report_goals(region)
        if goals:
            st.markdown(f"**{tr('about_report_goals', lang)}**\n\n{goals}")
        st.markdown(f"**{tr('about_fit_mape', lang)}**")
        st.dataframe(mape, hide_index=True)
        st.caption(tr("about_report", lang, path=Path(path).relative_to(REPO_ROOT)))

    skill_section(region, lang)

    st.subheader(tr("about_sources", lang))
    st.markdown((DATA_DIR / "README.md").read_text(encoding="utf-8").split("\n", 1)[1])


# --- page -----------------------------------------------------------------------------------


def main() -> None:
    """Lay out the page and wire the widgets to the package's functions."""
    st.set_page_config(page_title="苏州创新政策情景模拟器 · Suzhou innovation simulator",
                       layout="wide", initial_sidebar_state="expanded")
    state = st.session_state
    S.init_state(state)
    state.setdefault(S.K_VIEW, VIEWS[0])
    lang = state[S.K_LANG]
    compiled_model()

    with st.sidebar:
        sidebar_settings(state, lang)

    st.title(tr("app_title", lang))
    st.caption(tr("app_caption", lang))
    if state.get(S.K_UPLOAD_ERROR):
        st.error(tr("upload_error", lang, message=state.pop(S.K_UPLOAD_ERROR)))
    if state.get(S.K_UPLOAD_OK):
        st.success(tr("upload_ok", lang, name=state.pop(S.K_UPLOAD_OK)))

    region, draws, seed = state[S.K_REGION], int(state[S.K_DRAWS]), int(state[S.K_SEED])
    stamp = calibration_stamp(region)
    current: Scenario | None = None
    outcome: Outcome | None = None
    posterior: Posterior | None = None
    try:
        current = S.scenario_from_state(state)
    except InputError as exc:
        st.error(tr("bad_settings", lang, message=str(exc)))
    picked = S.base_scenario(state)
    if current is not None:
        try:
            posterior = cached_posterior(region, stamp)
        except InputError as exc:
            st.warning(tr("no_calibration", lang, region=region_label(region, lang),
                          message=str(exc)))
        else:
            try:
                outcome = recompute(current, picked, S.region_baseline(region)[1], draws,
                                    seed, run_cached(stamp))
            except InputError as exc:  # e.g. a calibration that does not fit the model
                st.error(tr("run_failed", lang, message=str(exc)))

    with st.sidebar:
        sidebar_files(state, lang, current, outcome)

    if outcome is not None and posterior is not None:
        res = outcome.result
        source = tr("posterior_info", lang, region=region_label(region, lang),
                    n=f"{len(posterior.draws):,}")
        st.caption(tr("run_info", lang, region=region_label(region, lang),
                      scenario=scenario_title(res.scenario, lang), draws=f"{res.draws:,}",
                      seed=res.seed, seconds=res.seconds, source=source))
    diff = S.changes(state, picked)
    st.markdown("✎ " + (tr("changes", lang, items=describe_changes(diff, lang)) if diff
                        else tr("no_changes", lang)))

    view = st.segmented_control(tr("view", lang), VIEWS, key=S.K_VIEW, required=True,
                                format_func=lambda v: tr(f"view_{v}", lang),
                                label_visibility="collapsed")
    if view == "about":
        view_about(region, lang, stamp)
    elif outcome is None or current is None:
        return
    elif view == "scoreboard":
        view_scoreboard(outcome, lang)
    elif view == "charts":
        view_charts(outcome, lang)
    elif view == "compare":
        view_compare(state, lang, current, draws, seed, stamp)
    elif view == "goal":
        view_goal(state, lang, current, draws, seed, stamp)


if __name__ == "__main__":  # streamlit runs the file as __main__; the benchmark imports it
    main()
