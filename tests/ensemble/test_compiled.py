"""The compiled model is compiled once per process (``ensemble/compiled.py``)."""

from __future__ import annotations

from suzhou_sim.ensemble.compiled import compiled_model
from suzhou_sim.paths import MODEL_FILE


def test_the_model_is_compiled_once_per_file():
    first = compiled_model()
    assert compiled_model(MODEL_FILE) is first and first.path == MODEL_FILE
    assert "Special fund 15th" in first.constants
