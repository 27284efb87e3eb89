"""Every input that can drive a target's range has a name in both languages."""

from __future__ import annotations

import pytest

from suzhou_sim.calibration.fit import load_free_parameters
from suzhou_sim.catalogues.scenarios import load_assumptions
from suzhou_sim.reporting.driver_labels import PARAMETER_LABELS, driver_label, drivers_text


def test_every_calibrated_parameter_has_a_chinese_and_an_english_name():
    names = [p.name for p in load_free_parameters("suzhou")]
    assert set(PARAMETER_LABELS) == set(names)
    for name in names:
        zh, en = PARAMETER_LABELS[name]
        assert en == name and zh and zh != en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), name


@pytest.mark.parametrize(("constant", "lang", "want"), [
    ("Approval stringency", "zh", "国家高企认定宽严(倍数)"),  # an assumption: its catalogue label
    ("Approval stringency", "en", "National HTE approval (multiplier)"),
    ("Government RD ratio", "zh", "政府研发投入比率"),  # a parameter: this module's table
    ("Government RD ratio", "en", "Government RD ratio"),
    ("Not a constant", "zh", "Not a constant"),  # unknown: itself
])
def test_driver_label(constant, lang, want):
    assert driver_label(constant, lang) == want


def test_drivers_text_joins_the_cell():
    assert drivers_text("Approval stringency; Government RD ratio", "zh") == (
        "国家高企认定宽严(倍数)、政府研发投入比率")
    assert drivers_text(None, "en") == "" and drivers_text("", "zh") == ""
    assert all(driver_label(a.vensim, "zh") == a.label_zh for a in load_assumptions().values())
