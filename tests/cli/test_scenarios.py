"""The scenario subcommands end to end: outputs, messages, exit codes, atomic writing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from suzhou_sim import cli
from suzhou_sim.catalogues.targets import STATUSES, targets_for_region
from suzhou_sim.cli import scenarios as cli_scenarios
from suzhou_sim.fileio.outputs import MARKER
from suzhou_sim.paths import REPO_ROOT, SCENARIOS_DIR
from suzhou_sim.studies.scenario_runs import run_scenario
from tests.posterior_fixture import write_fixture_posterior

BASELINE = SCENARIOS_DIR / "baseline.yaml"


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "suzhou_sim", *args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_run_end_to_end(tmp_path: Path, posterior_dir: Path):
    out = tmp_path / "talent"
    proc = _cli("run", str(SCENARIOS_DIR / "talent_first.yaml"), "--draws", "50",
                "--posterior-dir", str(posterior_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    for name in ("targets.csv", "series.csv", "curves.csv", "report.md", "scenario.yaml",
                 "fan_high_tech_enterprises.png", "fan_leading_talents.png"):
        assert (out / name).is_file(), name
    targets = pd.read_csv(out / "targets.csv")
    assert targets["target_id"].tolist() == [t.target_id for t in targets_for_region("suzhou")]
    assert "SZ-HTE-2025" in proc.stdout and "outside model scope" in proc.stdout
    assert set(targets["status"]) <= set(STATUSES) and "by status:" in proc.stdout
    curves = pd.read_csv(out / "curves.csv")
    assert set(curves["target_id"]) == set(
        targets.loc[targets["forecast_status"] == "assumption_driven", "target_id"])
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Assumptions used (not policy choices)" in report
    assert "P baseline (baseline)" in report and "fan_rd_intensity.png" in report
    assert "Status / 状态" in report and "lower bound / 下限" in report
    assert "simulating" in proc.stderr or "charts" in proc.stderr  # progress bar on stderr


def test_goal_seek_end_to_end_with_env_posterior(posterior_dir: Path):
    # a 2030 target sought in the 15th plan (2026-30), the plan period open for it
    proc = _cli("goal-seek", str(BASELINE), "--target", "SZ-FUTURE-2030", "--lever",
                "special_fund", "--period", "15th", "--assume", "future_industry_base_2023=1500",
                "--probability", "0.68", "--draws", "100", "--quiet",
                env={cli_scenarios.POSTERIOR_ENV: str(posterior_dir)})
    assert proc.returncode == 0, proc.stderr
    assert "status=found" in proc.stdout and "reaches SZ-FUTURE-2030" in proc.stdout


BAD_FILES = {
    "misspelt_lever": ("levers:\n  talent_wieght: {15th: 0.3}\n", "did you mean 'talent_weight'"),
    "out_of_range": ("levers:\n  guidance_fund_leverage: {15th: 20}\n", "allowed range 1-10"),
    "malformed": ("levers: {special_fund: [1, 2\n", "malformed YAML at line"),
    # assumption values within the same plausible range as --assume (an open end is 3 x the
    # uncertainty range's end): 1e9 overflowed the model
    "assumption_overflow": ("assumptions:\n  future_industry_base_2023: 1000000000\n",
                            "assumptions.future_industry_base_2023.default: 1e+09 is outside "
                            "the allowed range 0 to 7500 100m yuan/yr"),
    "assumption_range_high": ("assumptions:\n  future_industry_potential: {high: 100000}\n",
                              "assumptions.future_industry_potential.high: 100000 is outside "
                              "the allowed range 1 to 90000"),
    "assumption_unit_range": ("assumptions:\n  future_gdp_growth: {low: -0.2}\n",
                              "assumptions.future_gdp_growth.low: -0.2 is outside the allowed "
                              "range -0.05 to 0.15 /yr"),
}


@pytest.mark.parametrize(("extra", "expected"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_scenario_exits_2_and_writes_nothing(tmp_path, capsys, posterior_dir, extra,
                                                 expected):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntitle_en: B\ntitle_zh: 坏\nrationale: r\n" + extra,
                    encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = _main(capsys, "run", str(path), "--draws", "10", "--posterior-dir",
                         str(posterior_dir), "--out", str(out), "--quiet")
    assert code == 2
    assert str(path) in err and expected in err
    assert not out.exists()


def test_missing_field_via_subprocess(tmp_path: Path):
    path = tmp_path / "nameless.yaml"
    path.write_text("title_en: B\ntitle_zh: 坏\nrationale: r\n", encoding="utf-8")
    proc = _cli("run", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert f"{path}: name: required field is missing" in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "expected"), [
    (["--target", "SZ-HTE-2052", "--lever", "special_fund"], "did you mean 'SZ-HTE-2025'"),
    (["--target", "SZ-FUTURE-2030", "--lever", "specialfund"], "did you mean 'special_fund'"),
    (["--target", "SZ-HTE-2025", "--lever", "special_fund", "--period", "15"], "allowed: 14th"),
    # periods that cannot act for the target (data through 2024): refused, naming the open ones
    (["--target", "SZ-FUTURE-2030", "--lever", "special_fund", "--period", "14th"],
     "--period: the 14th plan (2025) has begun by the data vintage (data through 2024): its "
     "money is spent or committed; for SZ-FUTURE-2030 choose from 15th"),
    (["--target", "SZ-FUTURE-2030", "--lever", "special_fund", "--period", "16th"],
     "--period: the 16th plan acts from 2031, after SZ-FUTURE-2030's year 2030; for "
     "SZ-FUTURE-2030 choose from 15th"),
    (["--target", "SZ-FUTURE-2035", "--lever", "special_fund", "--period", "14th"],
     "for SZ-FUTURE-2035 choose from 15th, 16th"),
    (["--target", "SZ-HTE-2025", "--lever", "special_fund", "--period", "14th"],
     "--period: the 14th plan (2025) has begun by the data vintage (data through 2024): its "
     "money is spent or committed; no open plan period acts by 2025"),
    (["--target", "SZ-HTE-2025", "--lever", "special_fund", "--period", "15th"],
     "--period: the 15th plan acts from 2026, after SZ-HTE-2025's year 2025; no open plan "
     "period acts by 2025"),
    (["--target", "SZ-VCFUND-2025", "--lever", "special_fund"],  # default period 15th
     "--period: the 15th plan acts from 2026, after SZ-VCFUND-2025's year 2025"),
])
def test_goal_seek_bad_arguments(capsys, posterior_dir, args, expected):
    code, _, err = _main(capsys, "goal-seek", str(BASELINE), *args, "--draws", "10",
                         "--posterior-dir", str(posterior_dir), "--quiet")
    errors = [line for line in err.splitlines() if "error:" in line]
    assert code == 2 and len(errors) == 1 and expected in errors[0], err


def test_bad_draws_and_missing_posterior(capsys, tmp_path, posterior_dir):
    code, _, err = _main(capsys, "run", str(BASELINE), "--draws", "0", "--quiet",
                         "--posterior-dir", str(posterior_dir), "--out", str(tmp_path / "o"))
    assert code == 2 and "--draws" in err and "1-100000" in err
    code, _, err = _main(capsys, "run", str(BASELINE), "--draws", "5", "--quiet",
                         "--posterior-dir", str(tmp_path), "--out", str(tmp_path / "o"))
    assert code == 2 and "calibrate" in err
    assert not (tmp_path / "o").exists()


def test_compare(capsys, posterior_dir):
    code, out, _ = _main(capsys, "compare", str(BASELINE), str(SCENARIOS_DIR / "austerity.yaml"),
                         "--draws", "50", "--posterior-dir", str(posterior_dir), "--quiet")
    assert code == 0
    assert "p_baseline" in out and "d_austerity" in out and "SZ-FUTURE-2030" in out


def test_compare_answers_the_2030_2035_targets(capsys, posterior_dir, tmp_path):
    csv = tmp_path / "compare.csv"
    code, out, err = _main(capsys, "compare", str(BASELINE), str(SCENARIOS_DIR /
                                                                 "austerity.yaml"),
                           "--draws", "30", "--posterior-dir", str(posterior_dir), "--quiet",
                           "--csv", str(csv))
    assert code == 0, err
    table = pd.read_csv(csv, keep_default_na=False).set_index("target_id")
    for tid in ("SZ-FUTURE-2030", "SZ-FUTURE-2035", "SZ-FUTCLUSTER-2035"):
        row = table.loc[tid]
        # never blank: the ensemble share, its difference, and the range with its driver
        assert row["p_baseline"] != "" and row["d_austerity"] != ""
        assert row["answer_baseline"].startswith(("0.", "1.")) and " over " in row[
            "answer_baseline"]
        assert "low" in row["change_austerity"] and "central" in row["change_austerity"]
    assert "SZ-FUTURE-2030: answer baseline: " in out and "over Future-industry output" in out
    code, out, err = _main(capsys, "compare", str(BASELINE), "--draws", "20", "--assume",
                           "future_industry_base_2023=1500", "--posterior-dir",
                           str(posterior_dir), "--quiet")
    assert code == 0, err
    assert "given Future-industry output in 2023 = 1,500" in out


def test_run_all(tmp_path, capsys, posterior_dir):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("baseline.yaml", "austerity.yaml"):
        shutil.copy(SCENARIOS_DIR / name, folder / name)
    code, out, _ = _main(capsys, "run-all", "--dir", str(folder), "--draws", "20", "--out",
                         str(tmp_path / "out"), "--posterior-dir", str(posterior_dir),
                         "--quiet")
    assert code == 0
    assert out.count("SZ-HTE-2025") == 2
    for name in ("baseline", "austerity"):
        assert (tmp_path / "out" / name / "report.md").is_file()
    (folder / "broken.yaml").write_text("name: [\n", encoding="utf-8")
    code, _, err = _main(capsys, "run-all", "--dir", str(folder), "--draws", "20", "--out",
                         str(tmp_path / "out2"), "--posterior-dir", str(posterior_dir))
    assert code == 2 and "broken.yaml" in err and not (tmp_path / "out2").exists()


def test_failure_mid_write_leaves_no_partial_output(tmp_path, monkeypatch, posterior_dir):
    result = run_scenario(BASELINE, draws=20, posterior=posterior_dir)

    def failing_charts(result, out_dir, **kwargs):
        (Path(out_dir) / "fan_half_written.png").write_bytes(b"\x89PNG")
        raise RuntimeError("disk full")

    monkeypatch.setattr("suzhou_sim.reporting.plots.write_fan_charts", failing_charts)
    out = tmp_path / "run"
    with pytest.raises(RuntimeError, match="disk full"):
        cli_scenarios.write_run_outputs(result, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary folder left behind
    out.mkdir()
    (out / MARKER).write_text("written by suzhou-sim run", encoding="utf-8")  # a previous run
    (out / "old.txt").write_text("previous run", encoding="utf-8")
    with pytest.raises(RuntimeError):
        cli_scenarios.write_run_outputs(result, out)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "old.txt"]
    assert (out / "old.txt").read_text(encoding="utf-8") == "previous run"


def test_goal_seek_answers_a_2030_target_at_each_driver_setting(capsys, posterior_dir):
    code, out, err = _main(capsys, "goal-seek", str(BASELINE), "--target", "SZ-FUTURE-2030",
                           "--lever", "special_fund", "--period", "15th", "--draws", "20",
                           "--posterior-dir", str(posterior_dir), "--quiet")
    assert code == 0, err
    for setting in ("low", "central", "high"):
        assert f"at its {setting} value" in out and f"({setting})" in out
    code, out, err = _main(capsys, "goal-seek", str(BASELINE), "--target", "SZ-FUTURE-2030",
                           "--lever", "special_fund", "--draws", "20", "--assume",
                           "future_industry_base_2023=1500", "--posterior-dir",
                           str(posterior_dir), "--quiet")
    assert code == 0, err
    assert "fixed at 1,500 (conditional)" in out and out.count("status=") == 1
