"""Where the project's files live (``suzhou_sim/paths.py``): the repository, or
``SUZHOU_SIM_HOME``."""

from __future__ import annotations

import os
import subprocess
import sys

from suzhou_sim import paths
from tests.conftest import REPO

SHOW = ("from suzhou_sim import paths\n"
        "print(paths.REPO_ROOT, paths.PACKAGE_ROOT, paths.REGIONS_DIR, paths.OBSERVED_FILE,"
        " sep='|')")


def _paths(home: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != paths.HOME_ENV}
    if home is not None:
        env[paths.HOME_ENV] = home
    proc = subprocess.run([sys.executable, "-c", SHOW], env={**env, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().split("|")


def test_by_default_the_files_are_this_repository():
    assert paths.PACKAGE_ROOT == REPO
    root, package, regions, observed = _paths(None)
    assert root == package == str(REPO)
    assert regions == str(REPO / "model" / "regions")
    assert observed == str(REPO / "data" / "observed_history.csv")
    assert _paths("")[0] == str(REPO)  # an empty variable is no folder


def test_suzhou_sim_home_moves_the_project_files_but_not_the_package(tmp_path):
    root, package, regions, observed = _paths(str(tmp_path))
    assert root == str(tmp_path.resolve()) and package == str(REPO)
    assert regions == str(tmp_path.resolve() / "model" / "regions")
    assert observed == str(tmp_path.resolve() / "data" / "observed_history.csv")
