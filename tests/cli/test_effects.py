"""The ``effects`` subcommand end to end at a small size: outputs, folder safety, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from suzhou_sim import cli
from suzhou_sim.cli.effects import MARKER
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior

BASELINE = SCENARIOS_DIR / "baseline.yaml"
REQUIRED = ["lever", "period", "step", "unit", "indicator", "year",
            "delta_p10", "delta_p50", "delta_p90", "cost_p10", "cost_p50", "cost_p90"]


@pytest.fixture(scope="module")
def posterior_dir(tmp_path_factory) -> Path:
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


def _main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _effects(capsys, posterior_dir, out: Path, *extra: str) -> tuple[int, str, str]:
    return _main(capsys, "effects", str(BASELINE), "--draws", "8", "--seed", "2",
                 "--posterior-dir", str(posterior_dir), "--out", str(out), "--quiet", *extra)


def test_effects_end_to_end(tmp_path, capsys, posterior_dir):
    out = tmp_path / "effects"
    code, stdout, err = _effects(capsys, posterior_dir, out)
    assert code == 0, err
    assert "wrote" in stdout
    table = pd.read_csv(out / "effects.csv")
    assert set(REQUIRED) <= set(table.columns)
    money = table[table["unit"] == "100m_yuan/year"]
    assert not money.empty and money["cost_status"].notna().all()
    # cost is blank exactly where the median gain is not positive
    assert (money["cost_p50"].isna() == (money["delta_p50"] * money["step"] <= 0)).all()
    evidence = pd.read_csv(out / "evidence.csv")
    assert evidence.loc[0, "benchmark"] == "enterprise_reward_hte"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Model costs beside the evidence" in report and "模型成本与证据对比" in report
    verdict = evidence.loc[0, "verdict"]
    said = "inside the evidence range" if verdict == "inside" else "OUTSIDE the evidence"
    assert said in report
    charts = sorted(p.name for p in out.glob("effects_*.png"))
    assert charts == sorted(f"effects_{t}.png" for t in table["target_id"].dropna().unique())
    assert (out / MARKER).exists()
    # the 2030/2035 targets are present, numbered, and their reading is stated
    future = table[table["target_id"].isin(["SZ-FUTURE-2030", "SZ-FUTURE-2035"])]
    assert not future.empty and future[["delta_p50", "probability_change"]].notna().all().all()
    assert "Targets driven by an assumption (" in report and "--assume NAME=VALUE" in report
    # their change in probability is a range over the driver, in the CSV and in words
    ranged = future[future["probability_kind"] == "range"]
    assert not ranged.empty
    assert ranged[["probability_change_low", "probability_change_high"]].notna().all().all()
    assert "points, depending on" in report
    # the money step is a share of Suzhou's own fund, and says so
    fund = table[(table["lever"] == "special_fund") & (table["kind"] == "lever")]
    assert set(fund["step_rule"]) == {"fund_share"} and set(fund["step"]) == {20.0}
    assert "10% of the region's own special fund" in report
    assert "10% of the region's special fund of 200 亿元" in report
    # targets no lever can move are named with their reason, never given a row of zeros
    skipped = pd.read_csv(out / "skipped.csv")
    assert list(skipped.columns) == ["kind", "lever", "period", "target_id", "reason"]
    trend = set(skipped.loc[skipped["reason"] == "trend_only", "target_id"])
    assert trend == {"SZ-NEWRD-2025", "SZ-CONSORT-2025"}
    assert not trend & set(table["target_id"])
    assert "carried from the observed series by a trend" in report
    assert "由观测序列的趋势外推得到" in report
    assert not (out / "interaction.csv").exists()  # only with --joint


def test_joint_levers_write_the_interaction(tmp_path, capsys, posterior_dir):
    out = tmp_path / "joint"
    code, _, err = _effects(capsys, posterior_dir, out, "--lever", "special_fund",
                            "--no-channels", "--joint",
                            "special_fund,enterprise_reward_weight")
    assert code == 0, err
    frame = pd.read_csv(out / "interaction.csv")
    assert set(frame["part"]) == {"special_fund", "enterprise_reward_weight", "sum", "joint",
                                  "interaction"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Do the levers add up?" in report and "杠杆效果是否可加?" in report
    assert "interaction (80% band)" in report and "交互(80%区间)" in report


def test_kunshan_steps_are_kunshan_sized(tmp_path, capsys, posterior_dir):
    out = tmp_path / "kunshan"
    code, _, err = _main(capsys, "effects", str(SCENARIOS_DIR / "kunshan_baseline.yaml"),
                         "--draws", "6", "--seed", "2", "--posterior-dir", str(posterior_dir),
                         "--out", str(out), "--quiet", "--lever", "special_fund")
    assert code == 0, err
    table = pd.read_csv(out / "effects.csv")
    money = table[table["unit"] == "100m_yuan/year"]
    assert set(money["step"].round(6)) == {4.2} and set(money["step_basis"]) == {42.0}


def test_output_folder_is_never_clobbered(tmp_path, capsys, posterior_dir):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    code, _, err = _effects(capsys, posterior_dir, foreign, "--force")
    assert code == 2 and "was not written by suzhou-sim" in err
    assert (foreign / "notes.txt").read_text() == "keep me"

    ours = tmp_path / "ours"
    assert _effects(capsys, posterior_dir, ours, "--lever", "special_fund")[0] == 0
    (ours / MARKER).write_text("written by suzhou-sim run baseline at 2026-12-03\n")
    code, _, err = _effects(capsys, posterior_dir, ours, "--lever", "special_fund")
    assert code == 2 and "add --force" in err  # another command's output
    code, _, err = _effects(capsys, posterior_dir, ours, "--lever", "talent_weight",
                            "--no-channels", "--force")
    assert code == 0, err
    code, _, err = _effects(capsys, posterior_dir, ours, "--lever", "talent_weight",
                            "--no-channels")
    assert code == 0, err  # its own earlier output is replaced
    assert set(pd.read_csv(ours / "effects.csv")["lever"]) == {"talent_weight"}


@pytest.mark.parametrize(("args", "message"), [
    (["--lever", "talent_wieght"], "--lever: unknown lever 'talent_wieght'; did you mean"),
    (["--step", "-0.1"], "--step: -0.1 is not allowed; give a positive step"),
    (["--money-step", "-50"], "--money-step: -50.0 is not allowed"),
    (["--lever", "attraction_projects", "--step", "10"],
     "outside its allowed range 0-10000 projects/year in both directions"),
    (["--draws", "0"], "--draws: 0 is outside the allowed range"),
    (["--money-share", "1.5"], "--money-share: 1.5 is not allowed; give a share of the fund"),
    (["--money-share", "0"], "--money-share: 0.0 is not allowed"),
    (["--joint", "special_fund"], "--joint: special_fund names 1 lever(s); give two or more"),
    (["--joint", "special_fund,talent_wieght"], "--joint: unknown lever 'talent_wieght'"),
    # duplicates and conflicts were accepted silently
    (["--joint", "special_fund,talent_weight,special_fund"],
     "--joint: special_fund named twice; name each lever once"),
    (["--money-step", "50", "--money-share", "0.2"],
     "--money-step and --money-share both size the money steps"),
    (["--money-step", "50", "--money-share", "0.1"],  # even at the default share
     "--money-step and --money-share both size the money steps"),
    # steps below the least step relative to the lever's scale: every lever had no effect
    (["--step", "1e-300"], "--step: 1e-300 is below the least relative step 1e-06"),
    (["--step", "9e-7"], "--step: 9e-07 is below the least relative step 1e-06"),
    (["--money-share", "1e-9"], "--money-share: 1e-09 is below the least share 1e-06"),
    (["--money-step", "1e-300"], "--money-step: 1e-300 100m_yuan/year is below the least "
                                 "step 0.0002 (1e-06 of the special fund of 200 in the 14th "
                                 "plan)"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, posterior_dir, args, message):
    out = tmp_path / "out"
    code, stdout, err = _effects(capsys, posterior_dir, out, *args)
    assert code == 2
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not out.exists()
