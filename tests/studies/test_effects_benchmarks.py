"""Lever costs against the evidence on the shipped calibration (a small study, 200 draws).

The talent channel buys an additional Gusu leading talent at the order of the grant (issue
#23: 0.5-5 times the stated grant level); carrier money buys space and, while space is not
short, no firm (its cost per firm is undefined and the report says why, with the measured
effects); the special fund as a whole is priced by the fund's own step; and the report gives
the mechanism of every cost outside its range in both languages.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from suzhou_sim.catalogues.evidence import load_cost_benchmarks
from suzhou_sim.reporting.effects_report import effects_markdown, mechanism_text, text
from suzhou_sim.studies.effects import FUND_LEVER, benchmark_comparison, lever_effects

DRAWS = 200
LEVERS = ["talent_weight", "carrier_weight", FUND_LEVER]


@pytest.fixture(scope="module")
def study(baseline):
    """The effects study on the stored (shipped) calibration of Suzhou."""
    result = lever_effects(baseline, draws=DRAWS, levers=LEVERS)
    return result, benchmark_comparison(result.table, baseline).set_index("benchmark")


def test_talent_channel_buys_a_leading_talent_at_the_order_of_the_grant(study):
    _, comparison = study
    row = comparison.loc["talent_leading_talent"]
    grant = row.parameter  # the model's stated grant level, 万元 per leading talent
    assert grant == pytest.approx(300)
    assert row.cost_status == "defined"
    assert 0.5 * grant <= row.cost_p50 <= 5 * grant, (row.cost_p50, grant)
    assert row.verdict == "inside"


def test_carrier_money_buys_space_and_no_firm_while_space_is_not_short(study):
    result, comparison = study
    row = comparison.loc["carrier_tech_sme"]
    money = load_cost_benchmarks()["carrier_tech_sme"]
    assert row.via == money.via == "carrier_area"
    # the channel step (10% of the 2025 fund a year) at 0.2 yi per 10k m2 of space, less
    # a year's retirement of the new space
    step = result.table[(result.table.kind == "channel")
                        & (result.table.lever == "carrier_weight")
                        & (result.table.period == "14th")].step.iloc[0]
    built = step / 0.2
    assert 0.92 * built < row.via_delta_p50 <= built
    assert row.delta_p50 == pytest.approx(0, abs=1e-6)
    assert row.verdict == "undefined" and math.isnan(row.cost_p50)
    for lang, words in (("en", "Why (the model's mechanism)"), ("zh", "原因(模型机制)")):
        text = mechanism_text(row, money.mechanism(lang), lang)
        assert text.startswith(words) and f"{row.via_delta_p50:,.1f}" in text


def test_the_special_fund_as_a_whole_is_priced_by_the_fund_step(study):
    result, comparison = study
    row = comparison.loc["special_fund_hte"]
    assert row.step == "fund" and row.verdict in ("inside", "above", "below")
    step = result.table[(result.table.kind == "lever") & (result.table.lever == FUND_LEVER)
                        & (result.table.period == "14th")
                        & (result.table.indicator == "high_tech_enterprises")
                        & (result.table.year == 2025)].iloc[0]
    assert row.delta_p50 == step.delta_p50 > 0
    assert row.cost_p50 == pytest.approx(step.money * 1e4 / step.delta_p50, rel=0.05)


def test_every_cost_outside_its_range_is_explained_in_both_languages(study):
    result, comparison = study
    report = effects_markdown(result.table, result.skipped, comparison.reset_index(),
                              {"scenario": "baseline"}, {})
    benchmarks = load_cost_benchmarks()
    outside = comparison[comparison.verdict.isin(["above", "below", "undefined"])]
    assert len(outside) >= 1
    for key in outside.index:
        for lang in ("en", "zh"):
            mechanism = benchmarks[key].mechanism(lang)
            if mechanism:
                assert mechanism in report, (key, lang)
            else:  # a benchmark without its own mechanism gets the general reason
                assert any(text(why, lang) in report
                           for why in ("why_dynamics", "why_outside")), (key, lang)
    assert np.isfinite(comparison.loc["talent_leading_talent", "cost_p50"])


def test_a_step_that_ran_but_left_the_indicator_unchanged_is_undefined_not_missing(study):
    """The effects table lists no row for an indicator a step leaves unchanged in every run;
    the comparison still knows the step ran (its other rows) and calls the cost undefined."""
    result, _ = study
    table = result.table
    talent = ((table.kind == "channel") & (table.lever == "talent_weight")
              & (table.indicator == "leading_talents"))
    assert talent.any() and (table.kind.eq("channel") & table.lever.eq("talent_weight")
                             & ~talent).any()
    row = benchmark_comparison(table[~talent], result.scenario).set_index(
        "benchmark").loc["talent_leading_talent"]
    assert (row.verdict, row.cost_status, row.delta_p50) == ("undefined", "undefined", 0.0)
    untaken = benchmark_comparison(table[~(table.lever == "talent_weight")], result.scenario)
    assert untaken.set_index("benchmark").loc["talent_leading_talent", "verdict"] == \
        "not_computed"
