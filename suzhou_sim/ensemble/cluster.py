"""Dask batches: the same chunks of runs as in process, made as tasks on a cluster.

Lives here: the client the kernel uses (:func:`use_client`, :func:`active_client`), making
one (:func:`dask_client`), the batch size, running a chunked ensemble on the cluster
(:func:`run_on_cluster`) and the per-batch progress of those runs
(:func:`use_batch_progress`, :func:`tqdm_batches`: a bar that moves once per finished
batch, which commands silence with ``--quiet``). Chunking never changes a run's inputs
or random streams, so the results are identical to the in-process run. Must not: build
inputs or know any study.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import numpy as np

from ..engine.errors import EngineError
from ..errors import InputError
from ..paths import PACKAGE_ROOT
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
    "BatchProgress",
    "use_batch_progress",
    "active_batch_progress",
    "tqdm_batches",
]

#: Runs per Dask task when no chunk is given: large enough that the per-task overhead
#: (scheduling, pickling inputs and outputs) stays small against the simulation itself.
DASK_BATCH = 5_000
#: Seconds to wait for a remote scheduler before ``--dask ADDRESS`` is refused.
CONNECT_TIMEOUT = 5

#: The client :func:`~suzhou_sim.ensemble.runs.run_ensemble` uses when none is passed.
_CLIENT: contextvars.ContextVar = contextvars.ContextVar("suzhou_sim_dask_client", default=None)
#: ``progress(batches_done, batches_total)`` after each finished Dask batch.
BatchProgress = Callable[[int, int], None]
#: The per-batch callback of :func:`use_batch_progress` (None: no batch progress).
_BATCHES: contextvars.ContextVar = contextvars.ContextVar("suzhou_sim_dask_batches",
                                                          default=None)


def _probe_scheduler(address: str, timeout: float) -> None:
    """Ask the scheduler at ``address`` who it is; :class:`TimeoutError` after ``timeout`` s.

    ``Client(address, timeout=...)`` waits for ever on a server that accepts the connection
    but never answers the handshake; this question has a hard deadline.
    """
    import asyncio

    from distributed.comm import connect

    async def ask() -> None:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            await comm.read()
        finally:
            comm.abort()

    async def ask_in_time() -> None:
        try:
            await asyncio.wait_for(ask(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no answer within {timeout:g} s") from None

    asyncio.run(ask_in_time())


def run_batch(model_file: str, params: dict, n: int, columns: list[str],
              final_time: float | None = None):
    """One chunk of runs on a Dask worker: the model is compiled once per worker process."""
    from ..engine import EnsembleResult

    res = compiled_model(Path(model_file)).run(params=params, n_runs=n, return_columns=columns,
                                               final_time=final_time)
    return EnsembleResult(res.times, {c: np.asarray(res[c]) for c in columns})


def run_on_cluster(client, model_file: Path, params: Mapping, n: int, columns: list[str],
                   progress: Callable[[int, int], None] | None, size: int,
                   final_time: float | None = None,
                   batches: BatchProgress | None = None) -> EnsembleResults:
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
    batches : callable, optional
        ``batches(done, total)`` in batches, once per finished batch (default the callback
        of :func:`use_batch_progress`, if any).

    Returns
    -------
    EnsembleResults

    Raises
    ------
    EngineError
        A batch whose workers died more often than the scheduler retries (a worker killed
        once is replaced and its batches rerun: the result is the same).
    """
    from distributed import KilledWorker, as_completed

    futures = {
        client.submit(run_batch, str(model_file), chunk_params(params, start, stop),
                      stop - start, list(columns), final_time, pure=False): i
        for i, (start, stop) in enumerate(
            (s, min(n, s + size)) for s in range(0, n, size))
    }
    parts: list = [None] * len(futures)
    done = 0
    batches = batches if batches is not None else active_batch_progress()
    for finished, future in enumerate(as_completed(futures), start=1):
        try:
            part = future.result()
        except KilledWorker as exc:  # a worker died on this batch again and again
            raise EngineError(code="engine.dask_killed", batch=futures[future] + 1,
                              batches=len(futures), detail=str(exc)) from None
        parts[futures[future]] = part
        done += part.n_runs
        if progress is not None:
            progress(done, n)
        if batches is not None:
            batches(finished, len(futures))
    return EnsembleResults(parts)


@contextlib.contextmanager
def use_batch_progress(callback: BatchProgress | None) -> Iterator[None]:
    """Within the block, every ensemble run on a cluster calls ``callback(done, total)``
    once per finished batch (``None``: no batch progress)."""
    token = _BATCHES.set(callback)
    try:
        yield
    finally:
        _BATCHES.reset(token)


def active_batch_progress() -> BatchProgress | None:
    """The callback set by :func:`use_batch_progress`, or None."""
    return _BATCHES.get()


@contextlib.contextmanager
def tqdm_batches(enabled: bool = True) -> Iterator[BatchProgress | None]:
    """A :data:`BatchProgress` drawing a tqdm bar of Dask batches on stderr (None if not
    ``enabled``). Each ensemble on the cluster starts the bar again at its own total."""
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(desc="Dask batches", unit="batch", leave=False)

    def update(done: int, total: int) -> None:
        if done == 1 or bar.total != total:
            bar.reset(total=total)
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


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
def dask_client(address: str | None, option: str = "--dask", *,
                batch_progress: bool = False) -> Iterator[object]:
    """A Dask client for ``address`` (None: yield None and run in process), made active.

    Parameters
    ----------
    address : str or None
        ``local`` starts a :class:`distributed.LocalCluster` with one single-threaded worker
        process per core of this machine; anything else is a scheduler address such as
        ``tcp://host:8786``.
    option : str
        Name of the option in error messages.
    batch_progress : bool
        Draw a tqdm bar that moves once per finished batch (:func:`tqdm_batches`) while
        the client is active; commands pass ``not args.quiet``.

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
            path = os.pathsep.join(p for p in (str(PACKAGE_ROOT),
                                               os.environ.get("PYTHONPATH")) if p)
            cluster = stack.enter_context(LocalCluster(
                n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, env={"PYTHONPATH": path}))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                _probe_scheduler(address, CONNECT_TIMEOUT)  # a server that never answers
                client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(code="err.dask_unreachable", file=option, address=address,
                                 reason=str(exc)) from None
            stack.enter_context(client)
        stack.enter_context(use_client(client))
        bar = stack.enter_context(tqdm_batches(batch_progress))
        stack.enter_context(use_batch_progress(bar))
        yield client
