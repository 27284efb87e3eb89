"""Input layering and common random numbers: what each run of a scenario's ensemble gets.

Lives here: the one definition of the layering (``.mdl`` defaults <- region constants <-
calibrated parameters <- assumption draws <- lever constants), the seeds that make the same
``(n, seed)`` give every scenario of a region the same draws, and the check that every input
is a constant of the model. Must not: load or store a posterior (a posterior is anything
with ``sample(n, seed)``, see :class:`ParameterSample`), run the model or score targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np

from ..catalogues.regions import load_region
from ..catalogues.scenarios import Scenario, lever_constants, sample_assumptions
from ..errors import InputError
from ..limits import check_draws
from ..paths import MODEL_FILE
from ..wording.problems import Names
from .compiled import compiled_model

__all__ = [
    "ParameterSample",
    "posterior_seed",
    "layered_inputs",
    "scenario_inputs",
    "check_constants",
]


class ParameterSample(Protocol):
    """Calibrated parameter sets that can be drawn from (e.g. a stored posterior)."""

    def sample(self, n: int, seed: int) -> Mapping[str, np.ndarray]:
        """``n`` parameter sets drawn with ``seed``, one column per parameter."""
        ...


def posterior_seed(seed: int) -> int:
    """Seed of the posterior-row stream for ensemble seed ``seed``.

    An independent stream: reusing ``seed`` itself would correlate the row permutation with
    the first column of the assumption matrix.
    """
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def layered_inputs(
    scenario: Scenario,
    calibrated: Mapping[str, float | np.ndarray],
    assumptions: Mapping[str, float | np.ndarray],
) -> dict[str, float | np.ndarray]:
    """Model inputs of a scenario, later layers overriding earlier ones.

    ``.mdl`` defaults (implicit) <- region constants <- calibrated parameters <- assumptions
    <- the scenario's lever constants. Values may be scalars or per-run arrays; this is the
    one definition of the layering for every study.
    """
    params: dict[str, float | np.ndarray] = dict(load_region(scenario.region).constants)
    params.update(calibrated)
    params.update(assumptions)
    params.update(lever_constants(scenario))
    return params


def scenario_inputs(
    scenario: Scenario, n: int, seed: int, posterior: ParameterSample
) -> dict[str, float | np.ndarray]:
    """Ensemble inputs of a scenario: ``n`` posterior rows × assumption draws × its levers.

    Common random numbers: the same ``(n, seed)`` gives the same posterior rows and the same
    assumption quantiles for every scenario of a region, so differences between scenarios
    come from policy alone.

    Raises
    ------
    InputError
        When ``n`` is outside the draws limit or an input is not a constant of the model.
    """
    n = check_draws(n)
    params = layered_inputs(scenario, posterior.sample(n, posterior_seed(seed)),
                            sample_assumptions(scenario, n, seed))
    check_constants(params)
    return params


def check_constants(params: Mapping[str, object]) -> None:
    """Refuse inputs that are not constants of the model (a typo would otherwise be ignored)."""
    unknown = sorted(set(params) - set(compiled_model().constants))
    if unknown:
        raise InputError(code="err.not_constants", model=MODEL_FILE.name, names=Names(unknown))
