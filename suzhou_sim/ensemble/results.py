"""Results of an ensemble made in pieces: chunks joined along the run axis, runs sliced out.

Only the result containers and the chunking of inputs live here; nothing that runs the model.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["EnsembleResults", "RunSlice", "chunk_params"]


class EnsembleResults:
    """Engine results of consecutive run chunks, joined along the run axis on demand.

    Behaves like the engine's result for reading: ``results[name]`` is an ``(n, T)`` array
    and ``results.times`` the save times.
    """

    def __init__(self, parts: list) -> None:
        self.times = np.asarray(parts[0].times, dtype=float)
        self._parts = parts
        self._cache: dict[str, np.ndarray] = {}
        self.n_runs = sum(p.n_runs for p in parts)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if len(self._parts) == 1:
                self._cache[name] = np.asarray(self._parts[0][name])
            else:
                self._cache[name] = np.concatenate([np.asarray(p[name]) for p in self._parts])
        return self._cache[name]


class RunSlice:
    """Runs ``start:stop`` of a result (same interface: ``times``, ``n_runs``, ``[name]``).

    Studies that stack several cases into one ensemble (values of a lever, values of an
    assumption) read each case's runs through a slice.
    """

    def __init__(self, results, start: int, stop: int) -> None:
        self.times, self._results, self._rows = results.times, results, slice(start, stop)
        self.n_runs = stop - start

    def __getitem__(self, name: str) -> np.ndarray:
        return np.asarray(self._results[name])[self._rows]


def chunk_params(params: Mapping[str, float | np.ndarray], start: int, stop: int) -> dict:
    """Inputs of runs ``start:stop``: per-run arrays sliced, scalars kept.

    Parameters
    ----------
    params : mapping
        Model constants; scalars apply to every run, arrays hold one value per run.
    start, stop : int
        The runs wanted.

    Returns
    -------
    dict
    """
    return {k: (v[start:stop] if np.ndim(v) else v) for k, v in params.items()}
