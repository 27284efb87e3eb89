"""The ``sensitivity`` command (``cli/sensitivity.py``): indices, charts and summary written,
bad options and files refused on one line with exit code 2."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pandas as pd
import pytest

from suzhou_sim.cli import sensitivity as cli_sensitivity
from suzhou_sim.studies import sensitivity as sa
from tests.conftest import REPO

BASELINE = REPO / "scenarios" / "baseline.yaml"


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "suzhou_sim", "sensitivity", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_cli_writes_indices_charts_and_summary(tmp_path, posterior_root):
    out = tmp_path / "sens"
    done = _cli(str(BASELINE), "--samples", "16", "--seed", "1", "--out", str(out),
                env={"SUZHOU_SIM_POSTERIOR_DIR": str(posterior_root)})
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == sa.SOBOL_COLUMNS
    targets = list(dict.fromkeys(indices["target_id"]))
    assert "SZ-HTE-2025" in targets and "SZ-ENGINEER-2025" not in targets  # out of scope
    for t in targets:
        assert (out / f"sensitivity_{t}.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "heatmap.png").read_bytes()[:4] == b"\x89PNG"
    factors = pd.read_csv(out / "factors.csv")
    assert set(factors["kind"]) == {"calibrated", "assumption"}
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "## English" in summary and "## 中文" in summary
    assert "Whether SZ-HTE-2025" in summary and "SZ-HTE-2025(有效高新技术企业数" in summary
    assert not list(tmp_path.glob(".sens.*"))  # no temporary folder left behind


def _in_process(*args: str) -> int:
    """The subcommand through its registered handler (fast: no new interpreter)."""
    parser = argparse.ArgumentParser(prog="suzhou-sim")
    cli_sensitivity.register(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args(["sensitivity", *args])
    return parsed.handler(parsed)


def test_cli_unknown_method_exits_2_with_one_line(tmp_path, posterior_root):
    out = tmp_path / "never"
    done = _cli(str(BASELINE), "--method", "fast", "--out", str(out),
                "--posterior-dir", str(posterior_root))
    assert done.returncode == 2
    assert done.stderr.strip() == ("suzhou-sim sensitivity: error: --method: unknown method "
                                   "'fast'; allowed: sobol, morris")
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--method", "fast"], "--method: unknown method 'fast'"),
    (["--samples", "1"], "--samples: 1 is too small"),
    (["--method", "morris", "--samples", "0"], "--samples: 0 is too small"),
    (["--seed", "-1"], "--seed: -1 is not allowed"),
])
def test_bad_options_are_input_errors(tmp_path, posterior_root, capsys, args, message):
    out = tmp_path / "never"
    code = _in_process(str(BASELINE), *args, "--out", str(out),
                       "--posterior-dir", str(posterior_root))
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_scenario_files_are_input_errors(tmp_path, posterior_root, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(BASELINE.read_text(encoding="utf-8").replace(
        "special_fund: {14th: 200", "special_fund: {14th: -5").replace(
        "guidance_fund_leverage:", "guidance_fund_leverag:"), encoding="utf-8")
    for path in (bad, invalid, tmp_path / "missing.yaml"):
        code = _in_process(str(path), "--posterior-dir", str(posterior_root),
                           "--out", str(tmp_path / "never"))
        err = capsys.readouterr().err
        assert code == 2 and str(path) in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "never").exists()


def test_missing_calibration_is_an_input_error(tmp_path, capsys):
    code = _in_process(str(BASELINE), "--posterior-dir", str(tmp_path / "empty"))
    assert code == 2 and "calibrat" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--effect-of", "special_fund"], "--effect-of: 'special_fund' is not LEVER:PERIOD"),
    (["--effect-of", "special_fund:17th"], "--effect-of: unknown plan period '17th'"),
    (["--years", "20x0"], "--years: '20x0' is not a comma-separated list"),
    (["--years", "2099"], "--years: no in-scope target of suzhou in 2099"),
])
def test_effect_options_bad_input(tmp_path, posterior_root, args, message):
    proc = _cli(str(BASELINE), "--method", "morris", "--samples", "2", *args, "--quiet",
                "--posterior-dir", str(posterior_root), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    # one error line (the stand-in calibration adds its own warning line)
    assert len([x for x in proc.stderr.strip().splitlines() if ": warning:" not in x]) == 1
