"""Where the project's files live.

The project's files (``model/``, ``data/``, ``scenarios/``) are read from the folder named by
the environment variable ``SUZHOU_SIM_HOME`` when it is set (a copy of the project with
another region, data set or ledger, e.g. for a test), else from this repository; the
variable is read once, when the package is imported. Only path constants and tiny path
helpers belong here; nothing that reads or parses files.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming another folder of project files.
HOME_ENV = "SUZHOU_SIM_HOME"
#: The folder holding this package (the repository of the code itself).
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: The folder holding ``model/``, ``data/`` and ``scenarios/``.
REPO_ROOT = Path(os.environ[HOME_ENV]).resolve() if os.environ.get(HOME_ENV) else PACKAGE_ROOT
MODEL_DIR = REPO_ROOT / "model"
MODEL_FILE = MODEL_DIR / "innovation_cluster.mdl"
REGIONS_DIR = MODEL_DIR / "regions"
CALIBRATION_DIR = MODEL_DIR / "calibration"
INDICATORS_FILE = MODEL_DIR / "indicators.yaml"
TARGETS_FILE = MODEL_DIR / "targets.yaml"
PARAMETERS_FILE = CALIBRATION_DIR / "parameters.yaml"
DATA_DIR = REPO_ROOT / "data"
OBSERVED_FILE = DATA_DIR / "observed_history.csv"
POLICY_TARGETS_FILE = DATA_DIR / "policy_targets.csv"
INSTRUMENTS_FILE = DATA_DIR / "policy_instruments.csv"
SCENARIOS_DIR = REPO_ROOT / "scenarios"


def calibration_dir(region: str) -> Path:
    """Folder holding the stored calibration (point estimate, posterior) of ``region``."""
    return CALIBRATION_DIR / region
