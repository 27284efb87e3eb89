"""File modes of what the tool writes: as any program under the user's umask, kept on replace.

New files ``0o666 & ~umask`` and new output folders ``0o777 & ~umask`` (``0644``/``0755``
under the usual umask, not ``tempfile``'s private ``0600``/``0700``), so a shared report can
be read by colleagues; a replaced file or folder keeps the mode it had.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from suzhou_sim.engine.simulate import simulate_to_csv
from suzhou_sim.fileio.atomic import atomic_write_bytes, atomic_write_text, new_temporary_dir
from suzhou_sim.fileio.outputs import MARKER, prepare_output_dir
from tests.conftest import PEER_MODELS


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o027, 0o077, 0o002])
def umask(request):
    """Run the test under each umask, restoring the caller's afterwards."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_new_file_gets_the_umask_mode(tmp_path, umask):
    path = tmp_path / "report.docx"
    atomic_write_bytes(path, b"PK")
    assert _mode(path) == 0o666 & ~umask
    text = tmp_path / "sub" / "report.md"  # also in a folder made on the way
    atomic_write_text(text, "报告")
    assert _mode(text) == 0o666 & ~umask
    assert text.read_text(encoding="utf-8") == "报告"
    assert _mode(text.parent) == 0o777 & ~umask


def test_usual_umask_gives_0644(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "a.xlsx", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.xlsx") == 0o644


@pytest.mark.parametrize("existing", [0o600, 0o640, 0o664, 0o444])
def test_replaced_file_keeps_its_mode(tmp_path, existing):
    path = tmp_path / "report.docx"
    path.write_bytes(b"old")
    path.chmod(existing)
    old = os.umask(0o022)
    try:
        atomic_write_bytes(path, b"new")
    finally:
        os.umask(old)
    assert path.read_bytes() == b"new"
    assert _mode(path) == existing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]  # no temporary left


def test_failed_write_leaves_no_temporary_and_the_old_file(tmp_path):
    path = tmp_path / "report.md"
    path.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):
        atomic_write_bytes(path, "text, not bytes")  # fails inside the write
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_temporary_names_never_collide(tmp_path):
    made = {new_temporary_dir(tmp_path, ".x.") for _ in range(50)}
    assert len(made) == 50 and all(p.is_dir() and p.name.startswith(".x.") for p in made)


def test_new_output_folder_and_its_files_get_the_umask_modes(tmp_path, umask):
    out = tmp_path / "run"
    with prepare_output_dir(out) as tmp:
        assert _mode(tmp) == 0o777 & ~umask  # already while it is written
        atomic_write_text(tmp / "report.md", "# report\n")
    assert _mode(out) == 0o777 & ~umask
    assert _mode(out / "report.md") == 0o666 & ~umask
    assert _mode(out / MARKER) == 0o666 & ~umask


@pytest.mark.parametrize("existing", [0o700, 0o750, 0o775])
def test_replaced_output_folder_keeps_its_mode(tmp_path, existing):
    out = tmp_path / "run"
    with prepare_output_dir(out) as tmp:
        atomic_write_text(tmp / "a.csv", "x\n")
    out.chmod(existing)
    old = os.umask(0o022)
    try:
        with prepare_output_dir(out) as tmp:
            atomic_write_text(tmp / "b.csv", "y\n")
    finally:
        os.umask(old)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "b.csv"]
    assert _mode(out) == existing
    assert _mode(out / "b.csv") == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # nothing left aside


def test_simulate_csv_gets_the_umask_mode(tmp_path, umask):
    out = simulate_to_csv(PEER_MODELS / "teacup" / "teacup.mdl", tmp_path / "out.csv")
    assert _mode(out) == 0o666 & ~umask
    assert out.read_text(encoding="utf-8").startswith("time,")
