"""Sweeps on common random numbers, and the Dask path giving the in-process results."""

from __future__ import annotations

import numpy as np
import pytest
from distributed import Client, LocalCluster

from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.ensemble.cluster import active_client, dask_client, use_client
from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble
from suzhou_sim.errors import InputError
from suzhou_sim.studies.discover import discover
from suzhou_sim.studies.scenario_runs import run_scenario
from suzhou_sim.studies.sweep import sweep

VALUES = [0.0, 300.0, 1000.0]


@pytest.fixture(scope="module")
def client():
    # One in-process worker keeps the 2-core CI fast; the code path is the cluster's.
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def swept(baseline, posterior_dir):
    return sweep(baseline, "special_fund", "14th", VALUES, draws=60, seed=4,
                 posterior=posterior_dir)


def test_sweep_equals_separate_scenario_runs_on_the_same_draws(baseline, posterior_dir, swept):
    for value in (VALUES[0], VALUES[-1]):
        one = run_scenario(baseline.with_lever("special_fund", "14th", value), draws=60,
                           seed=4, posterior=posterior_dir).targets.set_index("target_id")
        rows = swept[swept["value"] == value].set_index("target_id")
        assert np.allclose(rows["probability"], one.loc[rows.index, "probability"],
                           equal_nan=True)  # NaN: the status gives no single probability
        assert np.allclose(rows["median"], one.loc[rows.index, "median"])


def test_sweep_rejects_values_outside_the_range(baseline, posterior_dir):
    with pytest.raises(InputError, match="--values: 2000 is outside the allowed range"):
        sweep(baseline, "special_fund", "14th", [2000], draws=5, posterior=posterior_dir)


def test_dask_runs_are_identical_to_in_process(baseline, posterior_dir, client):
    post, _ = resolve_posterior(posterior_dir, "suzhou")
    params = scenario_inputs(baseline, 130, 7, post)
    columns = ["High tech enterprises", "Carrier area"]
    here = run_ensemble(params, 130, columns)
    there = run_ensemble(params, 130, columns, client=client, chunk=50)
    for c in columns:
        assert np.array_equal(here[c], there[c])


def test_studies_on_dask_match_in_process(baseline, posterior_dir, client, swept):
    with use_client(client):
        assert active_client() is client
        on_dask = sweep(baseline, "special_fund", "14th", VALUES, draws=60, seed=4,
                        posterior=posterior_dir)
    assert active_client() is None
    assert on_dask.equals(swept)
    here = discover(baseline, "SZ-HTE-2025", draws=200, seed=2, posterior=posterior_dir)
    there = discover(baseline, "SZ-HTE-2025", draws=200, seed=2, posterior=posterior_dir,
                     client=client)
    assert there.table().equals(here.table())


def test_unreachable_scheduler_is_an_input_error():
    with pytest.raises(InputError, match="--dask: cannot reach a Dask scheduler"):
        with dask_client("tcp://127.0.0.1:9"):
            pass
