"""The app's "what each lever buys" view and the levers behind each probability change.

Two pieces, each a function the app calls with the current settings:

* :func:`view_effects`: the effects table (``studies.effects.lever_effects``) for the
  current settings at a small ensemble (:data:`EFFECTS_DRAWS` draws per step, cached), one
  target at a time with its tornado chart and the model's cost beside the evidence.
* :func:`attribution_table`: under the scoreboard, which edited levers caused each change in
  probability against the region's baseline (``studies.effects.attribute_changes``: each edit
  switched on alone, on the same draws as the scoreboard), and how that is computed.

Wording comes from ``reporting.effects_report.TEXT`` (Chinese by default); numbers only from
the study. No model logic lives here.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from ..catalogues.evidence import load_cost_benchmarks
from ..catalogues.scenarios import Scenario
from ..catalogues.targets import load_targets
from ..reporting.effects_report import (
    attribution_text,
    display_table,
    evidence_line,
    money_rule,
    target_ids,
    text,
    tornado_chart,
    unmoved_text,
)
from ..studies.effects import attribute_changes, benchmark_comparison
from ..studies.scenario_runs import ScenarioResult
from .compute import (
    DISPLAYS,
    cached_effects,
    known_probabilities,
    probabilities_runner,
    scenario_key,
)
from .views import table_html

__all__ = ["EFFECTS_DRAWS", "attribution_frame", "attribution_display",
           "prefetch_attribution",
           "view_effects", "attribution_table"]

#: Draws per step in the app: 43 steps x 200 draws stay within a few seconds.
EFFECTS_DRAWS = 200
_ATTRIBUTION = ("attribution",)  # the first part of the attribution tables' keys in DISPLAYS

def attribution_frame(baseline: Scenario, edited: Scenario, draws: int, seed: int, stamp: int,
                      known: Mapping[Hashable, np.ndarray] | None = None) -> pd.DataFrame:
    """:func:`~suzhou_sim.studies.effects.attribute_changes` of ``edited`` against
    ``baseline``, kept in ``compute.DISPLAYS`` (by their ``compute.scenario_key``). The
    variants' probabilities come from ``known`` (:func:`.compute.known_probabilities` of the
    scoreboard's runs, not part of the key: they are what the runs would give) or from the
    shared store."""
    def make() -> pd.DataFrame:
        return attribute_changes(baseline, edited, draws, seed,
                                 probabilities=probabilities_runner(draws, seed, stamp, known))
    return DISPLAYS.get_or_make(("attribution frame", scenario_key(baseline),
                                 scenario_key(edited), draws, seed, stamp), make)


def view_effects(lang: str, current: Scenario, seed: int, stamp: int) -> None:
    """The "what each lever buys" view for the current settings."""
    draws = EFFECTS_DRAWS
    st.caption(text("view_intro", lang, draws=draws, seed=seed))
    with st.spinner(text("computing", lang)):
        result = cached_effects(current, draws, seed, stamp)
    st.caption(f"{text('step', lang)}: "
               + money_rule(result.money_step, result.money_share, lang, command_line=False))
    table = result.table
    targets = load_targets()
    ids = target_ids(table)
    if not ids:
        return
    chosen = st.selectbox(text("pick_target", lang), ids, key="effects.target",
                          format_func=lambda t: f"{targets[t].label(lang)} ({t})")
    rows = table[table["target_id"] == chosen]
    shown = display_table(rows, lang, result.relative_step).drop(columns=[text("target", lang)])
    st.dataframe(shown, hide_index=True, width="stretch")
    unmoved = unmoved_text(result.skipped, chosen, lang)
    if unmoved:
        st.caption(unmoved)
    st.pyplot(tornado_chart(table, chosen, lang))
    comparison = benchmark_comparison(table, result.scenario)
    if not comparison.empty:
        st.subheader(text("evidence", lang))
        benchmarks = load_cost_benchmarks()
        for row in comparison.itertuples():
            st.markdown(f"**{benchmarks[row.benchmark].label(lang)}**: {evidence_line(row, lang)}")


def attribution_table(lang: str, baseline: Scenario, current: Scenario, draws: int, seed: int,
                      stamp: int, runs: Sequence[ScenarioResult] = ()) -> None:
    """Under the scoreboard: which edited levers caused each change against the baseline;
    ``runs`` are scenario results on the same draws whose probabilities can be reused."""
    st.markdown(f"**{text('attribution', lang)}**")
    st.caption(text("attribution_how", lang))
    args, known = _display_inputs(lang, baseline, current, draws, seed, stamp, runs)
    if _display_key(*args) in DISPLAYS:  # made before: no spinner (a lever step's case)
        shown = attribution_display(*args, known)
    else:
        with st.spinner(text("computing", lang)):
            shown = attribution_display(*args, known)
    if shown is None:
        st.caption(text("attr_none", lang))
        return
    st.html(table_html(shown, "attribution"))  # styled by the page's SCOREBOARD_CSS


def prefetch_attribution(lang: str, baseline: Scenario, current: Scenario, draws: int,
                         seed: int, stamp: int, runs: Sequence[ScenarioResult] = ()) -> None:
    """Make what :func:`attribution_table` would show for these arguments, without drawing
    it (the app's prefetcher: with several edited levers the table needs runs of its own)."""
    args, known = _display_inputs(lang, baseline, current, draws, seed, stamp, runs)
    attribution_display(*args, known)


def _display_inputs(lang: str, baseline: Scenario, current: Scenario, draws: int, seed: int,
                    stamp: int, runs: Sequence[ScenarioResult]) -> tuple[tuple, dict]:
    args = (baseline, current, draws, seed, stamp, lang)
    return args, known_probabilities(r for r in runs if (r.draws, r.seed) == (draws, seed))


def _display_key(baseline: Scenario, edited: Scenario, draws: int, seed: int, stamp: int,
                 lang: str) -> tuple:
    return _ATTRIBUTION + (scenario_key(baseline), scenario_key(edited), draws, seed, stamp, lang)


def attribution_display(baseline: Scenario, edited: Scenario, draws: int, seed: int, stamp: int,
                        lang: str, known: Mapping[Hashable, np.ndarray] | None = None,
                        ) -> pd.DataFrame | None:
    """The attribution table as shown in ``lang`` (None when no probability changed), from
    :func:`attribution_frame`; kept in ``compute.DISPLAYS`` (a rerun or another session with
    the same settings rebuilds nothing; ``known`` is not part of the key: it is what the
    runs would give)."""
    return DISPLAYS.get_or_make(
        _display_key(baseline, edited, draws, seed, stamp, lang),
        lambda: _attribution_display(baseline, edited, draws, seed, stamp, lang, known))


def _attribution_display(baseline: Scenario, edited: Scenario, draws: int, seed: int,
                         stamp: int, lang: str, known: Mapping[Hashable, np.ndarray] | None,
                         ) -> pd.DataFrame | None:
    frame = attribution_frame(baseline, edited, draws, seed, stamp, known)
    changed = frame[frame["total"].abs() > 0]
    if changed.empty:
        return None
    targets = load_targets()
    return pd.DataFrame({
        text("target", lang): [f"{targets[t].label(lang)} ({t})" for t in changed.index],
        text("attr_change", lang): [f"{v * 100:+.1f}" for v in changed["total"]],
        text("attr_causes", lang): [attribution_text(frame, t, lang) for t in changed.index],
    })
