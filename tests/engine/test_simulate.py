"""Tests of the ``simulate`` command (:mod:`suzhou_sim.engine.simulate` and the CLI).

The CLI is exercised end to end with ``python -m suzhou_sim`` in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from suzhou_sim.engine import EngineError
from suzhou_sim.engine.simulate import parse_param, simulate_to_csv
from suzhou_sim.errors import InputError

from .pysd_compare import PEER_MODELS, pysd_model, relative_error

REPO = Path(__file__).resolve().parents[2]
TEACUP = PEER_MODELS / "teacup" / "teacup.mdl"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "suzhou_sim", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_cli_simulate_matches_pysd(tmp_path):
    out = tmp_path / "out.csv"
    proc = _cli("simulate", str(TEACUP), "-o", str(out), "--param", "Room Temperature=65",
                "--param", "characteristic_time=12.5")
    assert proc.returncode == 0, proc.stderr
    written = pd.read_csv(out, index_col=0)
    assert written.index.name == "time"
    reference = pysd_model(TEACUP, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = reference.run(params={"Room Temperature": 65, "Characteristic Time": 12.5})
    assert list(written.columns) == list(expected.columns)
    np.testing.assert_allclose(written.index.to_numpy(), expected.index.to_numpy())
    for column in expected.columns:
        assert relative_error(expected[column].to_numpy(dtype=float),
                              written[column].to_numpy()) <= 1e-12, column
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "pysd"]


@pytest.mark.parametrize("args, message", [
    (["simulate", "missing.mdl"], "model file not found"),
    (["simulate", str(TEACUP), "--param", "Room Temprature=60"], "did you mean 'Room Temperature'"),
    (["simulate", str(TEACUP), "--param", "Room Temperature"], "malformed --param"),
    (["simulate", str(TEACUP), "--param", "Room Temperature=warm"], "not a number"),
])
def test_cli_failures_exit_2_with_one_line(tmp_path, args, message):
    out = tmp_path / "out.csv"
    proc = _cli(*args, "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []  # no partial or temporary output


def test_cli_unsupported_construct_exits_2(tmp_path, write_model):
    model = write_model("Held = SAMPLE IF TRUE(Time > 2, Time, 0)\n ~ ~ |")
    out = tmp_path / "out.csv"
    proc = _cli("simulate", str(model), "-o", str(out))
    assert proc.returncode == 2
    assert "'Held' uses SAMPLE IF TRUE" in proc.stderr and not out.exists()


def test_simulate_options_in_process(tmp_path):
    from suzhou_sim.cli import main

    out = tmp_path / "out.csv"
    code = main(["simulate", str(TEACUP), "-o", str(out), "--return-columns",
                 "Teacup Temperature, heat_loss_to_room", "--time-step", "0.5"])
    assert code == 0
    written = pd.read_csv(out, index_col="time")
    assert list(written.columns) == ["Teacup Temperature", "Heat Loss to Room"]
    assert written.index[1] == 0.5


def test_failed_run_keeps_previous_output(tmp_path):
    out = simulate_to_csv(TEACUP, tmp_path / "out.csv")
    previous = out.read_text()
    with pytest.raises(EngineError):
        simulate_to_csv(TEACUP, out, params=["Nope=1"])
    assert out.read_text() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    simulate_to_csv(TEACUP, out, params=["Room Temperature=60"])  # its own file: replaced
    assert out.read_text() != previous


def test_a_file_the_tool_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("the analyst's own table")
    with pytest.raises(InputError, match="was not written by suzhou-sim"):
        simulate_to_csv(TEACUP, out)
    assert out.read_text() == "the analyst's own table"


def test_parse_param():
    assert parse_param("Room Temperature = 68.5") == ("Room Temperature", 68.5)
    assert parse_param("a=b=1e3") == ("a=b", 1000.0)
    with pytest.raises(EngineError):
        parse_param("=3")


@pytest.mark.parametrize("dt", [0.0001, 0.1, 0.3, 1 / 3])
def test_one_row_per_save_time_at_any_time_step(tmp_path, dt):
    """Time is counted in steps, not summed: a tiny or inexact DT loses no save time."""
    out = simulate_to_csv(REPO / "model" / "innovation_cluster.mdl", tmp_path / "out.csv",
                          return_columns=["GDP"], time_step=dt)
    times = pd.read_csv(out)["time"].to_numpy()
    expected = np.arange(2018, 2036) if dt != 0.3 else np.arange(2018, 2036)[::3]
    np.testing.assert_allclose(times, expected, rtol=0, atol=1e-9)
