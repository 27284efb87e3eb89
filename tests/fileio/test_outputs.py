"""Output folders and files: the marker, the one replacement rule, protected folders, refusals.

The crash-safe swap itself (kills at every step) is tested in ``test_replace.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from suzhou_sim.errors import InputError
from suzhou_sim.fileio.outputs import (
    MARKER,
    check_output_file,
    prepare_output_dir,
    protected_reason,
    write_output_file,
)
from suzhou_sim.fileio.replace import WORK_DIR_NAME
from suzhou_sim.paths import REPO_ROOT


def _write(folder, name="result.txt", text="new"):
    (folder / name).write_text(text, encoding="utf-8")


def _others(parent, keep):
    return sorted(p.name for p in parent.iterdir() if p.name not in keep)


def test_new_folder_is_created_with_the_marker(tmp_path):
    out = tmp_path / "run"
    with prepare_output_dir(out, writer="suzhou-sim run") as tmp:
        assert tmp.parent == tmp_path / WORK_DIR_NAME and tmp != out  # never beside results
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
# (issue 26: a folder the tool did not write is never replaced, with or without --force)
SETUPS = {
    "foreign folder": (_foreign_folder, "was not written by suzhou-sim", False),
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


def test_kept_entries_survive_a_replacement_unless_rewritten(tmp_path):
    out = tmp_path / "cal"
    with prepare_output_dir(out) as tmp:
        (tmp / "point.yaml").write_text("old", encoding="utf-8")
    (out / "backtest").mkdir()
    (out / "backtest" / "skill.csv").write_text("kept", encoding="utf-8")
    (out / "forecast_error.yaml").write_text("kept", encoding="utf-8")
    with prepare_output_dir(out, keep=("backtest", "forecast_error.yaml", "absent")) as tmp:
        (tmp / "point.yaml").write_text("new", encoding="utf-8")
        (tmp / "forecast_error.yaml").write_text("rewritten", encoding="utf-8")
    assert (out / "point.yaml").read_text(encoding="utf-8") == "new"
    assert (out / "backtest" / "skill.csv").read_text(encoding="utf-8") == "kept"
    assert (out / "forecast_error.yaml").read_text(encoding="utf-8") == "rewritten"
    assert not (out / "absent").exists()


@pytest.mark.parametrize("force", [False, True])
def test_a_file_the_user_put_in_an_output_folder_is_never_lost(tmp_path, force):
    """The marker lists what the tool wrote; a user's file or folder added since makes the
    folder the user's too: refused, even with --force, and nothing is touched."""
    out = tmp_path / "sweep"
    with prepare_output_dir(out, writer="suzhou-sim sweep") as tmp:
        (tmp / "sweep.csv").write_text("old", encoding="utf-8")
        (tmp / "charts").mkdir()
        (tmp / "charts" / "a.png").write_bytes(b"png")
    (out / "mynotes.txt").write_text("my notes", encoding="utf-8")
    (out / "charts" / "mine.png").write_bytes(b"mine")
    with pytest.raises(InputError, match=r"holds charts/mine.png, mynotes.txt, which "
                                         "suzhou-sim did not write"):
        with prepare_output_dir(out, force=force, writer="suzhou-sim sweep"):
            pytest.fail("must refuse before yielding")
    assert (out / "mynotes.txt").read_text(encoding="utf-8") == "my notes"
    assert (out / "sweep.csv").read_text(encoding="utf-8") == "old"
    (out / "mynotes.txt").unlink()
    (out / "charts" / "mine.png").unlink()
    with prepare_output_dir(out, force=force, writer="suzhou-sim sweep") as tmp:
        (tmp / "sweep.csv").write_text("new", encoding="utf-8")  # the tool's own: replaced
    assert (out / "sweep.csv").read_text(encoding="utf-8") == "new"


def test_an_output_of_another_command_needs_force(tmp_path):
    out = tmp_path / "cal"
    with prepare_output_dir(out, writer="suzhou-sim calibrate --region suzhou") as tmp:
        _write(tmp, "point.yaml")
    with pytest.raises(InputError, match="holds the output of `suzhou-sim calibrate"):
        with prepare_output_dir(out, writer="suzhou-sim run baseline"):
            pytest.fail("must refuse before yielding")
    with prepare_output_dir(out, writer="suzhou-sim calibrate --region kunshan") as tmp:
        _write(tmp)  # the same command replaces its own output
    with prepare_output_dir(out, force=True, writer="suzhou-sim run baseline") as tmp:
        _write(tmp)
    assert "suzhou-sim run baseline" in (out / MARKER).read_text(encoding="utf-8")


HOME = Path.home().resolve()
# protected paths of issue 26, refused by name before anything is created
PROTECTED = {
    "data": (REPO_ROOT / "data", "project's own data/"),
    "inside data": (REPO_ROOT / "data" / "new", "project's own data/"),
    "model": (REPO_ROOT / "model", "project's own model/"),
    "model/calibration": (REPO_ROOT / "model" / "calibration", "project's own model/"),
    "scenarios": (REPO_ROOT / "scenarios", "project's own scenarios/"),
    "package": (REPO_ROOT / "suzhou_sim", "project's own suzhou_sim/"),
    "notebooks": (REPO_ROOT / "notebooks", "project's own notebooks/"),
    "home": (HOME, "home folder"),
    "parent of home": (HOME.parent, "folder"),
    "etc": (Path("/etc"), "system folder"),
    "usr/share": (Path("/usr/share"), "system folder"),
    "inside etc": (Path("/etc/suzhou"), "system folder"),
    "var/lib": (Path("/var/lib/x"), "system folder"),
    "tmp itself": (Path("/tmp"), "system folder shared by everyone"),
}


@pytest.mark.parametrize("case", sorted(PROTECTED))
def test_protected_folders_are_refused_by_name_before_anything_is_created(case, monkeypatch):
    target, fragment = PROTECTED[case]
    monkeypatch.setattr("suzhou_sim.fileio.outputs.replacing",
                        lambda *a, **k: pytest.fail("got as far as the swap"))
    assert fragment in (protected_reason(target) or "")
    journals = set((REPO_ROOT / WORK_DIR_NAME).glob("*.journal"))
    for force in (False, True):
        with pytest.raises(InputError, match="refusing to replace this folder") as err:
            with prepare_output_dir(target, force=force):
                pytest.fail("must refuse before yielding")
        assert str(target) in str(err.value)
    assert set((REPO_ROOT / WORK_DIR_NAME).glob("*.journal")) == journals  # no swap begun
    if REPO_ROOT not in target.parents:  # the project's work folder holds other records
        assert not (target.parent / WORK_DIR_NAME).exists()


@pytest.mark.parametrize("allowed", ["model/calibration/suzhou", "model/calibration/x/backtest",
                                     "output/run", "results"])
def test_calibration_and_output_folders_of_the_project_are_allowed(allowed):
    assert protected_reason(REPO_ROOT / allowed) is None


def test_a_symbolic_link_counts_as_its_target(tmp_path):
    (tmp_path / "etc").symlink_to("/etc")
    assert "system folder" in protected_reason(tmp_path / "etc")


def test_output_file_replaced_only_when_the_tool_wrote_it_and_unchanged(tmp_path):
    out = tmp_path / "m.docx"
    out.write_bytes(b"precious")
    for force in (False, True):
        with pytest.raises(InputError, match="was not written by suzhou-sim"):
            write_output_file(out, b"new", force=force, writer="suzhou-sim report")
    assert out.read_bytes() == b"precious"
    out.unlink()
    write_output_file(out, b"one", writer="suzhou-sim report")
    write_output_file(out, b"two", writer="suzhou-sim report")  # its own: replaced
    assert out.read_bytes() == b"two"
    with pytest.raises(InputError, match="holds the output of `suzhou-sim report`"):
        check_output_file(out, writer="suzhou-sim compare")
    out.write_bytes(b"edited by hand")
    with pytest.raises(InputError, match="or was changed since"):
        write_output_file(out, b"three", force=True, writer="suzhou-sim report")
    assert out.read_bytes() == b"edited by hand"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.docx"]  # nothing beside it


def test_a_read_only_parent_is_refused_before_the_run(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    real = os.access  # root may write anywhere: the refusal goes through os.access
    monkeypatch.setattr("os.access", lambda p, m: False if Path(p) == ro else real(p, m))
    for check in (lambda: prepare_output_dir(ro / "out").__enter__(),
                  lambda: check_output_file(ro / "t.csv")):
        with pytest.raises(InputError, match=f"folder {ro} is not writable"):
            check()
    assert list(ro.iterdir()) == []


def test_a_full_disk_names_the_output_folder(tmp_path):
    import errno
    out = tmp_path / "run"
    with pytest.raises(InputError) as err, prepare_output_dir(out) as tmp:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp / "series.csv"))
    assert str(err.value) == f"--out {out}: cannot write the output (No space left on device)"
    assert not out.exists() and _others(tmp_path, set()) == []
