"""Dask batches: the same chunks of runs as in process, made as tasks on a cluster.

Lives here: the client the kernel uses (:func:`use_client`, :func:`active_client`), making
one (:func:`dask_client`), the batch size and running a chunked ensemble on the cluster
(:func:`run_on_cluster`). Chunking never changes a run's inputs or random streams, so the
results are identical to the in-process run. Must not: build inputs or know any study.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np

from ..errors import InputError
from .compiled import compiled_model
from .results import EnsembleResults, chunk_params

__all__ = [
    "DASK_BATCH",
    "CONNECT_TIMEOUT",
    "dask_client",
    "use_client",
    "active_client",
    "run_batch",
    "run_on_cluster",
]

#: Runs per Dask task when no chunk is given: large enough that the per-task overhead
#: (scheduling, pickling inputs and outputs) stays small against the simulation itself.
DASK_BATCH = 5_000
#: Seconds to wait for a remote scheduler before ``--dask ADDRESS`` is refused.
CONNECT_TIMEOUT = 5

#: Folder holding this package, put first on the workers' path by ``dask_client("local")``.
PACKAGE_PARENT = Path(__file__).resolve().parents[2]

#: The client :func:`~suzhou_sim.ensemble.runs.run_ensemble` uses when none is passed.
_CLIENT: contextvars.ContextVar = contextvars.ContextVar("suzhou_sim_dask_client", default=None)


def run_batch(model_file: str, params: dict, n: int, columns: list[str],
              final_time: float | None = None):
    """One chunk of runs on a Dask worker: the model is compiled once per worker process."""
    from ..engine import EnsembleResult

    res = compiled_model(Path(model_file)).run(params=params, n_runs=n, return_columns=columns,
                                               final_time=final_time)
    return EnsembleResult(res.times, {c: np.asarray(res[c]) for c in columns})


def run_on_cluster(client, model_file: Path, params: Mapping, n: int, columns: list[str],
                   progress: Callable[[int, int], None] | None, size: int,
                   final_time: float | None = None) -> EnsembleResults:
    """Run ``n`` runs as tasks of ``size`` runs each on ``client`` and join them in order.

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    model_file : Path
        The model each worker compiles (once per worker process).
    params : mapping
        Model constants of the ``n`` runs (scalars or per-run arrays).
    n : int
        Number of runs.
    columns : list of str
        Variables to keep.
    progress : callable or None
        ``progress(done, total)`` as batches finish.
    size : int
        Runs per task.
    final_time : float, optional
        Stop the runs at this model time.

    Returns
    -------
    EnsembleResults
    """
    from distributed import as_completed

    futures = {
        client.submit(run_batch, str(model_file), chunk_params(params, start, stop),
                      stop - start, list(columns), final_time, pure=False): i
        for i, (start, stop) in enumerate(
            (s, min(n, s + size)) for s in range(0, n, size))
    }
    parts: list = [None] * len(futures)
    done = 0
    for future in as_completed(futures):
        part = future.result()
        parts[futures[future]] = part
        done += part.n_runs
        if progress is not None:
            progress(done, n)
    return EnsembleResults(parts)


@contextlib.contextmanager
def use_client(client) -> Iterator[None]:
    """Within the block, :func:`~suzhou_sim.ensemble.runs.run_ensemble` runs on ``client``.

    ``None`` keeps the runs in process. Lets commands whose studies run ensembles deep
    inside (scenario runs, sensitivity) move to a cluster without threading a client through
    every function.
    """
    token = _CLIENT.set(client)
    try:
        yield
    finally:
        _CLIENT.reset(token)


def active_client():
    """The client set by :func:`use_client`, or None when runs stay in process."""
    return _CLIENT.get()


@contextlib.contextmanager
def dask_client(address: str | None, option: str = "--dask") -> Iterator[object]:
    """A Dask client for ``address`` (None: yield None and run in process), made active.

    Parameters
    ----------
    address : str or None
        ``local`` starts a :class:`distributed.LocalCluster` with one single-threaded worker
        process per core of this machine; anything else is a scheduler address such as
        ``tcp://host:8786``.
    option : str
        Name of the option in error messages.

    Raises
    ------
    InputError
        When the scheduler cannot be reached within :data:`CONNECT_TIMEOUT` seconds.
    """
    if address is None:
        yield None
        return
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if address == "local":
            # Workers import this very package (not another installed copy) so that their
            # results are the client's.
            path = os.pathsep.join(p for p in (str(PACKAGE_PARENT),
                                               os.environ.get("PYTHONPATH")) if p)
            cluster = stack.enter_context(LocalCluster(
                n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, env={"PYTHONPATH": path}))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    f"{option}: cannot reach a Dask scheduler at {address!r} ({exc}); "
                    "give 'local' or a reachable address such as tcp://host:8786") from None
            stack.enter_context(client)
        stack.enter_context(use_client(client))
        yield client
