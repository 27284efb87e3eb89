"""suzhou_sim: system-dynamics scenario simulator for Suzhou's innovation-cluster targets.

The flat public API: ``from suzhou_sim import run_scenario, load_model, ...``. This module only
re-exports names from the submodules listed below; it must not hold logic.

- ``engine/``: parse → IR → codegen → run of Vensim models; ``engine.units`` checks dimensions
- ``catalogues/``: what the product reads — indicators, the target ledger, levers, assumptions
  and scenario files, regions, observations, the plan-period timeline
- ``calibration/``: the fit (payoff, MAP, posterior sampling), the stored posterior, fit
  statistics
- ``studies/``: the one ensemble evaluator and the studies built on it — scenario runs and
  comparisons, goal seeking, sensitivity
- ``reporting/``: charts, Markdown and Word/Excel reports, the fit report and all wording
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
from .calibration.provenance import (
    StaleCalibrationWarning,
    Staleness,
    calibration_status,
    write_provenance,
)
from .calibration.stats import band_coverage, mape, r_squared, theil_components
from .catalogues.evidence import CostBenchmark, load_cost_benchmarks, load_effect_sizes
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
    zero_split_periods,
)
from .catalogues.targets import (
    STATUSES,
    evaluate_targets,
    load_targets,
    target_status,
    targets_for_region,
)
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
from .fileio.outputs import prepare_output_dir
from .fileio.safe_yaml import load_yaml
from .reporting.backtest_report import write_backtest
from .reporting.decision_report import discovery_sentences
from .reporting.effects_report import effects_markdown, write_tornado_charts
from .reporting.goal_seek_text import goal_seek_message
from .reporting.markdown import render_report, scoreboard_text
from .reporting.office import ReportInputs, docx_report, report_bytes, xlsx_report
from .reporting.plots import fan_chart, write_fan_charts
from .reporting.sensitivity_plots import write_sensitivity_plots
from .reporting.sensitivity_text import summarise
from .studies.backtest import BacktestResult, run_backtest
from .studies.discover import Discovery, discover, discover_boxes
from .studies.effects import (
    EffectsResult,
    attribute_changes,
    benchmark_comparison,
    lever_effects,
)
from .studies.evaluator import (
    MAX_DRAWS,
    EnsembleResults,
    check_draws,
    compiled_model,
    dask_client,
    layered_inputs,
    resolve_posterior,
    run_ensemble,
    run_plans,
    scenario_inputs,
    use_client,
)
from .studies.goal_seek import GoalSeekResult, goal_seek
from .studies.optimise import PortfolioResult, SearchResult, optimise_portfolio, search_plans
from .studies.predictive import fit_error_model, load_error_model, predictive_draws
from .studies.scenario_runs import (
    ScenarioResult,
    assumption_curves,
    compare_scenarios,
    run_scenario,
    with_curves,
)
from .studies.sensitivity import build_problem, morris, sobol
from .studies.skill import crps_ensemble, naive_forecasts, skill_table
from .studies.sweep import sweep

__all__ = [
    "BacktestResult",
    "Calibrator",
    "CompiledModel",
    "CostBenchmark",
    "Discovery",
    "EffectsResult",
    "EngineError",
    "EnsembleResult",
    "EnsembleResults",
    "FreeParameter",
    "GoalSeekResult",
    "Indicator",
    "InputError",
    "MAX_DRAWS",
    "Payoff",
    "PortfolioResult",
    "Posterior",
    "Region",
    "ReportInputs",
    "STATUSES",
    "Scenario",
    "ScenarioResult",
    "SearchResult",
    "StaleCalibrationWarning",
    "Staleness",
    "UnsupportedConstructError",
    "attribute_changes",
    "band_coverage",
    "benchmark_comparison",
    "build_problem",
    "calibrate_region",
    "calibration_status",
    "check_draws",
    "check_units",
    "compare_scenarios",
    "compiled_model",
    "crps_ensemble",
    "dask_client",
    "discover",
    "discover_boxes",
    "discovery_sentences",
    "docx_report",
    "effects_markdown",
    "evaluate_targets",
    "fan_chart",
    "fit_error_model",
    "goal_seek",
    "goal_seek_message",
    "indicator_values",
    "layered_inputs",
    "lever_constants",
    "lever_effects",
    "load_assumptions",
    "load_cost_benchmarks",
    "load_effect_sizes",
    "load_error_model",
    "load_free_parameters",
    "load_indicators",
    "load_levers",
    "load_model",
    "load_observations",
    "load_posterior",
    "load_region",
    "load_scenario",
    "load_targets",
    "load_yaml",
    "mape",
    "morris",
    "naive_forecasts",
    "optimise_portfolio",
    "parse_scenario",
    "predictive_draws",
    "prepare_output_dir",
    "r_squared",
    "render_report",
    "report_bytes",
    "resolve_posterior",
    "run_backtest",
    "run_ensemble",
    "run_plans",
    "run_scenario",
    "assumption_curves",
    "with_curves",
    "sample_assumptions",
    "save_posterior",
    "scenario_files",
    "scenario_inputs",
    "scenario_to_yaml",
    "scoreboard_text",
    "search_plans",
    "simulate_to_csv",
    "skill_table",
    "sobol",
    "summarise",
    "sweep",
    "target_status",
    "targets_for_region",
    "theil_components",
    "use_client",
    "write_backtest",
    "write_fan_charts",
    "write_provenance",
    "write_sensitivity_plots",
    "write_tornado_charts",
    "xlsx_report",
    "zero_split_periods",
]
