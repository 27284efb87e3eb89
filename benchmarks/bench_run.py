"""CPU and wall time of `suzhou-sim run` on the baseline, from process start to report written.

Runs ``python -m suzhou_sim run scenarios/baseline.yaml`` in a subprocess with 1,000 and
10,000 draws and prints, for each, the CPU time of the process (user + system, the goal:
the machine is shared, so wall time is noisy) and the wall time, against the goals: 1,000
draws in at most 3 CPU-seconds end to end (issue #25), wall time under 10 s and 30 s. With
``--breakdown`` a fresh process also reports where the 1,000-draw run's CPU time goes
(imports, model load, simulation and scoring, outputs; fan charts apart).

The engine's stored IR (``suzhou_sim.engine.ir_cache``) is warmed by one untimed run, as on
any machine after the first command; ``--cold`` turns the cache off for the timed runs.
Uses the stored calibration (model/calibration/suzhou); if there is none yet, or with
``--fixture``, a small stand-in posterior from tests/posterior_fixture.py, and says so.

Usage: python benchmarks/bench_run.py [--fixture] [--repeat N] [--breakdown] [--cold]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: draws -> (CPU-seconds goal or None, wall-seconds goal)
GOALS = {1_000: (3.0, 10.0), 10_000: (None, 30.0)}

#: Phases of one run, timed in a fresh process (CPU seconds of the process so far).
_BREAKDOWN = r"""
import json, sys, time
from pathlib import Path
cpu = time.process_time
marks = {}
import suzhou_sim.cli
marks["import the command line"] = cpu()
from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.ensemble.compiled import compiled_model
compiled_model()
marks["load the model (stored IR, or parse + build)"] = cpu()
from suzhou_sim.studies.scenario_runs import run_scenario
posterior = sys.argv[2] if len(sys.argv) > 2 else None
result = run_scenario(load_scenario("scenarios/baseline.yaml"), draws=1000,
                      posterior=posterior)
marks["simulate and score (run_scenario)"] = cpu()
from suzhou_sim.reporting import plots
from suzhou_sim.cli.scenarios import write_run_outputs
marks["import the report writers"] = cpu()
real = plots.write_fan_charts
charts = {}
def timed(*args, **kwargs):
    start = cpu()
    out = real(*args, **kwargs)
    charts["seconds"], charts["n"] = cpu() - start, len(out)
    return out
plots.write_fan_charts = timed
write_run_outputs(result, Path(sys.argv[1]), force=True)
marks["write outputs"] = cpu()
print(json.dumps({"marks": marks, "charts": charts}))
"""


def _posterior_args(use_fixture: bool, scratch: Path) -> tuple[list[str], str]:
    stored = REPO / "model" / "calibration" / "suzhou" / "posterior.csv"
    if stored.exists() and not use_fixture:
        return [], "stored calibration"
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from posterior_fixture import write_fixture_posterior

    root = write_fixture_posterior(scratch / "calibration")
    return ["--posterior-dir", str(root)], "test fixture posterior (no stored calibration)"


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run a child process; its CPU seconds (user + system) and wall seconds."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return cpu, wall, proc


def _breakdown(scratch: Path, extra: list[str], env: dict[str, str]) -> None:
    posterior = extra[1:] if extra else []
    cpu, _, proc = _run([sys.executable, "-c", _BREAKDOWN, str(scratch / "breakdown"),
                         *posterior], env)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    print("breakdown of one 1,000-draw run (CPU seconds, this process):")
    last = 0.0
    for phase, mark in data["marks"].items():
        print(f"  {phase:<48} {mark - last:6.2f}")
        if phase == "write outputs" and data["charts"]:
            print(f"    of which {data['charts']['n']} fan charts"
                  f"{'':<28} {data['charts']['seconds']:6.2f}")
        last = mark
    print(f"  {'total (incl. interpreter start and exit)':<48} {cpu:6.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", action="store_true", help="use the test fixture posterior")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best is shown)")
    parser.add_argument("--breakdown", action="store_true",
                        help="also time the phases of one 1,000-draw run")
    parser.add_argument("--cold", action="store_true",
                        help="no stored IR: every run parses the model with PySD")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))  # this checkout's package, as the child processes use
    from suzhou_sim.engine.ir_cache import CACHE_ENV

    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        extra, source = _posterior_args(args.fixture, scratch)
        env = {**os.environ, CACHE_ENV: "off" if args.cold else str(scratch / "ir-cache")}
        print(f"posterior: {source}; stored IR: {'off' if args.cold else 'warm'}")
        command = [sys.executable, "-m", "suzhou_sim", "run", "scenarios/baseline.yaml",
                   "--out", None, "--quiet", "--force", *extra]
        if not args.cold:  # the first command on a machine stores the IR
            _run([*command[:5], "--draws", "100", *[str(scratch / "warm") if c is None else c
                                                     for c in command[5:]]], env)
        for draws, (cpu_goal, wall_goal) in GOALS.items():
            best_cpu = best_wall = float("inf")
            for i in range(args.repeat):
                out = scratch / f"run_{draws}_{i}"
                cpu, wall, proc = _run([*command[:5], "--draws", str(draws),
                                        *[str(out) if c is None else c for c in command[5:]]],
                                       env)
                if proc.returncode != 0 or not (out / "report.md").is_file():
                    print(proc.stderr, file=sys.stderr)
                    return 1
                best_cpu, best_wall = min(best_cpu, cpu), min(best_wall, wall)
            ok = best_wall < wall_goal and (cpu_goal is None or best_cpu <= cpu_goal)
            failed |= not ok
            cpu_text = f"(goal <= {cpu_goal:.0f})" if cpu_goal else ""
            print(f"run baseline, {draws:>6} draws: {best_cpu:6.2f} CPU-s {cpu_text:<12} "
                  f"{best_wall:6.2f} s wall (goal < {wall_goal:.0f} s)  "
                  f"{'ok' if ok else 'SLOW'}")
        if args.breakdown:
            _breakdown(scratch, extra, env)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
