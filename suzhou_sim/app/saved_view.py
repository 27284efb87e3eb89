"""The app's saved-scenario controls: save under a name, confirm a replacement, delete.

Drawn inside the sidebar's "save and load" expander by ``app.sidebar``. Saved scenarios are kept
on disk by :mod:`suzhou_sim.app.scenario_store` (one YAML file each, visible to everyone
using the same app server) and in the session by :mod:`suzhou_sim.app.state`. Saving under
a name that is taken asks for confirmation first; deleting asks too, and only files the app
wrote can be deleted. A file of the folder that is not a valid scenario is reported on one
line naming the file (:func:`store_problems`), never as a traceback.

Must not: compute anything or write files itself (``state`` and ``scenario_store`` do).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from ..catalogues.scenarios import Scenario
from ..errors import InputError
from . import state as S
from .scenario_store import ScenarioExists, TitleEmpty, TitleReserved, read_store, store_dir
from .text import tr
from .views import problem_lines

__all__ = ["K_SAVE_NAME", "K_SAVE_OK", "K_SAVE_CONFIRM", "K_DELETE_CONFIRM", "K_SAVE_REFUSED",
           "saved_section",
           "store_problems"]

K_SAVE_NAME = "save_name"  # the name box
K_SAVE_OK = "save_ok"  # title of the scenario just saved (the page says so once)
K_SAVE_CONFIRM = "save_confirm"  # title waiting for "replace?" to be answered
K_DELETE_CONFIRM = "delete_confirm"  # title waiting for "delete?" to be answered
K_SAVE_REFUSED = "save_refused"  # (text key, name) of a name the app refused to save under


def _save(state: MutableMapping[str, Any], replace: bool) -> None:
    title = " ".join((state.get(K_SAVE_NAME) or "").split())
    state[K_SAVE_CONFIRM] = None
    try:
        scenario = S.save_current(state, title, replace=replace)
    except ScenarioExists:
        state[K_SAVE_CONFIRM] = title
        return
    except TitleEmpty:  # said in the interface's language, beside the name box
        state[K_SAVE_REFUSED] = ("save_empty", "")
        return
    except TitleReserved:
        state[K_SAVE_REFUSED] = ("save_reserved", title)
        return
    except InputError as exc:
        state[S.K_UPLOAD_ERROR] = str(exc)
        return
    state[K_SAVE_OK] = scenario.title_zh


def _on_save(state: MutableMapping[str, Any]) -> None:
    _save(state, replace=False)


def _on_replace(state: MutableMapping[str, Any]) -> None:
    # the name box may have changed since the question: replace only what was asked about
    if state.get(K_SAVE_CONFIRM):
        state[K_SAVE_NAME] = state[K_SAVE_CONFIRM]
        _save(state, replace=True)


def _on_cancel(state: MutableMapping[str, Any]) -> None:
    state[K_SAVE_CONFIRM] = None
    state[K_DELETE_CONFIRM] = None


def _on_delete(state: MutableMapping[str, Any], title: str) -> None:
    state[K_DELETE_CONFIRM] = title


def _on_confirm_delete(state: MutableMapping[str, Any]) -> None:
    title = state.get(K_DELETE_CONFIRM)
    state[K_DELETE_CONFIRM] = None
    if title:
        try:
            S.delete_saved(state, title)
        except InputError as exc:
            state[S.K_UPLOAD_ERROR] = str(exc)


def store_problems(lang: str) -> list[str]:
    """One line per file of the saved-scenario folder that is not a valid scenario, naming
    the file and what is wrong (in ``lang``)."""
    return [tr("saved_broken", lang, line=problem_lines(p.message, lang)[0])
            for p in read_store()[1]]


def saved_section(state: MutableMapping[str, Any], lang: str, current: Scenario | None) -> None:
    """Name box and save button (with a replace question for a taken name), the saved
    scenarios, a delete button for the picked one, and where they are kept."""
    st.text_input(tr("save_name", lang), key=K_SAVE_NAME, max_chars=60)
    refused = state.pop(K_SAVE_REFUSED, None)
    if refused:
        st.warning(tr(refused[0], lang, name=refused[1]))
    st.button(tr("save_button", lang), key="save_scenario", on_click=_on_save, args=(state,),
              width="stretch", disabled=current is None)
    asked = state.get(K_SAVE_CONFIRM)
    if asked:
        st.warning(tr("save_exists", lang, name=asked))
        left, right = st.columns(2)
        left.button(tr("save_replace", lang), key="save_replace", on_click=_on_replace,
                    args=(state,), type="primary", width="stretch")
        right.button(tr("cancel", lang), key="save_cancel", on_click=_on_cancel,
                     args=(state,), width="stretch")
    saved = S.saved_scenarios(state)
    if saved:
        st.caption(tr("saved_list", lang, items=tr("list_sep", lang).join(saved)))
    pick = state.get(S.K_PICK) or ""
    title = pick.removeprefix(S.SAVED_PREFIX) if pick.startswith(S.SAVED_PREFIX) else None
    if title is not None and title in saved:
        stored = read_store()[0].get(title)
        hand_made = stored is not None and not stored.ours
        st.button(tr("delete_saved", lang, name=title), key="delete_saved",
                  on_click=_on_delete, args=(state, title), width="stretch",
                  disabled=hand_made, help=tr("delete_not_ours", lang) if hand_made else None)
    if state.get(K_DELETE_CONFIRM):
        st.warning(tr("delete_confirm", lang, name=state[K_DELETE_CONFIRM]))
        left, right = st.columns(2)
        left.button(tr("delete_yes", lang), key="delete_yes", on_click=_on_confirm_delete,
                    args=(state,), type="primary", width="stretch")
        right.button(tr("cancel", lang), key="delete_cancel", on_click=_on_cancel,
                     args=(state,), width="stretch")
    st.caption(tr("saved_folder", lang, folder=store_dir()))
