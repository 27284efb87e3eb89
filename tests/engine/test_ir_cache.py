"""Tests of :mod:`suzhou_sim.engine.ir_cache`: a stored IR is used for the same file and
engine, never for a changed file, and a damaged or absent entry falls back to building."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from suzhou_sim.engine import ir_cache, model
from suzhou_sim.engine import parse as parse_module

EQUATIONS = """
Stock = INTEG(Inflow, 10) ~ widgets ~ |
Inflow = Rate * Stock ~ widgets/Month ~ |
Rate = 0.1 ~ 1/Month ~ |
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ir"
    monkeypatch.setenv(ir_cache.CACHE_ENV, str(folder))
    monkeypatch.setattr(model, "_CACHE", {})  # no in-process reuse: each load is a "process"
    return folder


def _counting_parse(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = parse_module.parse_vensim

    def counted(path):
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(parse_module, "parse_vensim", counted)
    return calls


def _final_stock(m: model.CompiledModel) -> float:
    out = m.run(return_columns=["Stock"])
    return float(np.asarray(out["Stock"]).ravel()[-1])


def test_a_second_load_uses_the_stored_ir_without_parsing(cache, write_model, monkeypatch):
    path = write_model(EQUATIONS, final_time=10)
    calls = _counting_parse(monkeypatch)
    first = model.load_model(path)
    assert len(calls) == 1 and len(list(cache.glob("*.pickle"))) == 1
    model._CACHE.clear()
    second = model.load_model(path)
    assert len(calls) == 1, "the stored IR was not used"
    assert second is not first and second.ir.nodes.keys() == first.ir.nodes.keys()
    assert _final_stock(second) == _final_stock(first)
    assert second.ir.resolve("rate") == first.ir.resolve("rate") == "rate"


def test_a_changed_file_is_built_again(cache, write_model, monkeypatch):
    path = write_model(EQUATIONS, final_time=10)
    calls = _counting_parse(monkeypatch)
    before = _final_stock(model.load_model(path))
    write_model(EQUATIONS.replace("0.1", "0.2"), final_time=10)
    model._CACHE.clear()
    after = _final_stock(model.load_model(path))
    assert len(calls) == 2 and after > before
    assert len(list(cache.glob("*.pickle"))) == 2


def test_the_same_text_at_another_path_gets_its_own_entry(cache, write_model, monkeypatch):
    a = write_model(EQUATIONS, name="a.mdl", final_time=10)
    b = write_model(EQUATIONS, name="b.mdl", final_time=10)
    assert model.load_model(a).ir.path == a.resolve()
    assert model.load_model(b).ir.path == b.resolve()


def test_a_damaged_entry_or_an_unwritable_folder_falls_back_to_building(
        cache, write_model, monkeypatch, tmp_path):
    path = write_model(EQUATIONS, final_time=10)
    model.load_model(path)
    [entry] = cache.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    model._CACHE.clear()
    calls = _counting_parse(monkeypatch)
    assert _final_stock(model.load_model(path)) > 10 and len(calls) == 1
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv(ir_cache.CACHE_ENV, str(blocker / "ir"))
    model._CACHE.clear()
    assert _final_stock(model.load_model(path)) > 10 and len(calls) == 2


def test_off_stores_nothing(cache, write_model, monkeypatch):
    monkeypatch.setenv(ir_cache.CACHE_ENV, "off")
    model.load_model(write_model(EQUATIONS, final_time=10))
    assert not cache.exists()


def test_the_key_follows_the_engine_source(tmp_path):
    path = tmp_path / "m.mdl"
    key = ir_cache.cache_key(path, b"text")
    assert key == ir_cache.cache_key(path, b"text") != ir_cache.cache_key(path, b"text2")
    assert set(ir_cache.BUILD_MODULES) >= {"parse.py", "ir.py", "build.py"}


def test_a_stored_ir_loads_without_pysd(cache, model_file):
    model.load_model(model_file)  # stores it
    code = ("import sys; from suzhou_sim.engine import load_model; "
            f"m = load_model({str(model_file)!r}); "
            "assert 'pysd' not in sys.modules, 'PySD imported'; print(len(m.ir.nodes))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=False)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) == len(model.load_model(model_file).ir.nodes)


def test_a_file_saved_during_the_build_files_no_old_build_under_its_new_key(
        cache, write_model, monkeypatch):
    path = write_model(EQUATIONS, final_time=10)
    real = parse_module.parse_vensim

    def parse_then_edit(p):
        parsed = real(p)
        Path(p).write_text(Path(p).read_text(encoding="utf-8").replace("Rate = 0.1",
                                                                       "Rate = 0.2"),
                           encoding="utf-8")
        return parsed

    monkeypatch.setattr(parse_module, "parse_vensim", parse_then_edit)
    model.load_model(path)  # built from Rate = 0.1, the file now says 0.2
    assert not list(cache.glob("*.pickle")), "an old build was stored under the new bytes"
    monkeypatch.setattr(parse_module, "parse_vensim", real)
    model._CACHE.clear()
    again = model.load_model(path)
    assert again.constants["Rate"] == pytest.approx(0.2)


def test_an_entry_others_may_write_is_never_loaded(cache, write_model, monkeypatch):
    path = write_model(EQUATIONS, final_time=10)
    model.load_model(path)
    (entry,) = cache.glob("*.pickle")
    entry.chmod(0o666)  # group- and world-writable: anybody could have put code in it
    calls = _counting_parse(monkeypatch)
    model._CACHE.clear()
    model.load_model(path)
    assert len(calls) == 1, "a pickle others may write was loaded"
