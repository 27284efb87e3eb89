"""Fixtures of the ensemble-kernel tests: the stand-in calibration and two scenarios."""

from __future__ import annotations

import pytest

from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior


@pytest.fixture(scope="module")
def posterior(tmp_path_factory):
    """The stand-in posterior of Suzhou (50 sets)."""
    root = write_fixture_posterior(tmp_path_factory.mktemp("calibration"))
    return load_posterior("suzhou", root / "suzhou")


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(SCENARIOS_DIR / "baseline.yaml")


@pytest.fixture(scope="module")
def talent_first():
    return load_scenario(SCENARIOS_DIR / "talent_first.yaml")
