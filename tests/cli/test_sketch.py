"""The ``sketch`` command (``cli/sketch.py``): ``--check`` says whether the committed sketch is
the generated one (exit 1 when not), a rewrite restores it and changes nothing else."""

from __future__ import annotations

import shutil

from suzhou_sim import cli
from suzhou_sim.cli.sketch import EXIT_OUTDATED
from suzhou_sim.paths import MODEL_FILE

#: Where Vensim's sketch section starts in a ``.mdl``.
SKETCH_MARK = "\\\\\\---/// Sketch information"


def test_check_passes_on_the_committed_model_and_writes_nothing(tmp_path, capsys):
    model = tmp_path / MODEL_FILE.name
    shutil.copyfile(MODEL_FILE, model)
    assert cli.main(["sketch", str(model), "--check"]) == 0
    assert "the sketch is up to date" in capsys.readouterr().out
    assert model.read_bytes() == MODEL_FILE.read_bytes()


def test_an_outdated_sketch_fails_the_check_and_a_rewrite_restores_it(tmp_path, capsys):
    text = MODEL_FILE.read_text(encoding="utf-8")
    start = text.index(SKETCH_MARK)
    variable = text.index("\n10,", start) + 1  # the sketch's first variable: a planner moved it
    line_end = text.index("\n", variable)
    model = tmp_path / MODEL_FILE.name
    model.write_text(text[:variable] + "10,1,Moved,1,1,0,0,0,0,0,0,0,0,0" + text[line_end:],
                     encoding="utf-8")
    assert cli.main(["sketch", str(model), "--check"]) == EXIT_OUTDATED == 1
    assert "the sketch is out of date" in capsys.readouterr().out
    assert cli.main(["sketch", str(model)]) == 0
    assert "sketch rewritten" in capsys.readouterr().out
    assert model.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_utf8_is_exit_2_with_one_line(tmp_path, capsys):
    model = tmp_path / "bad.mdl"
    model.write_bytes("A = 1\n~ 单位 ~ |\n".encode("gbk"))
    assert cli.main(["sketch", str(model), "--check"]) == 2
    err = capsys.readouterr().err
    assert str(model) in err and len(err.strip().splitlines()) == 1
