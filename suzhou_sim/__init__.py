"""suzhou_sim: system-dynamics scenario simulator for Suzhou's innovation-policy targets.

The flat public API, the handful of names a notebook user needs (``from suzhou_sim import
load_scenario, run_scenario``); every other function stays importable by its module path
(``suzhou_sim.studies.sensitivity.sobol``). This module only re-exports; it holds no logic.

- :func:`load_scenario` — read and validate a scenario file (``scenarios/*.yaml``)
- :func:`run_scenario` — run a scenario's ensemble on the calibrated posterior and score
  every target; :func:`compare_scenarios` — several scenarios on the same draws
- :func:`goal_seek` — the smallest lever value that reaches a target with a probability
- :func:`effects` — what a step of each lever buys (``studies.effects.lever_effects``)
- :func:`calibrate` — fit a region, store its posterior and write the fit report
  (``reporting.fit_report.calibrate_and_report``)
- :func:`backtest` — rolling-origin backtest of a region's forecasts
  (``studies.backtest.run_backtest``)
- :func:`load_region` — a region profile; :func:`load_targets` — the policy-target ledger;
  :func:`load_observations` — the observed history; :func:`load_posterior` — a stored
  calibration
- :func:`load_model` — compile a Vensim model for ensembles; :func:`simulate_to_csv` — one
  run of a model to CSV
- :class:`InputError` — bad input (the CLI turns it into exit 2 with one line)

The package's floors, bottom up (each may import only the floors below it; see
``model/README.md``, "Package layout"): ``errors``/``paths``/``limits`` and ``fileio/``;
``engine/``; ``catalogues/``; ``ensemble/`` (the ensemble kernel); ``calibration/``;
``studies/``; ``reporting/``; ``cli/`` and ``app/``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: Public name -> (module, attribute). Imported on first use (PEP 562), so that a command
#: or a test importing one sub-package does not pay for pandas' neighbours it never uses
#: (scipy.stats, PySD's translator, matplotlib): ``import suzhou_sim.cli`` took 3 CPU-s.
_EXPORTS = {
    "load_posterior": ("calibration.posterior", "load_posterior"),
    "load_observations": ("catalogues.observations", "load_observations"),
    "load_region": ("catalogues.regions", "load_region"),
    "load_scenario": ("catalogues.scenarios", "load_scenario"),
    "load_targets": ("catalogues.targets", "load_targets"),
    "load_model": ("engine", "load_model"),
    "simulate_to_csv": ("engine", "simulate_to_csv"),
    "InputError": ("errors", "InputError"),
    "calibrate": ("reporting.fit_report", "calibrate_and_report"),
    "backtest": ("studies.backtest", "run_backtest"),
    "effects": ("studies.effects", "lever_effects"),
    "goal_seek": ("studies.goal_seek", "goal_seek"),
    "compare_scenarios": ("studies.scenario_runs", "compare_scenarios"),
    "run_scenario": ("studies.scenario_runs", "run_scenario"),
}

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .calibration.posterior import load_posterior
    from .catalogues.observations import load_observations
    from .catalogues.regions import load_region
    from .catalogues.scenarios import load_scenario
    from .catalogues.targets import load_targets
    from .engine import load_model, simulate_to_csv
    from .errors import InputError
    from .reporting.fit_report import calibrate_and_report as calibrate
    from .studies.backtest import run_backtest as backtest
    from .studies.effects import lever_effects as effects
    from .studies.goal_seek import goal_seek
    from .studies.scenario_runs import compare_scenarios, run_scenario


def __getattr__(name: str) -> Any:
    """Import a public name of :data:`__all__` on first use."""
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "InputError",
    "backtest",
    "calibrate",
    "compare_scenarios",
    "effects",
    "goal_seek",
    "load_model",
    "load_observations",
    "load_posterior",
    "load_region",
    "load_scenario",
    "load_targets",
    "run_scenario",
    "simulate_to_csv",
]
