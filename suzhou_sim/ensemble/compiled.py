"""The compiled ensemble model, compiled once per process (and once per Dask worker).

Only the cache of compiled models lives here; running them is ``runs`` and ``cluster``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..paths import MODEL_FILE

__all__ = ["compiled_model"]


@lru_cache(maxsize=4)
def compiled_model(model_file: Path = MODEL_FILE):
    """The compiled ensemble model of ``model_file``, compiled once per process.

    Parameters
    ----------
    model_file : Path
        A Vensim model; default the project's model.

    Returns
    -------
    CompiledModel
    """
    from ..engine import load_model  # imported late: the engine compiles on first use

    return load_model(model_file)
