"""Faults on a Dask cluster (issue 26 item 7): a scheduler that never answers, a worker killed.

A server on 127.0.0.1 that accepts connections and never answers must be given up on within
the documented ``CONNECT_TIMEOUT`` (exit 2, one line); a worker process killed with SIGKILL
while a study runs must leave the result identical to the in-process run (the scheduler
reruns its batches), never a silent partial result.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time

import numpy as np
import pytest

from suzhou_sim import cli
from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.ensemble.cluster import (
    CONNECT_TIMEOUT,
    active_batch_progress,
    active_client,
    dask_client,
    tqdm_batches,
    use_batch_progress,
    use_client,
)
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from suzhou_sim.errors import InputError
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior

#: Slack for Python's own work around the wait (the wait itself is CONNECT_TIMEOUT).
SLACK = 3.0


@pytest.fixture
def silent_scheduler():
    """tcp://127.0.0.1:PORT of a server that accepts every connection and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


def test_an_unresponsive_scheduler_is_given_up_on_in_time(silent_scheduler):
    start = time.monotonic()
    with pytest.raises(InputError, match="--dask: cannot reach a Dask scheduler"):
        with dask_client(silent_scheduler):
            pytest.fail("connected to a server that never answers")
    assert time.monotonic() - start < CONNECT_TIMEOUT + SLACK


def test_the_command_exits_2_on_one_line(silent_scheduler, tmp_path, capsys):
    posterior = write_fixture_posterior(tmp_path / "cal")
    start = time.monotonic()
    code = cli.main(["sweep", str(SCENARIOS_DIR / "baseline.yaml"), "--lever", "special_fund",
                     "--period", "15th", "--values", "100,200", "--draws", "10",
                     "--posterior-dir", str(posterior), "--dask", silent_scheduler,
                     "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach a Dask scheduler" in err
    assert len([line for line in err.splitlines() if ": error: " in line]) == 1
    assert time.monotonic() - start < CONNECT_TIMEOUT + SLACK + 5  # + loading the scenario
    assert not (tmp_path / "out").exists()


def test_a_worker_killed_mid_study_gives_the_same_answer(tmp_path):
    post, _ = resolve_posterior(write_fixture_posterior(tmp_path / "cal"), "suzhou")
    params = scenario_inputs(load_scenario(SCENARIOS_DIR / "baseline.yaml"), 240, 3, post)
    columns = ["High tech enterprises", "GDP"]
    here = run_ensemble(params, 240, columns)
    with dask_client("local") as client:
        pids = client.run(os.getpid)  # worker address -> process id
        victim = sorted(pids.values())[0]
        killed = []

        def kill_once(done: int, total: int) -> None:
            if not killed and done < total:
                os.kill(victim, signal.SIGKILL)  # the nanny starts a new worker
                killed.append(done)

        there = run_ensemble(params, 240, columns, client=client, chunk=20,
                             progress=kill_once)
    assert killed, "the worker was not killed mid-study"
    for c in columns:
        assert np.array_equal(here[c], there[c])


# -- the client the kernel runs on --------------------------------------------------------


def test_use_client_sets_the_client_for_the_block_only():
    marker = object()
    assert active_client() is None
    with use_client(marker):
        assert active_client() is marker
        with use_client(None):
            assert active_client() is None
        assert active_client() is marker
    assert active_client() is None


def test_no_address_runs_in_process():
    with dask_client(None) as client:
        assert client is None and active_client() is None


def test_unreachable_scheduler_is_an_input_error():
    with pytest.raises(InputError, match="--dask: cannot reach a Dask scheduler"):
        with dask_client("tcp://127.0.0.1:9"):
            pass


# -- progress per Dask batch (issue 27 item 7) ---------------------------------------------


@pytest.fixture(scope="module")
def in_process_client():
    """A Dask cluster of one worker thread in this process (no worker processes to start)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


@pytest.mark.parametrize(("n", "chunk", "batches"), [(100, 20, 5), (90, 40, 3)])
def test_the_batch_progress_moves_once_per_batch(tmp_path, in_process_client, n, chunk,
                                                 batches):
    post, _ = resolve_posterior(write_fixture_posterior(tmp_path / "cal"), "suzhou")
    params = scenario_inputs(load_scenario(SCENARIOS_DIR / "baseline.yaml"), n, 3, post)
    calls, runs = [], []
    with use_batch_progress(lambda done, total: calls.append((done, total))):
        result = run_ensemble(params, n, ["GDP"], client=in_process_client, chunk=chunk,
                              progress=lambda done, total: runs.append((done, total)))
    assert calls == [(k, batches) for k in range(1, batches + 1)]
    assert len(runs) == batches and {t for _, t in runs} == {n} and runs[-1][0] == n
    assert np.array_equal(result["GDP"], run_ensemble(params, n, ["GDP"])["GDP"])
    # without a callback (nothing set, or --quiet), the runs report nothing per batch
    assert active_batch_progress() is None


def test_quiet_means_no_batch_bar():
    with tqdm_batches(False) as bar:
        assert bar is None
    with tqdm_batches(True) as bar:
        bar(1, 4)
        bar(4, 4)
    with dask_client(None, batch_progress=True) as client:
        assert client is None and active_batch_progress() is None
