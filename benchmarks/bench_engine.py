"""Benchmark: ensemble engine vs PySD on one model.

Lives here: a command-line script that times PySD's ``Model.run()`` (median of several
runs), the engine for 1, 1,000 and 10,000 runs (every constant perturbed by up to
+/-10 % per run), checks that the single engine run matches PySD, and prints the ratios.
Must not: write anywhere but a temporary directory (PySD writes a ``.py`` beside the model
it translates, so it translates a copy), or be imported by the package.

Usage::

    .venv/bin/python benchmarks/bench_engine.py [--model PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from suzhou_sim.engine import load_model  # noqa: E402

DEFAULT_MODEL = REPO / "model" / "innovation_cluster.mdl"
FALLBACK_MODEL = REPO / ".." / "shared" / "peer-models" / "lookups" / "test_lookups.mdl"


def _median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _perturbed(constants: dict[str, float], n: int, rng: np.random.Generator) -> dict:
    return {name: value * rng.uniform(0.9, 1.1, n) for name, value in constants.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a small report.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit code.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None,
                        help=f"Vensim model (default: {DEFAULT_MODEL.relative_to(REPO)})")
    parser.add_argument("--repeat", type=int, default=5, help="timings per measurement")
    parser.add_argument("--seed", type=int, default=0, help="seed for the perturbations")
    args = parser.parse_args(argv)

    model_path = args.model
    if model_path is None:
        model_path = DEFAULT_MODEL
        if not model_path.exists():
            print(f"note: {DEFAULT_MODEL.relative_to(REPO)} does not exist yet; "
                  f"benchmarking {FALLBACK_MODEL.resolve()} instead", file=sys.stderr)
            model_path = FALLBACK_MODEL
    model_path = model_path.resolve()
    if not model_path.exists():
        print(f"error: model not found: {model_path}", file=sys.stderr)
        return 2

    import pysd

    model = load_model(model_path)
    print(f"model: {model_path.name}: {len(model.variables)} variables, "
          f"{len(model.stocks)} stocks, {len(model.lookups)} lookups, "
          f"{len(model.constants)} constants")

    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copy = Path(tmp) / model_path.name
        shutil.copyfile(model_path, copy)
        reference = pysd.read_vensim(str(copy))
        expected = reference.run()
        t_pysd = _median_time(reference.run, args.repeat)

    single = model.run()
    print(f"time points: {len(single.times)}")
    worst = 0.0
    for column in expected.columns:
        if column in single:
            a = expected[column].to_numpy(dtype=float)
            b = single[column][0]
            scale = np.maximum(np.abs(a), 1e-300)
            worst = max(worst, float(np.nanmax(np.abs(a - b) / scale, initial=0.0)))
    print(f"engine vs PySD, single run: worst relative difference {worst:.2e}")

    rng = np.random.default_rng(args.seed)
    print(f"\n{'':28s}{'seconds':>12s}{'per run':>14s}{'vs PySD':>12s}")
    print(f"{'PySD, 1 run (median)':28s}{t_pysd:12.4f}{t_pysd * 1e3:11.3f} ms{1:11.0f}x")
    for n in (1, 1_000, 10_000):
        if n == 1:
            def call() -> object:
                return model.run()
        else:
            params = _perturbed(model.constants, n, rng)

            def call(params: dict = params) -> object:
                return model.run(params=params)
        call()  # compile the program variant outside the timing
        elapsed = _median_time(call, max(1, args.repeat if n < 10_000 else 3))
        per_run = elapsed / n
        print(f"{'engine, ' + format(n, ',') + ' runs':28s}{elapsed:12.4f}"
              f"{per_run * 1e3:11.3f} ms{t_pysd / per_run:11.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
