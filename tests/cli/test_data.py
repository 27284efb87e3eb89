"""``suzhou-sim data check`` / ``data add``: good, conflicting and hostile files (issue 21.5).

Every test works on a copy of the observed history (``--data``): the real
``data/observed_history.csv`` is never written.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from suzhou_sim import cli
from suzhou_sim.calibration.provenance import calibration_status, write_provenance
from suzhou_sim.paths import DATA_DIR, OBSERVED_FILE

EXAMPLE = DATA_DIR / "examples" / "suzhou_2024.csv"
HEADER = OBSERVED_FILE.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def through_2023(tmp_path: Path) -> Path:
    """A copy of the observed history without its 2024 rows (the example's year)."""
    path = tmp_path / "data" / "observed_history.csv"
    path.parent.mkdir()
    lines = OBSERVED_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if ",2024," not in line), encoding="utf-8")
    return path


def _main(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["data", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_prints_what_the_rows_change_and_writes_nothing(through_2023, capsys):
    before = sorted(through_2023.parent.rglob("*")), through_2023.read_bytes()
    code, out, err = _main(capsys, "check", str(EXAMPLE), "--data", str(through_2023))
    assert code == 0, err
    assert "6 new row(s)" in out and out.count(": new indicator-year") == 6
    assert "suzhou: data through 2023 -> data through 2024" in out
    # two GDP figures for 2024 from two sources: flagged with ratio, sources and weights
    assert "conflict: suzhou gdp 2024: 2 figures, ratio 1.001" in out
    assert "26700: a point with a 10% error; 26727: a point with a 5% error" in out
    assert "stale until `suzhou-sim calibrate --region suzhou`" in out
    assert (sorted(through_2023.parent.rglob("*")), through_2023.read_bytes()) == before


@pytest.mark.parametrize(("indicator", "year", "given", "registry"), [
    ("incubators_provincial_plus", 2019, "incubators", "carriers"),
    ("leading_talents_new", 2017, "persons/year", "persons"),
    ("leading_talents_new", 2018, "persons/year", "persons"),
    ("kedaitong_firms", 2024, "firm-times", "firms"),
])
def test_check_warns_of_history_rows_in_another_unit_than_the_registry(
        tmp_path, capsys, indicator, year, given, registry):
    """Rows of the history whose unit names another count than model/indicators.yaml are
    warned about on every check (the data stay as fitted)."""
    copy = tmp_path / "observed_history.csv"
    shutil.copyfile(OBSERVED_FILE, copy)
    code, out, err = _main(capsys, "check", str(EXAMPLE), "--data", str(copy))
    assert code == 0, err
    warnings = [ln for ln in out.splitlines() if "warning: unit of a row already" in ln]
    hit = [ln for ln in warnings if f"{indicator} {year} is given in {given!r}" in ln]
    assert len(hit) == 1 and f"the registry counts {registry!r}" in hit[0]
    assert str(copy) in hit[0] and ": row " in hit[0]
    assert len(warnings) == 5  # and no other row


def test_a_reported_figure_is_shown_as_revising_the_preliminary_one(through_2023, tmp_path,
                                                                     capsys):
    prelim = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
              if ",gdp,2024," in line and "preliminary" in line]
    reported = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines()
                if ",gdp,2024," in line and ",reported," in line]
    first, second = tmp_path / "prelim.csv", tmp_path / "reported.csv"
    first.write_text(f"{HEADER}\n{prelim[0]}\n", encoding="utf-8")
    second.write_text(f"{HEADER}\n{reported[0]}\n", encoding="utf-8")
    assert _main(capsys, "add", str(first), "--data", str(through_2023))[0] == 0
    code, out, _ = _main(capsys, "check", str(second), "--data", str(through_2023))
    assert code == 0 and "revises a preliminary figure (26700 -> 26727)" in out


def test_add_appends_keeps_the_previous_file_and_makes_the_calibration_stale(
        through_2023, tmp_path, capsys):
    calibration = tmp_path / "cal"
    calibration.mkdir()
    write_provenance(calibration, "suzhou", observed_file=through_2023)
    assert not calibration_status("suzhou", calibration, observed_file=through_2023).stale
    old = through_2023.read_bytes()
    code, out, err = _main(capsys, "add", str(EXAMPLE), "--data", str(through_2023))
    assert code == 0, err
    new = through_2023.read_bytes()
    assert new.startswith(old) and new.count(b"\n") == old.count(b"\n") + 6  # no row lost
    (kept,) = (through_2023.parent / "previous").glob("observed_history.*.csv")
    assert kept.read_bytes() == old and f"kept as {kept}" in out
    status = calibration_status("suzhou", calibration, observed_file=through_2023)
    assert status.stale and status.changed == ("observed_data",)
    # adding the same file again changes nothing and keeps no second copy
    code, out, _ = _main(capsys, "add", str(EXAMPLE), "--data", str(through_2023))
    assert code == 0 and "6 already there (skipped)" in out and "nothing to add" in out
    assert through_2023.read_bytes() == new
    assert len(list((through_2023.parent / "previous").glob("*.csv"))) == 1


def _rows(*rows: str):
    def make(tmp: Path) -> Path:
        path = tmp / "new.csv"
        path.write_text(HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
        return path
    return make


def fifo(tmp: Path) -> Path:
    """A setup making a FIFO ``tmp/fifo.csv`` (reading it would wait for ever)."""
    os.mkfifo(tmp / "fifo.csv")
    return tmp / "fifo.csv"


def sparse_file(size: int, name: str = "huge.csv"):
    """A setup making ``tmp/name`` of ``size`` bytes that take no disk (a sparse file)."""
    def make(tmp: Path) -> Path:
        path = tmp / name
        with path.open("wb") as handle:
            handle.truncate(size)  # sparse: nothing is really written
        return path
    return make


def _million_rows(tmp: Path) -> Path:
    path = tmp / "million.csv"
    row = "suzhou,gdp,2020,20000,100m_yuan/year,exact,reported,https://x.cn,x\n"
    path.write_text(HEADER + "\n" + row * 1_000_000, encoding="utf-8")
    return path


def _garbage(tmp: Path) -> Path:
    (tmp / "g.csv").write_bytes(b"\x00\x01PK\x03")
    return tmp / "g.csv"


ROW = "suzhou,high_tech_enterprises,{year},{value},firms,{bound},reported,{src},超1.74万家"
GOOD = dict(year=2024, value=17400, bound="lower", src="https://www.suzhou.gov.cn/a")
# case -> (setup(tmp) -> file, fragment of the one-line refusal)
HOSTILE = {
    "a row for 2030": (_rows(ROW.format(**{**GOOD, "year": 2030})), "after the current year"),
    "an exact duplicate": (_rows(*[ROW.format(**GOOD)] * 2), "the same figure as"),
    "ten times an existing figure": (
        _rows(ROW.format(**{**GOOD, "year": 2023, "value": 157170, "bound": "exact"})),
        "contradicts 15717"),
    "a value in 万": (_rows(ROW.format(**{**GOOD, "value": 1.74})), "probably 万"),
    "an empty source": (_rows(ROW.format(**{**GOOD, "src": ""})), "'source_url': empty"),
    "a wrong unit": (_rows(ROW.format(**GOOD).replace(",firms,", ",percent,")),
                     "is not the unit of high_tech_enterprises"),
    "an unknown region": (_rows(ROW.format(**GOOD).replace("suzhou,", "wuxi,", 1)),
                          "column 'region'"),
    "an unknown bound": (_rows(ROW.format(**{**GOOD, "bound": "over"})), "column 'bound'"),
    "header only": (_rows(), "no data rows (only the header)"),
    "binary garbage": (_garbage, "binary file"),
    "a FIFO": (fifo, "is not a regular file"),
    "/dev/zero": (lambda tmp: Path("/dev/zero"), "is not a regular file"),
    "a 3 GB file": (sparse_file(3 * 10**9), "larger than the limit of 8,000,000 bytes"),
    "10^6 rows": (_million_rows, "larger than the limit"),
    "a folder": (lambda tmp: tmp, "is a folder"),
    "missing": (lambda tmp: tmp / "absent.csv", "not found"),
}


@pytest.mark.parametrize("action", ["check", "add"])
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_exit_2_with_one_line_and_change_nothing(through_2023, tmp_path, capsys,
                                                               case, action):
    setup, fragment = HOSTILE[case]
    (tmp_path / "in").mkdir()
    new = setup(tmp_path / "in")
    before = through_2023.read_bytes()
    code, out, err = _main(capsys, action, str(new), "--data", str(through_2023))
    assert code == 2, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in err
    assert through_2023.read_bytes() == before
    assert not list(through_2023.parent.glob("previous/*.csv"))  # nothing kept: nothing done


def test_a_bad_target_is_named(tmp_path, capsys):
    target = tmp_path / "observed.csv"
    shutil.copy(OBSERVED_FILE, target)
    with target.open("a", encoding="utf-8") as handle:
        handle.write(ROW.format(**{**GOOD, "year": 2099}) + "\n")
    code, _, err = _main(capsys, "check", str(EXAMPLE), "--data", str(target))
    assert code == 2 and f"{target}: row" in err and "2099" in err
