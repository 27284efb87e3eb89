"""``suzhou-sim list``: the names other commands accept, in both languages."""

from __future__ import annotations

import pytest

from suzhou_sim import cli
from suzhou_sim.catalogues.scenarios import load_assumptions, load_levers
from suzhou_sim.catalogues.targets import targets_for_region


@pytest.mark.parametrize(("what", "lang", "title", "words"), [
    ("targets", "en", "Policy targets", ["SZ-FUTURE-2030", "future_industry_base_2023",
                                         "assumption-driven", "KS-HTE-2026"]),
    ("targets", "zh", "政策目标", ["SZ-HTE-2025", "编号", "决定性假设"]),
    ("levers", "en", "Policy levers", ["special_fund", "unpriced (give a bound)",
                                       "spending (value × years)"]),
    ("levers", "zh", "政策杠杆", ["attraction_projects", "预算中性", "科技招商项目(每年)"]),
    ("assumptions", "en", "Assumptions (keys for --assume)",
     ["future_industry_base_2023", "Future-industry output in 2023", "500–2500"]),
    ("assumptions", "zh", "外部假设", ["2023年未来产业产值", "外部条件"]),
    ("regions", "en", "Regions", ["suzhou", "Kunshan", "data through"]),
    ("regions", "zh", "地区", ["kunshan", "昆山", "数据截至"]),
])
def test_list_prints_the_names_in_the_language(capsys, what, lang, title, words):
    assert cli.main(["list", what, "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(title)
    for word in words:
        assert word in out, word


@pytest.mark.parametrize(("what", "names"), [
    ("levers", lambda: list(load_levers())),
    ("assumptions", lambda: list(load_assumptions())),
    ("targets", lambda: [t.target_id for t in targets_for_region("suzhou")]),
])
def test_list_names_every_catalogue_entry(capsys, what, names):
    assert cli.main(["list", what, "--region", "suzhou"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in names())


@pytest.mark.parametrize(("what", "lang", "header", "row", "cells"), [
    # a driver that is not an --assume key is named by its label, in the language
    ("targets", "en", None, "SZ-CARRIERAREA-2025", ["Carrier area in 2018"]),
    ("targets", "zh", None, "SZ-CARRIERAREA-2025", ["2018年科创载体面积"]),
    ("targets", "zh", None, "KS-CARRIERAREA-2026", ["2018年科创载体面积"]),
    ("targets", "zh", None, "SZ-FUTURE-2030", ["future_industry_base_2023"]),
    # every column has its own header (regions printed 名称 twice)
    ("regions", "zh", ["键名", "名称", "数据截至"], "suzhou", ["苏州市", "2024"]),
    ("regions", "en", ["key", "label", "data", "through"], "kunshan", ["Kunshan"]),
])
def test_list_cells_and_headers_are_in_the_language(capsys, what, lang, header, row, cells):
    assert cli.main(["list", what, "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    if header is not None:
        assert lines[1].split() == header
    line = next(ln for ln in lines if ln.split() and ln.split()[0] == row)
    assert "Initial carrier area" not in line
    for cell in cells:
        assert cell in line, line


def test_region_filter_and_bad_choice(capsys):
    assert cli.main(["list", "targets", "--region", "kunshan"]) == 0
    out = capsys.readouterr().out
    assert "KS-HTE-2026" in out and "SZ-HTE-2025" not in out
    assert cli.main(["list", "nothing"]) == 2  # a usage error: exit 2, one line
    assert "nothing" in capsys.readouterr().err
