"""Wording of study answers: a probability, a range with its driver, a conditional value."""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.catalogues.targets import load_targets
from suzhou_sim.reporting.answer_text import answer_text, change_text, with_answers
from suzhou_sim.studies.driven import Answer

DRIVERS = load_targets()["SZ-FUTURE-2030"].drivers
BASE = "Future industry base 2023"


def _range(probs):
    return Answer("SZ-FUTURE-2030", 0.5, DRIVERS, {BASE: probs}, {}, {BASE: (500, 1200, 2500)})


@pytest.mark.parametrize(("answer", "lang", "expected"), [
    (Answer("SZ-HTE-2025", 0.384), "en", "0.38"),
    (_range((0.0, 0.48, 1.0)), "en",
     "0.00–1.00 over Future-industry output in 2023 (0.00 at 500, 0.48 at 1,200, 1.00 at "
     "2,500 100m yuan/yr)"),
    (_range((0.0, 0.48, 1.0)), "zh", "0.00–1.00 随“2023年未来产业产值”(取500时0.00、"),
    (Answer("SZ-FUTURE-2030", 0.64, DRIVERS, {}, {BASE: 1500.0}), "en",
     "0.64 (given Future-industry output in 2023 = 1,500 100m yuan/yr)"),
    (Answer("SZ-FUTURE-2030", 0.64, DRIVERS, {}, {BASE: 1500.0}), "zh",
     "0.64 (假定2023年未来产业产值 = 1,500"),
])
def test_answer_text(answer, lang, expected):
    assert answer_text(answer, lang).startswith(expected)


def test_change_of_a_range_is_given_at_every_setting():
    text = change_text(_range((0.0, 0.40, 0.9)), _range((0.0, 0.45, 1.0)))
    assert text == "+0.00 low, +0.05 central, +0.10 high over Future-industry output in 2023"
    assert change_text(Answer("T", 0.2), Answer("T", 0.5)) == "+0.30"


def test_with_answers_fills_the_range_rows_of_a_comparison():
    table = pd.DataFrame({"target_id": ["SZ-HTE-2025", "SZ-FUTURE-2030"],
                          "p_a": [0.4, float("nan")], "p_b": [0.5, float("nan")],
                          "d_b": [0.1, float("nan")]})
    first, second = _range((0.0, 0.4, 0.9)), _range((0.1, 0.5, 0.9))
    second.probability = 0.6
    out = with_answers(table, [{"SZ-FUTURE-2030": first}, {"SZ-FUTURE-2030": second}])
    row = out.set_index("target_id").loc["SZ-FUTURE-2030"]
    assert row["p_a"] == 0.5 and row["p_b"] == 0.6 and row["d_b"] == pytest.approx(0.1)
    assert row["answer_a"].startswith("0.00–0.90") and "+0.10 central" in row["change_b"]
    assert out.set_index("target_id").loc["SZ-HTE-2025", "answer_a"] == ""


# --- prior-driven answers: a range over the bands of a drawn input ---------------------------

KD = "Knowledge depreciation rate"


def _bands(probs):
    return Answer("SZ-TECHCONTRACT-2025", 0.75, (), {KD: probs}, {},
                  {KD: (0.122, 0.148, 0.174)}, basis="bands")


@pytest.mark.parametrize(("answer", "lang", "expected"), [
    (_bands((1.0, 0.97, 0.1)), "en",
     "0.10–1.00 over Depreciation of the knowledge stock (lowest fifth of runs, median 0.122: "
     "1.00; middle fifth: 0.97; highest fifth, median 0.174: 0.10)"),
    (_bands((1.0, 0.97, 0.1)), "zh",
     "0.10–1.00 随“知识存量折旧率”(取值最低五分之一的模拟,中位0.122:1.00;中间五分之一:0.97;"
     "最高五分之一,中位0.174:0.10)"),
])
def test_prior_driven_answer_text(answer, lang, expected):
    assert answer_text(answer, lang) == expected


def test_change_of_a_prior_driven_range_is_given_per_band():
    text = change_text(_bands((0.9, 0.5, 0.1)), _bands((1.0, 0.6, 0.1)))
    assert text == ("+0.10 lowest fifth, +0.10 middle fifth, +0.00 highest fifth over "
                    "Depreciation of the knowledge stock")
