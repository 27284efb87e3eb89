"""Validation of observed statistics (issue 26 item 3): one table row per hostile file.

Every case is a copy of the shipped ``data/observed_history.csv`` with one edit; the same
code refuses it in ``load_observations`` (so ``calibrate --data``) and ``data check``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from suzhou_sim.catalogues.observation_checks import (
    allowed_jump,
    likely_unit_error,
    unit_notes,
    units_compatible,
)
from suzhou_sim.catalogues.observations import load_observations, observation_conflicts
from suzhou_sim.errors import InputError
from suzhou_sim.paths import OBSERVED_FILE

HEADER = OBSERVED_FILE.read_text(encoding="utf-8").splitlines()[0]
SRC = "https://example.gov.cn/bulletin"  # sources of the test rows (never shipped)
NEXT_YEAR = dt.date.today().year + 1


def _row(indicator="high_tech_enterprises", year=2023, value="15717", unit="firms",
         bound="exact", quality="reported", source=SRC, region="suzhou") -> str:
    return f"{region},{indicator},{year},{value},{unit},{bound},{quality},{source},引文"


def _with(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "observed.csv"
    text = OBSERVED_FILE.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# case -> (rows added to the shipped file, fragment of the one-line refusal)
HOSTILE = {
    "a row for 2030": ([_row(year=2030)], "2030 is after the current year"),
    "a row for 2099": ([_row(year=2099)], "2099 is after the current year"),
    "next year": ([_row(year=NEXT_YEAR)], f"{NEXT_YEAR} is after the current year"),
    "one row copied 50 times": ([_row(year=2024, value="17400", bound="lower")] * 50,
                                "the same figure as"),
    "a duplicate with ten times the value": ([_row(value="157170")],
                                             "contradicts 15717"),
    "a value in the wrong unit": ([_row(indicator="rd_expenditure", year=2024, value="9e6",
                                        unit="10k_yuan")],
                                  "'10k_yuan' is not the unit of rd_expenditure"),
    "a value in 万 without saying so": ([_row(year=2024, value="1.74", bound="lower")],
                                       "probably 万 (tens of thousands)"),
    "a fraction for a percent": ([_row(indicator="rd_intensity", year=2024, value="0.0415",
                                       unit="percent")], "probably a fraction"),
    "亿元 given in 万元": ([_row(indicator="gdp", year=2024, value="267270000",
                              unit="100m_yuan/year")], "probably 万元 (10k_yuan)"),
    "an empty source": ([_row(year=2024, value="17400", source="")],
                        "column 'source_url': empty"),
    "a blank source": ([_row(year=2024, value="17400", source="  ")],
                       "column 'source_url': empty"),
    "1e300": ([_row(year=2024, value="1e300")], "1e+300 is not plausible"),
    "a percent above 100": ([_row(indicator="rd_intensity", year=2024, value="415",
                                  unit="percent")], "at most 100 percent"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_rows_are_refused_on_one_line_naming_file_and_row(tmp_path, case):
    rows, fragment = HOSTILE[case]
    path = _with(tmp_path, *rows)
    with pytest.raises(InputError) as err:
        load_observations(path, region="suzhou")
    message = str(err.value)
    assert fragment in message and str(path) in message and "row " in message
    assert "\n" not in message


def test_the_shipped_file_passes_and_its_conflicts_are_flagged_with_ratio_and_sources():
    frame = load_observations(include_unverified=True)
    conflicts = observation_conflicts(frame)
    assert conflicts, "the shipped file has indicator-years from several sources"
    for c in conflicts:
        assert len(c.values) >= 2 and c.ratio == max(c.values) / min(c.values) > 1
        line = c.describe()
        assert f"ratio {c.ratio:.4g}" in line and all(s in line for s in c.sources)


def test_a_plausible_second_source_is_flagged_not_refused(tmp_path):
    path = _with(tmp_path, _row(value="16500", bound="approx"))  # 5% off the exact figure
    frame = load_observations(path, include_unverified=True)
    (hte,) = [c for c in observation_conflicts(frame, path)
              if (c.indicator, c.year) == ("high_tech_enterprises", 2023)]
    assert 16500.0 in hte.values and SRC in hte.sources
    assert hte.ratio == pytest.approx(16500 / 15700)


def test_a_lower_bound_far_below_a_figure_agrees_with_it(tmp_path):
    # "超1万" and 15,717 do not contradict each other: the bound is honoured, not refused
    path = _with(tmp_path, _row(value="10000", bound="lower"))
    assert len(load_observations(path)) == len(load_observations()) + 1


def test_a_series_break_of_a_few_tenths_is_accepted(tmp_path):
    # the R&D-intensity basis change of 2018 -> 2019 (+0.8 points) is no unit error
    path = _with(tmp_path, _row(indicator="rd_intensity", year=2018, value="2.8",
                                unit="percent", bound="approx", quality="preliminary"))
    assert "rd_intensity" in set(load_observations(path)["indicator"])


def test_the_jump_allowance_grows_with_the_gap_and_never_below_an_order():
    assert allowed_jump(1) == 10.0
    assert allowed_jump(13) > 16.6  # the shipped history's largest move (HTE recognitions)
    assert allowed_jump(2) < allowed_jump(8)


@pytest.mark.parametrize(("unit", "factor", "fragment"), [
    ("100m_yuan", 1e4, "万元"), ("100m_yuan/year", 1e8, "元 (yuan)"),
    ("percent", 0.01, "fraction"), ("firms", 1e-4, "万"), ("persons/year", 1e-4, "万"),
    ("10k_m2", 1e3, "10^3"),
])
def test_the_likely_unit_error_is_named(unit, factor, fragment):
    assert fragment in likely_unit_error(unit, factor)


@pytest.mark.parametrize(("content", "fragment"), [
    (HEADER + "\n", r"no data rows \(only the header\)"),
    ("", "missing column"),
])
def test_header_only_and_empty_files_name_the_file(tmp_path, content, fragment):
    path = tmp_path / "new.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=fragment) as err:
        load_observations(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(("given", "expected", "ok"), [
    ("firms", "firms", True), ("incubators", "carriers", True),
    ("persons/year", "persons", True), ("10k_yuan", "100m_yuan", False),
    ("100m_yuan", "100m_yuan/year", False), ("percent", "firms", False),
    ("10k_m2", "m2", False),
])
def test_units_are_compatible_only_without_a_conversion(given, expected, ok):
    assert units_compatible(given, expected) is ok


def test_a_differently_named_count_is_noted(tmp_path):
    path = _with(tmp_path, _row(year=2024, value="17400", unit="enterprises", bound="lower"))
    frame = load_observations(path)
    notes = unit_notes(frame[frame["year"] == 2024], {"high_tech_enterprises": "firms"})
    assert any("'enterprises', the registry counts 'firms'" in n for n in notes)
