"""What every session of the app shares: Streamlit caches of inputs and of ensemble runs.

Lives here: the compiled model and the stored posteriors (``st.cache_resource``: one object
for the whole server, never copied), the modification stamp of a region's calibration that
is part of every cache key (a recalibration is picked up without a restart), and the
per-target probabilities of the attribution under the scoreboard (``st.cache_data`` keyed on
the scenario's run inputs, so planners with the same settings share the runs; the baseline's
and the current settings' probabilities are read from their scoreboard runs, so an edit of
one lever needs no run of its own).

Must not: compute model numbers itself (they come from ``studies/``), read session state or
draw anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import streamlit as st

from ..calibration.posterior import Posterior, load_posterior
from ..catalogues.scenarios import Scenario, scenario_to_yaml
from ..catalogues.targets import targets_for_region
from ..engine import load_model
from ..paths import MODEL_FILE, calibration_dir
from ..studies.effects import target_probabilities
from ..studies.scenario_runs import ScenarioResult
from .state import scenario_from_yaml

__all__ = ["compiled_model", "calibration_stamp", "cached_posterior", "run_inputs_yaml",
           "cached_probabilities", "known_probabilities", "probabilities_runner"]


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
                                        "description": "", "rationale": "run", "draws": 1,
                                        "seed": 0})
    return scenario_to_yaml(plain)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_probabilities(inputs_yaml: str, draws: int, seed: int, stamp: int) -> np.ndarray:
    """:func:`~suzhou_sim.studies.effects.target_probabilities` of a scenario given by
    :func:`run_inputs_yaml`, on the stored posterior (cached for every session)."""
    scenario = scenario_from_yaml(inputs_yaml)
    return target_probabilities(scenario, draws, seed,
                                cached_posterior(scenario.region, stamp))


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
