"""The app's one room that computes and caches: every session's shared results.

Lives here: the compiled model and the stored posteriors (``st.cache_resource``: one object
for the whole server, never copied), the modification stamp of a region's calibration that
is part of every cache key (a recalibration is picked up without a restart), the stores of
scoreboard runs, curves, display tables and calibration staleness (:class:`Store`: plain
thread-safe objects, so that the prefetcher's thread, which has no Streamlit context, fills
them too), the per-target probabilities of the attribution under the scoreboard (keyed on
the scenario's run inputs, so planners with the same settings share the runs; the
baseline's and the current settings' probabilities are read from their scoreboard runs, so
an edit of one lever needs no run of its own), the probability curves of assumption-driven
targets, and the caches of the views' own studies (comparison, goal seeking, lever effects)
and of the model diagram: one cache per kind of result.

Every key is made from the scenario object itself (:func:`scenario_key`, :func:`run_key`:
nested tuples of its fields), never from YAML or JSON text, so a lever step serialises
nothing. No other module of the app calls ``st.cache_data`` or ``st.cache_resource``
(``tests/app/test_structure.py`` checks it).

Must not: compute model numbers itself (they come from ``studies/``), read session state or
draw anything.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from ..calibration.posterior import Posterior, load_posterior
from ..calibration.provenance import Staleness, calibration_status, status_files
from ..catalogues.scenarios import Scenario, frozen_dump
from ..catalogues.targets import targets_for_region
from ..engine import load_model
from ..errors import InputError
from ..paths import MODEL_FILE, OBSERVED_FILE, calibration_dir
from ..reporting.structure_diagram import read_loops, read_sectors, read_structure, structure_dot
from ..studies import goal_seek
from ..studies.effects import EffectsResult, lever_effects, target_probabilities
from ..studies.predictive import ERROR_FILE
from ..studies.scenario_runs import (
    ScenarioResult,
    assumption_curves,
    compare_scenarios,
    run_scenario,
    with_curves,
)
from .views import (
    Outcome,
    complete_outcome,
    headline_chart_indicator,
    outcome_headline,
    recompute,
    scoreboard_frame,
    scoreboard_inside_html,
    scoreboard_outside_html,
    scoreboard_summary,
    table_html,
    trajectory_chart,
    year_summary,
)

__all__ = ["compiled_model", "calibration_stamp", "cached_posterior", "scenario_key", "run_key",
           "cached_run", "cached_compare", "cached_goal_seek", "cached_effects", "model_diagram",
           "full_outcome", "outcome_key", "settings_outcome", "ScoreboardParts",
           "scoreboard_parts", "with_curves_now", "headline_chart",
           "cached_probabilities", "known_probabilities", "probabilities_runner",
           "Store", "RUNS", "CURVES", "DISPLAYS", "STATUSES", "clear_stores",
           "calibration_staleness", "cached_curves",
           "with_known_curves", "with_computed_curves"]

#: Curves kept in the store of computed curves (a curve table is a few kB).
CURVE_STORE_SIZE = 256
#: Scoreboard runs kept (a result of 1,000 draws holds percentile tables: about 100 kB).
RUN_STORE_SIZE = 128
#: Scoreboard tables and HTML kept (a few tens of kB each).
DISPLAY_STORE_SIZE = 256


@st.cache_resource(show_spinner=False)
def compiled_model():
    """The compiled engine model (the engine also caches it; this keeps it warm)."""
    return load_model(MODEL_FILE)


def calibration_stamp(region: str) -> int:
    """Latest modification time of what the region's runs rest on (0 when there is none):
    the stored calibration, its forecast-error model and the observed history.

    Part of every cache key, so a recalibration, a new error model (``backtest
    --save-error-model``) or new data (``data add``) is picked up without restarting the app.
    """
    folder = calibration_dir(region)
    files = [folder / "point.yaml", folder / "posterior.csv", folder / ERROR_FILE,
             OBSERVED_FILE]
    return max((f.stat().st_mtime_ns for f in files if f.exists()), default=0)


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_posterior(region: str, stamp: int) -> Posterior:
    """The stored posterior of ``region`` (raises InputError when there is none)."""
    return load_posterior(region)


#: The fields of a scenario that do not change its runs (its names and texts, and its own
#: draws and seed: a run is asked for with draws and seed of its own).
_NOT_RUN_INPUTS = frozenset({"name", "title_en", "title_zh", "description", "rationale",
                             "description_zh", "rationale_zh", "draws", "seed"})


def scenario_key(scenario: Scenario) -> Hashable:
    """A hashable key equal for equal scenarios (every field), made of the scenario's fields
    as nested tuples: no text is written."""
    return frozen_dump(scenario.model_dump(exclude_none=True))


def run_key(scenario: Scenario) -> Hashable:
    """The key of the runs of ``scenario``: :func:`scenario_key` without what does not
    change them (name, titles, texts, own draws and seed), so that an edited copy and a
    saved scenario with the same settings share their runs."""
    return frozen_dump(scenario.model_dump(exclude_none=True, exclude=set(_NOT_RUN_INPUTS)))


def cached_probabilities(scenario: Scenario, draws: int, seed: int, stamp: int) -> np.ndarray:
    """:func:`~suzhou_sim.studies.effects.target_probabilities` of ``scenario`` on the stored
    posterior (kept in :data:`RUNS` for every session and the prefetcher, by
    :func:`run_key`)."""
    def make() -> np.ndarray:
        return target_probabilities(scenario, draws, seed,
                                    cached_posterior(scenario.region, stamp))
    return RUNS.get_or_make(("probabilities", run_key(scenario), draws, seed, stamp), make)


def known_probabilities(results: Iterable[ScenarioResult]) -> dict[Hashable, np.ndarray]:
    """The attribution's probabilities already in scenario results (their ``reached``: the
    same share of the same runs), by :func:`run_key` of their scenarios."""
    out = {}
    for res in results:
        if res is not None and res.reached:
            ids = [t.target_id for t in targets_for_region(res.scenario.region) if t.in_scope]
            out[run_key(res.scenario)] = np.array([res.reached[t] for t in ids])
    return out


def probabilities_runner(draws: int, seed: int, stamp: int,
                         known: Mapping[Hashable, np.ndarray] | None = None,
                         ) -> Callable[[Scenario], np.ndarray]:
    """``probabilities(scenario)`` for :func:`~suzhou_sim.studies.effects.attribute_changes`:
    taken from ``known`` (:func:`known_probabilities` of runs with these ``draws`` and
    ``seed``) when there, otherwise through the shared cache."""
    known = dict(known or {})

    def probabilities(scenario: Scenario) -> np.ndarray:
        key = run_key(scenario)
        if key in known:
            return known[key]
        return cached_probabilities(scenario, draws, seed, stamp)
    return probabilities


class Store:
    """Results any session computed, by key; the oldest are dropped beyond ``size``.

    Thread-safe (sessions and the prefetcher run in threads of their own). A value being
    made by one thread is waited for by the others that ask for it
    (:meth:`get_or_make`), not made twice. Values are shared, not copied: whoever reads one
    must not change it (the app builds new objects, e.g. ``dataclasses.replace``), and a
    ``make`` must not ask for its own key.

    Parameters
    ----------
    size : int
        Values kept; beyond, the least recently used is dropped.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._making: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable) -> Any | None:
        """The value of ``key``, or None when none was made (or it was dropped)."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value of ``key``: kept, being made by another thread (waited for), or made
        here by ``make()`` and kept."""
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                busy = self._making.get(key)
                if busy is None:
                    done = self._making[key] = threading.Event()
                    break
            busy.wait()  # then look again: kept, or the other thread failed
        try:
            value = make()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._making[key]
            done.set()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        """Forget every value (tests start from cold stores)."""
        with self._lock:
            self._items.clear()


#: Ensemble runs of the scoreboard (``run_scenario(..., curves=False)``), by settings.
RUNS = Store(RUN_STORE_SIZE)
#: Assumption curves, by run inputs, draws, seed and calibration stamp.
CURVES = Store(CURVE_STORE_SIZE)
#: What the app derives from runs for display (scoreboard tables and HTML), by its key.
DISPLAYS = Store(DISPLAY_STORE_SIZE)


#: The staleness of each region's calibration, by the modification times of its inputs.
STATUSES = Store(16)


def clear_stores() -> None:
    """Empty :data:`RUNS`, :data:`CURVES`, :data:`DISPLAYS` and :data:`STATUSES`."""
    for store in (RUNS, CURVES, DISPLAYS, STATUSES):
        store.clear()


def calibration_staleness(region: str, stamp: int) -> Staleness:
    """:func:`~suzhou_sim.calibration.provenance.calibration_status` of ``region``, checked
    again only when its calibration (``stamp``) or one of the files it fingerprints changes
    (by modification time: the check hashes their contents, too slow for every lever step)."""
    times = tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in status_files(region))
    return STATUSES.get_or_make((region, stamp, times), lambda: calibration_status(region))


def cached_curves(scenario: Scenario, draws: int, seed: int, stamp: int) -> pd.DataFrame:
    """:func:`~suzhou_sim.studies.scenario_runs.assumption_curves` of ``scenario`` on the
    stored posterior: taken from :data:`CURVES` when any session computed them, otherwise
    computed and kept there for every session (by :func:`run_key`)."""
    def make() -> pd.DataFrame:
        return assumption_curves(scenario, draws, seed, cached_posterior(scenario.region, stamp))
    return CURVES.get_or_make((run_key(scenario), draws, seed, stamp), make)


def with_known_curves(result: ScenarioResult, stamp: int) -> ScenarioResult:
    """``result`` (of ``run_scenario(..., curves=False)``) with its curves when some session
    computed them already; otherwise ``result`` itself (no computation here)."""
    if result.curves_done:
        return result
    curves = CURVES.get((run_key(result.scenario), result.draws, result.seed, stamp))
    return result if curves is None else _completed(result, curves, stamp)


def _completed(result: ScenarioResult, curves: pd.DataFrame, stamp: int) -> ScenarioResult:
    """``with_curves(result, curves)``, kept in :data:`RUNS` (joining the curves to the
    targets table is a tenth of a lever step)."""
    key = ("with curves", scenario_key(result.scenario), result.draws, result.seed, stamp)
    return RUNS.get_or_make(key, lambda: with_curves(result, curves))


def with_computed_curves(result: ScenarioResult, stamp: int) -> ScenarioResult:
    """``result`` with its curves, computed through :func:`cached_curves` when needed."""
    if result.curves_done:
        return result
    return _completed(result, cached_curves(result.scenario, result.draws, result.seed, stamp),
                      stamp)


# --- the views' studies ---------------------------------------------------------------------


def cached_run(scenario: Scenario, draws: int, seed: int, stamp: int) -> ScenarioResult:
    """Run ``scenario`` on the stored posterior, without the assumption curves, through the
    shared store of runs (:data:`RUNS`, by :func:`scenario_key`: made once for every session
    and the prefetcher): the scoreboard shows its numbers first and adds the curves
    (:func:`with_computed_curves`) when they are ready."""
    def make() -> ScenarioResult:
        return run_scenario(scenario, draws=draws, seed=seed,
                            posterior=cached_posterior(scenario.region, stamp), curves=False)
    return RUNS.get_or_make((scenario_key(scenario), draws, seed, stamp), make)


def run_cached(stamp: int) -> Callable[[Scenario, int, int], ScenarioResult]:
    """The app's runner for :func:`~suzhou_sim.app.views.recompute`: :func:`cached_run`
    with the calibration ``stamp``."""
    def run(scenario: Scenario, draws: int, seed: int) -> ScenarioResult:
        return cached_run(scenario, draws, seed, stamp)
    return run


@st.cache_data(show_spinner=False, max_entries=16)
def _compare(keys: tuple[Hashable, ...], _scenarios: tuple[Scenario, ...], draws: int,
             seed: int, stamp: int) -> pd.DataFrame:
    return compare_scenarios(list(_scenarios), draws=draws, seed=seed,
                             posterior=cached_posterior(_scenarios[0].region, stamp))


def cached_compare(scenarios: tuple[Scenario, ...], draws: int, seed: int,
                   stamp: int) -> pd.DataFrame:
    """compare_scenarios on ``scenarios``, shared by every session (keyed by their
    :func:`scenario_key`)."""
    return _compare(tuple(scenario_key(s) for s in scenarios), tuple(scenarios), draws, seed,
                    stamp)


@st.cache_data(show_spinner=False, max_entries=32)
def _goal_seek(key: Hashable, _scenario: Scenario, target: str, lever: str, period: str,
               probability: float, draws: int, seed: int,
               stamp: int) -> tuple[goal_seek.GoalSeekResult, ...]:
    answers = goal_seek.goal_seek_all(_scenario, target, lever, period, probability,
                                      draws=draws, seed=seed,
                                      posterior=cached_posterior(_scenario.region, stamp))
    if len(answers) != 1 and not all(a.band for a in answers):
        # a driver left free: the view fixes them all
        raise InputError(code="err.goal_fix_drivers", file=target)
    return tuple(answers)


def cached_goal_seek(scenario: Scenario, target: str, lever: str, period: str,
                     probability: float, draws: int, seed: int,
                     stamp: int) -> tuple[goal_seek.GoalSeekResult, ...]:
    """goal_seek_all on ``scenario``, shared by every session. A range target's drivers are
    fixed in the scenario (:func:`~suzhou_sim.app.goal_options.conditioned`), so its one
    answer is conditional on them; a prior-driven target gets one answer per band of its
    driving input (each conditional on its band), as the command line's goal-seek.

    Raises
    ------
    InputError
        A range target with a driver left free (more than one answer, none per band).
    """
    return _goal_seek(scenario_key(scenario), scenario, target, lever, period, probability,
                      draws, seed, stamp)


@st.cache_data(show_spinner=False, max_entries=8)
def _effects(key: Hashable, _scenario: Scenario, draws: int, seed: int,
             stamp: int) -> EffectsResult:
    return lever_effects(_scenario, draws=draws, seed=seed,
                         posterior=cached_posterior(_scenario.region, stamp))


def cached_effects(scenario: Scenario, draws: int, seed: int, stamp: int) -> EffectsResult:
    """lever_effects of ``scenario`` on the stored calibration, shared by every session."""
    return _effects(scenario_key(scenario), scenario, draws, seed, stamp)


@st.cache_data(show_spinner=False)
def model_diagram(mdl_stamp: int, readme_stamp: int, lang: str = "zh",
                  focus: str | None = None) -> str:
    """DOT text of the stock-and-flow diagram in ``lang``, whole or one sector (rebuilt
    when the model or README changes)."""
    structure = read_structure(MODEL_FILE)
    return structure_dot(structure, read_loops(structure=structure),
                         read_sectors(structure=structure), lang, focus)


# --- what the pages show of an outcome ------------------------------------------------------


def full_outcome(outcome: Outcome) -> Outcome:
    """``outcome`` with the assumption curves of all its runs (computed when needed)."""
    stamp = calibration_stamp(outcome.result.scenario.region)
    return complete_outcome(outcome, lambda res: with_computed_curves(res, stamp))


def outcome_key(outcome: Outcome) -> tuple:
    """What decides an outcome: the scenarios of its runs, their draws and seed, and the
    calibration's stamp and whether the current run's curves are in (the key of the display
    caches below)."""
    res = outcome.result
    runs = [res, outcome.baseline, outcome.modified]
    return (tuple(scenario_key(r.scenario) if r is not None else "" for r in runs),
            res.draws, res.seed, outcome.is_baseline, calibration_stamp(res.scenario.region),
            res.curves_done)


def cached_scoreboard(key: tuple, lang: str, outcome: Outcome,
                      fixed: tuple[tuple[str, float], ...] = ()
                      ) -> tuple[pd.DataFrame, str, str, tuple[str, ...]]:
    """The scoreboard table, its summary line, the per-year summary (as HTML) and the
    headline sentences of ``outcome``, whose :func:`outcome_key` is ``key``, with the
    driving assumptions ``fixed`` (shared by every session and the prefetcher through
    :data:`DISPLAYS`)."""
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


def headline_chart(outcome: Outcome, lang: str) -> dict | None:
    """The headline chart's specification (the fan chart of
    :func:`headline_chart_indicator` with its targets), shared through ``DISPLAYS``."""
    indicator = headline_chart_indicator(outcome.result)
    if indicator is None:
        return None
    return DISPLAYS.get_or_make(("headline chart", outcome_key(outcome), lang),
                                lambda: trajectory_chart(outcome, indicator, lang))
