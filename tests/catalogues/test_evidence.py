"""The evidence loader: shipped rows and benchmarks load; a row without its source is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from suzhou_sim.catalogues.evidence import (
    EFFECT_SIZES_FILE,
    EVIDENCE_COLUMNS,
    load_cost_benchmarks,
    load_effect_sizes,
)
from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.catalogues.scenarios import load_levers
from suzhou_sim.catalogues.timeline import PERIOD_YEARS
from suzhou_sim.errors import InputError


def _copy_with(tmp_path: Path, change) -> Path:
    table = pd.read_csv(EFFECT_SIZES_FILE, dtype=str, keep_default_na=False)
    table = change(table)
    path = tmp_path / "effect_sizes.csv"
    table.to_csv(path, index=False)
    return path


def test_shipped_rows_load_with_their_sources():
    table = load_effect_sizes()
    assert list(table.columns) == [*EVIDENCE_COLUMNS, "line"]
    assert len(table) > 0 and table["citation"].str.len().gt(0).all()
    assert table["line"].iloc[0] == 2


@pytest.mark.parametrize("column", ["citation", "url", "quote", "channel"])
def test_a_row_without_its_source_names_file_and_line(tmp_path, column):
    def blank(t):
        t.loc[4, column] = ""
        return t

    path = _copy_with(tmp_path, blank)
    with pytest.raises(InputError, match=rf"{path}: line 6 .*missing {column}"):
        load_effect_sizes(path)


def test_missing_column_and_repeated_row_are_refused(tmp_path):
    path = _copy_with(tmp_path, lambda t: t.drop(columns=["url"]))
    with pytest.raises(InputError, match="missing column\\(s\\) url"):
        load_effect_sizes(path)
    path = _copy_with(tmp_path, lambda t: pd.concat([t, t.iloc[[0]]]))
    with pytest.raises(InputError, match=f"line {len(load_effect_sizes()) + 2}: channel and"):
        load_effect_sizes(path)


def test_benchmarks_rest_on_existing_rows_and_name_model_things():
    benchmarks = load_cost_benchmarks()
    assert "enterprise_reward_hte" in benchmarks
    for b in benchmarks.values():
        assert b.rows and all(r["citation"] for r in b.rows)
        assert load_levers()[b.channel].theme == "fund_split"
        assert b.indicator in load_indicators()
        assert PERIOD_YEARS[b.period][0] <= b.year
        assert b.low <= b.central <= b.high


def test_benchmark_citing_an_unknown_row_is_refused(tmp_path):
    text = Path(EFFECT_SIZES_FILE.parent / "cost_benchmarks.yaml").read_text(encoding="utf-8")
    path = tmp_path / "cost_benchmarks.yaml"
    path.write_text(text.replace("Shape of local S&T", "Shape of no S&T", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"benchmarks.enterprise_reward_hte.rests_on\[2\]"):
        load_cost_benchmarks(path)
