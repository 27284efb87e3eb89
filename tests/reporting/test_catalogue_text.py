"""The ``list`` tables (``reporting/catalogue_text.py``): one row per entry of the catalogue the
studies read, headings and cells in the chosen language."""

from __future__ import annotations

import re

import pytest

from suzhou_sim.catalogues.regions import region_names
from suzhou_sim.catalogues.scenarios import load_assumptions, load_levers
from suzhou_sim.catalogues.targets import targets_for_region
from suzhou_sim.reporting.catalogue_text import CATALOGUES, catalogue_table

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_each_table_has_one_row_per_catalogue_entry():
    assert catalogue_table("levers", "en")["key"].tolist() == list(load_levers())
    assert catalogue_table("assumptions", "en")["key"].tolist() == list(load_assumptions())
    assert catalogue_table("regions", "en")["key"].tolist() == list(region_names())
    every = catalogue_table("targets", "en")["id"].tolist()
    assert every == [t.target_id for r in region_names() for t in targets_for_region(r)]
    one = catalogue_table("targets", "en", region="kunshan")["id"].tolist()
    assert one == [t.target_id for t in targets_for_region("kunshan")] and set(one) < set(every)


@pytest.mark.parametrize("kind", sorted(CATALOGUES))
def test_headings_come_in_the_chosen_language(kind):
    zh, en = catalogue_table(kind, "zh"), catalogue_table(kind, "en")
    assert zh.shape == en.shape
    assert all(CJK.search(c) for c in zh.columns)
    assert all(c.isascii() for c in en.columns)


def test_lever_ranges_are_worded_in_each_language():
    assert catalogue_table("levers", "en")["range"].str.contains(r"\(step ").all()
    assert catalogue_table("levers", "zh")["取值范围"].str.contains("步长").all()


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        catalogue_table("scenarios", "en")
