"""Shared fixtures and paths for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PEER_MODELS = SHARED / "peer-models"
MODEL_FILE = REPO / "model" / "innovation_cluster.mdl"


@pytest.fixture(scope="session")
def model_file() -> Path:
    return MODEL_FILE
