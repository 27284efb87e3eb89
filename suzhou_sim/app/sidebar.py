"""The app's sidebar: language, region, scenario, levers by plan period, assumptions,
draws and seed, then saving, downloads and uploads.

Must not: compute or cache (results come from ``app.compute`` through ``app.live``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitAPIException

from ..catalogues.regions import region_names
from ..catalogues.scenarios import (
    PERIODS,
    load_assumptions,
    load_lever_themes,
    load_levers,
    scenario_to_yaml,
)
from ..catalogues.timeline import DEFAULT_PERIOD
from ..reporting.office import ReportInputs, docx_report, xlsx_report
from . import state as S
from .compute import (
    full_outcome,
)
from .live import (
    DOWNLOADS,
    HISTORY_END,
    K_DL_ADJUSTED,
    K_LIVE,
    K_MOVED,
    K_YEAR,
    RESULTS,
    SHARES,
    Live,
    fixed_drivers,
    live_settings,
)
from .saved_view import saved_section, store_problems
from .scenario_store import download_name
from .text import (
    LANG_NAMES,
    LANGS,
    fmt_quantity,
    period_label,
    tr,
    unit_label,
)
from .views import (
    Outcome,
    fund_shares,
    problem_lines,
    region_label,
    region_vintage,
    scenario_title,
    series_csv,
    targets_csv,
)

K_LEVER_TAB = "lever_tab"


K_ASSUMPTIONS_OPEN = "assumptions_open"


FUND_SPLIT, FUND = "fund_split", "special_fund"


OPEN_PERIOD = DEFAULT_PERIOD  # the lever tab a session opens on: the 15th plan (2026-30)


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
