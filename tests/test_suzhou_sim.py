"""The flat public API (``suzhou_sim/__init__.py``): a handful of documented names."""

from __future__ import annotations

import inspect

import suzhou_sim


def test_the_public_names_are_few_importable_and_documented():
    names = suzhou_sim.__all__
    assert 8 <= len(names) <= 20 and len(set(names)) == len(names)
    for name in names:
        obj = getattr(suzhou_sim, name)
        doc = inspect.getdoc(obj) or ""
        assert doc.strip(), f"{name} has no docstring"
        assert f":func:`{name}`" in suzhou_sim.__doc__ or f":class:`{name}`" in \
            suzhou_sim.__doc__, f"{name} is not listed in the package's docstring"


def test_a_notebook_session_reads_runs_and_scores_a_scenario_by_the_flat_names():
    from suzhou_sim import load_region, load_scenario, load_targets
    from suzhou_sim.paths import SCENARIOS_DIR

    scenario = load_scenario(SCENARIOS_DIR / "kunshan_baseline.yaml")
    assert load_region(scenario.region).label("en") == "Kunshan"
    assert any(t.region == "kunshan" for t in load_targets().values())
    assert suzhou_sim.calibrate.__module__ == "suzhou_sim.reporting.fit_report"
    assert suzhou_sim.backtest.__name__ == "run_backtest"
    assert suzhou_sim.effects.__name__ == "lever_effects"


def test_internal_modules_stay_importable_by_path():
    from suzhou_sim.ensemble.runs import run_ensemble
    from suzhou_sim.studies.sensitivity import sobol

    assert callable(sobol) and callable(run_ensemble)
    assert not hasattr(suzhou_sim, "sobol")  # not part of the flat API


def test_importing_the_command_line_pulls_in_neither_scipy_stats_pysd_nor_matplotlib():
    # the names are imported on first use: `suzhou-sim run` pays only for what it runs
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, suzhou_sim, suzhou_sim.cli; "
            "print(sorted(m for m in ('scipy.stats', 'pysd', 'matplotlib', "
            "'suzhou_sim.studies.scenario_runs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(suzhou_sim.__file__).resolve().parents[1], check=True)
    assert out.stdout.strip() == "[]", out.stdout
    assert "run_scenario" in dir(suzhou_sim)
