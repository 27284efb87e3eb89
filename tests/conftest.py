"""Shared fixtures and paths for the test suite; in CI a skipped test fails (``ci_skips``)."""

from __future__ import annotations

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
