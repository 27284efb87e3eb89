"""The about page: the stock-and-flow diagram, the loops, the calibration's fit, the
forecast skill and the sources.

Must not: compute or cache (the diagram comes from ``app.compute.model_diagram``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from suzhou_sim.app.compute import (
    cached_posterior,
    model_diagram,
)
from suzhou_sim.app.skill_view import skill_section
from suzhou_sim.app.text import (
    loop_path,
    tr,
)
from suzhou_sim.app.views import (
    ALL_PARTS,
    diagram_part_label,
    diagram_parts,
    fit_goals,
    fit_summary,
    region_label,
)
from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.errors import InputError, render_error
from suzhou_sim.paths import MODEL_FILE, REPO_ROOT
from suzhou_sim.reporting.documents import documents_line
from suzhou_sim.reporting.structure_diagram import (
    read_loops,
    read_sectors,
    read_structure,
)


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
        path, goals = fit_goals(region, lang)
        if goals is not None:
            st.markdown(f"**{tr('about_report_goals', lang)}**")
            st.dataframe(goals, hide_index=True)
        st.markdown(f"**{tr('about_fit_mape', lang)}**")
        st.dataframe(mape, hide_index=True)
        st.caption(tr("about_report", lang, path=Path(path).relative_to(REPO_ROOT)))

    skill_section(region, lang)

    st.subheader(tr("about_sources", lang))
    history = load_observations()  # the years the data files hold (they say it, not a text)
    st.markdown(tr("about_sources_body", lang, docs=documents_line(lang),
                   first=int(history["year"].min()), last=int(history["year"].max())))


if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app import state as S
    from suzhou_sim.app.frame import show_page

    show_page(lambda state, lang, _outcome, _current, _draws, _seed, stamp: view_about(
        state[S.K_REGION], lang, stamp), needs_outcome=False)
