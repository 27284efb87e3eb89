"""Calibration provenance: the shipped calibrations hold for the shipped model and data, and a
change to any fitted-to input makes a calibration stale (warning; ``--strict`` refuses)."""

from __future__ import annotations

import copy
import re
import shutil
import warnings

import numpy as np
import pytest
import yaml

from suzhou_sim import cli
from suzhou_sim.calibration.fit import Calibrator
from suzhou_sim.calibration.fit_tables import fit_tables
from suzhou_sim.calibration.posterior import load_posterior
from suzhou_sim.calibration.provenance import (
    PROVENANCE_FILE,
    StaleCalibrationWarning,
    calibration_status,
    current_provenance,
    model_fingerprint,
    status_files,
)
from suzhou_sim.calibration.resolve import resolve_posterior
from suzhou_sim.catalogues.regions import region_names
from suzhou_sim.fileio.outputs import MARKER
from suzhou_sim.paths import (
    MODEL_FILE,
    OBSERVED_FILE,
    PARAMETERS_FILE,
    REGIONS_DIR,
    REPO_ROOT,
    SCENARIOS_DIR,
    calibration_dir,
)


@pytest.mark.parametrize("region", region_names())
def test_shipped_calibration_matches_the_shipped_model_and_data(region):
    status = calibration_status(region)
    assert status.recorded and status.changed == () and not status.stale
    assert (calibration_dir(region) / MARKER).is_file()  # calibrate may replace its folder


@pytest.mark.parametrize("region", region_names())
def test_stored_point_estimate_reproduces_the_fit_reports_mape_table(region):
    posterior = load_posterior(region)
    cal = Calibrator(region)
    fitted = cal.payoff.simulated(cal.run(cal.to_x(posterior.point)))[0]
    series = fit_tables(cal.payoff.rows, fitted, fitted[None], fitted[None]).series
    got = {r.indicator: r.mape_exact_reported_pct for r in series.itertuples()
           if not np.isnan(r.mape_exact_reported_pct)}
    stored = posterior.meta["summary"]["mape_pct"]
    assert got.keys() == stored.keys()
    for indicator, value in stored.items():
        assert got[indicator] == pytest.approx(value, rel=1e-9, abs=1e-9), indicator
    report = (calibration_dir(region) / "report.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (\w+) \| ([0-9.]+) \| ≤ 8 \|", report, flags=re.M))
    assert table, "the report's goal table"
    for indicator, printed in table.items():
        assert f"{got[indicator]:.2f}" == printed, indicator


def _mdl_edit(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


CERTIFICATE = re.compile(r"(Certificate life\s*=\s*)3\b")

# edit of the .mdl text -> does it change the fingerprint?
MODEL_EDITS = {
    "comment": (lambda t: _mdl_edit(t, "{UTF-8}", "{UTF-8}{a new comment}"), False),
    "documentation": (lambda t: _mdl_edit(t, "Year-end values.", "Values at year end."), False),
    "units": (lambda t: _mdl_edit(t, "~\tyear [0,?]\n\t~\tYear-end", "~\tyr [0,?]\n\t~\tYear-end"),
              False),
    "whitespace": (lambda t: t.replace("\t", "    ").replace(" = ", "="), False),
    "sketch": (lambda t: t + "\n*extra sketch line\n", False),
    "certificate life 3 -> 6": (lambda t: CERTIFICATE.sub(r"\g<1>6", t, count=1), True),
    "an equation": (lambda t: _mdl_edit(t, "SAVEPER  = \n\t1", "SAVEPER  = \n\t2"), True),
}


@pytest.mark.parametrize("case", sorted(MODEL_EDITS))
def test_model_fingerprint_ignores_comments_units_docs_and_whitespace(tmp_path, case):
    edit, changes = MODEL_EDITS[case]
    text = MODEL_FILE.read_text(encoding="utf-8")
    edited = tmp_path / "model.mdl"
    edited.write_text(edit(text), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != text
    assert (model_fingerprint(edited) != model_fingerprint(MODEL_FILE)) is changes


def _changed_inputs(tmp_path):
    """Copies of the inputs, each edited in a way that matters to the fit -> input name."""
    text = MODEL_FILE.read_text(encoding="utf-8")
    model = tmp_path / "model.mdl"
    model.write_text(CERTIFICATE.sub(r"\g<1>6", text, count=1), encoding="utf-8")
    data = tmp_path / "observed.csv"
    lines = OBSERVED_FILE.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("suzhou,"))
    cells = lines[row].split(",")
    cells[3] = str(float(cells[3]) * 1.1)
    lines[row] = ",".join(cells)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    params = tmp_path / "parameters.yaml"
    spec = yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8"))
    first = next(iter(spec))
    spec[first]["sd"] = spec[first]["sd"] * 2
    params.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return {"model": {"model_file": model}, "observed_data": {"observed_file": data},
            "parameters": {"parameters_file": params}}


def test_any_changed_input_makes_the_calibration_stale(tmp_path):
    for name, inputs in _changed_inputs(tmp_path).items():
        status = calibration_status("suzhou", **inputs)
        assert status.recorded and status.changed == (name,) and status.stale, name


def test_a_changed_source_quote_does_not(tmp_path):
    data = tmp_path / "observed.csv"
    data.write_text(OBSERVED_FILE.read_text(encoding="utf-8").replace("https://", "http://"),
                    encoding="utf-8")
    assert not calibration_status("suzhou", observed_file=data).stale


def test_a_reworded_profile_source_or_name_does_not_but_a_value_does(tmp_path):
    """Only the profile's values are inputs of the fit; its sources and names document them."""
    shipped = REGIONS_DIR / "kunshan.yaml"
    profile = yaml.safe_load(shipped.read_text(encoding="utf-8"))

    def fingerprint(edit) -> str:
        folder = tmp_path / f"regions_{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        shutil.copy(REGIONS_DIR / "suzhou.yaml", folder / "suzhou.yaml")  # the parent
        data = copy.deepcopy(profile)
        edit(data)
        (folder / "kunshan.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                             encoding="utf-8")
        return current_provenance("kunshan", regions_dir=folder)["region_profile"]

    first = next(iter(profile["constants"]))

    def reword(data):
        data["label_en"] = "Kunshan City"
        data["constants"][first]["source"] = "another wording of the same source"

    def revalue(data):
        data["constants"][first]["value"] = data["constants"][first]["value"] * 1.5

    same = fingerprint(lambda data: None)
    assert fingerprint(reword) == same
    assert fingerprint(revalue) != same


def _stale_copy(tmp_path, region="suzhou"):
    """The shipped calibration with its recorded model fingerprint altered."""
    folder = tmp_path / "cal" / region
    shutil.copytree(calibration_dir(region), folder)
    record = yaml.safe_load((folder / PROVENANCE_FILE).read_text(encoding="utf-8"))
    record["inputs"]["model"] = "sha256:" + "0" * 64
    (folder / PROVENANCE_FILE).write_text(yaml.safe_dump(record), encoding="utf-8")
    return folder


def test_studies_warn_when_the_calibration_is_stale(tmp_path):
    folder = _stale_copy(tmp_path)
    with pytest.warns(StaleCalibrationWarning) as caught:
        resolve_posterior(folder, "suzhou")
    assert caught[0].message.status.changed == ("model",)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StaleCalibrationWarning)
        resolve_posterior(None, "suzhou")  # the shipped one is fresh: no warning


RUN = ["run", str(SCENARIOS_DIR / "baseline.yaml"), "--draws", "10", "--quiet", "--no-baseline"]


@pytest.mark.parametrize("command", [
    RUN, ["compare", str(SCENARIOS_DIR / "baseline.yaml"), str(SCENARIOS_DIR / "baseline.yaml"),
          "--draws", "10", "--quiet"],
])
def test_cli_warns_on_one_line_and_strict_refuses(tmp_path, capsys, command):
    folder = _stale_copy(tmp_path)
    out = ["--out", str(tmp_path / "out")] if command[0] == "run" else []
    code = cli.main([*command, "--posterior-dir", str(folder.parent), *out])
    err = capsys.readouterr().err
    stale = [line for line in err.splitlines() if "stale" in line]
    assert code == 0 and len(stale) == 1 and ": warning: " in stale[0]
    assert "the model equations changed" in stale[0]
    out = ["--out", str(tmp_path / "out2")] if command[0] == "run" else []
    code = cli.main([*command, "--posterior-dir", str(folder.parent), "--strict", *out])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--strict" in err and "stale" in err
    assert not (tmp_path / "out2").exists()


def test_calibration_without_a_record_is_reported_as_unchecked(tmp_path, capsys):
    folder = tmp_path / "cal" / "suzhou"
    shutil.copytree(calibration_dir("suzhou"), folder)
    (folder / PROVENANCE_FILE).unlink()
    status = calibration_status("suzhou", folder)
    assert not status.recorded and status.stale
    code = cli.main([*RUN, "--posterior-dir", str(folder.parent), "--out", str(tmp_path / "o")])
    assert code == 0 and "has no provenance record" in capsys.readouterr().err


def test_kunshan_records_the_suzhou_fit_its_priors_come_from():
    assert "suzhou_calibration" in current_provenance("kunshan")
    assert "suzhou_calibration" not in current_provenance("suzhou")


@pytest.mark.parametrize(("region", "suzhou_point"), [("suzhou", False), ("kunshan", True)])
def test_status_files_are_what_the_status_reads(region, suzhou_point):
    files = status_files(region)
    assert {MODEL_FILE, OBSERVED_FILE, PARAMETERS_FILE, REPO_ROOT / "pyproject.toml",
            REGIONS_DIR / f"{region}.yaml",
            calibration_dir(region) / "provenance.yaml"} <= set(files)
    assert (calibration_dir("suzhou") / "point.yaml" in files) == suzhou_point
