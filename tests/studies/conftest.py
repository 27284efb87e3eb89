"""Fixtures shared by the study tests: the stand-in calibration and the baseline scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    """Folder of the stand-in calibration (both regions)."""
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


@pytest.fixture(scope="module")
def baseline():
    """The Suzhou baseline scenario."""
    return load_scenario(SCENARIOS_DIR / "baseline.yaml")
