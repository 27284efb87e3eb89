"""Chunked ensemble runs: any parameter set of the compiled model, with one progress callback.

Lives here: :func:`run_ensemble` (in chunks, in process or as Dask batches through
``cluster``), :func:`run_plans` (several plans on the same draws, plans × draws stacked per
engine call within the draws limit) and a tqdm progress bar. Scenario runs, goal seeking,
sensitivity studies, calibration's model calls and every newer study call these functions.

Must not live here: building inputs (``inputs``), target scoring, series tables or wording
(``catalogues.targets``, ``studies.scenario_runs``, ``reporting``), file output, or any
knowledge of a particular study.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping

import numpy as np

from ..limits import MAX_DRAWS, check_draws
from .cluster import DASK_BATCH, active_client, run_on_cluster
from .compiled import compiled_model
from .results import EnsembleResults, chunk_params

__all__ = [
    "Progress",
    "DEFAULT_CHUNK",
    "run_ensemble",
    "run_plans",
    "tqdm_progress",
]

#: Runs per engine call when progress is reported or memory matters: large enough to stay
#: vectorised, small enough for a responsive progress bar.
DEFAULT_CHUNK = 250

#: Progress callback: ``progress(done, total)`` after each chunk of runs.
Progress = Callable[[int, int], None]


def run_ensemble(
    params: Mapping[str, float | np.ndarray],
    n: int,
    columns: list[str],
    *,
    progress: Progress | None = None,
    chunk: int | None = None,
    model=None,
    client=None,
    final_time: float | None = None,
) -> EnsembleResults:
    """Run ``n`` parameter sets of the compiled model and return the requested columns.

    Parameters
    ----------
    params : mapping
        Model constants; scalars apply to every run, arrays of length ``n`` per run.
    n : int
        Number of runs (within the draws limit).
    columns : list of str
        Variables to keep.
    progress : callable, optional
        ``progress(done, total)`` after each chunk. With a callback the runs are made in
        chunks of ``chunk`` (default :data:`DEFAULT_CHUNK`); without, in one call.
    chunk : int, optional
        Runs per engine call.
    model : CompiledModel, optional
        Another compiled model (tests, toy models); default :func:`compiled_model`.
    client : distributed.Client, optional
        Run the chunks as tasks on this Dask cluster (default: the client of
        :func:`~suzhou_sim.ensemble.cluster.use_client`, if any). Chunks default to
        :data:`~suzhou_sim.ensemble.cluster.DASK_BATCH` runs; the result is identical to
        the in-process run (each run depends only on its own inputs).
    final_time : float, optional
        Stop the runs at this model time (calibration needs only the observed years).

    Returns
    -------
    EnsembleResults
    """
    n = check_draws(n)
    model = compiled_model() if model is None else model
    client = client if client is not None else active_client()
    if client is not None:
        return run_on_cluster(client, model.path, params, n, columns, progress,
                              chunk or DASK_BATCH, final_time)
    size = chunk or (DEFAULT_CHUNK if progress is not None else n)
    parts = []
    for start in range(0, n, size):
        stop = min(n, start + size)
        piece = params if (start == 0 and stop == n) else chunk_params(params, start, stop)
        parts.append(model.run(params=piece, n_runs=stop - start, return_columns=columns,
                               final_time=final_time))
        if progress is not None:
            progress(stop, n)
    return EnsembleResults(parts)


def run_plans(
    base: Mapping[str, float | np.ndarray],
    n: int,
    plans: Mapping[str, np.ndarray],
    columns: list[str],
    *,
    client=None,
) -> Iterator[tuple[int, int, EnsembleResults]]:
    """Run several plans on the same ``n`` draws, plans × draws stacked per engine call.

    Parameters
    ----------
    base : mapping
        Ensemble inputs of ``n`` runs
        (:func:`~suzhou_sim.ensemble.inputs.scenario_inputs`): common random numbers.
    n : int
        Runs per plan.
    plans : mapping
        Constant name -> array of one value per plan (all the same length ``m``).
    columns : list of str
        Variables to keep.
    client : distributed.Client, optional
        As for :func:`run_ensemble`.

    Yields
    ------
    (start, stop, EnsembleResults)
        Plans ``start:stop`` with their runs in plan-major order (``(stop - start) * n``).
    """
    m = len(next(iter(plans.values()))) if plans else 1
    per_call = max(1, MAX_DRAWS // n)
    for start in range(0, m, per_call):
        stop = min(m, start + per_call)
        k = stop - start
        params = {name: (np.tile(v, k) if np.ndim(v) else v) for name, v in base.items()}
        for name, values in plans.items():
            params[name] = np.repeat(np.asarray(values, dtype=float)[start:stop], n)
        yield start, stop, run_ensemble(params, k * n, columns, client=client)


@contextlib.contextmanager
def tqdm_progress(desc: str, enabled: bool = True) -> Iterator[Progress | None]:
    """A :data:`Progress` callback drawing a tqdm bar on stderr (None when disabled)."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, unit="run", leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()
