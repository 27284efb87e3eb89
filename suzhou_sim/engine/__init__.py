"""Ensemble simulation engine: Vensim ``.mdl`` -> vectorised numpy code over many runs.

Stages, one module each: :mod:`.parse` (file -> PySD abstract model), :mod:`.ir`
(abstract model -> engine nodes, states and dependency graphs), :mod:`.codegen`
(IR -> compiled Python/numpy function), :mod:`.model` (loading and running),
:mod:`.results` (output container), :mod:`.functions` (builtins used by generated code)
and :mod:`.simulate` (the ``simulate`` CLI command).

This package module only re-exports the public API; it must not hold logic.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import EngineError, UnsupportedConstructError

#: Public name -> module, imported on first use (PEP 562): ``engine.errors`` (imported by the
#: command line's error handler) does not pull in PySD's translator with the compiler.
_EXPORTS = {"CompiledModel": "model", "load_model": "model", "EnsembleResult": "results",
            "simulate_to_csv": "simulate"}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """Import a public name of :data:`__all__` on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
