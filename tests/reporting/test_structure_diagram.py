"""The stock-and-flow diagram in both languages: labels from the bilingual table, one
sector at a time, line breaking of Chinese labels."""

from __future__ import annotations

import re

import pytest

from suzhou_sim.reporting.office import CJK_FONT
from suzhou_sim.reporting.structure_diagram import (
    ACCOUNTING,
    FONT_SIZES,
    structure_dot,
    wrap_label,
)

LOOP_CODES = re.compile(r"^([RB]\d)(,[RB]\d)*$")  # the only abbreviations: R1, B3, "R1,B4"


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _labels(dot: str) -> dict[str, list[str]]:
    """Node labels, frame (cluster) labels and arrow labels of a DOT text."""
    return {
        "node": re.findall(r'^\s*"[^"]+" \[label="([^"]*)"', dot, re.M),
        "frame": re.findall(r"^\s*label=\"([^\"]*)\";", dot, re.M),
        "edge": re.findall(r'-> "[^"]+" \[[^\]]*label="([^"]*)"', dot),
    }


def _parts(model) -> list[str | None]:
    return [None, *model[2], ACCOUNTING]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_label_is_in_the_chosen_language(model, lang):
    for focus in _parts(model):
        labels = _labels(structure_dot(*model, lang=lang, focus=focus))
        assert labels["node"], focus
        for text in labels["node"] + labels["frame"]:
            assert _cjk(text) == (lang == "zh"), (focus, text)
        assert all(LOOP_CODES.match(t) for t in labels["edge"]), labels["edge"]


def test_the_chinese_diagram_uses_the_reports_cjk_font_and_readable_sizes(model):
    dot = structure_dot(*model, lang="zh")
    assert f'fontname="{CJK_FONT}, ' in dot
    assert 'fontname="Helvetica"' in structure_dot(*model, lang="en")
    assert FONT_SIZES["node"] >= 14 and f"fontsize={FONT_SIZES['node']}" in dot


def test_a_sector_alone_frames_its_own_and_shows_neighbours_dashed(model):
    structure, loops, sectors = model
    whole = structure_dot(*model)
    dot = structure_dot(*model, lang="zh", focus="Talent")
    assert dot.count("subgraph cluster_") == 1 and 'label="人才"' in dot
    nodes = re.findall(r'^\s*"([^"]+)" \[label', dot, re.M)
    assert set(sectors["Talent"]) <= set(nodes) and len(nodes) < len(
        re.findall(r'^\s*"([^"]+)" \[label', whole, re.M))
    assert re.search(r'"High tech enterprises" \[[^\]]*dashed', dot)  # from another sector
    own = set(re.findall(r'^    "([^"]+)" \[label', dot, re.M))  # inside the frame
    for a, b in re.findall(r'^\s*"([^"]+)" -> "([^"]+)"', dot, re.M):
        assert a in own or b in own, (a, b)
    # the loop through talent keeps its colour and code
    assert re.search(r'"Talent attraction" -> "High level talent" \[[^\]]*label="R1"', dot)
    # a loop variable joined to one sector only goes inside its frame: R2 closes there
    fund = structure_dot(*model, focus="Fund capital")
    own = set(re.findall(r'^    "([^"]+)" \[label', fund, re.M))
    assert {"Exit proceeds", "Recycled fundraising"} <= own
    assert re.search(r'"Exit proceeds" -> "Recycled fundraising" \[[^\]]*label="R2"', fund)
    # a broad, shallow sector is drawn left to right so that it stays narrow
    assert "rankdir=LR" in dot and "rankdir=TB" in whole
    with pytest.raises(KeyError):
        structure_dot(*model, focus="no such sector")


@pytest.mark.parametrize(("label", "expected"), [
    ("科技型中小企业储备", "科技型中小\\n企业储备"),
    ("每个顶尖团队的战略科学家", "每个顶尖团队\\n的战略科学家"),
    ("知识存量", "知识存量"),
    ("Strategic scientists per top team", "Strategic\\nscientists\\nper top team"),
    ('say "hi"', 'say \\"hi\\"'),
])
def test_labels_break_into_even_lines(label, expected):
    assert wrap_label(label) == f'"{expected}"'
