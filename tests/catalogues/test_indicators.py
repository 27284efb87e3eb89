"""The indicator registry (``catalogues/indicators.py``): every entry has its Chinese twin, and
the columns of the target years are the ones a closeness search finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from suzhou_sim.catalogues.indicators import load_indicators, year_columns
from suzhou_sim.errors import InputError
from suzhou_sim.paths import INDICATORS_FILE


@pytest.mark.parametrize(("name", "field"), [("tech_loan_balance", "reason_zh"),
                                           ("tech_listings", "note_zh")])
def test_registry_without_chinese_twin_is_rejected(tmp_path: Path, name, field):
    data = yaml.safe_load(INDICATORS_FILE.read_text(encoding="utf-8"))
    data[name].pop(field)
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=rf"indicators\.yaml: {name}\.{field}"):
        load_indicators(path)


@pytest.mark.parametrize("times", [np.arange(2018, 2036, dtype=float),
                                   np.arange(2018, 2035.01, 0.125),
                                   np.array([2018.0, 2019.0, 2019.5, 2021.0, 2025.0])],
                         ids=["yearly", "fine", "uneven"])
def test_year_columns_match_the_closeness_search(times):
    years = [y for y in range(2018, 2036) if np.isclose(times, y).any()]
    want = [int(np.flatnonzero(np.isclose(times, y))[0]) for y in years]
    assert year_columns(times, years) == want
    assert year_columns(times, [float(y) for y in years]) == want
    if 2019.5 in times:  # not a whole year: the plain search
        assert year_columns(times, [2019.5]) == [int(np.flatnonzero(times == 2019.5)[0])]
    with pytest.raises(InputError, match="outside the simulated years"):
        year_columns(times, [2040])
