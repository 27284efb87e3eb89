"""The evidence loader: shipped rows and benchmarks load; a row without its source is refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from suzhou_sim.catalogues.evidence import (
    BENCHMARKS_FILE,
    EFFECT_SIZES_FILE,
    EVIDENCE_COLUMNS,
    SHARE_BOUND_FILE,
    load_cost_benchmarks,
    load_effect_sizes,
    load_share_bound,
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
    assert {"carrier_tech_sme", "special_fund_hte"} <= set(benchmarks)
    for b in benchmarks.values():
        assert b.rows and all(r["citation"] for r in b.rows)
        if b.step == "fund":
            assert b.channel == "special_fund"
        else:
            assert load_levers()[b.channel].theme == "fund_split"
        assert b.via is None or b.via in load_indicators()
        assert bool(b.mechanism_en) == bool(b.mechanism_zh)
        assert b.indicator in load_indicators()
        assert PERIOD_YEARS[b.period][0] <= b.year
        assert b.low <= b.central <= b.high


def test_benchmark_citing_an_unknown_row_is_refused(tmp_path):
    text = Path(EFFECT_SIZES_FILE.parent / "cost_benchmarks.yaml").read_text(encoding="utf-8")
    path = tmp_path / "cost_benchmarks.yaml"
    path.write_text(text.replace("Shape of local S&T", "Shape of no S&T", 1), encoding="utf-8")
    with pytest.raises(InputError, match=r"benchmarks.enterprise_reward_hte.rests_on\[2\]"):
        load_cost_benchmarks(path)


def test_a_benchmark_step_outside_the_allowed_ones_is_refused(tmp_path):
    raw = yaml.safe_load(BENCHMARKS_FILE.read_text(encoding="utf-8"))
    raw["benchmarks"]["special_fund_hte"]["step"] = "whole"
    path = tmp_path / "cost_benchmarks.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=r"special_fund_hte.step: 'whole' .*allowed: channel, "
                                         r"fund"):
        load_cost_benchmarks(path)


def test_chinese_mechanism_text_is_joined_without_spaces_between_characters():
    text = load_cost_benchmarks()["carrier_tech_sme"].mechanism("zh")
    assert "Carrier cost" in text and "载体 " not in text and " 购买" not in text


def test_the_share_bound_follows_from_its_observed_rows():
    bound = load_share_bound()
    first, last = bound.rows[0], bound.rows[-1]
    assert (first["year"], last["year"]) == (2009, 2023)
    assert bound.pace == pytest.approx((52.7 - 34.1) / 14)
    assert bound.carried == pytest.approx(68.64, abs=0.01)
    assert bound.bound == 70 and bound.carried <= bound.bound
    observed = pd.read_csv(EFFECT_SIZES_FILE.parent.parent / "observed_history.csv")
    for row in bound.rows:  # the figures are the observed ones, with their sources
        hit = observed[(observed.region == row["region"])
                       & (observed.indicator == row["indicator"])
                       & (observed.year == row["year"])]
        assert len(hit) == 1 and hit.value.iloc[0] == row["value"]
        assert hit.source_url.iloc[0] == row["source_url"]


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw.update(bound=80), r"bound: 80 does not follow from the rows; allowed: 70"),
    (lambda raw: raw["rows"][0].update(source_url=""), r"rows\[0\]: missing source_url"),
    (lambda raw: raw.update(rows=raw["rows"][:1]), r"rows: needs at least two"),
    (lambda raw: raw.pop("to_year"), r"missing field\(s\) to_year"),
])
def test_a_share_bound_that_does_not_follow_is_refused(tmp_path, change, message):
    raw = yaml.safe_load(SHARE_BOUND_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "high_tech_share_bound.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_share_bound(path)
