"""The planners' Streamlit app: levers per plan period, assumptions, target scoreboard, charts.

Run with ``make app`` (``.venv/bin/streamlit run app.py``). This file is layout and wiring
only: settings live in ``suzhou_sim.app.state``, interface text in ``suzhou_sim.app.text``,
display objects in ``suzhou_sim.app.views`` and the diagram in
``suzhou_sim.reporting.structure_diagram``; every number comes from
``suzhou_sim.studies.scenario_runs``. It adds
no model logic of its own.

The settings live in the URL's query parameters (read on a session's first run, written on
every run), so a reload keeps them and a copied link shares them. The views are a list:
``VIEWS`` names them and ``RESULT_VIEWS`` maps each that needs a computed outcome to its
function, so a new view (lever effects, portfolio) is one entry in each.
"""

from __future__ import annotations

import logging
import re
from collections import ChainMap
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from suzhou_sim.app import effects_view
from suzhou_sim.app import state as S
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
)
from suzhou_sim.app.portfolio_view import view_portfolio
from suzhou_sim.app.prefetch import prefetcher
from suzhou_sim.app.saved_view import K_SAVE_OK, saved_section, store_problems
from suzhou_sim.app.scenario_store import download_name
from suzhou_sim.app.shared import (
    DISPLAYS,
    RUNS,
    cached_posterior,
    calibration_staleness,
    calibration_stamp,
    compiled_model,
    with_computed_curves,
    with_known_curves,
)
from suzhou_sim.app.skill_view import skill_section
from suzhou_sim.app.text import (
    LANG_NAMES,
    LANGS,
    fmt_points,
    fmt_probability,
    fmt_quantity,
    loop_path,
    multiselect_text,
    period_label,
    tr,
    unit_label,
    url_problem,
)
from suzhou_sim.app.views import (
    ALL_PARTS,
    SCOREBOARD_CSS,
    UPLOADER_CSS_ZH,
    Outcome,
    chart_indicators,
    compare_chart,
    compare_frame,
    compare_indicators,
    complete_outcome,
    describe_changes,
    diagram_part_label,
    diagram_parts,
    fit_summary,
    fund_shares,
    goal_seek_text,
    headline_chart_indicator,
    outcome_headline,
    probability_band,
    problem_lines,
    recompute,
    region_label,
    region_vintage,
    report_goals,
    scenario_title,
    scoreboard_frame,
    scoreboard_inside_html,
    scoreboard_outside_html,
    scoreboard_summary,
    series_csv,
    table_html,
    targets_csv,
    trajectory_chart,
    year_summary,
)
from suzhou_sim.calibration.posterior import Posterior
from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.catalogues.regions import region_names
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    Scenario,
    load_assumptions,
    load_lever_themes,
    load_levers,
    scenario_to_yaml,
    zero_split_periods,
)
from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.catalogues.timeline import DEFAULT_PERIOD, FIRST_SIM_YEAR, PERIOD_YEARS
from suzhou_sim.errors import InputError, render_error
from suzhou_sim.paths import DATA_DIR, MODEL_FILE, REPO_ROOT
from suzhou_sim.reporting.answer_text import driver_name
from suzhou_sim.reporting.headline import conditional_probability, driver_values
from suzhou_sim.reporting.headline_text import vintage_sentence
from suzhou_sim.reporting.labels import fmt_value
from suzhou_sim.reporting.office import ReportInputs, docx_report, xlsx_report
from suzhou_sim.reporting.structure_diagram import (
    read_loops,
    read_sectors,
    read_structure,
    structure_dot,
)
from suzhou_sim.reporting.warnings_text import staleness_message, zero_split_message
from suzhou_sim.studies.driven import driver_settings, is_range
from suzhou_sim.studies.goal_seek import GoalSeekResult, goal_seek_all
from suzhou_sim.studies.scenario_runs import (
    ScenarioResult,
    compare_scenarios,
    run_scenario,
)

_LOG = logging.getLogger(__name__)
VIEWS = ("scoreboard", "charts", "compare", "goal", "effects", "portfolio", "about")
K_LEVER_TAB, K_YEAR = "lever_tab", "sb_year"
K_ASSUMPTIONS_OPEN = "assumptions_open"
K_URL_READ = "url_read"  # set once the URL's settings were read (first run of a session)
K_URL_WRITTEN = "url_written"  # the query parameters last written
K_LINK_OPEN = "link_open"  # the "copy link" popover is open
K_LIVE = "live_ref"  # the latest Live and the settings it was made from
K_DL_ADJUSTED = "downloads_adjusted"  # the downloads were drawn for adjusted settings
K_MOVED = "lever_moved"  # (lever, period) of the last lever step
K_SEEN = "lever_seen"  # the moved lever's value at the last results run (its direction)
K_SESSION = "session_token"  # identifies the session's queue of prefetch jobs
FUND_SPLIT, FUND = "fund_split", "special_fund"
#: Keys of the fragments a lever step reruns: the results (main area), the downloads and the
#: share captions.
RESULTS, DOWNLOADS, SHARES = "results", "downloads", "shares"
DEFAULT_CHARTS = 4
#: The last year of history: levers act from the first year of the first plan period.
HISTORY_END = PERIOD_YEARS[PERIODS[0]][0] - 1
OPEN_PERIOD = DEFAULT_PERIOD  # the lever tab a session opens on: the 15th plan (2026-30)
BAND_BACKGROUND = {"green": "#d4edda", "amber": "#fff3cd", "orange": "#fde0c5", "red": "#f8d7da"}


# --- cached resources -----------------------------------------------------------------------


def cached_run(scenario_yaml: str, draws: int, seed: int, stamp: int) -> ScenarioResult:
    """Run a scenario (given as YAML text, the key) on the stored posterior, without the
    assumption curves, through the shared store of runs (``shared.RUNS``: made once for
    every session and the prefetcher): the scoreboard shows its numbers first and adds the
    curves (``shared.with_computed_curves``) when they are ready."""
    def make() -> ScenarioResult:
        scenario = S.scenario_from_yaml(scenario_yaml)
        return run_scenario(scenario, draws=draws, seed=seed,
                            posterior=cached_posterior(scenario.region, stamp), curves=False)
    return RUNS.get_or_make((scenario_yaml, draws, seed, stamp), make)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(yamls: tuple[str, ...], draws: int, seed: int, stamp: int) -> pd.DataFrame:
    """compare_scenarios on scenarios given as YAML texts."""
    scenarios = [S.scenario_from_yaml(t) for t in yamls]
    return compare_scenarios(scenarios, draws=draws, seed=seed,
                             posterior=cached_posterior(scenarios[0].region, stamp))


@st.cache_data(show_spinner=False, max_entries=32)
def cached_goal_seek(scenario_yaml: str, target: str, lever: str, period: str,
                     probability: float, draws: int, seed: int,
                     stamp: int) -> tuple[GoalSeekResult, ...]:
    """goal_seek on a scenario given as YAML text. A range target's drivers are fixed in
    the scenario (:func:`~suzhou_sim.app.goal_options.conditioned`), so the one answer of
    goal_seek_all is conditional on them; a prior-driven target gets one answer per band of
    its driving input (each conditional on its band)."""
    scenario = S.scenario_from_yaml(scenario_yaml)
    answers = goal_seek_all(scenario, target, lever, period, probability, draws=draws,
                            seed=seed, posterior=cached_posterior(scenario.region, stamp))
    if len(answers) != 1 and not all(a.band for a in answers):
        # a driver left free: the view fixes them all
        raise InputError(code="err.goal_fix_drivers", file=target)
    return tuple(answers)


def run_cached(stamp: int):
    """The app's runner for :func:`recompute`: scenario runs cached by their settings
    (without their assumption curves)."""
    def run(scenario: Scenario, draws: int, seed: int) -> ScenarioResult:
        return cached_run(scenario_to_yaml(scenario), draws, seed, stamp)
    return run


def full_outcome(outcome: Outcome) -> Outcome:
    """``outcome`` with the assumption curves of all its runs (computed when needed)."""
    stamp = calibration_stamp(outcome.result.scenario.region)
    return complete_outcome(outcome, lambda res: with_computed_curves(res, stamp))


@st.cache_data(show_spinner=False)
def model_diagram(mdl_stamp: int, readme_stamp: int, lang: str = "zh",
                  focus: str | None = None) -> str:
    """DOT text of the stock-and-flow diagram in ``lang``, whole or one sector (rebuilt
    when the model or README changes)."""
    structure = read_structure(MODEL_FILE)
    return structure_dot(structure, read_loops(structure=structure),
                         read_sectors(structure=structure), lang, focus)


# --- sidebar --------------------------------------------------------------------------------


def _on_language(state) -> None:
    """Language switch: re-assert option widgets and keep the lever tab where it was."""
    S.on_language_change(state)
    new = state[S.K_LANG]
    old = next(lang for lang in LANGS if lang != new)
    labels = {period_label(p, old, short=True): period_label(p, new, short=True)
              for p in PERIODS}
    if state.get(K_LEVER_TAB) in labels:
        state[K_LEVER_TAB] = labels[state[K_LEVER_TAB]]
    if K_YEAR in state:  # shown through a language-dependent label ("全部" / "All")
        state[K_YEAR] = state[K_YEAR]


def _on_file(state) -> None:
    upload = state.get(S.K_FILE)
    if upload is not None:
        S.apply_uploaded_scenario(upload.getvalue(), state, source=upload.name)


def _on_paste(state) -> None:
    S.apply_uploaded_scenario(state.get(S.K_PASTE) or "", state, "pasted scenario")


def sidebar_settings(state, lang: str) -> None:
    """Language, region, scenario, levers per plan period, assumptions, draws and seed."""
    st.segmented_control(tr("language", lang), LANGS, format_func=LANG_NAMES.get, key=S.K_LANG,
                         required=True, on_change=_on_language, args=(state,))
    st.radio(tr("region", lang), region_names(), format_func=lambda r: region_label(r, lang),
             key=S.K_REGION, horizontal=True, on_change=S.on_region_change, args=(state,))
    choices, problems = S.scenario_choices(state[S.K_REGION])
    options = S.pick_options(state)
    uploaded = state.get(S.K_UPLOADED)

    undo = state.get(S.K_UNDO_REGION)
    if undo:
        st.caption(tr("region_switched", lang, region=region_label(state[S.K_REGION], lang),
                      previous=region_label(undo, lang)))
        st.button(tr("region_undo", lang, previous=region_label(undo, lang)),
                  on_click=S.undo_region_switch, args=(state,), key="undo_region")

    def title(pick: str) -> str:
        if pick == S.UPLOADED and uploaded:
            name = scenario_title(S.scenario_from_yaml(uploaded), lang)
            return tr("uploaded_scenario", lang, name=name)
        if pick.startswith(S.SAVED_PREFIX):
            return tr("saved_scenario", lang, name=pick.removeprefix(S.SAVED_PREFIX))
        return scenario_title(choices[pick], lang) if pick in choices else pick

    st.selectbox(tr("scenario", lang), options, format_func=title, key=S.K_PICK,
                 help=tr("scenario_help", lang), on_change=S.on_pick_change, args=(state,))
    broken = problems + store_problems(lang)
    if broken:  # one line for everyone; the files and their problems on demand
        with st.expander(tr("broken_files", lang, n=len(broken)), icon="⚠️"):
            for problem in broken:
                st.caption(problem_lines(problem, lang)[0])
    st.button(tr("reset", lang), on_click=S.reset_to_picked, args=(state,),
              width="stretch")

    with st.expander(tr("levers", lang), expanded=True):
        st.caption(tr("levers_caption", lang, last=HISTORY_END))
        labels = [period_label(p, lang, short=True) for p in PERIODS]
        if state.get(K_LEVER_TAB) not in labels:  # first opened: the plan now being made
            state[K_LEVER_TAB] = period_label(OPEN_PERIOD, lang, short=True)
        # only the open period's sliders are drawn (a rerun costs a third less); the values
        # of the others persist in the session
        for period, tab in zip(PERIODS, st.tabs(labels, key=K_LEVER_TAB, on_change="rerun"),
                               strict=True):
            if tab.open is not False:
                with tab:
                    lever_sliders(state, lang, period)
    # drawn only while open (26 sliders are a fifth of a rerun); their values persist
    assumptions = st.expander(tr("assumptions", lang), key=K_ASSUMPTIONS_OPEN,
                              on_change="rerun")
    if assumptions.open:
        with assumptions:
            assumption_sliders(state, lang)

    with st.expander(tr("ensemble", lang)):
        st.slider(tr("draws", lang), S.DRAWS_MIN, S.DRAWS_MAX, step=S.DRAWS_STEP,
                  key=S.K_DRAWS, help=tr("draws_help", lang))
        st.number_input(tr("seed", lang), min_value=0, step=1, key=S.K_SEED,
                        help=tr("seed_help", lang))


def assumption_sliders(state, lang: str) -> None:
    """Range and default sliders of every assumption, percentages where they are rates."""
    st.caption(tr("assumptions_caption", lang))
    region = state[S.K_REGION]
    for key, a in load_assumptions().items():
        spec = S.assumption_slider(key, region)
        unit = ("" if a.unit == "Dmnl" else tr("per_year", lang)) if S.is_percent(key) \
            else unit_label(a.unit, lang)
        label = a.label(lang) + (f" ({unit})" if unit else "")
        st.markdown(f"**{label}**", help=a.help(lang))
        common = dict(min_value=spec.min, max_value=spec.max, step=spec.step,
                      format=spec.format, persist_state="session")
        st.slider(tr("assumption_range", lang, label=a.label(lang)),
                  key=S.assumption_range_key(key), **common)
        st.slider(tr("assumption_default", lang, label=a.label(lang)),
                  key=S.assumption_default_key(key), **common)
        low, high = state[S.assumption_range_key(key)]
        value = state[S.assumption_default_key(key)]
        if not low <= value <= high:
            show = (lambda v: f"{v:.1%}") if S.is_percent(key) else (lambda v: f"{v:g}")
            st.caption("⚠ " + tr("assumption_clamped", lang, value=show(value),
                                 used=show(min(max(value, low), high))))


def lever_sliders(state, lang: str, period: str) -> None:
    """The sliders of one plan period by theme; split weights show the share and 亿元 they
    imply (all of them 0 is warned about once, above the results, naming the periods)."""
    region = state[S.K_REGION]
    levers, themes = load_levers(), load_lever_themes()
    st.caption(period_label(period, lang))
    for theme, labels in themes.items():
        in_theme = [k for k, lever in levers.items() if lever.theme == theme]
        if not in_theme:
            continue
        st.markdown(f"**{labels['label_zh' if lang == 'zh' else 'label_en']}**")
        for key in in_theme:
            lever, spec = levers[key], S.lever_slider(key, region)
            unit = unit_label(lever.unit, lang)
            widget = S.lever_widget_key(key, period)
            top = S.slider_top(spec, [state[widget]] if widget in state else [])
            st.slider(f"{lever.label(lang)}" + (f" ({unit})" if unit else ""),
                      min_value=spec.min, max_value=top, step=spec.step,
                      format=spec.format, key=S.lever_widget_key(key, period),
                      help=lever.help(lang), persist_state="session",
                      on_change=_on_lever, args=(key, period))
            if theme == FUND_SPLIT:
                share_caption(key, period, lang)


def _split_levers() -> list[str]:
    return [k for k, lever in load_levers().items() if lever.theme == FUND_SPLIT]


def _on_lever(key: str, period: str) -> None:
    """A lever moved: rerun only the results, when it moves the split of the fund the share
    captions, and when the file names change the downloads (not the whole page: a slider
    step then redraws a tenth of it). The lever is remembered: its next notches are
    prefetched (:func:`prefetch_next_steps`)."""
    state = st.session_state
    state[K_MOVED] = (key, period)
    keys = [RESULTS] + ([SHARES] if key == FUND or key in _split_levers() else [])
    if S.differs_from_base(state, key, period) != state.get(K_DL_ADJUSTED):
        keys.append(DOWNLOADS)  # their file names change
    try:
        st.rerun(keys)
    except StreamlitAPIException:  # no complete run drew those fragments yet: the page
        st.rerun()


@st.fragment(key=SHARES)
def share_caption(key: str, period: str, lang: str) -> None:
    """Under a split weight: the share of the period's fund it implies and the 亿元 a year."""
    state = st.session_state
    split = _split_levers()
    weights = {k: float(state[S.lever_widget_key(k, period)]) for k in split}
    share, amount = fund_shares(weights, float(state[S.lever_widget_key(FUND, period)]))[key]
    st.caption(tr("weights_share", lang, share=f"{share:.0%}",
                  amount=fmt_quantity(amount, load_levers()[FUND].unit, lang)))


def _report_inputs(outcome: Outcome) -> ReportInputs:
    outcome = full_outcome(outcome)  # built when a download is clicked: curves included
    return ReportInputs(outcome.result, None if outcome.is_baseline else outcome.baseline,
                        vintage=region_vintage(outcome.result.scenario.region),
                        fixed=dict(fixed_drivers(st.session_state, outcome)))


def sidebar_files(state: MutableMapping[str, Any], lang: str, live: Live) -> None:
    """Save under a name (kept on disk for every session); downloads of the settings,
    results and meeting reports (:func:`downloads`); upload or paste of a scenario file."""
    with st.expander(tr("save_load", lang), expanded=False):
        saved_section(state, lang, live.current)
        downloads(lang)
        st.file_uploader(tr("upload", lang), type=["yaml", "yml"], key=S.K_FILE,
                         on_change=_on_file, args=(state,))
        st.caption(tr("upload_help", lang))
        st.text_area(tr("paste", lang), key=S.K_PASTE, height=120)
        st.button(tr("apply_paste", lang), key="apply_paste", on_click=_on_paste,
                  args=(state,), width="stretch")


@st.fragment(key=DOWNLOADS)
def downloads(lang: str) -> None:
    """Downloads of the current settings and of their results and meeting reports, each
    built when clicked (a Word report draws its charts: about two seconds) from the
    settings of that moment (``state[K_LIVE]``). A fragment: a lever step reruns it only
    when the file names change (the first edit, or back to the picked scenario's values;
    five buttons on every step slowed a step by about a tenth)."""
    state = st.session_state
    live = live_settings(state, lang)
    state[K_DL_ADJUSTED] = bool(live.changes)
    ref = state[K_LIVE]
    if live.current is not None:
        st.download_button(tr("download_yaml", lang),
                           lambda: scenario_to_yaml(ref["live"].current),
                           file_name=download_name(scenario_title(live.current, lang), ".yaml"),
                           mime="application/x-yaml",
                           on_click="ignore", width="stretch", key="dl_yaml")
    if live.outcome is None:
        return
    title = scenario_title(live.outcome.result.scenario, lang)
    st.download_button(
        tr("download_docx", lang), lambda: docx_report(_report_inputs(ref["live"].outcome)),
        file_name=download_name(title, ".docx"), on_click="ignore", width="stretch", key="dl_docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(
        tr("download_xlsx", lang), lambda: xlsx_report(_report_inputs(ref["live"].outcome)),
        file_name=download_name(title, ".xlsx"), on_click="ignore", width="stretch", key="dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.download_button(tr("download_targets", lang),
                       lambda: targets_csv(full_outcome(ref["live"].outcome)),
                       file_name=download_name(title, "_targets.csv"), mime="text/csv",
                       on_click="ignore",
                       width="stretch", key="dl_targets")
    st.download_button(tr("download_series", lang),
                       lambda: series_csv(ref["live"].outcome),
                       file_name=download_name(title, "_series.csv"), mime="text/csv",
                       on_click="ignore",
                       width="stretch", key="dl_series")


# --- main views -----------------------------------------------------------------------------


def outcome_key(outcome: Outcome) -> tuple:
    """What decides an outcome: the scenarios of its runs, their draws and seed, and the
    calibration's stamp and whether the current run's curves are in (the key of the display
    caches below)."""
    res = outcome.result
    runs = [res, outcome.baseline, outcome.modified]
    return (tuple(r.scenario.model_dump_json() if r is not None else "" for r in runs),
            res.draws, res.seed, outcome.is_baseline, calibration_stamp(res.scenario.region),
            res.curves_done)


def cached_scoreboard(key: tuple, lang: str, outcome: Outcome,
                      fixed: tuple[tuple[str, float], ...] = ()
                      ) -> tuple[pd.DataFrame, str, str, tuple[str, ...]]:
    """The scoreboard table, its summary line, the per-year summary (as HTML) and the
    headline sentences of ``outcome``, whose :func:`outcome_key` is ``key``, with the
    driving assumptions ``fixed`` (shared by every session and the prefetcher through
    ``shared.DISPLAYS``)."""
    def make() -> tuple[pd.DataFrame, str, str, tuple[str, ...]]:
        frame = scoreboard_frame(outcome, lang, dict(fixed))
        return (frame, scoreboard_summary(frame, lang),
                table_html(year_summary(frame, lang), "sb-years"),
                tuple(outcome_headline(outcome, lang, dict(fixed))))
    return DISPLAYS.get_or_make(("scoreboard", key, lang, fixed), make)


def cached_scoreboard_html(key: tuple, lang: str, year: str, frame: pd.DataFrame,
                           fixed: tuple[tuple[str, float], ...] = ()) -> tuple[str, str]:
    """The scoreboard's HTML (the targets in scope, then those outside) for one year
    filter ("all" or a year) of the table ``frame`` of the outcome with ``key``."""
    def make() -> tuple[str, str]:
        shown = frame if year == "all" else frame[frame["year"] == int(year)]
        return scoreboard_inside_html(shown, lang), scoreboard_outside_html(shown, lang)
    return DISPLAYS.get_or_make(("scoreboard html", key, lang, year, fixed), make)


def settings_outcome(current: Scenario, picked: Scenario, baseline: Scenario, draws: int,
                     seed: int, stamp: int) -> Outcome:
    """:func:`recompute` through the shared store of runs, the current run with its curves
    when any session computed them (what a request and the prefetcher both make)."""
    outcome = recompute(current, picked, baseline, draws, seed, run_cached(stamp))
    return replace(outcome, result=with_known_curves(outcome.result, stamp))


class ScoreboardParts(NamedTuple):
    """What the scoreboard view draws of an outcome (see :func:`scoreboard_parts`)."""

    summary: str
    per_year: str  # HTML
    years: list[str]  # the target years in model scope, the year filter's other choices
    year: str  # the filter applied: "all" or one of ``years``
    page: str  # the HTML of the table of targets in scope
    outside: str  # the HTML of the targets outside the model's scope
    headline: tuple[str, ...]  # one sentence per target year, then the data vintage


def scoreboard_parts(outcome: Outcome, lang: str, year: str,
                     fixed: tuple[tuple[str, float], ...] = ()) -> ScoreboardParts:
    """The scoreboard of ``outcome`` for the year filter ``year`` ("all" when it is not one
    of the outcome's target years) with the driving assumptions ``fixed``, through the
    shared store of displays: what a request and the prefetcher both make."""
    key = outcome_key(outcome)
    frame, summary, per_year, sentences = cached_scoreboard(key, lang, outcome, fixed)
    years = [str(y) for y in sorted(frame.loc[frame["in_scope"], "year"].unique())]
    year = year if year in years else "all"
    page, outside = cached_scoreboard_html(key, lang, year, frame, fixed)
    return ScoreboardParts(summary, per_year, years, year, page, outside, sentences)


def with_curves_now(outcome: Outcome) -> Outcome:
    """``outcome`` with the curves of its current run, computed when no session has."""
    stamp = calibration_stamp(outcome.result.scenario.region)
    return replace(outcome, result=with_computed_curves(outcome.result, stamp))


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


NOT_FIXED = "free"  # the first choice of a driver's control: drawn over its range


def fix_key(region: str, driver: str) -> str:
    """Session key of the control fixing ``driver`` in ``region``."""
    return f"fix.{region}.{driver}"


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


def headline_chart(outcome: Outcome, lang: str) -> dict | None:
    """The headline chart's specification (the fan chart of
    :func:`headline_chart_indicator` with its targets), shared through ``DISPLAYS``."""
    indicator = headline_chart_indicator(outcome.result)
    if indicator is None:
        return None
    return DISPLAYS.get_or_make(("headline chart", outcome_key(outcome), lang),
                                lambda: trajectory_chart(outcome, indicator, lang))


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
    if chart is not None:
        right.vega_lite_chart(spec=chart, width="stretch")
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
                st.vega_lite_chart(spec=trajectory_chart(outcome, name, lang), width="stretch")


def _styled(frame: pd.DataFrame, prob_cols: list[str], delta_cols: list[str], lang: str):
    """Probabilities as percentages on their band's colour (a range over an assumption as
    its text, uncoloured), differences in percentage points."""
    def background(p: object) -> str:
        if isinstance(p, str) or p is None or pd.isna(p):
            return ""
        return f"background-color: {BAND_BACKGROUND[probability_band(p)]}"

    return (frame.style.map(background, subset=prob_cols)
            .format(lambda p: p if isinstance(p, str) else fmt_probability(p), subset=prob_cols)
            .format(lambda d: fmt_points(d, lang), subset=delta_cols))


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
    # narrow number columns (long scenario titles would otherwise widen them past the screen)
    widths = {c: st.column_config.Column(width="small", help=c)
              for c in [*prob_cols, *delta_cols, tr("sb_year", lang)]}
    widths[tr("sb_target", lang)] = st.column_config.Column(width="large")
    st.dataframe(_styled(frame, prob_cols, delta_cols, lang), hide_index=True, width="stretch",
                 column_config=widths)
    # the scenarios overlaid on one chart, and their indicators side by side
    runs = {titles[s.name]: cached_run(scenario_to_yaml(s), done[1], done[2], stamp)
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


def _apply_goal(state, res: GoalSeekResult) -> None:
    """Use the goal-seeking answer; the stored answer now describes these settings (it is
    not out of date because of its own value)."""
    S.set_lever(state, res.lever_key, res.period, res.value)
    done, result = state["goal.result"]
    fixed = dict(done[-1])
    seeking = conditioned(S.scenario_from_state(state), fixed) if fixed else (
        S.scenario_from_state(state))
    state["goal.result"] = ((scenario_to_yaml(seeking), *done[1:]), result)
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
    return ("、" if lang == "zh" else ", ").join(
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
                      periods=("、" if lang == "zh" else ", ").join(
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
        state["goal.period"] = default_period(targets[0], periods)
    if state.get("goal.period") not in periods:  # e.g. a closed period kept from before
        state["goal.period"] = default_period(by_id[state[target_key]], periods)

    def follow_target() -> None:  # the open plan period in which the target year falls
        state["goal.period"] = default_period(by_id[state[target_key]], periods)

    c1, c2, c3, c4 = st.columns([3, 3, 2, 2])
    target = c1.selectbox(tr("gs_target", lang), list(by_id), key=target_key,
                          format_func=lambda t: f"{by_id[t].label(lang)} ({t})",
                          persist_state="page", on_change=follow_target)
    lever = c2.selectbox(tr("gs_lever", lang), list(levers), key="goal.lever",
                         format_func=lambda k: levers[k].label(lang), persist_state="page")
    period = c3.selectbox(tr("gs_period", lang), periods, key="goal.period",
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
    request = (scenario_to_yaml(seeking), target, lever, period, goal, draws, seed, stamp,
               tuple(sorted(fixed.items())))
    if st.button(tr("gs_run", lang), type="primary", key="run_goal_seek"):
        with st.spinner(tr("computing", lang)):
            try:
                state["goal.result"] = (request, cached_goal_seek(*request[:-1]))
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


def source_documents() -> str:
    """The "Source documents:" line of data/README.md (the documents the targets cite)."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^Source documents:\s*(.+?)(?:\n\S+\.\S+ |\n\n|\Z)", text, re.M | re.S)
    return " ".join(match.group(1).split()) if match else "data/README.md"


def view_about(region: str, lang: str, stamp: int) -> None:
    """Stock-and-flow diagram from the .mdl, loops, data sources and the calibration fit."""
    readme = MODEL_FILE.parent / "README.md"
    st.subheader(tr("about_structure", lang))
    st.caption(tr("about_structure_caption", lang, mdl=MODEL_FILE.relative_to(REPO_ROOT)))
    parts = diagram_parts(read_sectors(structure=read_structure(MODEL_FILE)))
    if st.session_state.get("about.part") not in parts:  # first visit, or a renamed sector
        st.session_state["about.part"] = parts[0]
    part = st.segmented_control(tr("about_part", lang), parts, key="about.part",
                                required=True, format_func=lambda p: diagram_part_label(p, lang))
    st.caption(tr("about_part_caption", lang))
    st.graphviz_chart(model_diagram(MODEL_FILE.stat().st_mtime_ns, readme.stat().st_mtime_ns,
                                    lang, None if part == ALL_PARTS else part),
                      width="stretch" if part == ALL_PARTS else "content")
    st.subheader(tr("about_loops", lang))
    loops = read_loops(readme)
    rows = [f"| {tr('about_loop', lang)} | {tr('about_loop_path', lang)} |", "|---|---|"]
    rows += [f"| **{tr(f'loop_{lp.code}', lang)}** | {loop_path(lp.code, lp.path, lang)} |"
             for lp in loops]
    st.markdown("\n".join(rows))

    st.subheader(tr("about_fit", lang))
    try:
        posterior = cached_posterior(region, stamp)
    except InputError as exc:
        st.warning(tr("about_fit_missing", lang, region=region_label(region, lang),
                      message=render_error(exc, lang)))
    else:
        text, mape = fit_summary(posterior, lang)
        st.markdown(text)
        path, goals = report_goals(region)
        if goals and lang == "en":  # the fit report is written in English
            st.markdown(f"**{tr('about_report_goals', lang)}**\n\n{goals}")
        st.markdown(f"**{tr('about_fit_mape', lang)}**")
        st.dataframe(mape, hide_index=True)
        st.caption(tr("about_report", lang, path=Path(path).relative_to(REPO_ROOT)))

    skill_section(region, lang)

    st.subheader(tr("about_sources", lang))
    st.markdown(tr("about_sources_body", lang, docs=source_documents()))


# --- page -----------------------------------------------------------------------------------


def read_url(state) -> None:
    """First run of a session: the settings in the URL's query parameters (reload, link)."""
    if state.get(K_URL_READ):
        return
    state[K_URL_READ] = True
    if st.query_params:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        problems = S.apply_query(params, state, VIEWS)
        if problems:
            state["url_problems"] = problems


def write_url(state, lang: str) -> None:
    """Keep the URL's query parameters equal to the settings; show the link to copy."""
    params = S.query_from_state(state)
    if state.get(K_URL_WRITTEN) != params:
        st.query_params.from_dict(params)
        state[K_URL_WRITTEN] = params
    # the link is drawn only while the popover is open (not on every lever step)
    link = st.popover(tr("copy_link", lang), key=K_LINK_OPEN, on_change="rerun")
    if link.open:
        with link:
            st.caption(tr("copy_link_help", lang))
            base = (st.context.url or "").split("?")[0]
            st.code(f"{base}?{urlencode(params, doseq=True, safe=',')}", language=None,
                    wrap_lines=True)


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
    key = (scenario_to_yaml(current) if current is not None else tuple(messages),
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
                messages.append(("error", tr("run_failed", lang, message=str(exc))))
    live = Live(current, picked, outcome, posterior, tuple(messages), tuple(diff))
    ref["key"], ref["live"] = key, live
    return live


def main() -> None:
    """Lay out the page and wire the widgets to the package's functions."""
    st.set_page_config(page_title="苏州创新政策情景模拟器 · Suzhou innovation simulator",
                       layout="wide", initial_sidebar_state="auto")  # folds on phones
    with prefetcher().foreground():
        draw_page(st.session_state)


def draw_page(state) -> None:
    """The body of :func:`main`."""
    S.init_state(state)
    state.setdefault(S.K_VIEW, VIEWS[0])
    state.setdefault(K_SESSION, object())  # this session, for the prefetcher's queue
    read_url(state)
    lang = state[S.K_LANG]
    compiled_model()

    with st.sidebar:
        sidebar_settings(state, lang)
    live = live_settings(state, lang)
    with st.sidebar:
        sidebar_files(state, lang, live)

    # the tables' style, once per page: a <style> in every table would make the browser
    # restyle the whole page each time a lever step redraws a table
    st.html(SCOREBOARD_CSS + (UPLOADER_CSS_ZH if lang == "zh" else ""))
    st.title(tr("app_title", lang))
    vintage = region_vintage(state[S.K_REGION])
    if vintage is not None:  # the first thing a planner reads: how recent the data are
        st.markdown(f"**{vintage_sentence(vintage, lang)}** "
                    f"{tr('app_caption', lang, first=FIRST_SIM_YEAR, last=HISTORY_END)}")
    else:
        st.caption(tr("app_caption", lang, first=FIRST_SIM_YEAR, last=HISTORY_END))
    if state.get("url_problems"):
        st.warning(tr("url_problems", lang, items=";".join(
            url_problem(p, lang) for p in state.pop("url_problems"))))
    if state.get(S.K_UPLOAD_ERROR):
        lines = problem_lines(state.pop(S.K_UPLOAD_ERROR), lang)
        st.error(tr("upload_error", lang, message="\n\n".join(lines)))
    if state.get(S.K_UPLOAD_OK):
        title_zh, title_en = state.pop(S.K_UPLOAD_OK)
        st.success(tr("upload_ok", lang, name=title_zh if lang == "zh" else title_en))
    if state.get(K_SAVE_OK):
        st.success(tr("save_ok", lang, name=state.pop(K_SAVE_OK)))
    state[S.K_PREV_REGION] = state[S.K_REGION]
    results()


@st.fragment(key=RESULTS)
def results() -> None:
    """Everything the levers change: the URL and its link, the messages about the settings,
    the run line, the list of changes and the chosen view. A fragment: a lever step (see
    :func:`_on_lever`) and the view's own widgets rerun this alone, not the page. Then the
    next notches of the lever just moved are prefetched."""
    state = st.session_state
    with prefetcher().foreground():
        live = draw_results(state, state[S.K_LANG])
    try:
        prefetch_next_steps(state, live)
    except Exception:  # a guess must never cost the planner the page
        _LOG.warning("prefetch guess failed", exc_info=True)


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
            if not out.is_baseline:
                effects_view.prefetch_attribution(lang, *attribution_inputs(out))
        return job
    prefetcher().submit(state.get(K_SESSION), [scoreboard(s, curves) for curves in (False, True)
                                                for s in scenarios])


def draw_results(state, lang: str) -> Live:
    """The body of :func:`results`; returns what the settings gave."""
    region, draws, seed = state[S.K_REGION], int(state[S.K_DRAWS]), int(state[S.K_SEED])
    stamp = calibration_stamp(region)
    live = live_settings(state, lang)
    for kind, message in live.messages:
        (st.error if kind == "error" else st.warning)(message)
    outcome, current = live.outcome, live.current
    if outcome is not None and live.posterior is not None:
        res = outcome.result
        source = tr("posterior_info", lang, region=region_label(region, lang),
                    n=f"{len(live.posterior.draws):,}")
        st.caption(tr("run_info", lang, region=region_label(region, lang),
                      scenario=scenario_title(res.scenario, lang), draws=f"{res.draws:,}",
                      seed=res.seed, seconds=res.seconds, source=source))
    diff = live.changes
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.markdown("✎ " + (tr("changes", lang, items=describe_changes(diff, lang)) if diff
                          else tr("no_changes", lang)))
    view = st.segmented_control(tr("view", lang), VIEWS, key=S.K_VIEW, required=True,
                                format_func=lambda v: tr(f"view_{v}", lang),
                                label_visibility="collapsed")
    if view == "about":
        view_about(region, lang, stamp)
    elif outcome is None or current is None:
        pass
    elif view in FRAGMENT_VIEWS:
        view_fragment(view, state, lang, outcome, current, draws, seed, stamp)
    else:
        RESULT_VIEWS[view](state, lang, outcome, current, draws, seed, stamp)
    with right:  # last: the URL can wait until the view is drawn
        write_url(state, lang)
    return live


#: Views whose own widgets (the scoreboard's year filter, the charts' indicators) change
#: nothing outside them: a change of those reruns the view alone, not the whole page.
FRAGMENT_VIEWS = ("scoreboard", "charts")


@st.fragment
def view_fragment(view: str, state, lang: str, outcome: Outcome, current: Scenario, draws: int,
                  seed: int, stamp: int) -> None:
    """A view of :data:`FRAGMENT_VIEWS` as a fragment (its arguments are those of the last
    run of :func:`results`, so it shows the same outcome)."""
    with prefetcher().foreground():
        RESULT_VIEWS[view](state, lang, outcome, current, draws, seed, stamp)


#: The views that need a computed outcome, by key of the view selector. A new view adds
#: its key to VIEWS (and "view_<key>" to app/text.py) and its function here.
RESULT_VIEWS = {
    "scoreboard": lambda state, lang, outcome, *_: view_scoreboard(state, outcome, lang),
    "charts": lambda state, lang, outcome, *_: view_charts(outcome, lang),
    "compare": lambda state, lang, outcome, current, draws, seed, stamp: view_compare(
        state, lang, current, draws, seed, stamp),
    "goal": lambda state, lang, outcome, current, draws, seed, stamp: view_goal(
        state, lang, current, outcome, draws, seed, stamp),
    "effects": lambda state, lang, outcome, current, draws, seed, stamp: (
        effects_view.view_effects(lang, current, seed, stamp)),
    "portfolio": lambda state, lang, outcome, current, draws, seed, stamp: view_portfolio(
        state, lang, current, outcome.result, draws, seed,
        cached_posterior(current.region, stamp)),
}


if __name__ == "__main__":  # streamlit runs the file as __main__; the benchmark imports it
    main()
