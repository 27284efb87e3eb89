"""The client the kernel runs on (``ensemble/cluster.py``); Dask results are in
``tests/studies/test_sweep_dask.py``."""

from __future__ import annotations

import pytest

from suzhou_sim.ensemble.cluster import active_client, dask_client, use_client
from suzhou_sim.errors import InputError


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
