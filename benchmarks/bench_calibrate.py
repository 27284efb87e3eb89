"""Benchmark: wall time of a full Suzhou calibration (MAP, posterior, out-of-sample, report).

Run on demand (``make bench``), never as a test. Goal on the 2-core machine: under 5 minutes.
Writes into a temporary folder, so the stored calibration is left as it is.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from suzhou_sim.reporting.fit_report import calibrate_and_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="suzhou")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = calibrate_and_report(args.region, seed=args.seed, out_dir=Path(tmp),
                                       progress=False, log=lambda line: None)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    diag = outcome.posterior.meta["diagnostics"]
    # CPU time beside wall time: on a shared machine the wall time says more about the load.
    print(f"calibrate {args.region}: {wall:.0f} s wall, {cpu:.0f} s CPU (goal < 300 s); "
          f"sampler {diag['seconds']:.0f} s wall; {diag['walkers']} walkers x "
          f"{diag['steps']} steps; chain/tau {diag['chain_over_tau']:.1f} (goal >= 50); "
          f"R-hat max {diag['rhat_max']:.3f}; effective samples {diag['effective_samples']:.0f}")


if __name__ == "__main__":
    main()
