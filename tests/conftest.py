"""Shared fixtures and paths for the test suite; in CI a skipped test fails (``ci_skips``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.ci_skips", "pytester"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PEER_MODELS = SHARED / "peer-models"
MODEL_FILE = REPO / "model" / "innovation_cluster.mdl"


@pytest.fixture(scope="session")
def model_file() -> Path:
    return MODEL_FILE


@pytest.fixture(scope="module")
def posterior_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the stand-in calibration (``tests/posterior_fixture.py``), one per module."""
    from tests.posterior_fixture import write_fixture_posterior

    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


@pytest.fixture(autouse=True, scope="session")
def ir_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """The engine's stored IRs (``suzhou_sim.engine.ir_cache``) of this test session go to
    a temporary folder, not the user's ``~/.cache``; child processes inherit it."""
    from suzhou_sim.engine.ir_cache import CACHE_ENV

    old = os.environ.get(CACHE_ENV)
    folder = tmp_path_factory.mktemp("ir-cache")
    os.environ[CACHE_ENV] = str(folder)
    yield folder
    if old is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = old
