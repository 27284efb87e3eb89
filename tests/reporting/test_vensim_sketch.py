"""The Vensim sketch of the model: every variable in a view, up to date, PySD reads its views."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from suzhou_sim import cli
from suzhou_sim.paths import MODEL_FILE
from suzhou_sim.reporting.structure_diagram import read_sectors, read_structure
from suzhou_sim.reporting.vensim_sketch import (
    CONTROLS,
    SKETCH_END,
    SKETCH_START,
    sketch_text,
    view_variables,
    with_sketch,
)

TEXT = MODEL_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def structure():
    return read_structure()


def test_every_variable_is_drawn_once_as_a_primary(structure):
    views = view_variables(TEXT)
    drawn = [n for names in views.values() for n in names]
    expected = [n for n in structure.kinds if n not in CONTROLS]
    assert sorted(drawn) == sorted(expected)  # each exactly once
    # one view per sector of the README, then the accounting counters
    assert list(views)[:len(read_sectors())] == list(read_sectors())
    for sector, stocks in read_sectors(structure=structure).items():
        assert set(stocks) <= set(views[sector])


def test_the_committed_sketch_is_the_generated_one(structure):
    assert with_sketch(TEXT, sketch_text(structure)) == TEXT, (
        "run `suzhou-sim sketch` (make sketch) after changing the equations")


def test_each_view_is_well_formed(structure):
    section = TEXT[TEXT.index(SKETCH_START):TEXT.index(SKETCH_END)]
    for view in section.split(SKETCH_START)[1:]:
        lines = view.strip().splitlines()
        assert lines[0].startswith("V300") and lines[1].startswith("*")
        assert lines[2].startswith("$")
        objects = {int(x.split(",")[1]) for x in lines[3:] if not x.startswith("1,")}
        for line in lines[3:]:
            fields = line.split(",")
            if fields[0] == "1":  # arrows and pipes join objects of the same view
                assert int(fields[2]) in objects and int(fields[3]) in objects, line
            if fields[0] == "10" and structure.kinds.get(fields[2]) == "stock":
                assert fields[7] == "3"  # a box


def test_only_the_sketch_section_changes():
    text = "A = 1\n~ u\n~ c\n|\n\n" + SKETCH_START + "\nold\n" + SKETCH_END + "\n:L<%^E!@\n9:x\n"
    new = with_sketch(text, SKETCH_START + "\nnew\n" + SKETCH_END + "\n")
    assert new == text.replace("old", "new")
    with pytest.raises(ValueError, match="no sketch section"):
        with_sketch("A = 1", "x")


def test_check_and_rewrite_from_the_command_line(tmp_path, capsys):
    copy = tmp_path / "model.mdl"
    shutil.copy(MODEL_FILE, copy)
    assert cli.main(["sketch", str(copy), "--check"]) == 0
    stale = with_sketch(TEXT, SKETCH_START + "\n*View 1\n" + SKETCH_END + "\n")
    copy.write_text(stale, encoding="utf-8")
    assert cli.main(["sketch", str(copy), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert cli.main(["sketch", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == TEXT


def test_pysd_reads_one_module_per_view(tmp_path):
    import pysd

    copy = tmp_path / "model.mdl"
    shutil.copy(MODEL_FILE, copy)
    pysd.read_vensim(str(copy), split_views=True)
    modules = {p.stem for p in Path(tmp_path, "modules_model").glob("*.py")}
    assert modules == {"macro_assumptions", "enterprise_pipeline", "talent", "rd",
                       "fund_capital", "carriers", "industry_outcomes", "accounting"}
