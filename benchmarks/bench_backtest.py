"""Wall time and goals of the rolling-origin backtest (goal: 3 origins of Suzhou in 10 min).

Runs ``run_backtest`` for a region with the CLI's defaults (origins 2020-2022, 500 draws,
2 least-squares starts) and prints the time per origin and in total, then the issue's
backtest goals: per key series, the model's median error at horizons 1-2 against the naive
last-value forecast, and the share of out-of-sample points inside the 80% bands (goal
70-90%), for the model ensemble and for the predictive band with structural error
(leave-one-origin-out). Writes nothing.

Usage: python benchmarks/bench_backtest.py [--region suzhou] [--draws 500] [--starts 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from suzhou_sim.reporting.backtest_report import (  # noqa: E402
    COVERAGE_GOAL,
    GOAL_HORIZONS,
    backtest_goals,
)
from suzhou_sim.studies.backtest import KEY_SERIES, run_backtest  # noqa: E402
from suzhou_sim.studies.skill import coverage  # noqa: E402

GOAL_SECONDS = 600.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="suzhou")
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--starts", type=int, default=2)
    args = parser.parse_args()
    start = time.perf_counter()
    result = run_backtest(args.region, draws=args.draws, n_starts=args.starts, log=print)
    total = time.perf_counter() - start
    print(f"\nwhole backtest of {args.region}: {total:.0f} s "
          f"(goal < {GOAL_SECONDS:.0f} s: {'met' if total < GOAL_SECONDS else 'NOT met'})")
    for fit in result.fits:
        print(f"  fit {fit['region']} origin {fit['origin']}: {fit['seconds']:.0f} s")
    goals = backtest_goals(result.table, KEY_SERIES)
    print(f"\nhorizons {GOAL_HORIZONS}: model median error vs naive last value")
    print(goals.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    near = result.table[result.table["horizon"].isin(GOAL_HORIZONS)]
    lo, hi = COVERAGE_GOAL
    for label, (p10, p90) in (("model ensemble", ("p10", "p90")),
                              ("predictive (LOO)", ("pred_p10", "pred_p90"))):
        cover = coverage(near, p10, p90)
        print(f"80% band coverage, {label}: {cover:.0%} of {int(near[p10].notna().sum())} points "
              f"(goal {lo:.0%}-{hi:.0%}: {'met' if lo <= cover <= hi else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
