"""Where the project's files live.

Only path constants and tiny path helpers belong here; nothing that reads or parses files.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
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
