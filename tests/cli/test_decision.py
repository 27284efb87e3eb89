"""The optimise, discover and sweep commands: outputs, exit codes and bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import suzhou_sim.studies.optimise as optimise
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.cli import main
from suzhou_sim.paths import SCENARIOS_DIR
from tests.posterior_fixture import write_fixture_posterior

BASELINE = str(SCENARIOS_DIR / "baseline.yaml")
SMALL = ["--draws", "30", "--seed", "3", "--quiet"]


@pytest.fixture(scope="module")
def posterior_root(tmp_path_factory) -> Path:
    return write_fixture_posterior(tmp_path_factory.mktemp("calibration"))


def _run(args: list[str], posterior_root: Path) -> int:
    return main([*args, "--posterior-dir", str(posterior_root)])


def test_optimise_writes_a_loadable_plan_the_front_and_a_report(tmp_path, posterior_root,
                                                                 capsys):
    out = tmp_path / "opt"
    code = _run(["optimise", BASELINE, "--targets", "SZ-FUTURE-2030", "--probability", "0.3",
                 "--levers", "special_fund", "--periods", "15th", "--population", "6",
                 "--generations", "3", *SMALL, "--out", str(out)], posterior_root)
    assert code == 0, capsys.readouterr().err
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))  # no marker
    assert written == ["best.yaml", "front.png", "pareto.csv", "report.md"]
    plan = load_scenario(out / "best.yaml")
    assert "least total spending" in plan.rationale and "SZ-FUTURE-2030" in plan.rationale
    front = pd.read_csv(out / "pareto.csv")
    assert list(front.columns) == ["spend", "special_fund.15th", "p_SZ-FUTURE-2030", "reached",
                                   "shortfall"]
    cheapest = front[front["shortfall"] == 0].iloc[0]
    assert plan.lever_value("special_fund", "15th") == cheapest["special_fund.15th"]
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "fresh draws" in report and "special_fund" in report
    assert "What each lever contributes" in report and "**total / 合计**" in report
    assert "Closed periods, never changed: 14th (2025)" in report
    assert "Guidance-fund leverage / 引导基金放大倍数: held at the scenario's value" in report
    # the 2030 target's range over its driver, as on the scoreboard
    assert "over Future-industry output in 2023 (" in report
    assert "cheapest plan: spending" in capsys.readouterr().out


def test_infeasible_optimise_exits_3_says_so_and_still_writes(tmp_path, posterior_root,
                                                              capsys):
    out = tmp_path / "opt"
    # The 16th-plan grant level cannot make every one of 30 fixture draws reach both
    # future-industry targets (probability 0.999 needs all of them).
    code = _run(["optimise", BASELINE, "--targets", "SZ-FUTURE-2030,SZ-FUTURE-2035",
                 "--probability", "0.999", "--levers", "talent_grant_level", "--periods",
                 "16th", "--population", "4", "--generations", "1", *SMALL, "--out", str(out)],
                posterior_root)
    err = capsys.readouterr().err
    assert code == 3
    assert "no plan within the allowed ranges reaches SZ-FUTURE-2030, SZ-FUTURE-2035" in err
    # one line (a stand-in calibration without provenance adds its own warning line)
    assert len([ln for ln in err.strip().splitlines() if 'warning: the calibration' not in ln]) == 1
    assert (out / "best.yaml").is_file() and (out / "pareto.csv").is_file()
    assert "no plan" in load_scenario(out / "best.yaml").rationale


@pytest.mark.parametrize(("args", "message"), [
    (["optimise", BASELINE, "--targets", "SZ-NOPE"], "--targets: unknown target 'SZ-NOPE'"),
    (["optimise", BASELINE, "--targets", "KS-HTE-2026"], "--targets: KS-HTE-2026 is a kunshan"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--probability", "1"],
     "--probability: 1 is outside the allowed range (0, 1)"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--probability", "0"],
     "--probability: 0 is outside"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--levers", "fund"],
     "--levers: unknown lever 'fund'"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--periods", "13th"],
     "--periods: unknown plan period '13th'"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--periods", "14th"],
     "--periods: the 14th plan (2025) has begun by the data vintage"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--levers", "attraction_projects"],
     "--levers: attraction_projects has no cost per unit"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--levers",
      "attraction_projects=1:x"], "--levers: 'attraction_projects=1:x': give a bound"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--assume", "nope=1"],
     "--assume: unknown assumption 'nope'"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--assume",
      "future_industry_base_2023=-5"],
     "--assume: future_industry_base_2023: -5 is outside the allowed range"),
    # --assume within the plausible range: the unit range, an open end 3 x the uncertainty
    # range's end (future_industry_base_2023: 500-2500 -> at most 7500; 1e9 overflowed)
    (["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values", "1",
      "--assume", "future_industry_base_2023=1e9"],
     "--assume: future_industry_base_2023: 1e+09 is outside the allowed range 0 to 7500 "
     "100m yuan/yr (open upper end 3 x the uncertainty range's high)"),
    (["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values", "1",
      "--assume", "future_industry_base_2023=7501"],
     "--assume: future_industry_base_2023: 7501 is outside the allowed range 0 to 7500"),
    (["sweep", str(SCENARIOS_DIR / "kunshan_baseline.yaml"), "--lever", "special_fund",
      "--period", "15th", "--values", "1", "--assume", "future_industry_base_2023=2000"],
     "--assume: future_industry_base_2023: 2000 is outside the allowed range 0 to 1562.5"),
    (["discover", BASELINE, "--target", "SZ-HTE-2025", "--assume", "future_gdp_growth=0.5"],
     "--assume: future_gdp_growth: 0.5 is outside the allowed range -0.05 to 0.15 /yr"),
    (["discover", BASELINE, "--target", "SZ-HTE-2025", "--assume",
      "future_industry_potential=1e12"],
     "--assume: future_industry_potential: 1e+12 is outside the allowed range 1 to 90000"),
    # an assumption named twice (key or .mdl name): the later value replaced the earlier one
    (["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values", "1",
      "--assume", "future_industry_base_2023=1500", "--assume",
      "future_industry_base_2023=900"],
     "--assume: future_industry_base_2023 is given more than once (1500 and 900); give each "
     "assumption once"),
    (["optimise", BASELINE, "--targets", "SZ-FUTURE-2030", "--assume",
      "future_industry_base_2023=1500", "--assume", "Future industry base 2023=1500"],
     "--assume: future_industry_base_2023 is given more than once (1500 and 1500)"),
    (["optimise", BASELINE, "--targets", "SZ-HTE-2025", "--dask", "tcp://127.0.0.1:9"],
     "--dask: cannot reach a Dask scheduler"),
    (["discover", BASELINE, "--target", "SZ-NOPE"], "--target: unknown target 'SZ-NOPE'"),
    (["discover", BASELINE, "--target", "SZ-HTE-2025", "--min-lift", "1"],
     "--min-lift: 1.0 is not allowed; give a lift above 1"),
    (["discover", BASELINE, "--target", "SZ-HTE-2025", "--min-coverage", "0"],
     "--min-coverage: 0.0 is outside the allowed range (0, 1]"),
    (["sweep", BASELINE, "--lever", "special_fund", "--period", "17th", "--values", "1"],
     "--period: unknown plan period '17th'"),
    (["sweep", BASELINE, "--lever", "nope", "--period", "15th", "--values", "1"],
     "--lever: unknown lever 'nope'"),
    (["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values", "1,x"],
     "--values: '1,x' is not a comma-separated list of numbers"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, posterior_root, capsys,
                                                            args, message):
    out = tmp_path / "out"
    assert _run([*args, "--draws", "5", "--quiet", "--out", str(out)], posterior_root) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_output_folder_needs_force(tmp_path, posterior_root, capsys):
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    args = ["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values",
            "100,900", *SMALL, "--out", str(tmp_path)]
    assert _run(args, posterior_root) == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path}:" in err and "not written by suzhou-sim" in err
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_sweep_and_discover_write_their_outputs(tmp_path, posterior_root, capsys):
    sweep_out, found_out = tmp_path / "sweep", tmp_path / "discover"
    assert _run(["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values",
                 "100,900", *SMALL, "--out", str(sweep_out)], posterior_root) == 0
    table = pd.read_csv(sweep_out / "sweep.csv")
    assert sorted(set(table["value"])) == [100.0, 900.0]
    assert (sweep_out / "sweep.png").stat().st_size > 0
    assert _run(["discover", BASELINE, "--target", "SZ-HTE-2025", "--draws", "200", "--quiet",
                 "--out", str(found_out)], posterior_root) == 0
    written = {p.name for p in found_out.iterdir() if not p.name.startswith(".")}
    assert written == {"boxes.csv", "trajectory.png", "report.md"}
    report = (found_out / "report.md").read_text(encoding="utf-8")
    assert "SZ-HTE-2025" in report and "PRIM" in report
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("SZ-HTE-2025")


def test_sweep_and_goal_seek_answer_a_prior_driven_target_with_its_driver(tmp_path,
                                                                        posterior_root, capsys,
                                                                        monkeypatch):
    """SZ-TECHCONTRACT-2025 is prior-sensitive on the fixture calibration at 200 draws (seed
    1): sweep.csv and report.md give its range over the bands with the input named, and
    goal-seek prints one answer per band, each conditional on it.

    Only 2025 targets are prior-driven on the fixture, and with data through 2024 no open plan
    period acts by 2025 (goal-seek refuses it); the goal seek therefore runs as with data
    through 2023, when the 14th plan's 2025 was still open."""
    out = tmp_path / "sweep"
    args = ["--draws", "200", "--seed", "1", "--quiet"]
    assert _run(["sweep", BASELINE, "--lever", "special_fund", "--period", "15th", "--values",
                 "100,900", *args, "--out", str(out)], posterior_root) == 0
    table = pd.read_csv(out / "sweep.csv")
    rows = table[table["target_id"] == "SZ-TECHCONTRACT-2025"]
    assert (rows["kind"] == "range").all() and (rows["basis"] == "bands").all()
    assert (rows["drivers"] == "Knowledge depreciation rate").all()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "SZ-TECHCONTRACT-2025: Depreciation of the knowledge stock" in report
    capsys.readouterr()
    goal_seek = ["goal-seek", BASELINE, "--target", "SZ-TECHCONTRACT-2025", "--lever",
                 "special_fund", "--period", "14th", "--probability", "0.8", *args]
    assert _run(goal_seek, posterior_root) == 2  # data through 2024: the 14th plan has begun
    assert "no open plan period acts by 2025" in capsys.readouterr().err
    vintage = optimise.data_vintage("suzhou")
    monkeypatch.setattr(optimise, "data_vintage",
                        lambda region, observations=None: replace(vintage, year=2023))
    assert _run(goal_seek, posterior_root) == 0
    printed = capsys.readouterr().out
    for fifth in ("lowest", "middle", "highest"):
        assert f"Prior-driven, among the {fifth} fifth of runs by Depreciation" in printed
    for band in ("low", "mid", "high"):
        assert f"({band} band)" in printed
