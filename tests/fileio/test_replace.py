"""Crash-safe replacement: a kill -9 at every step leaves the complete old or new folder.

Each case runs a child process that replaces a folder and kills itself (SIGKILL) at one step
(:data:`~suzhou_sim.fileio.replace.FAULT_ENV`), with the atomic exchange and with the journal
used where the exchange is missing; then the folder must hold the whole old or the whole new
output, and the next command must tidy up so that nothing is left and nothing is lost.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from suzhou_sim.fileio.outputs import MARKER, prepare_output_dir
from suzhou_sim.fileio.replace import (
    FAULT_ENV,
    NO_EXCHANGE_ENV,
    WORK_DIR_NAME,
    recover_interrupted,
)
from suzhou_sim.paths import REPO_ROOT

CHILD = """
import sys
from suzhou_sim.fileio.outputs import prepare_output_dir
with prepare_output_dir(sys.argv[1], writer="suzhou-sim run") as tmp:
    for i in range(20):
        (tmp / f"part{i}.csv").write_text("new", encoding="utf-8")
"""
# step -> what the folder holds right after the kill
STEPS = {
    "exchange": {"journal": "old", "built": "old", "exchanged": "new", "removed-old": "new"},
    "journal": {"journal": "old", "built": "old", "moved-aside": None, "placed": "new",
                "removed-old": "new"},
}


def _content(folder: Path) -> str | None:
    if not folder.is_dir():
        return None
    names = sorted(p.name for p in folder.iterdir())
    if names == sorted([MARKER, *(f"part{i}.csv" for i in range(20))]):
        assert all((folder / f"part{i}.csv").read_text(encoding="utf-8") == "new"
                   for i in range(20))
        return "new"
    assert names == [MARKER, "old.csv"], names
    return "old"


def _kill_at(target: Path, step: str, mode: str) -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), FAULT_ENV: step,
           NO_EXCHANGE_ENV: "1" if mode == "journal" else "0"}
    return subprocess.run([sys.executable, "-c", CHILD, str(target)], env=env, timeout=120,
                          cwd=target.parent).returncode


@pytest.mark.parametrize(("mode", "step"), [(m, s) for m, steps in STEPS.items() for s in steps])
def test_a_kill_at_every_step_loses_nothing(tmp_path, mode, step):
    target = tmp_path / "out"
    with prepare_output_dir(target, writer="suzhou-sim run") as tmp:
        (tmp / "old.csv").write_text("old", encoding="utf-8")
    assert _kill_at(target, step, mode) == -signal.SIGKILL
    assert _content(target) == STEPS[mode][step]  # at the instant of the kill
    # the next command completes or rolls back: the path holds a whole folder, nothing left
    recover_interrupted([REPO_ROOT / WORK_DIR_NAME, tmp_path / WORK_DIR_NAME])
    after = _content(target)
    assert after == (STEPS[mode][step] or "new")  # killed between the renames: completed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    leftovers = [p for p in (REPO_ROOT / WORK_DIR_NAME).glob("*.journal") if str(target) in
                 p.read_text(encoding="utf-8", errors="replace")] if (
        REPO_ROOT / WORK_DIR_NAME).is_dir() else []
    assert leftovers == []


@pytest.mark.parametrize("step", ["journal", "built"])
def test_a_new_folder_killed_before_it_is_placed_is_completed_or_dropped(tmp_path, step):
    target = tmp_path / "fresh"
    assert _kill_at(target, step, "exchange") == -signal.SIGKILL
    assert not target.exists()
    recover_interrupted([REPO_ROOT / WORK_DIR_NAME, tmp_path / WORK_DIR_NAME])
    # complete (built) -> placed; never finished (journal) -> nothing
    assert _content(target) == ("new" if step == "built" else None)
    assert [p.name for p in tmp_path.iterdir()] == (["fresh"] if step == "built" else [])


def test_a_replacement_in_progress_in_another_process_is_left_alone(tmp_path):
    target = tmp_path / "out"
    with prepare_output_dir(target) as tmp:
        (tmp / "old.csv").write_text("old", encoding="utf-8")
        busy = tmp_path / WORK_DIR_NAME
        inside = sorted(p.name for p in busy.iterdir())
        recover_interrupted([REPO_ROOT / WORK_DIR_NAME, busy])  # this process still runs
        assert sorted(p.name for p in busy.iterdir()) == inside
    assert _content(target) == "old"
