"""Output folders: atomic rename, the marker, refusals, and cleanup of temporary folders."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.fileio.outputs import MARKER, prepare_output_dir, remove_stale_temporaries
from suzhou_sim.paths import REPO_ROOT


def _write(folder, name="result.txt", text="new"):
    (folder / name).write_text(text, encoding="utf-8")


def _others(parent, keep):
    return sorted(p.name for p in parent.iterdir() if p.name not in keep)


def test_new_folder_is_created_with_the_marker(tmp_path):
    out = tmp_path / "run"
    with prepare_output_dir(out, writer="suzhou-sim run") as tmp:
        assert tmp.parent == tmp_path and tmp != out
        _write(tmp)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "result.txt"]
    assert "suzhou-sim run" in (out / MARKER).read_text(encoding="utf-8")
    assert _others(tmp_path, {"run"}) == []


def test_previous_output_is_replaced_whole(tmp_path):
    out = tmp_path / "run"
    with prepare_output_dir(out) as tmp:
        _write(tmp, "old_chart.png")
    with prepare_output_dir(out) as tmp:
        _write(tmp)
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "result.txt"]  # no stale chart
    assert _others(tmp_path, {"run"}) == []


def _foreign_folder(root):
    (root / "out").mkdir()
    _write(root / "out", "data.csv", "precious")
    return root / "out"


def _file(root):
    (root / "out").write_text("precious", encoding="utf-8")
    return root / "out"


def _file_as_parent(root):
    (root / "f").write_text("precious", encoding="utf-8")
    return root / "f" / "out"


# setup(root) -> target, expected message fragment, whether --force may replace it
SETUPS = {
    "foreign folder": (_foreign_folder, "was not written by suzhou-sim", True),
    "file": (_file, "is a file", False),
    "file as a parent": (_file_as_parent, "is a file", False),
}


@pytest.mark.parametrize("case", sorted(SETUPS))
@pytest.mark.parametrize("force", [False, True])
def test_refusals_write_nothing(tmp_path, case, force):
    setup, fragment, force_allows = SETUPS[case]
    target = setup(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    if force and force_allows:
        with prepare_output_dir(target, force=True) as tmp:
            _write(tmp)
        assert (target / "result.txt").is_file() and not (target / "data.csv").exists()
        return
    with pytest.raises(InputError) as err:
        with prepare_output_dir(target, force=force) as tmp:
            _write(tmp)
    assert fragment in str(err.value) and str(target) in str(err.value)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("target", [".", "..", str(REPO_ROOT), str(REPO_ROOT.parent), "/"])
def test_current_project_and_root_folders_are_never_replaced(tmp_path, monkeypatch, target):
    monkeypatch.chdir(REPO_ROOT)
    with pytest.raises(InputError, match="refusing to replace this folder"):
        with prepare_output_dir(target, force=True):
            pytest.fail("must refuse before yielding")


def test_empty_existing_folder_may_be_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    with prepare_output_dir(out) as tmp:
        _write(tmp)
    assert (out / "result.txt").is_file()


def test_failure_removes_the_temporary_folder_and_keeps_the_old_output(tmp_path):
    out = tmp_path / "run"
    with prepare_output_dir(out) as tmp:
        _write(tmp, text="old")
    with pytest.raises(RuntimeError), prepare_output_dir(out) as tmp:
        _write(tmp, text="half")
        raise RuntimeError("disk full")
    assert (out / "result.txt").read_text(encoding="utf-8") == "old"
    assert _others(tmp_path, {"run"}) == []


def test_temporaries_of_a_crashed_process_are_removed_on_the_next_run(tmp_path):
    out = tmp_path / "run"
    # A process that dies inside the block (as a crash would) leaves its temporary folder.
    code = ("import os, sys\nfrom suzhou_sim.fileio.outputs import prepare_output_dir\n"
            f"with prepare_output_dir({str(out)!r}) as tmp:\n"
            "    (tmp / 'half.txt').write_text('x')\n    os._exit(3)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert proc.returncode == 3
    left = _others(tmp_path, set())
    assert len(left) == 1 and left[0].startswith(".run.")
    mine = tmp_path / f".run.suzhou-sim-tmp-{os.getpid()}-live"
    mine.mkdir()  # a temporary folder of a process that still runs is left alone
    assert [p.name for p in remove_stale_temporaries(out)] == left
    assert _others(tmp_path, set()) == [mine.name]


def test_kept_entries_survive_a_replacement_unless_rewritten(tmp_path):
    out = tmp_path / "cal"
    with prepare_output_dir(out) as tmp:
        (tmp / "point.yaml").write_text("old", encoding="utf-8")
    (out / "backtest").mkdir()
    (out / "backtest" / "skill.csv").write_text("kept", encoding="utf-8")
    (out / "forecast_error.yaml").write_text("kept", encoding="utf-8")
    (out / "notes.txt").write_text("not listed", encoding="utf-8")
    with prepare_output_dir(out, keep=("backtest", "forecast_error.yaml", "absent")) as tmp:
        (tmp / "point.yaml").write_text("new", encoding="utf-8")
        (tmp / "forecast_error.yaml").write_text("rewritten", encoding="utf-8")
    assert (out / "point.yaml").read_text(encoding="utf-8") == "new"
    assert (out / "backtest" / "skill.csv").read_text(encoding="utf-8") == "kept"
    assert (out / "forecast_error.yaml").read_text(encoding="utf-8") == "rewritten"
    assert not (out / "notes.txt").exists() and not (out / "absent").exists()
