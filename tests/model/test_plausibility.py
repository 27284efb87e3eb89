"""Reference modes: the baseline's 2030/2035 medians stay inside the plausibility table.

The table lives in ``model/README.md`` (section "Reference modes and plausibility") with the
source of every bound; this test reads it from there, so the documentation and the check
cannot drift apart. The ensemble uses the stored Suzhou calibration and the baseline scenario,
so it also checks the committed posterior.
"""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.studies.scenario_runs import run_scenario
from tests.conftest import REPO

README = REPO / "model" / "README.md"
HEADER = "| indicator | year | low | high | source |"


def plausibility_table() -> pd.DataFrame:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2  # skip the header and its rule
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        ind, year, low, high, source = (c.strip() for c in line.strip("|").split("|"))
        rows.append({"indicator": ind, "year": int(year), "low": float(low),
                     "high": float(high), "source": source})
    return pd.DataFrame(rows)


TABLE = plausibility_table()


def test_the_table_covers_the_key_outputs_with_sources():
    assert {"high_tech_enterprises", "rd_intensity", "high_level_talent"} <= set(TABLE.indicator)
    assert (TABLE.low < TABLE.high).all()
    assert (TABLE.source.str.len() > 20).all()


@pytest.fixture(scope="module")
def baseline_series():
    return run_scenario(REPO / "scenarios" / "baseline.yaml", draws=300).series


@pytest.mark.parametrize("row", TABLE.to_dict("records"),
                         ids=lambda r: f"{r['indicator']}-{r['year']}")
def test_baseline_median_is_plausible(baseline_series, row):
    s = baseline_series
    hit = s[(s.indicator == row["indicator"]) & (s.year == row["year"])]
    assert len(hit) == 1, row["indicator"]
    median = float(hit["p50"].iloc[0])
    assert row["low"] <= median <= row["high"], (row["indicator"], row["year"], median)
