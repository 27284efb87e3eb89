"""The planners' Streamlit app: the frame of the page (config, sidebar, view selector).

Run with ``make app`` (``.venv/bin/streamlit run app.py``). This file is layout and wiring
only: the settings are one value (``suzhou_sim.app.settings.Settings``, which also parses
and writes the URL), every result and cache lives in ``suzhou_sim.app.compute``, the
sidebar in ``suzhou_sim.app.sidebar``, what the current settings give in
``suzhou_sim.app.live``, and each view in a module of its own under
``suzhou_sim.app.pages`` (plus ``effects_view`` and ``portfolio_view``) that only reads
results and draws them. It adds no model logic of its own.

The settings live in the URL's query parameters (read on a session's first run, written on
every run), so a reload keeps them and a copied link shares them. The views are a list:
``VIEWS`` names them and ``RESULT_VIEWS`` maps each that needs a computed outcome to its
function, so a new view is one entry in each.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import streamlit as st

from suzhou_sim.app import effects_view
from suzhou_sim.app import state as S
from suzhou_sim.app.compute import (
    cached_posterior,
    calibration_stamp,
    compiled_model,
)
from suzhou_sim.app.live import HISTORY_END, K_SESSION, RESULTS, Live, live_settings
from suzhou_sim.app.pages.about import view_about
from suzhou_sim.app.pages.charts import view_charts
from suzhou_sim.app.pages.compare import view_compare
from suzhou_sim.app.pages.goal import view_goal
from suzhou_sim.app.pages.scoreboard import prefetch_next_steps, view_scoreboard
from suzhou_sim.app.portfolio_view import view_portfolio
from suzhou_sim.app.prefetch import prefetcher
from suzhou_sim.app.saved_view import K_SAVE_OK
from suzhou_sim.app.settings import Settings
from suzhou_sim.app.sidebar import sidebar_files, sidebar_settings
from suzhou_sim.app.text import (
    tr,
)
from suzhou_sim.app.views import (
    SCOREBOARD_CSS,
    UPLOADER_CSS_ZH,
    Outcome,
    describe_changes,
    problem_lines,
    region_label,
    region_vintage,
    scenario_title,
    url_problem,
)
from suzhou_sim.catalogues.scenarios import (
    Scenario,
)
from suzhou_sim.catalogues.timeline import FIRST_SIM_YEAR
from suzhou_sim.reporting.headline_text import vintage_sentence

_LOG = logging.getLogger(__name__)


VIEWS = ("scoreboard", "charts", "compare", "goal", "effects", "portfolio", "about")


K_URL_READ = "url_read"  # set once the URL's settings were read (first run of a session)


K_URL_WRITTEN = "url_written"  # the query parameters last written


K_LINK_OPEN = "link_open"  # the "copy link" popover is open


def read_url(state) -> None:
    """First run of a session: the settings in the URL's query parameters (reload, link)."""
    if state.get(K_URL_READ):
        return
    state[K_URL_READ] = True
    if st.query_params:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
        settings, problems = Settings.from_query(params, VIEWS, lang=state[S.K_LANG],
                                                 view=state.get(S.K_VIEW))
        settings.into_state(state)
        if problems:
            state["url_problems"] = problems


def write_url(state, lang: str) -> None:
    """Keep the URL's query parameters equal to the settings; show the link to copy."""
    params = Settings.from_state(state).to_query()
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
