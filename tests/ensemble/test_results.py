"""Results joined from chunks and slices of runs (``ensemble/results.py``)."""

from __future__ import annotations

import numpy as np

from suzhou_sim.engine import EnsembleResult
from suzhou_sim.ensemble.results import EnsembleResults, RunSlice, chunk_params

TIMES = np.array([2019.0, 2020.0, 2021.0])


def _part(values: np.ndarray) -> EnsembleResult:
    return EnsembleResult(TIMES, {"x": values})


def test_chunks_join_along_the_run_axis_in_order():
    a, b = np.arange(6.0).reshape(2, 3), np.arange(6.0, 15.0).reshape(3, 3)
    joined = EnsembleResults([_part(a), _part(b)])
    assert joined.n_runs == 5 and np.array_equal(joined.times, TIMES)
    assert np.array_equal(joined["x"], np.vstack([a, b]))
    assert joined["x"] is joined["x"]  # joined once


def test_a_slice_reads_its_runs_only():
    values = np.arange(12.0).reshape(4, 3)
    part = RunSlice(EnsembleResults([_part(values)]), 1, 3)
    assert part.n_runs == 2 and np.array_equal(part["x"], values[1:3])


def test_chunk_params_slice_arrays_and_keep_scalars():
    params = {"a": np.arange(5.0), "b": 2.5}
    piece = chunk_params(params, 1, 3)
    assert np.array_equal(piece["a"], [1.0, 2.0]) and piece["b"] == 2.5
