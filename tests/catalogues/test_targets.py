"""Target ledger against the targets CSV and the model; evaluation rules on known values."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from suzhou_sim.catalogues.indicators import load_indicators, year_columns
from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.catalogues.targets import (
    Target,
    evaluate_targets,
    load_targets,
    reached_per_run,
    target_status,
    within_about_band,
)
from suzhou_sim.engine import load_model
from suzhou_sim.errors import InputError
from suzhou_sim.paths import INDICATORS_FILE, MODEL_FILE, POLICY_TARGETS_FILE, TARGETS_FILE

LEDGER = load_targets()
CSV = pd.read_csv(POLICY_TARGETS_FILE, dtype=str, keep_default_na=False)
CJK = re.compile(r"[\u4e00-\u9fff]")
OBS = load_observations()


def test_ledger_and_csv_hold_the_same_targets():
    assert list(LEDGER) == CSV["target_id"].tolist()


@pytest.mark.parametrize("target", [t for t in LEDGER.values() if t.in_scope],
                         ids=lambda t: t.target_id)
def test_in_scope_targets_resolve_to_model_outputs_or_observed_series(target):
    if target.trend:  # carried by a sub-model of its observed series, not by the model
        assert target.model_variables() == []
        assert not OBS[(OBS["region"] == target.region)
                       & (OBS["indicator"] == target.trend["series"])].empty
        return
    variables = set(load_model(MODEL_FILE).variables)
    needed = target.model_variables()
    assert needed and set(needed) <= variables


def test_out_of_scope_targets_carry_the_registry_reason():
    registry = load_indicators()
    for t in LEDGER.values():
        if not t.in_scope:
            assert t.reason == registry[t.indicator].reason, t.target_id
            assert t.reason_zh == registry[t.indicator].reason_zh, t.target_id


def test_definition_differences_are_noted():
    assert LEDGER["SZ-TEAMS-2025"].variable == "Top and major innovation teams"
    assert "subset" in LEDGER["SZ-LEADER-2025"].note
    assert "teams" in LEDGER["SZ-LEADER-2025B"].note
    assert LEDGER["SZ-TSME-2025"].from_year == 2022 and "2022-2025" in LEDGER["SZ-TSME-2025"].note
    assert "万" in LEDGER["SZ-CARRIERAREA-2025"].note
    assert "1到2个" in LEDGER["SZ-FUTCLUSTER-2035"].note
    for t in LEDGER.values():
        assert t.label_en.isascii() and t.label_zh


@pytest.mark.parametrize("entry", [*LEDGER.values(), *load_indicators().values()],
                         ids=lambda e: getattr(e, "target_id", None) or e.name)
def test_every_note_and_reason_has_a_chinese_twin(entry):
    for field in ("reason", "note"):
        en, zh = getattr(entry, field), getattr(entry, f"{field}_zh")
        assert (en is None) == (zh is None), field
        if en is not None:
            assert en.strip() and zh.strip() and CJK.search(zh), (field, zh)
            assert getattr(entry, f"{field}_text")("zh") == zh
            assert getattr(entry, f"{field}_text")("en") == en


def test_texts_come_in_the_chosen_language():
    t = LEDGER["KS-PATENT-2026"]
    assert t.reason_text("en") == "Patents and population are not modelled."
    assert t.reason_text("zh") == "模型未刻画专利和人口。"
    assert LEDGER["SZ-HTE-2025"].note_text("zh") is None
    ind = load_indicators()["leading_talents"]
    assert "lower bound" in ind.note_text("en") and "下限" in ind.note_text("zh")
    assert load_indicators()["tech_loan_balance"].reason_text("zh") == "模型未刻画银行信贷。"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["targets"].pop("SZ-HTE-2025"), "SZ-HTE-2025: in policy_targets.csv but missing"),
    (lambda d: d["targets"]["SZ-HTE-2025"].update(threshold=30000), "SZ-HTE-2025.threshold"),
    (lambda d: d["targets"]["KS-PATENT-2026"].update(in_scope=True), "KS-PATENT-2026.in_scope"),
    (lambda d: d["targets"]["KS-PATENT-2026"].pop("reason"), "KS-PATENT-2026.reason"),
    (lambda d: d["targets"]["KS-PATENT-2026"].pop("reason_zh"), "KS-PATENT-2026.reason_zh"),
    (lambda d: d["targets"]["SZ-LEADER-2025"].update(note_zh=""), "SZ-LEADER-2025.note_zh"),
], ids=["missing", "threshold", "scope", "reason", "reason_zh", "note_zh"])
def test_inconsistent_ledger_is_rejected(tmp_path: Path, edit, message):
    data = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        load_targets(path)


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


# --- evaluation rules on a hand-made result -------------------------------------------------


class FakeResult(dict):
    """Engine-like result: name -> (n_runs, n_times) arrays, with ``times``."""

    times = np.arange(2018, 2036, dtype=float)


def _result(**series: list[float]) -> FakeResult:
    res = FakeResult()
    for name, rows in series.items():
        res[name.replace("_", " ")] = np.asarray(rows, dtype=float)
    return res


def _ramp(start: float, step: float, n_runs: int = 4) -> np.ndarray:
    """Runs growing linearly; run i is shifted by i*step (run 0 is the lowest)."""
    years = np.arange(18)
    return np.array([start + step * (years + i) for i in range(n_runs)])


@pytest.mark.parametrize(("values", "reached", "about"), [
    ([60.0, 60.0, 60.0, 60.0], 1.0, 1.0),        # exactly the threshold: reached and "about"
    ([57.0, 56.9, 63.0, 63.1], 0.5, 0.5),  # ±5% edges are "about"; 57 < 60 is not reached
    ([59.99, 40.0, 70.0, 80.0], 0.5, 0.25),      # no tolerance below the threshold
], ids=["at-threshold", "band-edges", "just-below"])
def test_about_target_probabilities_say_what_they_measure(values, reached, about):
    t = LEDGER["SZ-TEAMS-2025B"]  # ~60 major innovation teams in 2025
    level = np.zeros((4, 18))
    level[:, 7] = values  # column 7 = 2025
    out = evaluate_targets(_result(Major_innovation_teams=level), [t],
                           today=dt.date(2025, 6, 1)).iloc[0]  # 2025 still a forecast
    assert out["probability"] == reached and out["p_about"] == about
    assert out["status"] == "assessable"


def test_at_least_target_has_no_about_column():
    t = LEDGER["SZ-HTE-2025"]
    level = np.full((2, 18), 20000.0)  # exactly the threshold
    out = evaluate_targets(_result(High_tech_enterprises=level), [t]).iloc[0]
    assert out["probability"] == 1.0 and pd.isna(out["p_about"])
    np.testing.assert_array_equal(within_about_band([94.9, 95.0, 105.0, 105.1], 100),
                                  [False, True, True, False])


def test_every_year_target_needs_each_year():
    t = LEDGER["SZ-TSME-2025"]  # >= 15000 in each year 2022-2025
    level = np.full((3, 18), 20000.0)
    level[1, 5] = 14000.0  # 2023 below: not reached although 2025 is fine
    level[2, 7] = 14000.0  # 2025 below
    res = _result(Tech_SMEs_registered=level)
    np.testing.assert_array_equal(reached_per_run(res, t), [True, False, False])


def test_cumulative_sums_from_the_base_year_and_first_year():
    t = LEDGER["SZ-VCFUND-2025"]  # >= 2500 yi of new fund scale 2022-2025, counter
    counter = _ramp(0.0, 250.0)  # 250 a year in every run, offsets cancel out
    out = evaluate_targets(_result(Cumulative_new_VC_fund_scale=counter), [t]).iloc[0]
    assert out["median"] == pytest.approx(1000.0)  # 2022..2025 = 4 years x 250
    assert out["probability"] == 0.0
    assert out["first_year"] == 2031  # 10 years from 2022 reach 2500


def test_first_year_blank_when_fewer_than_half_reach():
    t = LEDGER["SZ-HTE-2025"]
    level = np.full((4, 18), 10000.0)
    level[0, 10:] = 30000.0  # one run of four reaches it, from 2028
    out = evaluate_targets(_result(High_tech_enterprises=level), [t]).iloc[0]
    assert pd.isna(out["first_year"]) and out["probability"] == 0.0
    level[1, 12:] = 30000.0  # two of four: median of 2028 and 2030, rounded up
    out = evaluate_targets(_result(High_tech_enterprises=level), [t]).iloc[0]
    assert out["first_year"] == 2029


def test_out_of_scope_rows_are_blank_with_reason():
    t = LEDGER["SZ-SMARTFAC-2025"]
    out = evaluate_targets(FakeResult(), [t]).iloc[0]
    assert not out["in_scope"] and pd.isna(out["probability"]) and out["reason"]


# --- already met: a level by its latest figure, an annual flow only when every year is in ---
# The published figures (data/observed_history.csv): Suzhou's tech-SME registrations 2021
# ~17,942 (approx, derived; "近18000" is an upper bound and cannot show a target met), 2022
# 22,327, 2023 25,000, 2024 24,300; HTE recognitions 2022 5,531, 2024 5,517 (no 2023 figure);
# the HTE stock "超1.74万" (a lower bound) in 2024.
@pytest.mark.parametrize(("indicator", "measure", "year", "from_year", "threshold", "want"), [
    ("tech_smes_registered", "annual", 2024, None, 20000, "already_met"),  # 2024 published, met
    ("tech_smes_registered", "annual", 2024, None, 24500, "assessable"),  # 2024 falls short
    ("tech_smes_registered", "annual", 2025, None, 20000, "assessable"),  # 2025 not published
    ("tech_smes_registered", "annual", 2024, 2022, 20000, "already_met"),  # 2022-24 all met
    ("tech_smes_registered", "annual", 2024, 2022, 23000, "assessable"),  # 2022 short
    ("tech_smes_registered", "annual", 2025, 2022, 20000, "assessable"),  # 2025 still to come
    ("tech_smes_registered", "annual", 2024, 2021, 17000, "already_met"),  # approx 2021 counts
    ("tech_smes_registered", "annual", 2024, 2021, 17990, "assessable"),  # 17,942 < 17,990
    ("hte_recognitions", "annual", 2024, 2022, 5000, "assessable"),  # 2023 not published
    ("high_tech_enterprises", "level", 2025, None, 17000, "already_met"),  # floor 17,400
    ("high_tech_enterprises", "level", 2025, None, 18000, "assessable"),  # a floor below
])
def test_already_met_rule_on_a_table_of_cases(indicator, measure, year, from_year, threshold,
                                              want):
    t = Target(target_id="T", region="suzhou", indicator=indicator, measure=measure, year=year,
               comparator=">=", threshold=threshold, unit="firms", label_en="T", label_zh="T",
               clause_zh="", source_doc="", in_scope=True, from_year=from_year)
    # the forecast status, before any judgement of a year that has passed
    assert target_status(t) == want
