"""Wall time of a Sobol analysis of every target over every uncertain factor.

Runs :func:`suzhou_sim.studies.sensitivity.sobol` on the baseline with N = 1024 base samples
(``N * (D + 2)`` model runs in one vectorised ensemble, then SALib's analysis of each
target's value and margin) and prints the wall time, split into model runs and analysis,
against the goal of 60 s on a 2-core machine. Uses the stored calibration
(model/calibration/suzhou); if there is none yet, or with ``--stand-in``, a stand-in posterior
with every free parameter of model/calibration/parameters.yaml (model defaults jittered by
±5%, clipped to the bounds), so the number of factors is the real one; it says which.

Usage: python benchmarks/bench_sensitivity.py [--samples N] [--stand-in]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402

from suzhou_sim.calibration.posterior import Posterior, load_posterior, save_posterior  # noqa: E402
from suzhou_sim.catalogues.scenarios import load_scenario  # noqa: E402
from suzhou_sim.engine import load_model  # noqa: E402
from suzhou_sim.errors import InputError  # noqa: E402
from suzhou_sim.paths import CALIBRATION_DIR, MODEL_FILE, SCENARIOS_DIR  # noqa: E402
from suzhou_sim.studies import sensitivity  # noqa: E402

GOAL_SECONDS = 60.0


def _stand_in(folder: Path, rows: int = 400, seed: int = 0) -> Posterior:
    """Every free parameter at its model default, jittered by ±5% within its bounds."""
    spec = yaml.safe_load((CALIBRATION_DIR / "parameters.yaml").read_text(encoding="utf-8"))
    defaults = load_model(MODEL_FILE).constants
    rng = np.random.default_rng(seed)
    point = {name: float(defaults[name]) for name in spec}
    draws = pd.DataFrame({
        name: np.clip(value * rng.uniform(0.95, 1.05, rows), spec[name]["lower"],
                      spec[name]["upper"])
        for name, value in point.items()
    })
    save_posterior(Posterior("suzhou", point, draws, {"method": "benchmark stand-in"}), folder)
    return load_posterior("suzhou", folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1024, help="base samples N (1024)")
    parser.add_argument("--stand-in", action="store_true",
                        help="use a stand-in posterior even if a calibration is stored")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            if args.stand_in:
                raise InputError("stand-in requested")
            posterior, source = load_posterior("suzhou"), "stored calibration"
        except InputError:
            posterior = _stand_in(Path(scratch) / "suzhou")
            source = "stand-in posterior (all free parameters, no stored calibration used)"
        problem = sensitivity.build_problem(scenario, posterior)
        load_model(MODEL_FILE)  # parse and compile outside the timing, as a warm CLI would

        timing = {"model": 0.0}

        def timed_evaluate(X: np.ndarray):
            start = time.perf_counter()
            out = sensitivity.evaluate(problem, X, scenario)
            timing["model"] += time.perf_counter() - start
            return out

        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            indices = sensitivity.sobol_analysis(problem, timed_evaluate, args.samples, seed=0)
        total = time.perf_counter() - start
    runs = indices.attrs["model_runs"]
    outputs = indices[["target_id", "output"]].drop_duplicates()
    print(f"posterior: {source}")
    print(f"factors: {len(problem)} ({problem.kinds.count('calibrated')} calibrated, "
          f"{problem.kinds.count('assumption')} assumptions); outputs: {len(outputs)} "
          f"({outputs['target_id'].nunique()} targets x value, margin)")
    print(f"Sobol N={args.samples}: {runs:,} model runs")
    print(f"  model runs  {timing['model']:6.1f} s  ({runs / timing['model']:,.0f} runs/s)")
    print(f"  sampling + analysis {total - timing['model']:6.1f} s")
    verdict = "ok" if total < GOAL_SECONDS else "SLOWER THAN GOAL"
    print(f"  total       {total:6.1f} s  (goal < {GOAL_SECONDS:.0f} s: {verdict})")
    return 0 if total < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
