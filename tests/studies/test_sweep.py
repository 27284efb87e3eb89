"""Sweeps answer a prior-driven target as the scoreboard does: a range over the bands of the
drawn input the base scenario's scoreboard names, the same input for every lever value."""

from __future__ import annotations

import pytest

from suzhou_sim.studies.scenario_runs import run_scenario
from suzhou_sim.studies.sweep import SWEEP_COLUMNS, sweep

DRAWS, SEED = 200, 1


@pytest.fixture(scope="module")
def swept(baseline, posterior_dir):
    board = run_scenario(baseline, draws=DRAWS, seed=SEED, posterior=posterior_dir).targets
    base_value = baseline.lever_value("special_fund", "15th")
    table = sweep(baseline, "special_fund", "15th", [base_value, 400.0], draws=DRAWS,
                  seed=SEED, posterior=posterior_dir)
    return board[board["prior_sensitive"]].set_index("target_id"), table, base_value


def test_prior_driven_rows_are_ranges_with_the_driver(swept):
    board, table, base_value = swept
    assert list(table.columns) == SWEEP_COLUMNS
    assert not board.empty
    for tid, row in board.iterrows():
        rows = table[table["target_id"] == tid]
        assert len(rows) == 2
        assert (rows["kind"] == "range").all() and (rows["basis"] == "bands").all()
        # one driver for every value: the base scenario's scoreboard's
        assert (rows["drivers"] == row["drivers"]).all()
        at_base = rows[rows["value"] == base_value].iloc[0]
        assert (at_base["p_low"], at_base["p_high"]) == pytest.approx(
            (row["p_curve_min"], row["p_curve_max"]))
        assert at_base["p_low"] <= at_base["p_central"] <= at_base["p_high"]
        # the status column says prior-driven as the scoreboard does (it showed the
        # unadjusted 'assessable')
        assert (rows["status"] == row["status"]).all(), (tid, row["status"])
        assert (rows["forecast_status"] == row["forecast_status"]).all(), tid
    assert "prior_driven" in {*board["status"], *board["forecast_status"]}


def test_ledger_ranges_keep_their_settings_basis(swept):
    _, table, _ = swept
    ledger = table[table["target_id"] == "SZ-FUTURE-2030"]
    assert (ledger["kind"] == "range").all() and (ledger["basis"] == "settings").all()
    single = table[table["kind"] == "single"]
    assert (single["basis"] == "").all()


def test_sweep_report_shows_the_band_range_and_names_the_driver(swept):
    from suzhou_sim.reporting.answer_text import driver_name
    from suzhou_sim.reporting.decision_report import sweep_report

    board, table, _ = swept
    text = sweep_report(table, DRAWS, SEED)
    assert "Prior-driven targets show `low–high (middle)`" in text and "取决于先验" in text
    for tid, row in board.iterrows():
        name = driver_name(row["drivers"].split("; ")[0])
        assert f"{tid}: {name}" in text
        line = next(x for x in text.splitlines() if x.startswith(f"| {tid} |"))
        assert f"{row['p_curve_min']:.2f}–{row['p_curve_max']:.2f}" in line


def test_a_fixed_prior_driver_gives_the_conditional_answer(swept, baseline, posterior_dir):
    """Fixing the drawn input that drives a target (``--assume``) answers it conditional on
    the fixed value, labelled so, instead of a bare number."""
    from suzhou_sim.catalogues.scenarios import load_assumptions
    from suzhou_sim.studies.driven import with_assumptions

    board, _, base_value = swept
    by_vensim = {a.vensim: k for k, a in load_assumptions().items()}
    tid, row = next((t, r) for t, r in board.iterrows()
                    if r["drivers"].split("; ")[0] in by_vensim)
    driver = row["drivers"].split("; ")[0]
    fixed = with_assumptions(baseline, {by_vensim[driver]: 0.15})
    table = sweep(fixed, "special_fund", "15th", [base_value], draws=DRAWS, seed=SEED,
                  posterior=posterior_dir)
    got = table[table["target_id"] == tid].iloc[0]
    assert got["kind"] == "conditional" and got["given"] == f"{driver}=0.15"
