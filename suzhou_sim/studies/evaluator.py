"""The one evaluator every study uses to run ensembles of the compiled model.

What lives here (after the EMA workbench's single evaluator): the compiled model (compiled
once per process), the draws limit, the input layering of a scenario
(``.mdl`` defaults <- region constants <- calibrated parameters <- assumption draws <- lever
constants), the common random numbers that make scenarios comparable, and
:func:`run_ensemble`, which runs any parameter set in chunks and reports progress through
one callback. With a Dask client (:func:`dask_client`, or ``client=`` / :func:`use_client`)
the same chunks run as tasks on the cluster: chunking never changes a run's inputs or random
streams, so the results are identical to the in-process run. Scenario runs, goal seeking,
sensitivity studies, calibration's model calls and every newer study call these functions;
nothing else builds ensemble inputs or calls the engine for an ensemble.

What must not live here: target scoring, series tables or wording (``catalogues.targets``,
``studies.scenario_runs``, ``reporting``), file output, or any knowledge of a particular study.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..calibration.posterior import Posterior, load_posterior
from ..calibration.provenance import StaleCalibrationWarning, Staleness, calibration_status
from ..catalogues.regions import load_region
from ..catalogues.scenarios import Scenario, lever_constants, sample_assumptions
from ..errors import InputError
from ..paths import MODEL_FILE

__all__ = [
    "MAX_DRAWS",
    "Progress",
    "EnsembleResults",
    "RunSlice",
    "check_draws",
    "compiled_model",
    "resolve_posterior",
    "check_calibration",
    "posterior_seed",
    "layered_inputs",
    "scenario_inputs",
    "run_ensemble",
    "run_plans",
    "tqdm_progress",
    "DASK_BATCH",
    "dask_client",
    "use_client",
    "active_client",
]

#: The largest ensemble any study runs in one go (memory: ~2 kB per run and saved variable).
MAX_DRAWS = 100_000
#: Runs per engine call when progress is reported or memory matters: large enough to stay
#: vectorised, small enough for a responsive progress bar.
DEFAULT_CHUNK = 250

#: Runs per Dask task when no chunk is given: large enough that the per-task overhead
#: (scheduling, pickling inputs and outputs) stays small against the simulation itself.
DASK_BATCH = 5_000
#: Seconds to wait for a remote scheduler before ``--dask ADDRESS`` is refused.
CONNECT_TIMEOUT = 5

#: Folder holding this package, put first on the workers' path by ``dask_client("local")``.
PACKAGE_PARENT = Path(__file__).resolve().parents[2]

#: The client :func:`run_ensemble` uses when none is passed (set by :func:`use_client`).
_CLIENT: contextvars.ContextVar = contextvars.ContextVar("suzhou_sim_dask_client", default=None)

#: Progress callback: ``progress(done, total)`` after each chunk of runs.
Progress = Callable[[int, int], None]


def check_draws(n: object, what: str = "draws", maximum: int = MAX_DRAWS) -> int:
    """``n`` as a whole number of runs within 1..``maximum``, else :class:`InputError`.

    Parameters
    ----------
    n : object
        The requested number (booleans and non-integral numbers are refused).
    what : str
        Name of the field in the message (``draws``, ``--draws``, ``--samples``, ...).
    maximum : int
        Upper limit; defaults to :data:`MAX_DRAWS`.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer | float) or (
            isinstance(n, float) and not float(n).is_integer()):
        raise InputError(f"{what}: {n!r} is not a whole number (allowed: 1-{maximum})")
    value = int(n)
    if not 1 <= value <= maximum:
        raise InputError(f"{what}: {value} is outside the allowed range 1-{maximum}")
    return value


@lru_cache(maxsize=4)
def compiled_model(model_file: Path = MODEL_FILE):
    """The compiled ensemble model of ``model_file``, compiled once per process."""
    from ..engine import load_model  # imported late: the engine compiles on first use

    return load_model(model_file)


def resolve_posterior(
    posterior: Posterior | str | Path | None, region: str
) -> tuple[Posterior, str]:
    """The calibrated posterior to use and a description of where it came from.

    Parameters
    ----------
    posterior : Posterior, path or None
        A loaded posterior; or a folder holding ``point.yaml``/``posterior.csv`` directly or
        in ``<region>/`` (like ``model/calibration``); or None for the stored calibration.
    region : str
        Region of the scenario; a loaded posterior must belong to it.

    Warns
    -----
    StaleCalibrationWarning
        When a calibration read from files no longer matches the model, data or parameter
        specification it was fitted to (see :func:`check_calibration`).
    """
    if isinstance(posterior, Posterior):
        if posterior.region != region:
            raise InputError(
                f"the posterior belongs to region {posterior.region!r}, the scenario to {region!r}"
            )
        return posterior, f"posterior of {region} ({len(posterior.draws)} sets, given)"
    if posterior is None:
        post = load_posterior(region)
        check_calibration(region)
        return post, f"stored calibration of {region} ({len(post.draws)} sets)"
    folder = Path(posterior)
    if not (folder / "point.yaml").exists() and (folder / region).is_dir():
        folder = folder / region
    post = load_posterior(region, folder)
    check_calibration(region, folder)
    return post, f"{folder} ({len(post.draws)} sets)"


def check_calibration(region: str, folder: Path | None = None) -> Staleness:
    """Warn (:class:`StaleCalibrationWarning`) when a stored calibration is stale.

    Every study loads its calibration through :func:`resolve_posterior`, which calls this;
    the CLI prints the warning on one line (or refuses under ``--strict``), the app shows it.
    """
    status = calibration_status(region, folder)
    if status.stale:
        what = "no provenance record" if not status.recorded else ", ".join(status.changed)
        warnings.warn(StaleCalibrationWarning(
            status, f"stale calibration of {region} ({status.folder}): {what}"), stacklevel=3)
    return status


def posterior_seed(seed: int) -> int:
    """Seed of the posterior-row stream for ensemble seed ``seed``.

    An independent stream: reusing ``seed`` itself would correlate the row permutation with
    the first column of the assumption matrix.
    """
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def layered_inputs(
    scenario: Scenario,
    calibrated: Mapping[str, float | np.ndarray],
    assumptions: Mapping[str, float | np.ndarray],
) -> dict[str, float | np.ndarray]:
    """Model inputs of a scenario, later layers overriding earlier ones.

    ``.mdl`` defaults (implicit) <- region constants <- calibrated parameters <- assumptions
    <- the scenario's lever constants. Values may be scalars or per-run arrays; this is the
    one definition of the layering for every study.
    """
    params: dict[str, float | np.ndarray] = dict(load_region(scenario.region).constants)
    params.update(calibrated)
    params.update(assumptions)
    params.update(lever_constants(scenario))
    return params


def scenario_inputs(
    scenario: Scenario, n: int, seed: int, posterior: Posterior
) -> dict[str, float | np.ndarray]:
    """Ensemble inputs of a scenario: ``n`` posterior rows × assumption draws × its levers.

    Common random numbers: the same ``(n, seed)`` gives the same posterior rows and the same
    assumption quantiles for every scenario of a region, so differences between scenarios
    come from policy alone.

    Raises
    ------
    InputError
        When ``n`` is outside the draws limit or an input is not a constant of the model.
    """
    n = check_draws(n)
    params = layered_inputs(scenario, posterior.sample(n, posterior_seed(seed)),
                            sample_assumptions(scenario, n, seed))
    check_constants(params)
    return params


def check_constants(params: Mapping[str, object]) -> None:
    """Refuse inputs that are not constants of the model (a typo would otherwise be ignored)."""
    unknown = sorted(set(params) - set(compiled_model().constants))
    if unknown:
        raise InputError(
            f"not constants of {MODEL_FILE.name}: {', '.join(unknown)} "
            "(check the region profile, the scenario and the calibration files)"
        )


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


def _chunk_params(params: Mapping[str, float | np.ndarray], start: int, stop: int) -> dict:
    return {k: (v[start:stop] if np.ndim(v) else v) for k, v in params.items()}


def _run_batch(model_file: str, params: dict, n: int, columns: list[str],
               final_time: float | None = None):
    """One chunk of runs on a Dask worker: the model is compiled once per worker process."""
    from ..engine import EnsembleResult

    res = compiled_model(Path(model_file)).run(params=params, n_runs=n, return_columns=columns,
                                               final_time=final_time)
    return EnsembleResult(res.times, {c: np.asarray(res[c]) for c in columns})


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
        :func:`use_client`, if any). Chunks default to :data:`DASK_BATCH` runs; the result is
        identical to the in-process run (each run depends only on its own inputs).
    final_time : float, optional
        Stop the runs at this model time (calibration needs only the observed years).

    Returns
    -------
    EnsembleResults
    """
    n = check_draws(n)
    model = compiled_model() if model is None else model
    client = client if client is not None else _CLIENT.get()
    if client is not None:
        return _run_on_cluster(client, model.path, params, n, columns, progress,
                               chunk or DASK_BATCH, final_time)
    size = chunk or (DEFAULT_CHUNK if progress is not None else n)
    parts = []
    for start in range(0, n, size):
        stop = min(n, start + size)
        piece = params if (start == 0 and stop == n) else _chunk_params(params, start, stop)
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
        Ensemble inputs of ``n`` runs (:func:`scenario_inputs`): common random numbers.
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


def _run_on_cluster(client, model_file: Path, params, n: int, columns: list[str],
                    progress: Progress | None, size: int,
                    final_time: float | None = None) -> EnsembleResults:
    from distributed import as_completed

    futures = {
        client.submit(_run_batch, str(model_file), _chunk_params(params, start, stop),
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
    """Within the block, :func:`run_ensemble` runs on ``client`` (None: in process).

    Lets commands whose studies call :func:`run_ensemble` deep inside (scenario runs,
    sensitivity) move to a cluster without threading a client through every function.
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
