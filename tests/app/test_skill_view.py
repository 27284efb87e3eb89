"""The skill section of the app's model page, in both languages, from the stored backtest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from suzhou_sim.app.skill_view import skill_rows
from suzhou_sim.reporting.backtest_report import SKILL_TEXT, load_skill_table
from suzhou_sim.studies.backtest import KEY_SERIES

SCRIPT = "from suzhou_sim.app.skill_view import skill_section\nskill_section({!r}, {!r})\n"


@pytest.mark.parametrize(("lang", "k"), [("zh", 0), ("en", 1)])
def test_skill_table_on_the_model_page(lang, k):
    at = AppTest.from_string(SCRIPT.format("suzhou", lang)).run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == SKILL_TEXT["title"][k]
    table = at.dataframe[0].value
    label = "全部指标" if lang == "zh" else "All indicators"
    assert label in set(table.iloc[:, 0])
    assert len(table) == len(skill_rows("suzhou"))


def test_rows_are_the_key_series_and_the_pooled_rows():
    rows = skill_rows("suzhou")
    assert set(rows["indicator"]) <= {*KEY_SERIES, "ALL"} and "ALL" in set(rows["indicator"])


def test_no_stored_backtest_reads_as_none(tmp_path):
    assert load_skill_table("suzhou", tmp_path) is None


@pytest.mark.parametrize(("lang", "k"), [("zh", 0), ("en", 1)])
def test_the_error_law_is_named_under_the_table(lang, k):
    from suzhou_sim.studies.predictive import load_error_model

    errors = load_error_model("suzhou")
    at = AppTest.from_string(SCRIPT.format("suzhou", lang)).run()
    label = SKILL_TEXT[f"error_law_{errors.law}"][k].format(df=errors.df or 0)
    assert any(label in c.value for c in at.caption), [c.value for c in at.caption]
