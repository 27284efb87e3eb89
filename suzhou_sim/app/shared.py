"""What every session of the app shares: Streamlit caches of inputs and of ensemble runs.

Lives here: the compiled model and the stored posteriors (``st.cache_resource``: one object
for the whole server, never copied), the modification stamp of a region's calibration that
is part of every cache key (a recalibration is picked up without a restart), the stores of
scoreboard runs, curves, display tables and calibration staleness (:class:`Store`: plain
thread-safe objects, so that the prefetcher's thread, which has no Streamlit context, fills
them too), and the
per-target probabilities of the attribution under the scoreboard (``st.cache_data`` keyed on
the scenario's run inputs, so planners with the same settings share the runs; the baseline's
and the current settings' probabilities are read from their scoreboard runs, so an edit of
one lever needs no run of its own), and the probability curves of assumption-driven targets
(computed after the scoreboard's first step and kept in one store keyed on the run inputs,
which also lets a rerun show them at once instead of a "computing" placeholder).

Must not: compute model numbers itself (they come from ``studies/``), read session state or
draw anything.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from ..calibration.posterior import Posterior, load_posterior
from ..calibration.provenance import Staleness, calibration_status, status_files
from ..catalogues.scenarios import Scenario, scenario_to_yaml
from ..catalogues.targets import targets_for_region
from ..engine import load_model
from ..paths import MODEL_FILE, calibration_dir
from ..studies.effects import target_probabilities
from ..studies.scenario_runs import ScenarioResult, assumption_curves, with_curves
from .state import scenario_from_yaml

__all__ = ["compiled_model", "calibration_stamp", "cached_posterior", "run_inputs_yaml",
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


def run_inputs_yaml(scenario: Scenario) -> str:
    """YAML text of ``scenario`` without what does not change its runs (name, titles,
    description, rationale, own draws and seed): the key of cached runs, so that an edited
    copy and a saved scenario with the same settings share them."""
    plain = scenario.model_copy(update={"name": "run", "title_en": "run", "title_zh": "run",
                                        "description": "", "rationale": "run",
                                        "description_zh": "", "rationale_zh": "", "draws": 1,
                                        "seed": 0})
    return scenario_to_yaml(plain)


def cached_probabilities(inputs_yaml: str, draws: int, seed: int, stamp: int) -> np.ndarray:
    """:func:`~suzhou_sim.studies.effects.target_probabilities` of a scenario given by
    :func:`run_inputs_yaml`, on the stored posterior (kept in :data:`RUNS` for every session
    and the prefetcher)."""
    def make() -> np.ndarray:
        scenario = scenario_from_yaml(inputs_yaml)
        return target_probabilities(scenario, draws, seed,
                                    cached_posterior(scenario.region, stamp))
    return RUNS.get_or_make(("probabilities", inputs_yaml, draws, seed, stamp), make)


def known_probabilities(results: Iterable[ScenarioResult]) -> dict[str, np.ndarray]:
    """The attribution's probabilities already in scenario results (their ``reached``: the
    same share of the same runs), by :func:`run_inputs_yaml` of their scenarios."""
    out = {}
    for res in results:
        if res is not None and res.reached:
            ids = [t.target_id for t in targets_for_region(res.scenario.region) if t.in_scope]
            out[run_inputs_yaml(res.scenario)] = np.array([res.reached[t] for t in ids])
    return out


def probabilities_runner(draws: int, seed: int, stamp: int,
                         known: Mapping[str, np.ndarray] | None = None,
                         ) -> Callable[[Scenario], np.ndarray]:
    """``probabilities(scenario)`` for :func:`~suzhou_sim.studies.effects.attribute_changes`:
    taken from ``known`` (:func:`known_probabilities` of runs with these ``draws`` and
    ``seed``) when there, otherwise through the shared cache."""
    known = dict(known or {})

    def probabilities(scenario: Scenario) -> np.ndarray:
        key = run_inputs_yaml(scenario)
        if key in known:
            return known[key]
        return cached_probabilities(key, draws, seed, stamp)
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


def cached_curves(inputs_yaml: str, draws: int, seed: int, stamp: int) -> pd.DataFrame:
    """:func:`~suzhou_sim.studies.scenario_runs.assumption_curves` of a scenario given by
    :func:`run_inputs_yaml`, on the stored posterior: taken from :data:`CURVES` when any
    session computed them, otherwise computed and kept there for every session."""
    def make() -> pd.DataFrame:
        scenario = scenario_from_yaml(inputs_yaml)
        return assumption_curves(scenario, draws, seed, cached_posterior(scenario.region, stamp))
    return CURVES.get_or_make((inputs_yaml, draws, seed, stamp), make)


def _curve_key(result: ScenarioResult, stamp: int) -> tuple:
    return run_inputs_yaml(result.scenario), result.draws, result.seed, stamp


def with_known_curves(result: ScenarioResult, stamp: int) -> ScenarioResult:
    """``result`` (of ``run_scenario(..., curves=False)``) with its curves when some session
    computed them already; otherwise ``result`` itself (no computation here)."""
    if result.curves_done:
        return result
    curves = CURVES.get(_curve_key(result, stamp))
    return result if curves is None else _completed(result, curves, stamp)


def _completed(result: ScenarioResult, curves: pd.DataFrame, stamp: int) -> ScenarioResult:
    """``with_curves(result, curves)``, kept in :data:`RUNS` (joining the curves to the
    targets table is a tenth of a lever step)."""
    key = ("with curves", scenario_to_yaml(result.scenario), result.draws, result.seed, stamp)
    return RUNS.get_or_make(key, lambda: with_curves(result, curves))


def with_computed_curves(result: ScenarioResult, stamp: int) -> ScenarioResult:
    """``result`` with its curves, computed through :func:`cached_curves` when needed."""
    if result.curves_done:
        return result
    return _completed(result, cached_curves(*_curve_key(result, stamp)), stamp)
