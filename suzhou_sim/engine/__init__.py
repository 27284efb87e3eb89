"""Ensemble simulation engine: Vensim ``.mdl`` -> vectorised numpy code over many runs.

Stages, one module each: :mod:`.parse` (file -> PySD abstract model), :mod:`.ir`
(abstract model -> engine nodes, states and dependency graphs), :mod:`.codegen`
(IR -> compiled Python/numpy function), :mod:`.model` (loading and running),
:mod:`.results` (output container), :mod:`.functions` (builtins used by generated code)
and :mod:`.simulate` (the ``simulate`` CLI command).

This package module only re-exports the public API; it must not hold logic.
"""

from .errors import EngineError, UnsupportedConstructError
from .model import CompiledModel, load_model
from .results import EnsembleResult
from .simulate import simulate_to_csv

__all__ = [
    "CompiledModel",
    "EngineError",
    "EnsembleResult",
    "UnsupportedConstructError",
    "load_model",
    "simulate_to_csv",
]
