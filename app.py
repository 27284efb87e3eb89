"""The planners' Streamlit app: the frame of the page (config, sidebar, navigation).

Run with ``make app`` (``.venv/bin/streamlit run app.py``). This file is layout and wiring
only: the settings are one value (``suzhou_sim.app.settings.Settings``, which also parses
and writes the URL), every result and cache lives in ``suzhou_sim.app.compute``, the
sidebar in ``suzhou_sim.app.sidebar``, what the current settings give in
``suzhou_sim.app.live``, what every page draws around its view in ``suzhou_sim.app.frame``,
and each page in a module of its own under ``suzhou_sim.app.pages`` that only reads results
and draws them. It adds no model logic of its own.

The pages are ``st.navigation`` over one ``st.Page`` per name of :data:`VIEWS` (the file
``suzhou_sim/app/pages/<name>.py``, URL path ``/<name>``, title in the planner's language),
so a new page is one file and one name here. The settings live in the URL's query
parameters (read on a session's first run, written on every run), so a reload keeps them,
a page switch carries them and a copied link shares them; a link of before the pages
(``?view=<name>``) opens that page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from suzhou_sim.app import state as S
from suzhou_sim.app.compute import compiled_model
from suzhou_sim.app.live import HISTORY_END, K_SESSION, live_settings
from suzhou_sim.app.prefetch import prefetcher
from suzhou_sim.app.saved_view import K_SAVE_OK
from suzhou_sim.app.settings import Settings
from suzhou_sim.app.sidebar import sidebar_files, sidebar_settings
from suzhou_sim.app.text import tr
from suzhou_sim.app.views import (
    SCOREBOARD_CSS,
    UPLOADER_CSS_ZH,
    problem_lines,
    region_vintage,
    url_problem,
)
from suzhou_sim.catalogues.timeline import FIRST_SIM_YEAR
from suzhou_sim.reporting.headline_text import vintage_sentence
from suzhou_sim.wording import pair

#: The pages, in the order of the navigation; the first opens at the root URL.
VIEWS = ("scoreboard", "charts", "compare", "goal", "effects", "portfolio", "about")


#: The folder of the page modules (``st.Page`` runs ``<name>.py`` there).
PAGES_DIR = Path(__file__).resolve().parent / "suzhou_sim" / "app" / "pages"


K_URL_READ = "url_read"  # set once the URL's settings were read (first run of a session)


K_LINK_VIEW = "link_view"  # the page a link's ``view`` parameter names (first run only)


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
        if S.Q_VIEW in params and settings.view in VIEWS:
            state[K_LINK_VIEW] = settings.view
        if problems:
            state["url_problems"] = problems


def navigation(state, lang: str) -> st.Page:
    """The pages (titles in ``lang``) and the one to run; a link's ``view`` parameter (the
    app's links before the pages) switches to its page, keeping the other parameters."""
    pages = {v: st.Page(PAGES_DIR / f"{v}.py", title=tr(f"view_{v}", lang), url_path=v,
                        default=v == VIEWS[0]) for v in VIEWS}
    page = st.navigation(list(pages.values()), position="top")
    view = next((v for v, p in pages.items() if p is page), VIEWS[0])
    linked = state.pop(K_LINK_VIEW, None)
    if linked is not None and linked != view:
        st.switch_page(pages[linked], query_params={
            k: st.query_params.get_all(k) for k in st.query_params})
    state[S.K_VIEW] = view
    return page


def main() -> None:
    """Lay out the page and wire the widgets to the package's functions."""
    st.set_page_config(page_title=" · ".join(pair("misc.browser_title")),
                       layout="wide", initial_sidebar_state="auto")  # folds on phones
    with prefetcher().foreground():
        draw_page(st.session_state)


def draw_page(state) -> None:
    """The body of :func:`main`."""
    S.init_state(state)
    state.setdefault(K_SESSION, object())  # this session, for the prefetcher's queue
    read_url(state)
    lang = state[S.K_LANG]
    page = navigation(state, lang)
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
    page.run()  # the page's module draws its view (suzhou_sim.app.frame.show_page)


if __name__ == "__main__":  # streamlit runs the file as __main__; the benchmark imports it
    main()
