"""Target ledger against the targets CSV and the model; evaluation rules on known values;
the statuses, the scoping rule and the sub-models on fixture ledgers and hand-made ensembles."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from suzhou_sim.catalogues.indicators import load_indicators
from suzhou_sim.catalogues.observations import load_observations
from suzhou_sim.catalogues.scenarios import (
    PERIODS,
    assumption_ranges,
    load_levers,
    load_scenario,
)
from suzhou_sim.catalogues.targets import (
    CURVE_COLUMNS,
    SENSITIVITY_COLUMNS,
    STATUSES,
    Target,
    apply_curves,
    apply_prior_sensitivity,
    evaluate_targets,
    judgement,
    load_targets,
    observed_ratio,
    reached_per_run,
    target_status,
    within_about_band,
)
from suzhou_sim.catalogues.trends import trend_error
from suzhou_sim.engine import load_model
from suzhou_sim.errors import InputError
from suzhou_sim.paths import (
    MODEL_FILE,
    POLICY_TARGETS_FILE,
    SCENARIOS_DIR,
    TARGETS_FILE,
)
from suzhou_sim.reporting.markdown import (
    STATUS_TEXT,
    probability_text,
    render_report,
    scoreboard_text,
    status_summary,
)
from suzhou_sim.studies.scenario_runs import ScenarioResult

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


YEARS = np.arange(2018, 2036, dtype=float)


# Mid-2025 with data through 2024: the 2025 targets are still forecasts, the 2024 ones judged.
TODAY = dt.date(2025, 6, 1)


def _ramp_per_year(per_year: float, n_runs: int = 4) -> np.ndarray:
    """A counter adding ``per_year`` each year in every run."""
    return np.tile(per_year * np.arange(len(YEARS), dtype=float), (n_runs, 1))


def _level(values_2025: list[float]) -> np.ndarray:
    out = np.zeros((len(values_2025), len(YEARS)))
    out[:, 7] = values_2025  # column 7 = 2025
    return out


DRIVER = {"constant": "Future industry base 2023", "low": 500, "high": 2500,
          "label_en": "Future-industry output in 2023", "label_zh": "2023年未来产业产值",
          "unit": "100m_yuan/year", "source": "test range"}


FIXTURE = {  # target_id -> (status wanted, ledger entry)
    "T-ASSESS": ("assessable", dict(
        region="suzhou", indicator="high_tech_enterprises", measure="level", year=2025,
        comparator=">=", threshold=20000, unit="firms", in_scope=True)),
    # assessable by the ledger; prior-driven by the sensitivity table of the fixture
    "T-PRIOR": ("prior_driven", dict(
        region="suzhou", indicator="high_tech_enterprises", measure="level", year=2025,
        comparator=">=", threshold=20500, unit="firms", in_scope=True)),
    "T-LOWER": ("lower_bound", dict(
        region="suzhou", indicator="leading_talents", measure="level", year=2025,
        comparator=">=", threshold=5000, unit="persons", in_scope=True, bound="lower")),
    "T-UPPER": ("upper_bound", dict(
        region="suzhou", indicator="tech_listings", measure="cumulative", base_year=2021,
        year=2025, comparator=">=", threshold=100, unit="firms", in_scope=True, bound="upper",
        variable="Cumulative new listings",
        bracket=dict(region="suzhou", numerator="star_market_listed", difference_from=2022,
                     denominator="new_listings", year=2023))),
    "T-DRIVEN": ("assumption_driven", dict(
        region="suzhou", indicator="future_industry_output", measure="annual", year=2030,
        comparator=">=", threshold=5000, unit="100m_yuan/year", in_scope=True,
        drivers=[DRIVER])),
    "T-MET": ("already_met", dict(  # a ratio: 52.7% in 2023 (an annual flow never is)
        region="suzhou", indicator="high_tech_output_share", measure="ratio", year=2025,
        comparator=">=", threshold=50, unit="percent", in_scope=True)),
    "T-TREND": ("trend_only", dict(
        region="suzhou", indicator="new_rd_institutions", measure="level", year=2025,
        comparator=">=", threshold=160, unit="institutions", in_scope=True,
        trend={"series": "new_rd_institutions"})),
    # target years that have passed, judged from the 2024 figures
    "T-JMET": ("met", dict(  # "超1.74万" >= 17,000
        region="suzhou", indicator="high_tech_enterprises", measure="level", year=2024,
        comparator=">=", threshold=17000, unit="firms", in_scope=True)),
    "T-JMISS": ("missed", dict(  # 24,300 < 30,000
        region="suzhou", indicator="tech_smes_registered", measure="annual", year=2024,
        comparator=">=", threshold=30000, unit="firms/year", in_scope=True)),
    "T-JUNDET": ("undetermined", dict(  # "超1.74万" may or may not reach 18,000
        region="suzhou", indicator="high_tech_enterprises", measure="level", year=2024,
        comparator=">=", threshold=18000, unit="firms", in_scope=True)),
    "T-JWAIT": ("awaiting_data", dict(  # no 2023 figure of recognitions
        region="suzhou", indicator="hte_recognitions", measure="annual", year=2023,
        comparator=">=", threshold=5000, unit="firms/year", in_scope=True)),
    "T-LEVER": ("set_by_lever", dict(
        region="kunshan", indicator="tech_investment_projects", measure="cumulative",
        base_year=2024, year=2026, comparator=">=", threshold=3000, unit="projects",
        in_scope=True, set_by_lever="attraction_projects")),
    "T-OUT": ("outside_scope", dict(
        region="suzhou", indicator="smart_factories", measure="level", year=2025,
        comparator=">=", threshold=100, unit="factories", in_scope=False,
        reason="Not modelled.", reason_zh="模型未刻画。")),
}


CSV_HEADER = ["target_id", "region", "indicator", "indicator_zh", "measure", "base_year",
              "year", "comparator", "threshold", "unit", "source_file", "source_doc",
              "clause_zh", "note"]


def _write_ledger(folder: Path, entries: dict[str, dict]) -> tuple[Path, Path]:
    """A ledger and its targets CSV holding ``entries`` (clause, labels and source filled)."""
    full = {tid: {"label_en": tid, "label_zh": f"目标{tid}", "clause_zh": f"条款{tid}",
                  "source_doc": "测试", **e} for tid, e in entries.items()}
    ledger = folder / "targets.yaml"
    ledger.write_text(yaml.safe_dump({"targets": full}, allow_unicode=True), encoding="utf-8")
    table = folder / "policy_targets.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CSV_HEADER)
        writer.writeheader()
        for tid, e in full.items():
            writer.writerow({"target_id": tid, "indicator_zh": "", "source_file": "",
                             "note": "", "base_year": e.get("base_year", ""),
                             **{k: e[k] for k in ("region", "indicator", "measure", "year",
                                                  "comparator", "threshold", "unit",
                                                  "source_doc", "clause_zh")}})
    return ledger, table


@pytest.fixture(scope="module")
def fixture_targets(tmp_path_factory):
    ledger, table = _write_ledger(tmp_path_factory.mktemp("ledger"),
                                  {tid: e for tid, (_, e) in FIXTURE.items()})
    return load_targets(ledger, table)


@pytest.fixture(scope="module")
def fixture_table(fixture_targets):
    result = FakeResult({
        "High tech enterprises": _level([19000.0, 20000.0, 21000.0, 22000.0]),
        "Leading talents": _level([3000.0, 4000.0, 5000.0, 6000.0]),
        "Cumulative new listings": _ramp_per_year(25.0),  # 125 new listings 2021-2025 in every run
        "Future industry output": np.full((4, len(YEARS)), 6000.0),
        "High tech output share": np.full((4, len(YEARS)), 55.0),
        "HTE recognitions in year": np.full((4, len(YEARS)), 5200.0),
        "Tech SMEs registered": np.full((4, len(YEARS)), 25000.0),
        "Cumulative attraction projects": _ramp_per_year(1000.0),
    })
    table = evaluate_targets(result, fixture_targets.values(), today=TODAY)
    # the prior sensitivity: T-PRIOR 0 -> 1 across approval stringency (prior-driven),
    # T-ASSESS 0.4 -> 0.6 (under the rule: stays assessable)
    sensitivity = pd.DataFrame(
        [["T-PRIOR", "Approval stringency", "assumption", 0.2, 0.0, 0.5, 1.0, 0.8, 1.0, 100,
          1.0, 0.0],
         ["T-ASSESS", "Approval stringency", "assumption", 0.2, 0.4, 0.5, 0.6, 0.8, 1.0, 100,
          0.2, 0.07]], columns=SENSITIVITY_COLUMNS)
    table = apply_prior_sensitivity(table, sensitivity)
    table.attrs["sensitivity"] = sensitivity
    curves = pd.DataFrame(
        [["T-DRIVEN", DRIVER["constant"], DRIVER["label_en"], DRIVER["label_zh"],
          DRIVER["unit"], v, p, 4] for v, p in ((500, 0.0), (1500, 0.7), (2500, 1.0))],
        columns=CURVE_COLUMNS)
    return apply_curves(table, curves).set_index("target_id", drop=False), curves


def test_every_status_is_covered_by_the_fixture():
    assert sorted(want for want, _ in FIXTURE.values()) == sorted(STATUSES)


@pytest.mark.parametrize("tid", list(FIXTURE))
def test_status_of_each_fixture_target(fixture_targets, fixture_table, tid):
    want = FIXTURE[tid][0]
    target = fixture_targets[tid]
    # prior_driven is the sensitivity's verdict on an assessable target, not the ledger's
    ledger = "assessable" if want == "prior_driven" else want
    assert target_status(target, judgement(target, today=TODAY)) == ledger
    assert fixture_table[0].loc[tid, "status"] == want


@pytest.mark.parametrize(("tid", "probability", "text_en", "text_zh"), [
    ("T-ASSESS", 0.75, "0.75", "0.75"),
    ("T-PRIOR", 0.5, "0.00–1.00 over National HTE approval (multiplier)",
     "0.00–1.00 随国家高企认定宽严(倍数)"),
    ("T-LOWER", 0.5, "at least 0.50 (the model counts part of what the target counts)",
     "至少 0.50(模型只计目标口径的一部分)"),
    # 125 x 7/23 = 38 < 100: the bracket's "at least 0" is not printed
    ("T-UPPER", 1.0, "at most 1.00 (the model counts more than the target does)",
     "至多 1.00(模型所计范围大于目标口径)"),
    ("T-DRIVEN", None, "0.00–1.00 over the assumption", "0.00–1.00 随假设"),
    ("T-MET", 1.0, "1.00", "1.00"),
    ("T-JMET", None, "2024: ≥ 1.74e+04 (reported)", "2024: ≥ 1.74e+04 (公报数)"),
    ("T-JMISS", None, "2024: 2.43e+04 (reported)", "2024: 2.43e+04 (公报数)"),
    ("T-JUNDET", 0.0, "0.00", "0.00"),  # the nowcast: 4 runs at 19,000-22,000 in 2025, not 2024
    ("T-JWAIT", 1.0, "1.00", "1.00"),
    ("T-LEVER", None, "set by lever", "由杠杆设定"),
    ("T-OUT", None, "", ""),
])
def test_probability_by_status(fixture_table, tid, probability, text_en, text_zh):
    row = fixture_table[0].loc[tid]
    if probability is None:  # no bare probability for these statuses
        assert pd.isna(row["probability"])
    else:
        assert row["probability"] == probability
    r = next(fixture_table[0].loc[[tid]].itertuples())
    assert probability_text(r, "en") == text_en and probability_text(r, "zh") == text_zh


def test_lever_and_driven_rows_keep_their_values(fixture_table):
    table = fixture_table[0]
    assert table.loc["T-LEVER", "median"] == pytest.approx(3000.0)  # 2024-2026 x 1000
    assert table.loc["T-DRIVEN", ["p_curve_min", "p_curve_max"]].tolist() == [0.0, 1.0]
    assert table.loc["T-DRIVEN", "drivers"] == "Future industry base 2023"
    assert table.loc["T-MET", "observed"] == "2023: 52.7"
    assert table.loc["T-JMET", ["judged_year", "judged_value", "judged_bound"]].tolist() == [
        2024, 17400.0, "lower"]
    assert (table["data_through"] == 2024).all()


def _fixture_result(table: pd.DataFrame, curves: pd.DataFrame) -> ScenarioResult:
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    return ScenarioResult(
        scenario=scenario, draws=4, seed=1, targets=table.reset_index(drop=True),
        series=pd.DataFrame(), specs={}, posterior_source="fixture",
        levers={k: {p: scenario.lever_value(k, p) for p in PERIODS} for k in load_levers()},
        assumptions=assumption_ranges(scenario), curves=curves,
        sensitivity=table.attrs.get("sensitivity", pd.DataFrame(columns=SENSITIVITY_COLUMNS)))


def test_report_and_terminal_show_statuses_in_both_languages(fixture_table):
    table, curves = fixture_table
    result = _fixture_result(table, curves)
    report = render_report(result, charts={})
    for en, zh, define_en, define_zh in STATUS_TEXT.values():
        assert f"{en} / {zh}" in report and define_en in report and define_zh in report
    assert "at least 0.50" in report and "at most 1.00" in report and "≥ 0.00" not in report
    assert "Future-industry output in 2023" in report and "500: 0.00" in report  # the curve
    assert "1 assessable · 1 lower bound · 1 upper bound · 1 prior-driven" in report
    assert "1 可评估 · 1 下限 · 1 上限 · 1 取决于先验" in report
    assert "0.00–1.00 over National HTE approval (multiplier)" in report
    # the prior-sensitivity section: the input named for each target, with its bands
    section = report[report.index("### Prior sensitivity / 先验敏感性"):]
    assert ("| T-PRIOR | prior-driven / 取决于先验 | National HTE approval (multiplier) / "
            "国家高企认定宽严(倍数) | assumption / 假设 | 0.00 | 0.50 | 1.00 | 100 "
            "| 1.00 | 0.30 |") in section
    assert "| T-ASSESS | assessable / 可评估 |" in section and "| 0.20 | 0.35 |" in section
    for lang, label in (("en", "assumption-driven"), ("zh", "取决于假设")):
        text = scoreboard_text(result, lang=lang)
        assert label in text and status_summary(table, lang) in text


def _has_series(region: str, indicator: str) -> bool:
    return bool(((OBS["region"] == region) & (OBS["indicator"] == indicator)).any())


@pytest.mark.parametrize("target", list(LEDGER.values()), ids=lambda t: t.target_id)
def test_scoping_rule(target):
    """Modelled when a model output, a derivation or a documented sub-model carries it;
    outside scope only with a reason, and with a second reason when its indicator has an
    observed series in its region."""
    if target.in_scope:
        assert target.model_variables() or (target.trend and _has_series(
            target.region, target.trend["series"]))
        assert target_status(target) != "outside_scope"
    else:
        assert target.reason and target.reason_zh
        if _has_series(target.region, target.indicator):
            assert target.series_reason and target.series_reason_zh


@pytest.mark.parametrize("tid", ["SZ-CONSORT-2025", "SZ-NEWRD-2025", "KS-LG-2026",
                                 "KS-RDDEDUCT-2026", "KS-TALENTCUM-2026"])
def test_data_backed_targets_are_in_scope(tid):
    assert LEDGER[tid].in_scope


def test_outside_scope_with_a_series_needs_a_stated_reason(tmp_path):
    data = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))
    entry = data["targets"]["SZ-CONSORT-2025"]
    for key in ("trend", "note", "note_zh"):
        entry.pop(key)
    entry.update(in_scope=False, reason="Not modelled.", reason_zh="模型未刻画。")
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InputError, match=r"SZ-CONSORT-2025\.series_reason"):
        load_targets(path, POLICY_TARGETS_FILE)


@pytest.mark.parametrize(("tid", "status"), [
    ("SZ-HTSHARE-2025", "assessable"), ("SZ-LEADER-2025", "lower_bound"),
    ("SZ-LEADER-2025B", "lower_bound"), ("KS-LEADER-2026", "lower_bound"),
    ("KS-TOPTALENT-2026", "lower_bound"), ("SZ-SCI-2025", "assumption_driven"),
    ("SZ-CARRIERAREA-2025", "assumption_driven"), ("KS-CARRIERAREA-2026", "assumption_driven"),
    ("SZ-FUTURE-2030", "assumption_driven"), ("KS-TECHPROJ-2026", "set_by_lever"),
    # annual flows are never "already met" by an earlier year (each year counts anew)
    ("SZ-TECHCONTRACT-2025", "assessable"), ("SZ-TSME-2025", "assessable"),
    ("SZ-CONSORT-2025", "already_met"), ("SZ-LISTED-2025", "upper_bound"),
    ("SZ-ENGINEER-2025", "outside_scope"),
])
def test_ledger_statuses_of_the_issue(tid, status):
    assert target_status(LEDGER[tid]) == status


def test_listings_split_uses_the_star_market_series():
    t = LEDGER["SZ-LISTED-2025"]
    assert t.variable == "Cumulative new listings" and t.bound == "upper"
    assert observed_ratio(t.bracket) == pytest.approx((55 - 48) / 23)
    runs = np.vstack([_ramp_per_year(20.0, 1), _ramp_per_year(30.0, 1),
                      _ramp_per_year(80.0, 1)])  # 100, 150, 400
    out = evaluate_targets(FakeResult({"Cumulative new listings": runs}), [t], today=TODAY).iloc[0]
    assert out["probability"] == pytest.approx(1.0)  # all new listings reach 100
    assert out["p_bracket"] == pytest.approx(1 / 3)  # only 400 x 7/23 = 122 does


def test_leader_2025b_is_read_as_new_additions_since_2022():
    t = LEDGER["SZ-LEADER-2025B"]
    assert (t.eval_measure, t.eval_base_year) == ("cumulative", 2022)
    stock = _ramp_per_year(2500.0)  # 2500 added a year: 2022-2025 adds 10000
    out = evaluate_targets(FakeResult({"Leading talents": stock}), [t], today=TODAY).iloc[0]
    assert out["median"] == pytest.approx(10000.0)
    assert out["probability"] == 1.0 and out["p_about"] == 1.0


def test_trend_sub_model_carries_the_observed_pace():
    t = LEDGER["SZ-NEWRD-2025"]  # 78 (2021), 106 (2023): 14 a year, with the rule's error
    out = evaluate_targets(FakeResult(), [t], today=TODAY).iloc[0]
    assert out["status"] == "trend_only"
    assert out["median"] == pytest.approx(106 + 2 * 14, rel=1e-3)
    sigma = trend_error(OBS).sigma(2)
    assert out["p10"] == pytest.approx(134 * np.exp(-1.2816 * sigma), rel=0.01)
    assert out["p90"] == pytest.approx(134 * np.exp(1.2816 * sigma), rel=0.01)
    # 160 is beyond the trend but not beyond its error: a small probability, not a bare 0
    p = 1 - __import__("scipy.stats").stats.norm.cdf(np.log(160 / 134) / sigma)
    assert out["probability"] == pytest.approx(p, abs=0.01) and 0 < out["probability"] < 0.5
    consortia = evaluate_targets(FakeResult(), [LEDGER["SZ-CONSORT-2025"]], today=TODAY).iloc[0]
    assert consortia["median"] == pytest.approx(120) and consortia["status"] == "already_met"


def test_ratio_sub_model_scales_a_modelled_stock():
    t = LEDGER["KS-LG-2026"]  # little giants = HTEs x 400 / 15717 (Suzhou 2023)
    hte = np.zeros((2, len(YEARS)))
    hte[:, 8] = [3000.0, 4000.0]  # column 8 = 2026
    out = evaluate_targets(FakeResult({"High tech enterprises": hte}), [t], today=TODAY).iloc[0]
    assert out["median"] == pytest.approx(3500 * 400 / 15717)
    assert out["probability"] == 0.5 and out["status"] == "lower_bound"


@pytest.mark.parametrize(("largest", "total", "clusters"), [
    (900.0, 5000.0, 0), (1500.0, 2000.0, 1), (1500.0, 2500.0, 2), (3000.0, 12000.0, 2),
])
def test_future_clusters_count_one_and_two(largest, total, clusters):
    one, two = LEDGER["SZ-FUTCLUSTER-2035"], LEDGER["SZ-FUTCLUSTER-2035B"]
    assert (one.threshold, two.threshold) == (1, 2) and two.bound == "upper"
    result = FakeResult({"Largest future field output": np.full((1, len(YEARS)), largest),
                         "Future industry output": np.full((1, len(YEARS)), total),
                         "Future clusters above 1000": np.full((1, len(YEARS)),
                                                               float(largest >= 1000))})
    out = evaluate_targets(result, [one, two], today=TODAY).set_index("target_id")["median"]
    assert out["SZ-FUTCLUSTER-2035"] == min(clusters, 1)
    assert out["SZ-FUTCLUSTER-2035B"] == clusters


def test_seed_targets_added():
    """Seed 001 一(三) and 二(一), seed 000 四(四)12 and seed 003's qualitative goals."""
    assert LEDGER["SZ-SCI-2025B"].clause_zh == "累计引进战略科学家等顶尖人10 以上"
    for tid in ("KS-RDINST-2026", "KS-NATPLAT-2026", "SZ-SMARTALL-2025", "SZ-UNICOOP-2025"):
        assert not LEDGER[tid].in_scope and LEDGER[tid].reason
