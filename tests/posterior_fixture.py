"""A small stand-in calibration for the scenario tests (not a real posterior).

Writes ``<root>/<region>/{point.yaml,posterior.csv}`` for both regions: 50 parameter sets of a
few calibrated constants at the model defaults (Kunshan's scaled by its profile), jittered
by ±5%. Product code never falls back to this; tests pass its folder explicitly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from suzhou_sim.calibration.posterior import Posterior, save_posterior
from suzhou_sim.catalogues.regions import load_region, region_names
from suzhou_sim.engine import load_model
from suzhou_sim.paths import MODEL_FILE

CALIBRATED = ("Base formation rate", "Initial HTE", "RD per HTE", "Base talent attraction",
              "Leading talent budget share")


def write_fixture_posterior(root: Path, rows: int = 50, seed: int = 0) -> Path:
    """Write the fixture calibration under ``root`` and return ``root``."""
    defaults = load_model(MODEL_FILE).constants
    for region in region_names():
        profile = load_region(region)
        point = {k: defaults[k] * (profile.scale if k in profile.scaled_parameters else 1.0)
                 for k in CALIBRATED}
        rng = np.random.default_rng(seed)
        draws = pd.DataFrame({k: v * rng.uniform(0.95, 1.05, rows) for k, v in point.items()})
        save_posterior(Posterior(region, point, draws, {"method": "test fixture"}), root / region)
    return root
