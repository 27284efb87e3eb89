"""The sensitivity summaries (``reporting/sensitivity_text.py``): the deciding factors named in both
languages."""

from __future__ import annotations

import pandas as pd
import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.reporting.sensitivity_text import summarise
from suzhou_sim.studies import sensitivity as sa


def test_summaries_name_the_deciding_factors_in_both_languages():
    rows = [("Approval stringency", "assumption", 0.55, 0.60, 0.04),
            ("Initial HTE", "calibrated", 0.20, 0.25, 0.03),
            ("External shock", "assumption", 0.06, 0.08, 0.02)]
    rows += [(f"p{i}", "calibrated", 0.0, 0.01, 0.01) for i in range(5)]
    indices = pd.DataFrame(
        [("sobol", "SZ-HTE-2025", "margin", f, k, "", s1, 0.01, st, c)
         for f, k, s1, st, c in rows], columns=sa.SOBOL_COLUMNS)
    en = summarise(indices)["SZ-HTE-2025"]
    assert en.startswith("Whether SZ-HTE-2025 (Valid high-tech enterprises")
    assert "Approval stringency (assumption, ST 0.60)" in en
    assert "Initial HTE (calibrated, 0.25)" in en
    assert "The other 5 of 8 factors have ST below 0.05 and hardly matter." in en
    zh = summarise(indices, lang="zh")["SZ-HTE-2025"]
    assert "国家高企认定宽严" in zh and "主要取决于" in zh and "几乎没有影响" in zh
    with pytest.raises(InputError, match="language"):
        summarise(indices, lang="fr")


def test_the_english_morris_summary_is_spaced_as_english():
    rows = [("Approval stringency", "assumption", 1200.0), ("Initial HTE", "calibrated", 300.0)]
    indices = pd.DataFrame(
        [("morris", "SZ-HTE-2025", "value", f, k, "firms", 0.0, mu, 1.0, 1.0)
         for f, k, mu in rows], columns=sa.MORRIS_COLUMNS)
    en = summarise(indices)["SZ-HTE-2025"]
    assert "Approval stringency (assumption, μ* " in en
    assert "stringency(" not in en and ",μ*" not in en, en  # the Chinese layout, unspaced
    zh = summarise(indices, lang="zh")["SZ-HTE-2025"]
    assert "国家高企认定宽严" in zh and "μ* 1,200" in zh
