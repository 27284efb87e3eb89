"""The engine package's public names (``engine/__init__.py``): re-exported, the heavy ones
imported on first use."""

from __future__ import annotations

import pytest

import suzhou_sim.engine as engine


def test_every_public_name_is_the_one_of_its_module():
    from suzhou_sim.engine.errors import EngineError
    from suzhou_sim.engine.model import CompiledModel, load_model
    from suzhou_sim.engine.results import EnsembleResult
    from suzhou_sim.engine.simulate import simulate_to_csv

    assert engine.load_model is load_model and engine.CompiledModel is CompiledModel
    assert engine.EnsembleResult is EnsembleResult and engine.simulate_to_csv is simulate_to_csv
    assert engine.EngineError is EngineError
    assert set(engine.__all__) <= set(dir(engine))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'load_modle'"):
        engine.load_modle  # noqa: B018
