"""Chunked runs and plans on the same draws (``ensemble/runs.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.ensemble.inputs import scenario_inputs
from suzhou_sim.ensemble.runs import run_ensemble, run_plans, tqdm_progress
from suzhou_sim.errors import InputError

COLUMNS = ["High tech enterprises", "RD intensity"]


@pytest.fixture(scope="module")
def params(baseline, posterior):
    return scenario_inputs(baseline, 30, 2, posterior)


def test_chunking_never_changes_a_run(params):
    whole = run_ensemble(params, 30, COLUMNS)
    seen = []
    parts = run_ensemble(params, 30, COLUMNS, chunk=7, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(7, 30), (14, 30), (21, 30), (28, 30), (30, 30)]
    assert parts.n_runs == 30 and np.array_equal(parts.times, whole.times)
    for c in COLUMNS:
        assert parts[c].shape == (30, len(whole.times))
        assert np.array_equal(parts[c], whole[c])


def test_final_time_stops_the_runs(params):
    short = run_ensemble(params, 30, COLUMNS, final_time=2022)
    whole = run_ensemble(params, 30, COLUMNS)
    assert short.times[-1] == 2022 and len(short.times) < len(whole.times)
    k = len(short.times)
    assert np.array_equal(short[COLUMNS[0]], whole[COLUMNS[0]][:, :k])


def test_plans_run_on_the_same_draws_as_separate_runs(params):
    values = np.array([0.0, 500.0, 1000.0])
    stacked = list(run_plans(params, 30, {"Special fund 15th": values}, COLUMNS))
    assert [(a, b) for a, b, _ in stacked] == [(0, 3)]
    results = stacked[0][2]
    assert results.n_runs == 90
    for i, v in enumerate(values):
        alone = run_ensemble({**params, "Special fund 15th": v}, 30, COLUMNS)
        assert np.array_equal(results[COLUMNS[0]][i * 30:(i + 1) * 30], alone[COLUMNS[0]])


def test_the_draws_limit_holds_for_every_run(params):
    with pytest.raises(InputError, match="draws: 100001 is outside the allowed range"):
        run_ensemble(params, 100_001, COLUMNS)


def test_the_progress_bar_is_optional():
    with tqdm_progress("x", enabled=False) as bar:
        assert bar is None
    with tqdm_progress("x") as bar:
        bar(5, 10)
        bar(10, 10)
