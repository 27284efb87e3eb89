"""suzhou_sim: system-dynamics scenario simulator for Suzhou's innovation-cluster targets.

The flat public API: ``from suzhou_sim import run_scenario, load_model, ...``. This module only
re-exports names from the submodules listed below; it must not hold logic.

- engine (``suzhou_sim.engine``): parse → IR → codegen → run of Vensim models
- observations, indicators, regions: the data, the indicator registry, region profiles
- calibration, posterior, fitreport, fitstats: fitting, the stored posterior, the fit report
- scenarios, targets, analysis: scenario files, the target ledger, ensembles and goal seeking
- sensitivity: Sobol and Morris indices per target
- plots, report, sensitivity_plots, office: charts, Markdown and Word/Excel reports
- units: dimensional-consistency check
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
from .reporting.markdown import render_report, scoreboard_text
from .reporting.office import ReportInputs, docx_report, report_bytes, xlsx_report
from .reporting.plots import fan_chart, write_fan_charts
from .reporting.sensitivity_plots import write_sensitivity_plots
from .studies.scenario_runs import (
    GoalSeekResult,
    ScenarioResult,
    compare_scenarios,
    goal_seek,
    run_scenario,
)
from .studies.sensitivity import build_problem, morris, sobol, summarise

__all__ = [
    "Calibrator",
    "CompiledModel",
    "EngineError",
    "EnsembleResult",
    "FreeParameter",
    "GoalSeekResult",
    "Indicator",
    "InputError",
    "Payoff",
    "Posterior",
    "Region",
    "ReportInputs",
    "Scenario",
    "ScenarioResult",
    "UnsupportedConstructError",
    "band_coverage",
    "build_problem",
    "calibrate_region",
    "check_units",
    "compare_scenarios",
    "docx_report",
    "evaluate_targets",
    "fan_chart",
    "goal_seek",
    "indicator_values",
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
    "report_bytes",
    "run_scenario",
    "xlsx_report",
    "sample_assumptions",
    "save_posterior",
    "scenario_files",
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
