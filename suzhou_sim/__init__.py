"""suzhou_sim: system-dynamics scenario simulator for Suzhou's innovation-cluster targets.

The flat public API: ``from suzhou_sim import run_scenario, load_model, ...``. This module only
re-exports names from the submodules listed below; it must not hold logic.

- ``engine/``: parse → IR → codegen → run of Vensim models; ``engine.units`` checks dimensions
- ``catalogues/``: what the product reads — indicators, the target ledger, levers, assumptions
  and scenario files, regions, observations, the plan-period timeline
- ``calibration/``: the fit (payoff, MAP, posterior sampling), the stored posterior, fit
  statistics
- ``studies/``: the one ensemble evaluator and the studies built on it — scenario runs and
  comparisons, goal seeking, sensitivity, rolling-origin backtests, forecast skill and the
  structural-error model of the published statistics
- ``reporting/``: charts, Markdown reports, the fit report and all wording
- ``fileio/``: atomic file and folder writing
- ``cli/`` and ``app/``: the command line and the Streamlit app's text, state and views
"""

from .calibration.fit import (
    Calibrator,
    FreeParameter,
    Payoff,
    calibrate_region,
    load_free_parameters,
)
from .calibration.posterior import Posterior, load_posterior, save_posterior
from .calibration.stats import band_coverage, mape, r_squared, theil_components
from .catalogues.indicators import Indicator, indicator_values, load_indicators
from .catalogues.observations import load_observations
from .catalogues.regions import Region, load_region
from .catalogues.scenarios import (
    Scenario,
    lever_constants,
    load_assumptions,
    load_levers,
    load_scenario,
    parse_scenario,
    sample_assumptions,
    scenario_files,
    scenario_to_yaml,
)
from .catalogues.targets import evaluate_targets, load_targets, targets_for_region
from .engine import (
    CompiledModel,
    EngineError,
    EnsembleResult,
    UnsupportedConstructError,
    load_model,
    simulate_to_csv,
)
from .engine.units import check_units
from .errors import InputError
from .reporting.backtest_report import write_backtest
from .reporting.goal_seek_text import goal_seek_message
from .reporting.markdown import render_report, scoreboard_text
from .reporting.plots import fan_chart, write_fan_charts
from .reporting.sensitivity_plots import write_sensitivity_plots
from .studies.backtest import BacktestResult, run_backtest
from .studies.evaluator import (
    MAX_DRAWS,
    EnsembleResults,
    check_draws,
    compiled_model,
    layered_inputs,
    resolve_posterior,
    run_ensemble,
    scenario_inputs,
)
from .studies.goal_seek import GoalSeekResult, goal_seek
from .studies.predictive import fit_error_model, load_error_model, predictive_draws
from .studies.scenario_runs import ScenarioResult, compare_scenarios, run_scenario
from .studies.sensitivity import build_problem, morris, sobol, summarise
from .studies.skill import crps_ensemble, naive_forecasts, skill_table

__all__ = [
    "BacktestResult",
    "run_backtest",
    "write_backtest",
    "fit_error_model",
    "load_error_model",
    "predictive_draws",
    "crps_ensemble",
    "naive_forecasts",
    "skill_table",
    "Calibrator",
    "CompiledModel",
    "EngineError",
    "EnsembleResult",
    "EnsembleResults",
    "FreeParameter",
    "GoalSeekResult",
    "Indicator",
    "InputError",
    "MAX_DRAWS",
    "Payoff",
    "Posterior",
    "Region",
    "Scenario",
    "ScenarioResult",
    "UnsupportedConstructError",
    "band_coverage",
    "build_problem",
    "calibrate_region",
    "check_draws",
    "check_units",
    "compare_scenarios",
    "compiled_model",
    "evaluate_targets",
    "fan_chart",
    "goal_seek",
    "goal_seek_message",
    "indicator_values",
    "layered_inputs",
    "lever_constants",
    "load_assumptions",
    "load_free_parameters",
    "load_indicators",
    "load_levers",
    "load_model",
    "load_observations",
    "load_posterior",
    "load_region",
    "load_scenario",
    "load_targets",
    "mape",
    "morris",
    "parse_scenario",
    "r_squared",
    "render_report",
    "resolve_posterior",
    "run_ensemble",
    "run_scenario",
    "sample_assumptions",
    "save_posterior",
    "scenario_files",
    "scenario_inputs",
    "scenario_to_yaml",
    "scoreboard_text",
    "simulate_to_csv",
    "sobol",
    "summarise",
    "targets_for_region",
    "theil_components",
    "write_fan_charts",
    "write_sensitivity_plots",
]
