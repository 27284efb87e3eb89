"""Wall times of the decision studies against their goals, and Dask's overhead per batch.

1. Portfolio optimisation over every lever x the three plan periods for two targets
   (SZ-FUTURE-2030, SZ-FUTURE-2035) at 500 draws, in process: goal under 180 s.
2. Scenario discovery (PRIM) of SZ-FUTURE-2030 on 2,000 draws: goal under 30 s (the one-off
   import of the EMA workbench is timed separately).
3. A sweep of the 15th-plan special fund totalling ``--runs`` model runs (default 10^6: ten
   values x 100,000 draws) in process and on a ``distributed.LocalCluster`` with one worker
   per core, and the cluster's overhead per batch (many one-run batches against the same runs
   in process). ``--runs`` smaller than 10^6 measures a part and extrapolates linearly; the
   output says so.

Optimisation and discovery print wall and CPU (process) time: on a shared machine the wall
time also counts other processes' turns; the CPU time is what the study itself used.
Uses the stored calibration of Suzhou. Usage:
python benchmarks/bench_decision.py [--runs N] [--skip optimise,discover,sweep]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from suzhou_sim.catalogues.scenarios import load_scenario  # noqa: E402
from suzhou_sim.ensemble import cluster, compiled  # noqa: E402
from suzhou_sim.paths import SCENARIOS_DIR  # noqa: E402
from suzhou_sim.studies.discover import discover  # noqa: E402
from suzhou_sim.studies.optimise import optimise_portfolio  # noqa: E402
from suzhou_sim.studies.sweep import sweep  # noqa: E402

GOALS = {"optimise": 180.0, "discover": 30.0}
TARGETS = ["SZ-FUTURE-2030", "SZ-FUTURE-2035"]
FULL_RUNS = 1_000_000
VALUES = 10


def _verdict(seconds: float, study: str) -> str:
    goal = GOALS[study]
    return f"goal < {goal:.0f} s: {'met' if seconds < goal else 'MISSED'}"


def bench_optimise(scenario) -> None:
    start, cpu = time.perf_counter(), time.process_time()
    result = optimise_portfolio(scenario, TARGETS, 0.8, draws=500)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    runs = result.search.evaluations * 500
    print(f"optimise: {len(result.search.decisions)} lever x period values, "
          f"{result.search.evaluations} plans x 500 draws = {runs:,} runs in {seconds:.1f} s "
          f"wall, {cpu:.1f} s CPU "
          f"({_verdict(seconds, 'optimise')})"
          f"; feasible={result.feasible}, spend {result.spend:g}, "
          f"search {result.search_probabilities}, fresh {result.fresh_probabilities}")


def bench_discover(scenario) -> None:
    start = time.perf_counter()
    import ema_workbench.analysis.prim  # noqa: F401  (imported once per process)
    imported = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    found = discover(scenario, TARGETS[0], draws=2000)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"discover: 2,000 draws, {len(found.inputs)} inputs, {len(found.boxes)} boxes in "
          f"{seconds:.1f} s wall, {cpu:.1f} s CPU ({_verdict(seconds, 'discover')}); import of "
          "the EMA "
          f"workbench {imported:.1f} s once per process")


def _nothing(i: int) -> int:
    return i


def _warm() -> None:
    compiled.compiled_model()


def bench_sweep(scenario, runs: int) -> None:
    draws = max(1, runs // VALUES)
    values = [float(v) for v in range(0, 1000, 1000 // VALUES)][:VALUES]
    done = draws * len(values)
    scale = FULL_RUNS / done
    note = "" if done >= FULL_RUNS else f" (measured {done:,} runs; x{scale:.1f} extrapolated)"
    start = time.perf_counter()
    here = sweep(scenario, "special_fund", "15th", values, draws=draws)
    local = time.perf_counter() - start
    workers = os.cpu_count() or 1
    with cluster.dask_client("local") as client:
        client.run(_warm)  # compile on every worker before timing
        start = time.perf_counter()
        there = sweep(scenario, "special_fund", "15th", values, draws=draws, client=client)
        remote = time.perf_counter() - start
        batches = -(-draws // cluster.DASK_BATCH) * len(values)
        # Overhead per batch: the scheduler's round trip of a task that does nothing, one
        # after the other (submit, run, return), averaged over 200 tasks.
        start = time.perf_counter()
        for i in range(200):
            client.submit(_nothing, i, pure=False).result()
        round_trip = (time.perf_counter() - start) / 200
    same = here.equals(there)
    print(f"sweep: {len(values)} values x {draws:,} draws{note}")
    print(f"  in process: {local:.1f} s -> {local * scale:.0f} s per 10^6 runs")
    print(f"  LocalCluster ({workers} workers, {batches} batches of <= {cluster.DASK_BATCH:,} "
          f"runs): {remote:.1f} s -> {remote * scale:.0f} s per 10^6 runs; identical: {same}")
    spread = (remote * workers - local) / batches
    print(f"  overhead per batch: {round_trip * 1000:.1f} ms scheduler round trip of an empty "
          f"task; (cluster time x workers - in-process time) / batches = {spread:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=FULL_RUNS, help="runs of the sweep")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    compiled.compiled_model()
    if "optimise" not in skip:
        bench_optimise(scenario)
    if "discover" not in skip:
        bench_discover(scenario)
    if "sweep" not in skip:
        bench_sweep(scenario, args.runs)


if __name__ == "__main__":
    main()
