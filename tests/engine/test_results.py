"""Tests of :mod:`suzhou_sim.engine.results`."""

from __future__ import annotations

import numpy as np
import pytest

from suzhou_sim.engine import EngineError, EnsembleResult, load_model

from .pysd_compare import PEER_MODELS

TEACUP = PEER_MODELS / "teacup" / "teacup.mdl"


@pytest.fixture(scope="module")
def result() -> EnsembleResult:
    return load_model(TEACUP).run(params={"Room Temperature": np.array([60.0, 70.0, 80.0])})


def test_arrays_are_runs_by_times(result):
    assert result.n_runs == 3
    assert result["Teacup Temperature"].shape == (3, len(result.times))
    assert result["Room Temperature"][:, 0].tolist() == [60.0, 70.0, 80.0]


def test_lookup_by_safe_name_and_loose_spelling(result):
    np.testing.assert_array_equal(result["teacup_temperature"], result["Teacup Temperature"])
    np.testing.assert_array_equal(result["teacup temperature"], result["Teacup Temperature"])
    assert "heat_loss_to_room" in result and "Nope" not in result
    with pytest.raises(KeyError):
        result["Nope"]


def test_to_xarray_dims_and_attrs(result):
    ds = result.to_xarray()
    assert set(ds.data_vars) == set(result.variables)
    var = ds["Teacup Temperature"]
    assert var.dims == ("run", "time")
    assert var.attrs["units"] == "Degrees Fahrenheit"
    assert "liquid phase" in var.attrs["doc"]
    np.testing.assert_array_equal(ds["time"].values, result.times)
    np.testing.assert_array_equal(ds["run"].values, [0, 1, 2])
    np.testing.assert_array_equal(var.values, result["Teacup Temperature"])


def test_to_dataframe_is_pysd_like(result):
    frame = result.to_dataframe(run=2)
    assert frame.index.name == "time"
    assert list(frame.columns) == result.variables
    assert frame["Room Temperature"].iloc[0] == 80.0
    np.testing.assert_array_equal(result.to_dataframe(-1).to_numpy(), frame.to_numpy())
    with pytest.raises(EngineError, match="out of range"):
        result.to_dataframe(run=3)


def test_units_and_docs(result):
    assert result.units["Characteristic Time"] == "Minutes"
    assert "1/e" in result.docs["Characteristic Time"]
