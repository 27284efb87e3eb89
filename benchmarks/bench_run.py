"""Wall time of `suzhou-sim run` on the baseline, from process start to report written.

Runs ``python -m suzhou_sim run scenarios/baseline.yaml`` in a subprocess with 1,000 and
10,000 draws and prints the times against the goals (10 s and 30 s on a 2-core machine).
Uses the stored calibration (model/calibration/suzhou); if there is none yet, or with
``--fixture``, a small stand-in posterior from tests/posterior_fixture.py, and says so.

Usage: python benchmarks/bench_run.py [--fixture] [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOALS = {1_000: 10.0, 10_000: 30.0}


def _posterior_args(use_fixture: bool, scratch: Path) -> tuple[list[str], str]:
    stored = REPO / "model" / "calibration" / "suzhou" / "posterior.csv"
    if stored.exists() and not use_fixture:
        return [], "stored calibration"
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from posterior_fixture import write_fixture_posterior

    root = write_fixture_posterior(scratch / "calibration")
    return ["--posterior-dir", str(root)], "test fixture posterior (no stored calibration)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true", help="use the test fixture posterior")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best is shown)")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        extra, source = _posterior_args(args.fixture, scratch)
        print(f"posterior: {source}")
        for draws, goal in GOALS.items():
            best = float("inf")
            for i in range(args.repeat):
                out = scratch / f"run_{draws}_{i}"
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-m", "suzhou_sim", "run", "scenarios/baseline.yaml",
                     "--draws", str(draws), "--out", str(out), "--quiet", *extra],
                    cwd=REPO, capture_output=True, text=True)
                elapsed = time.perf_counter() - start
                if proc.returncode != 0 or not (out / "report.md").is_file():
                    print(proc.stderr, file=sys.stderr)
                    return 1
                best = min(best, elapsed)
            ok = best < goal
            failed |= not ok
            print(f"run baseline, {draws:>6} draws: {best:6.2f} s  (goal < {goal:.0f} s)  "
                  f"{'ok' if ok else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
