"""The compute room's cache stamp: what a region's runs rest on."""

from __future__ import annotations

import os

import pytest

from suzhou_sim.app import compute


@pytest.mark.parametrize("name", ["point.yaml", "posterior.csv", "forecast_error.yaml",
                                  "observed"])
def test_the_stamp_moves_with_every_file_the_runs_rest_on(tmp_path, monkeypatch, name):
    folder = tmp_path / "calibration" / "suzhou"
    folder.mkdir(parents=True)
    observed = tmp_path / "observed_history.csv"
    for f in (folder / "point.yaml", folder / "posterior.csv",
              folder / "forecast_error.yaml", observed):
        f.write_text("x", encoding="utf-8")
        os.utime(f, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.setattr(compute, "calibration_dir", lambda region: folder)
    monkeypatch.setattr(compute, "OBSERVED_FILE", observed)
    before = compute.calibration_stamp("suzhou")
    changed = observed if name == "observed" else folder / name
    os.utime(changed, ns=(2_000_000_000, 2_000_000_000))
    # a new error model (backtest --save-error-model) or new data must not be served from
    # runs cached under the old ones
    assert compute.calibration_stamp("suzhou") > before
