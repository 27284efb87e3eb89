"""The wording of the 结论摘要 (``reporting/headline_text.py``): sentences that
carry the headline's numbers, the data vintage, past years judged by the published figures,
ranges named by their input."""

from __future__ import annotations

import pytest

from suzhou_sim.catalogues.observations import DataVintage
from suzhou_sim.reporting.headline import (
    headline,
)
from suzhou_sim.reporting.headline_text import headline_sentences, vintage_sentence
from tests.reporting.scoreboards import BOARD, CURVES, NAN, scoreboard


@pytest.mark.parametrize("lang, fixed, parts", [
    ("zh", None, ["2025 年:模型范围内 5 项目标中 2 项很可能达成(概率 ≥ 80%)",
                  "2 项低于 50%:目标A4 至少 10%、目标A2 30%", "1 项已达成",
                  "1 项由杠杆取值直接决定",
                  "另有 1 项在模型范围外", "2030 年:模型范围内 1 项目标",
                  "目标D1 10%–90%(取决于基数)", "数据截至 2023 年。"]),
    ("zh", {"Base": 1500.0}, ["目标D1 90%(条件概率:基数 = 1,500 亿元/年)"]),
    ("en", None, ["2 below 50%: target A4 at least 10%, target A2 30%",
                  "2025: 2 of 5 targets within the model's scope are likely",
                  "2030: 1 target within the model's scope", "1 depends on an assumption",
                  "target D1 10%–90% (set by Base)", "Data through 2023."]),
])
def test_sentences_carry_the_numbers(lang, fixed, parts):
    text = " ".join(headline_sentences(
        headline(BOARD, CURVES, vintage=DataVintage("suzhou", 2023, ()), fixed=fixed), lang))
    for part in parts:
        assert part in text, part


def test_vintage_names_preliminary_figures():
    text = vintage_sentence(DataVintage("suzhou", 2024, ("rd_intensity",)), "zh")
    assert text.startswith("数据截至 2024 年") and "初步数" in text


def test_past_years_say_how_the_published_figures_judge_them():
    board = scoreboard([
        ("P1", 2024, "met", 1.0, NAN, NAN, True),
        ("P2", 2024, "missed", 0.0, NAN, NAN, True),
        ("P3", 2025, "awaiting_data", 0.6, NAN, NAN, True),
        ("P4", 2025, "awaiting_data", NAN, 0.2, 0.7, True),  # a range, its year passed
    ]).assign(forecast_status=["assessable", "assessable", "assessable", "assumption_driven"])
    h = headline(board)
    assert [y.judged for y in h.years] == [(("met", 1), ("missed", 1)),
                                           (("awaiting_data", 2),)]
    assert [t.target_id for t in h.years[1].ranges] == ["P4"]
    text = " ".join(headline_sentences(h, "zh"))
    assert "1 项按已公布数据已实现" in text and "1 项按已公布数据未实现" in text
    assert "2 项数据尚待公布" in text and "目标P4 20%–70%" in text


def test_prior_driven_targets_are_ranges_named_by_their_input():
    board = scoreboard([
        ("Q1", 2026, "prior_driven", 0.22, 0.03, 0.54, True),
        ("Q2", 2026, "assessable", 0.9, 0.85, 0.95, True),  # a range under the rule: one p
        ("Q3", 2026, "lower_bound", 0.34, 0.05, 0.68, True),  # a bound over the rule: a range
    ]).assign(drivers=["Approval stringency", "Government RD ratio", "Approval stringency"],
              prior_sensitive=[True, False, True])
    (year,) = headline(board).years
    assert (year.with_probability, year.likely, year.n_ranges) == (1, 1, 2)
    assert [t.target_id for t in year.ranges] == ["Q1", "Q3"]  # the lowest end first
    ranged = year.ranges[0]
    assert year.ranges[1].prior and year.ranges[1].bound == "lower"
    both = " ".join(headline_sentences(headline(board), "zh"))
    assert "目标Q3 至少 5%–68%(取决于国家高企认定宽严(倍数))" in both
    board = board[board["target_id"] != "Q3"]
    assert ranged.prior and (ranged.low, ranged.high) == (0.03, 0.54)
    assert ranged.drivers == (("国家高企认定宽严(倍数)", "National HTE approval (multiplier)"),)
    zh = " ".join(headline_sentences(headline(board), "zh"))
    en = " ".join(headline_sentences(headline(board), "en"))
    assert ("1 项取决于外部假设或数据约束较弱的参数:"
            "目标Q1 3%–54%(取决于国家高企认定宽严(倍数))") in zh
    assert "1 depends on an assumption or a parameter the data inform weakly" in en
    assert "target Q1 3%–54% (set by National HTE approval (multiplier))" in en


def test_a_lower_bound_at_zero_says_what_the_measured_part_reaches():
    board = scoreboard([("L1", 2026, "awaiting_data", 0.0, NAN, NAN, True),
                      ("L2", 2026, "lower_bound", 0.2, NAN, NAN, True)]).assign(
        forecast_status=["lower_bound", "lower_bound"], median=[3400.0, 90.0],
        threshold=[10000.0, 100.0])
    zh = " ".join(headline_sentences(headline(board), "zh"))
    en = " ".join(headline_sentences(headline(board), "en"))
    assert "目标L1 至少 0%(模型所计部分在中位情形下为目标值的 34%)" in zh
    assert "目标L2 至少 20%" in zh and "目标L2 至少 20%(" not in zh
    assert ("target L1 at least 0% (the part the model counts reaches 34% of the threshold "
            "in the median run)") in en
