"""A new region from files alone (issue 21, item 7), end to end on a small synthetic region.

A copy of the project's files (``model/``, ``data/``, ``scenarios/``) gets a profile
``model/regions/demo_district.yaml`` (parent: Suzhou), its baseline scenario, seven data
rows (synthetic: 5% of Suzhou's published HTE stock and GDP) and two ledger targets (one
modelled, one outside the model's scope); nothing in the package changes. The commands run
on that copy through ``SUZHOU_SIM_HOME`` with tiny sampler settings: the region is listed,
calibrated, backtested (for its forecast-error model), run and reported, and the statuses
say honestly what the data allow.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import REPO

REGION = "demo_district"
SCALE = 0.05


def synthetic_home(home: Path) -> Path:
    """A copy of the project's files with the synthetic region added (the README's recipe)."""
    for part in ("model", "data", "scenarios"):
        shutil.copytree(REPO / part, home / part,
                        ignore=shutil.ignore_patterns("backtest", "*.png"))
    kunshan = yaml.safe_load((REPO / "model/regions/kunshan.yaml").read_text(encoding="utf-8"))
    profile = {
        "label_en": "Demo district", "label_zh": "示范区", "parent": "suzhou",
        "baseline": f"{REGION}_baseline.yaml", "scale": SCALE,
        "scaled_parameters": kunshan["scaled_parameters"],
        "region_effects": ["Base application rate"],
        "constants": {name: {"value": 200 * SCALE, "source": "synthetic: 200 yi x 0.05"}
                      for name in ("Historic special fund", "Special fund 14th",
                                   "Special fund 15th", "Special fund 16th")},
    }
    (home / "model/regions" / f"{REGION}.yaml").write_text(
        yaml.safe_dump(profile, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (home / "scenarios" / f"{REGION}_baseline.yaml").write_text(
        f"name: {REGION}_baseline\ntitle_en: Demo district baseline\ntitle_zh: 示范区基准情景\n"
        "rationale: The profile's levers as they stand (a synthetic region).\n"
        f"region: {REGION}\ndraws: 200\nseed: 1\n", encoding="utf-8")
    data = home / "data/observed_history.csv"
    rows = list(csv.DictReader(data.open(encoding="utf-8")))
    new, seen = [], set()
    for r in rows:
        key = (r["indicator"], r["year"])
        if (r["region"] == "suzhou" and r["indicator"] in ("high_tech_enterprises", "gdp")
                and r["bound"] == "exact" and r["quality"] == "reported"
                and int(r["year"]) >= 2016 and key not in seen):
            seen.add(key)
            new.append({**r, "region": REGION, "value": f"{float(r['value']) * SCALE:.1f}",
                        "source_url": "synthetic", "quote_zh": "合成数据"})
    with data.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0])).writerows(new)
    targets = {
        "DD-HTE-2030": {
            "region": REGION, "indicator": "high_tech_enterprises", "measure": "level",
            "year": 2030, "comparator": ">=", "threshold": 1500, "unit": "firms",
            "label_en": "Valid high-tech enterprises", "label_zh": "有效高新技术企业数",
            "clause_zh": "到2030年全区高新技术企业1500家", "source_doc": "synthetic",
            "in_scope": True},
        "DD-ENGINEER-2030": {
            "region": REGION, "indicator": "excellent_engineers", "measure": "level",
            "year": 2030, "comparator": ">=", "threshold": 100, "unit": "persons",
            "label_en": "Excellent engineers", "label_zh": "卓越工程师",
            "clause_zh": "到2030年卓越工程师100人", "source_doc": "synthetic",
            "in_scope": False, "reason": "Engineer training programmes are not modelled.",
            "reason_zh": "模型未刻画工程师培养计划。"},
    }
    ledger = home / "model/targets.yaml"
    entries = yaml.safe_load(ledger.read_text(encoding="utf-8"))
    entries["targets"].update(targets)
    ledger.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False),
                      encoding="utf-8")
    with (home / "data/policy_targets.csv").open("a", encoding="utf-8", newline="") as handle:
        for tid, t in targets.items():
            handle.write(f"{tid},{REGION},{t['indicator']},{t['label_zh']},{t['measure']},,"
                         f"{t['year']},{t['comparator']},{t['threshold']},{t['unit']},"
                         f"synthetic.txt,synthetic,{t['clause_zh']},\n")
    return home


def _cli(home: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUZHOU_SIM_HOME": str(home), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "suzhou_sim", *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _python(home: Path, code: str) -> str:
    env = {**os.environ, "SUZHOU_SIM_HOME": str(home), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=home, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return synthetic_home(tmp_path_factory.mktemp("home"))


def test_the_region_is_listed_and_its_files_validate_without_a_code_change(home):
    out = _python(home, "from suzhou_sim.catalogues.regions import region_names, load_region\n"
                        "from suzhou_sim.catalogues.targets import targets_for_region\n"
                        "from suzhou_sim.catalogues.observations import load_observations\n"
                        "from suzhou_sim.app import state as S\n"
                        "s = {}\n"
                        f"print(region_names(), load_region('{REGION}').label('zh'))\n"
                        f"print(S.apply_query({{'region': '{REGION}'}}, s), s[S.K_REGION])\n"
                        f"print(len(load_observations(region='{REGION}')), "
                        f"[t.target_id for t in targets_for_region('{REGION}')])\n")
    listed, picked, data = out.splitlines()
    assert listed == "('suzhou', 'demo_district', 'kunshan') 示范区"  # roots first, then by name
    assert picked == f"[] {REGION}"  # the app's region picker and its URL take it
    assert data == "7 ['DD-HTE-2030', 'DD-ENGINEER-2030']"
    # The repository itself is untouched: the region exists only in the copy.
    assert not (REPO / "model/regions" / f"{REGION}.yaml").exists()


def test_a_run_before_calibration_says_what_to_do_on_one_line(home):
    proc = _cli(home, "run", f"scenarios/{REGION}_baseline.yaml", "--draws", "20", "--quiet",
                "--out", str(home / "early"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and REGION in proc.stderr
    assert not (home / "early").exists()


def test_calibrate_backtest_run_and_report_a_new_region(home):
    proc = _cli(home, "calibrate", "--region", REGION, "--starts", "1", "--steps", "100",
                "--keep", "100", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "several figures" not in proc.stderr  # one figure per indicator-year here
    folder = home / "model/calibration" / REGION
    assert {"point.yaml", "posterior.csv", "provenance.yaml", "report.md"} <= {
        p.name for p in folder.iterdir()}
    provenance = yaml.safe_load((folder / "provenance.yaml").read_text(encoding="utf-8"))
    assert provenance["region"] == REGION and "suzhou_calibration" in provenance["inputs"]
    assert "stale" not in _python(home, "from suzhou_sim.calibration.provenance import "
                                        f"calibration_status\nprint(calibration_status('{REGION}'))"
                                  ).replace("Staleness", "")

    proc = _cli(home, "backtest", "--region", REGION, "--origins", "2022", "--draws", "50",
                "--steps", "0", "--starts", "1", "--out", str(folder / "backtest"),
                "--save-error-model", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (folder / "forecast_error.yaml").is_file()

    out = home / "out"
    proc = _cli(home, "run", f"scenarios/{REGION}_baseline.yaml", "--draws", "100", "--quiet",
                "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "targets.csv").set_index("target_id")
    assert list(table.index) == ["DD-HTE-2030", "DD-ENGINEER-2030"]
    hte = table.loc["DD-HTE-2030"]
    assert hte["region"] == REGION and hte["status"] == "assessable"
    assert 0 <= hte["probability"] <= 1 and hte["p10"] <= hte["median"] <= hte["p90"]
    engineers = table.loc["DD-ENGINEER-2030"]  # no series, not modelled: says why
    assert engineers["status"] == "outside_scope" and pd.isna(engineers["probability"])
    assert engineers["reason"] == "Engineer training programmes are not modelled."
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "示范区基准情景" in report and "DD-HTE-2030" in report
    assert "Engineer training programmes are not modelled." in report

    proc = _cli(home, "report", f"scenarios/{REGION}_baseline.yaml", "--draws", "100",
                "--quiet", "--out", str(home / "会议材料.docx"))
    assert proc.returncode == 0, proc.stderr
    import docx

    text = "\n".join(p.text for p in docx.Document(str(home / "会议材料.docx")).paragraphs)
    assert "地区:示范区" in text  # the region's Chinese name from its profile


def test_a_data_row_of_a_region_without_a_profile_is_refused_on_one_line(home, tmp_path):
    bad = tmp_path / "bad.csv"
    text = (home / "data/observed_history.csv").read_text(encoding="utf-8")
    bad.write_text(text + text.splitlines()[-1].replace(REGION, "wuxi", 1) + "\n",
                   encoding="utf-8")
    proc = _cli(home, "calibrate", "--region", REGION, "--data", str(bad), "--quiet",
                "--out", str(tmp_path / "cal"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    line = proc.stderr.strip()
    assert "\n" not in line and str(bad) in line and "'region'" in line
    assert "'wuxi'; allowed: suzhou, demo_district, kunshan" in line
