"""What every page of the app draws around its own view: :func:`show_page`.

``app.py`` sets up the page, the sidebar and the navigation (``st.navigation``, one
``st.Page`` per module of ``app/pages/``); the page that runs calls :func:`show_page` with
the function drawing its view. That opens the results fragment (:func:`results`): the
messages about the settings, the run line, the list of changes, the view, and the URL with
its link to copy. A lever step (``app.sidebar``'s ``_on_lever``) reruns that fragment alone,
with the view of the page shown.

Must not: import a page (the pages import this module), compute or cache (``app.compute``
does), or parse the URL (``app.settings`` does; :func:`write_url` only writes what it gives).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from ..catalogues.scenarios import Scenario
from . import state as S
from .compute import calibration_stamp
from .live import RESULTS, Live, live_settings
from .prefetch import prefetcher
from .settings import Settings
from .text import tr
from .views import Outcome, describe_changes, region_label, scenario_title

__all__ = ["ViewDraw", "K_URL_WRITTEN", "K_LINK_OPEN", "show_page", "write_url"]

_LOG = logging.getLogger(__name__)

#: A page's view: ``draw(state, lang, outcome, current, draws, seed, stamp)``; ``outcome``
#: and ``current`` are None only for a page that draws without a computed outcome.
ViewDraw = Callable[[MutableMapping[str, Any], str, "Outcome | None", "Scenario | None", int,
                     int, int], None]

K_URL_WRITTEN = "url_written"  # (page, query parameters) last written to the URL


K_LINK_OPEN = "link_open"  # the "copy link" popover is open


def write_url(state: MutableMapping[str, Any], lang: str) -> None:
    """Keep the URL's query parameters equal to the settings; show the link to copy.

    Written again after a page switch too (a switch in the browser may drop them), so the
    settings survive every page and a reload."""
    params = Settings.from_state(state).to_query()
    written = (state.get(S.K_VIEW), params)
    if state.get(K_URL_WRITTEN) != written:
        st.query_params.from_dict(params)
        state[K_URL_WRITTEN] = written
    # the link is drawn only while the popover is open (not on every lever step)
    link = st.popover(tr("copy_link", lang), key=K_LINK_OPEN, on_change="rerun")
    if link.open:
        with link:
            st.caption(tr("copy_link_help", lang))
            base = (st.context.url or "").split("?")[0]
            st.code(f"{base}?{urlencode(params, doseq=True, safe=',')}", language=None,
                    wrap_lines=True)


def show_page(draw: ViewDraw, *, needs_outcome: bool = True, own_fragment: bool = False,
              after: Callable[[MutableMapping[str, Any], Live], None] | None = None) -> None:
    """Draw the running page: the results fragment with the page's view in it.

    Parameters
    ----------
    draw : callable
        Draws the view (see :data:`ViewDraw`).
    needs_outcome : bool
        False for a page that draws without a computed outcome (the about page); the others
        draw nothing while the settings give none (the messages say why).
    own_fragment : bool
        The view's own widgets change nothing outside it (the scoreboard's year filter, the
        charts' indicators): a change of those reruns the view alone.
    after : callable, optional
        Called with the session state and the :class:`~suzhou_sim.app.live.Live` once the
        view is drawn (the scoreboard's prefetch of the next lever steps); a failure is
        logged, never shown.
    """
    results(draw, needs_outcome, own_fragment, after)


@st.fragment(key=RESULTS)
def results(draw: ViewDraw, needs_outcome: bool, own_fragment: bool,
            after: Callable[[MutableMapping[str, Any], Live], None] | None) -> None:
    """Everything the levers change: the messages about the settings, the run line, the
    list of changes, the view, and the URL and its link. A fragment: a lever step and the
    view's own widgets rerun this alone, not the page."""
    state = st.session_state
    with prefetcher().foreground():
        live = draw_results(state, state[S.K_LANG], draw, needs_outcome, own_fragment)
    if after is None:
        return
    try:
        after(state, live)
    except Exception:  # a guess must never cost the planner the page
        _LOG.warning("after-view step failed", exc_info=True)


def draw_results(state: MutableMapping[str, Any], lang: str, draw: ViewDraw,
                 needs_outcome: bool, own_fragment: bool) -> Live:
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
    if not needs_outcome:
        draw(state, lang, outcome, current, draws, seed, stamp)
    elif outcome is None or current is None:
        pass
    elif own_fragment:
        view_fragment(draw, state, lang, outcome, current, draws, seed, stamp)
    else:
        draw(state, lang, outcome, current, draws, seed, stamp)
    with right:  # last: the URL can wait until the view is drawn
        write_url(state, lang)
    return live


@st.fragment
def view_fragment(draw: ViewDraw, state: MutableMapping[str, Any], lang: str, outcome: Outcome,
                  current: Scenario, draws: int, seed: int, stamp: int) -> None:
    """A view whose own widgets change nothing outside it, as a fragment (its arguments are
    those of the last run of :func:`results`, so it shows the same outcome)."""
    with prefetcher().foreground():
        draw(state, lang, outcome, current, draws, seed, stamp)
