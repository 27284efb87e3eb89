"""The ``backtest`` subcommand end to end at a small size, and its one-line refusals."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import yaml

from suzhou_sim import cli
from suzhou_sim.paths import OBSERVED_FILE
from suzhou_sim.reporting.backtest_report import MANIFEST


def _main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["backtest", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bt") / "suzhou"
    assert cli.main(["backtest", "--origins", "2022", "--draws", "20", "--starts", "1",
                     "--steps", "120", "--out", str(out), "--quiet"]) == 0
    return out


def test_end_to_end_writes_every_file(small_run: Path):
    for name in ("backtest.csv", "skill.csv", "fans.csv", "forecast_error.yaml", "report.md",
                 MANIFEST, "backtest_high_tech_enterprises.png"):
        assert (small_run / name).is_file(), name
    table = pd.read_csv(small_run / "backtest.csv")
    assert {"origin", "indicator", "year", "horizon", "observed", "p10", "p50", "p90",
            "naive_last", "naive_drift", "naive_trend"} <= set(table.columns)
    assert set(table["year"]) == {2023, 2024} and set(table["horizon"]) == {1, 2}
    skill = pd.read_csv(small_run / "skill.csv")
    assert {"mape_pct", "bias_pct", "crps", "cover50", "cover80", "skill_naive_last",
            "skill_naive_drift", "skill_naive_trend"} <= set(skill.columns)
    meta = yaml.safe_load((small_run / MANIFEST).read_text(encoding="utf-8"))
    assert meta["origins"] == [2022] and set(meta["files"]) == {
        p.name for p in small_run.iterdir()} - {MANIFEST, ".suzhou-sim-output"}
    report = (small_run / "report.md").read_text(encoding="utf-8")
    assert "## Structural error of the published statistic" in report
    assert "chain of `calibrate`'s sampler is 120 steps per walker" in report


def test_rerun_into_its_own_folder_is_allowed_a_foreign_one_is_not(small_run, tmp_path, capsys):
    from suzhou_sim.reporting.backtest_report import check_output_folder

    check_output_folder(small_run)                      # written by the backtest: fine
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = _main(capsys, "--origins", "2022", "--out", str(tmp_path), "--quiet")
    assert code == 2 and "was not written by suzhou-sim" in err
    assert len(err.strip().splitlines()) == 1
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def _data_without_early_rows(path: Path) -> Path:
    """The observed history with Suzhou's rows before 2022 removed."""
    with OBSERVED_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    keep = [r for r in rows if r["region"] != "suzhou" or int(r["year"]) >= 2022]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(keep)
    return path


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "shanghai"], "--region: 'shanghai' is not a region (allowed: suzhou, kunshan)"),
    (["--origins", "2024"], "--origins: 2024 is outside the data of suzhou (allowed: 2019-2023"),
    # the message once allowed 2018, and the run then failed (FINAL TIME 2018 must be after
    # INITIAL TIME 2018)
    (["--origins", "2018"], "--origins: 2018 is outside the data of suzhou (allowed: 2019-2023"),
    (["--origins", "2030"], "--origins: 2030 is outside the data of suzhou"),
    (["--origins", "20x1"], "--origins: '20x1' is not a whole number"),
    (["--origins", "2021", "--data", "EARLY"], "--origins: 2021: no observation of suzhou up "
                                               "to 2021 to calibrate on"),
    (["--draws", "0"], "--draws: 0 is outside the allowed range"),
    (["--draws", "many"], "--draws: 'many' is not a whole number"),
    (["--steps", "50"], "--steps: 50 is too short a chain (allowed: 0 or 100-100000)"),
    (["--steps", "-1"], "--steps: -1 is outside the allowed range 0-100000"),
])
def test_bad_input_exits_2_with_one_line(args, message, tmp_path, capsys):
    args = [str(_data_without_early_rows(tmp_path / "early.csv")) if a == "EARLY" else a
            for a in args]
    code, out, err = _main(capsys, *args, "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], err
    assert not (tmp_path / "out").exists()              # nothing written on bad input
