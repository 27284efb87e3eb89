"""Benchmark: wall time of a full Suzhou calibration (MAP, posterior, out-of-sample, report).

Run on demand (``make bench``), never as a test. Goal on the 2-core machine: under 5 minutes.
Writes into a temporary folder, so the stored calibration is left as it is.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from suzhou_sim.calibration.fit import calibrate_region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="suzhou")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        outcome = calibrate_region(args.region, seed=args.seed, out_dir=Path(tmp),
                                   progress=False)
        wall = time.perf_counter() - t0
    diag = outcome.posterior.meta["diagnostics"]
    print(f"calibrate {args.region}: {wall:.0f} s wall (goal < 300 s); "
          f"{diag['walkers']} walkers x {diag['steps']} steps; "
          f"R-hat max {diag['rhat_max']:.3f}; effective samples {diag['effective_samples']:.0f}")


if __name__ == "__main__":
    main()
