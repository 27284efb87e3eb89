"""Reading and validating the observed history (``catalogues/observations.py``); the
malformed-file cases of every catalogue are in ``test_malformed_files.py``."""

from __future__ import annotations

import pytest

from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.catalogues.regions import region_names
from suzhou_sim.errors import InputError
from suzhou_sim.paths import OBSERVED_FILE


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return OBSERVED_FILE.read_text(encoding="utf-8").splitlines()


def test_every_row_belongs_to_a_region_with_a_profile():
    rows = load_observations(include_unverified=True)
    assert set(rows["region"]) <= set(region_names())
    assert set(load_observations(region="kunshan")["region"]) == {"kunshan"}
    verified = load_observations()
    assert "unverified" not in set(verified["quality"]) and len(verified) < len(rows)


def test_a_row_of_a_region_without_a_profile_names_the_regions_allowed(tmp_path, lines):
    bad = tmp_path / "rows.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace("kunshan", "wuxi", 1)]) + "\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_observations(bad)
    assert str(info.value) == (f"{bad}: row 2, column 'region': 'wuxi'; allowed: "
                               f"{', '.join(region_names())}")


def test_rows_keep_their_line_numbers_and_types(tmp_path, lines):
    few = tmp_path / "few.csv"
    few.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    rows = load_observations(few, include_unverified=True)
    assert rows["row"].tolist() == [2, 3, 4]
    assert rows["year"].dtype.kind == "i" and rows["value"].dtype.kind == "f"


def test_a_validated_file_is_read_anew_after_any_edit_even_of_the_same_size(tmp_path):
    """The per-process store of validated files keys on the content, not the file's time."""
    from suzhou_sim.catalogues.observations import load_observations
    from suzhou_sim.paths import OBSERVED_FILE

    copy = tmp_path / "observed.csv"
    text = OBSERVED_FILE.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    first = load_observations(copy, region="suzhou")
    first["value"] = 0.0  # a caller's edit of its copy does not reach the store
    again = load_observations(copy, region="suzhou")
    assert (again["value"] > 0).all()
    row = next(line for line in text.splitlines()
               if line.startswith("suzhou,high_tech_enterprises,2023,15717"))
    copy.write_text(text.replace(row, row.replace("15717", "15718"), 1), encoding="utf-8")
    edited = load_observations(copy, region="suzhou")
    hte = edited[(edited["indicator"] == "high_tech_enterprises") & (edited["year"] == 2023)]
    assert 15718.0 in set(hte["value"])
