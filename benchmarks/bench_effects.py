"""Benchmark of the effects study: the baseline with 1,000 draws per step (goal: under 30 s).

Prints the time of the study itself (every lever and channel step of every plan period,
paired with the baseline on the same draws) after the model is compiled, and of writing
its charts and report. Uses the stored calibration of Suzhou.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_effects.py [DRAWS]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from suzhou_sim.catalogues.scenarios import load_scenario
from suzhou_sim.ensemble.compiled import compiled_model
from suzhou_sim.paths import SCENARIOS_DIR
from suzhou_sim.reporting.effects_report import effects_markdown, write_tornado_charts
from suzhou_sim.studies.effects import benchmark_comparison, lever_effects

GOAL_SECONDS = 30.0


def main(draws: int = 1000) -> None:
    scenario = load_scenario(SCENARIOS_DIR / "baseline.yaml")
    start = time.perf_counter()
    compiled_model()
    print(f"compile model: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    result = lever_effects(scenario, draws=draws)
    study = time.perf_counter() - start
    steps = result.table[["kind", "lever", "period"]].drop_duplicates().shape[0]
    print(f"effects study: {steps} steps x {draws:,} draws = {result.runs:,} runs in "
          f"{study:.1f} s (engine {result.seconds:.1f} s; goal < {GOAL_SECONDS:g} s: "
          f"{'met' if study < GOAL_SECONDS else 'NOT met'})")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        charts = write_tornado_charts(result.table, Path(tmp))
        effects_markdown(result.table, result.skipped, benchmark_comparison(result.table, scenario),
                         {"scenario": scenario.name}, charts)
    print(f"charts and report: {len(charts)} charts in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
