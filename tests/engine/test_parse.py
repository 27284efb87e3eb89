"""Tests of :mod:`suzhou_sim.engine.parse`."""

from __future__ import annotations

import shutil

import pytest

from suzhou_sim.engine import EngineError
from suzhou_sim.engine.parse import parse_vensim

from .pysd_compare import PEER_MODELS

TEACUP = PEER_MODELS / "teacup" / "teacup.mdl"


def test_parse_writes_no_file(tmp_path):
    copy = tmp_path / "teacup.mdl"
    shutil.copyfile(TEACUP, copy)
    abstract = parse_vensim(copy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["teacup.mdl"]
    names = [e.name for e in abstract.sections[0].elements]
    assert "Teacup Temperature" in names and "TIME STEP" in names


def test_parse_errors(tmp_path, write_model):
    with pytest.raises(EngineError, match="not found"):
        parse_vensim(tmp_path / "missing.mdl")
    other = tmp_path / "model.xmile"
    other.write_text("<xmile/>")
    with pytest.raises(EngineError, match="not a Vensim"):
        parse_vensim(other)
    broken = write_model("Good = 1\n ~ ~ |\nBroken = (3 +\n ~ ~ |")
    with pytest.raises(EngineError, match="equation of 'Broken'"):
        parse_vensim(broken)
