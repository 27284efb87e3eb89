"""suzhou_sim: system-dynamics scenario simulator for Suzhou's innovation-cluster targets.

This module only re-exports the public API of the subpackages as a flat ``__all__``;
it must not hold logic.
"""

from .engine import (
    CompiledModel,
    EngineError,
    EnsembleResult,
    UnsupportedConstructError,
    load_model,
    simulate_to_csv,
)

__all__ = [
    "CompiledModel",
    "EngineError",
    "EnsembleResult",
    "UnsupportedConstructError",
    "load_model",
    "simulate_to_csv",
]
