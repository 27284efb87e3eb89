"""The calibration fit report: per-series statistics, charts and a Markdown page.

Everything shown comes from the runs handed in (MAP run, posterior ensemble, out-of-sample
fit); nothing is typed in by hand. This module writes the report's files from the tables of
``calibration.fit_tables``; it does not fit anything. :func:`calibrate_and_report` is the
orchestration that calibrates a region and hands this writer to it (calibration itself never
imports reporting).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..calibration.fit_tables import BAND, FitTables  # noqa: E402
from ..catalogues.indicators import load_indicators  # noqa: E402
from ..catalogues.regions import DEFAULT_REGION, load_region  # noqa: E402
from ..errors import InputError  # noqa: E402
from ..fileio.atomic import atomic_write_bytes, atomic_write_text  # noqa: E402
from ..paths import calibration_dir  # noqa: E402
from ..studies.predictive import (  # noqa: E402
    A_FLOOR,
    ErrorModel,
    band_log_sd,
    error_model_file,
    load_error_model,
)

__all__ = [
    "write_fit_report", "calibrate_and_report", "convergence_checks", "GOAL_SERIES", "MAPE_GOAL",
    "informed_section", "conditioning_section", "forecast_error_section", "error_by_horizon",
    "measured_error_by_horizon", "stored_forecast_error", "write_forecast_error", "ERROR_CHART",
]

# Series with a MAPE goal in the calibration issue (Suzhou, in-sample, exact+reported points).
GOAL_SERIES = (
    "high_tech_enterprises", "tech_smes_registered", "rd_expenditure", "rd_intensity",
    "tech_contract_turnover", "high_tech_output_share", "listed_companies",
)
MAPE_GOAL = 8.0
COVERAGE_GOAL = 0.70
HISTORY_END = 2024


# Convergence criteria for the posterior sample (see the report text).
RHAT_MAX = 1.05
MIN_EFFECTIVE = 1000
MIN_CHAIN_OVER_TAU = 50



def _save_figure(fig, path: Path) -> None:
    """Lay out ``fig``, write it to ``path`` as PNG atomically and close it."""
    import io

    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())

def convergence_checks(diag: dict) -> list[tuple[str, float, str, bool]]:
    """The posterior sample's convergence checks: (name, value, criterion, met)."""
    rows = [
        ("split R-hat (max over parameters)", diag.get("rhat_max", float("nan")),
         f"< {RHAT_MAX}", diag.get("rhat_max", np.inf) < RHAT_MAX),
        ("effective samples", diag.get("effective_samples", float("nan")),
         f">= {MIN_EFFECTIVE}", diag.get("effective_samples", 0) >= MIN_EFFECTIVE),
        ("chain length / autocorrelation time", diag.get("chain_over_tau", float("nan")),
         f">= {MIN_CHAIN_OVER_TAU}", diag.get("chain_over_tau", 0) >= MIN_CHAIN_OVER_TAU),
    ]
    return [(n, float(v), c, bool(m)) for n, v, c, m in rows]


def _fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}f}"


def _chart(path: Path, indicator: str, times, map_run, ens, pred, rows: pd.DataFrame) -> None:
    reg = load_indicators()[indicator]
    # Only the calibration window: later years would stretch the value axis.
    keep = np.asarray(times) <= HISTORY_END
    times, map_run, ens, pred = times[keep], map_run[keep], ens[:, keep], pred[:, keep]
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    lo, hi = np.percentile(pred, BAND, axis=0)
    ax.fill_between(times, lo, hi, color="tab:blue", alpha=0.12, label="80% predictive band")
    lo, hi = np.percentile(ens, BAND, axis=0)
    ax.fill_between(times, lo, hi, color="tab:blue", alpha=0.3, label="80% parameter band")
    ax.plot(times, map_run, color="tab:blue", lw=2, label="fitted (MAP)")
    marks = {"exact": "o", "approx": "o", "lower": "^", "upper": "v"}
    for bound, grp in rows.groupby("bound"):
        face = "black" if bound == "exact" else "white"
        ax.scatter(grp["year"], grp["value"], marker=marks[bound], facecolors=face,
                   edgecolors="black", zorder=5, label=f"observed ({bound})")
    ax.set_title(f"{reg.label_en} [{reg.unit}]")
    ax.set_xlim(times[0], HISTORY_END)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    _save_figure(fig, path)


def informed_section(informed: pd.DataFrame) -> list[str]:
    """Report lines: how many parameters the data inform, by prior group."""
    n, k = len(informed), int(informed["informed"].sum())
    eff = float(np.sum(1 - np.clip(informed["sd_ratio"], 0, 1) ** 2))
    lines = [
        "",
        "## What the data inform",
        "",
        f"Of {n} sampled parameters the data inform {k} (posterior sd at most 0.7 of the "
        f"prior sd, in log units for lognormal priors); the effective number of parameters "
        f"the data determine (sum of 1 - posterior/prior variance) is {eff:.1f}. The others "
        "keep their prior: for a region with a parent (Kunshan: Suzhou), the parent's "
        "posterior (shared behavioural parameters) or the parent's estimate times the "
        "region's size (scale parameters).",
        "",
        "| group | parameters | informed |",
        "|---|---|---|",
    ]
    for group, grp in informed.groupby("group", sort=False):
        lines.append(f"| {group} | {len(grp)} | {int(grp['informed'].sum())} |")
    has_source = "prior_source" in informed
    lines += ["", "| parameter | group | prior sd | posterior sd | ratio | informed |"
              + (" prior source |" if has_source else ""),
              "|---|---|---|---|---|---|" + ("---|" if has_source else "")]
    for _, r in informed.iterrows():
        source = (f" {r['prior_source']}"
                  + (f" ({r['prior_citation'].removeprefix('evidence:').strip()})"
                     if r["prior_source"] == "evidence" else "") + " |") if has_source else ""
        lines.append(f"| {r['parameter']} | {r['group']} | {r['prior_sd']:.3g} | "
                     f"{r['posterior_sd']:.3g} | {r['sd_ratio']:.2f} | "
                     f"{'yes' if r['informed'] else 'no'} |{source}")
    if has_source:
        weak = informed[~informed["informed"] & (informed["prior_source"] == "judgement")]
        lines += ["", "Prior source: `evidence` where the prior's centre (and spread) come from "
                  "published figures (rows of data/observed_history.csv or "
                  "data/evidence/, cited), `judgement` otherwise. Not informed by the data and "
                  "resting on judgement alone: "
                  + (", ".join(weak["parameter"]) if len(weak) else "none") + "."]
    return lines


#: Goal for the published last-year figures: between these percentiles of the runs.
CENTRAL_PART = (20.0, 80.0)


def conditioning_section(summary: pd.DataFrame | None) -> list[str]:
    """Report lines: where the last published figures lie among the runs, before and after
    the state conditioning (``calibration.conditioning``)."""
    lines = ["", "## Forecasts start from the published state", ""]
    if summary is None or summary.empty:
        return lines + ["No published figure of a conditioned quantity in this region's data."]
    lo, hi = CENTRAL_PART
    lines += [
        "Each draw's key quantities are moved to an analysis value of their latest published",
        "figure (ensemble Kalman update with perturbed observations on the log scale; bounds",
        "leave draws beyond them alone). Percentile = share of runs below a point figure; for",
        f"a bound, the share of runs beyond it. Goal: point figures between the {lo:.0f}th and",
        f"{hi:.0f}th percentile, bounds with most runs beyond them.",
        "",
        "| quantity | figure | year | bound | quality | before | after | goal met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in summary.to_dict("records"):
        after = r["percentile_after"]
        ok = after > 50 if r["bound"] in ("lower", "upper") else lo <= after <= hi
        lines.append(f"| {r['quantity']} | {r['indicator']} = {r['value']:g} | {r['year']} | "
                     f"{r['bound']} | {r['quality']} | {r['percentile_before']:.0f} | "
                     f"{after:.0f} | {'yes' if ok else '**no**'} |")
    return lines


#: Chart of the forecast-error scale against the horizon, beside the report.
ERROR_CHART = "fit_forecast_error_by_horizon.png"
#: Plan years whose horizon the error table shows besides the first three years.
ERROR_PLAN_YEARS = (2030, 2035)


def _md(frame: pd.DataFrame) -> str:
    """A Markdown table, integers as integers and other numbers to three decimals."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = [_fmt(v, 3) for v in out[c]]
        else:
            out[c] = out[c].astype(str)
    return out.to_markdown(index=False, disable_numparse=True)


def _error_horizons(last_observed_year: int) -> list[int]:
    return sorted({1, 2, 3, *(y - last_observed_year for y in ERROR_PLAN_YEARS
                              if y > last_observed_year)})


def error_by_horizon(model: ErrorModel) -> pd.DataFrame:
    """The stored error model's scale τ(h) per group and indicator at each horizon.

    Parameters
    ----------
    model : ErrorModel
        A region's structural-error model (``forecast_error.yaml``).

    Returns
    -------
    pandas.DataFrame
        ``entry`` (group or indicator), ``kind`` (``group``/``indicator``), ``applies``
        (the fit whose ``a`` is used: the group's own or ``pooled``), ``errors`` (backtest
        errors behind it), ``a`` (floored as :meth:`ErrorModel.scale` floors it) and one
        column ``h=<h> (<year>)`` per horizon with τ(h) = a·√h.
    """
    horizons = _error_horizons(model.last_observed_year)
    rows = []

    def cells(a: float) -> dict:
        return {f"h={h} ({model.last_observed_year + h})": a * np.sqrt(h) for h in horizons}

    for name, g in model.groups.items():
        src = name if g.get("fitted") else "pooled"
        a = max(float(model.groups[src]["a"]), A_FLOOR)
        rows.append({"entry": name, "kind": "group", "applies": src, "errors": int(g["n"]),
                     "a": a, **cells(a)})
    for name in model.indicators:
        a = model.scale(name)
        rows.append({"entry": name, "kind": "indicator", "applies": name,
                     "errors": int(model.indicators[name]["n"]), "a": a, **cells(a)})
    return pd.DataFrame(rows)


def measured_error_by_horizon(backtest: pd.DataFrame, model: ErrorModel) -> pd.DataFrame:
    """What the backtest measured per horizon against what the error model says.

    Parameters
    ----------
    backtest : pandas.DataFrame
        ``backtest.csv`` of the region (``indicator, horizon, observed, p10, p50, p90``,
        optionally ``pred_p10, pred_p90``).
    model : ErrorModel

    Returns
    -------
    pandas.DataFrame
        Per horizon: ``points``; ``rms_log_error`` (root mean square of log(median /
        observed)); ``ensemble_log_sd`` (root mean square of the ensemble's own log sd);
        ``tau`` (root mean square of the error model's τ(h) over the points' indicators);
        ``modelled_log_sd`` (root mean square of √(s² + (k τ)²), what the predictive draws
        carry, k the sd of the standardised error: 1 for a normal law, √(df / (df − 2)) for
        a Student-t one; near ``rms_log_error`` when the error model is right); ``cover80_pred``
        (share inside the leave-one-origin-out predictive band, when stored).
    """
    use = backtest[(backtest["observed"] > 0) & (backtest["p50"] > 0)].copy()
    use["err"] = np.log(use["p50"] / use["observed"])
    use["s"] = band_log_sd(use["p10"], use["p90"])
    use["tau"] = [float(model.sigma(i, [h])[0]) for i, h in
                  zip(use["indicator"], use["horizon"], strict=True)]
    rows = []
    for h, g in use.groupby("horizon", sort=True):
        row = {"horizon": int(h), "points": len(g),
               "rms_log_error": float(np.sqrt(np.mean(g["err"] ** 2))),
               "ensemble_log_sd": float(np.sqrt(np.mean(g["s"] ** 2))),
               "tau": float(np.sqrt(np.mean(g["tau"] ** 2))),
               "modelled_log_sd": float(np.sqrt(np.mean(
                   g["s"] ** 2 + (g["tau"] * model.sd_factor) ** 2)))}
        if {"pred_p10", "pred_p90"} <= set(g.columns):
            have = g[g["pred_p10"].notna() & g["pred_p90"].notna()]
            row["cover80_pred"] = (float(((have["observed"] >= have["pred_p10"])
                                          & (have["observed"] <= have["pred_p90"])).mean())
                                   if len(have) else float("nan"))
        rows.append(row)
    return pd.DataFrame(rows)


def stored_forecast_error(region: str) -> tuple[ErrorModel | None, pd.DataFrame | None, str]:
    """The region's stored error model and backtest table, or why there are none.

    Returns ``(model, backtest, note)``; ``note`` is empty when both were read.
    """
    try:
        model = load_error_model(region)
    except InputError as exc:
        return None, None, str(exc)
    path = calibration_dir(region) / "backtest" / "backtest.csv"
    if not path.exists():
        return model, None, f"{path}: no stored backtest table"
    return model, pd.read_csv(path), ""


def _error_chart(path: Path, table: pd.DataFrame, measured: pd.DataFrame | None,
                 last_observed_year: int) -> None:
    h = np.arange(1, max(_error_horizons(last_observed_year)) + 1)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=110)
    for r in table[table["kind"] == "group"].to_dict("records"):
        if r["applies"] == r["entry"]:
            ax.plot(h, r["a"] * np.sqrt(h), lw=2 if r["entry"] == "pooled" else 1,
                    label=f"τ(h) {r['entry']} (a = {r['a']:.3f})")
    if measured is not None and not measured.empty:
        ax.scatter(measured["horizon"], measured["rms_log_error"], color="black", zorder=5,
                   label="backtest: RMS log error of the median")
        ax.scatter(measured["horizon"], measured["modelled_log_sd"], marker="x",
                   color="black", zorder=5, label="backtest: modelled √(s² + τ²)")
    ax.set_xlabel(f"horizon h (years after {last_observed_year})")
    ax.set_ylabel("log-scale sd (τ: scale of the error law)")
    ax.set_title("Forecast-error scale against horizon")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    _save_figure(fig, path)


def forecast_error_section(model: ErrorModel | None, backtest: pd.DataFrame | None,
                           note: str = "", chart: str | None = None) -> list[str]:
    """Report lines: the forecast-error scale per group and indicator against the horizon.

    Parameters
    ----------
    model : ErrorModel or None
        The stored error model (None: the section says why it is missing, from ``note``).
    backtest : pandas.DataFrame or None
        The stored backtest table, for what was measured per horizon.
    note : str
        Why the model or the backtest is missing.
    chart : str, optional
        File name of the chart beside the report.
    """
    lines = ["", "## Forecast error by horizon", ""]
    if model is None:
        return lines + [f"No stored forecast-error model: {note}"]
    table = error_by_horizon(model)
    measured = (measured_error_by_horizon(backtest, model)
                if backtest is not None and not backtest.empty else None)
    lines += [
        f"The structural error of the published statistic (`model/calibration/{model.region}/"
        f"{error_model_file(model.region).name}`, fitted on the backtest) is τ(h) = a·√h "
        "at horizon h = years after "
        f"{model.last_observed_year}, added to the ensemble's own spread in every scenario "
        "run (log-scale standard deviations; "
        + ("one a for every indicator: the leave-one-origin-out log score of the backtest "
           "preferred it to a scale per indicator group and indicator"
           if model.pooling == "pooled" else
           "an indicator with enough backtest errors has its own a, shrunk toward its "
           "group's")
        + "; the floor is the revision error of a published figure).",
        "",
        (f"Law of the error: Student-t with {model.df:g} degrees of freedom, τ(h) its scale "
         f"(sd {model.sd_factor:.3f}·τ(h); 80% of errors within ±{model.quantile(0.9):.3f}·τ, "
         f"50% within ±{model.quantile(0.75):.3f}·τ)"
         if model.law == "student_t" else
         "Law of the error: normal, τ(h) its standard deviation")
        + ", chosen by the leave-one-origin-out log score of the backtest errors (the "
        "backtest report compares the laws).",
        "",
        _md(table),
    ]
    if measured is not None:
        lines += [
            "",
            "What the stored backtest measured per horizon (all scored indicators pooled): the "
            "root mean square log error of the median forecast against the ensemble's own "
            "spread s, the error model's τ and their sum √(s² + τ²), which the predictive "
            "draws carry (near the measured error when the error model is right).",
            "",
            _md(measured),
        ]
    elif note:
        lines += ["", f"No backtest table to compare with: {note}"]
    if chart:
        lines += ["", f"![forecast error by horizon]({chart})"]
    return lines


def write_forecast_error(folder: Path, region: str) -> list[str]:
    """The forecast-error section of ``region`` and its chart in ``folder``."""
    model, backtest, note = stored_forecast_error(region)
    if model is None:
        return forecast_error_section(None, None, note)
    measured = (measured_error_by_horizon(backtest, model)
                if backtest is not None and not backtest.empty else None)
    _error_chart(folder / ERROR_CHART, error_by_horizon(model), measured,
                 model.last_observed_year)
    return forecast_error_section(model, backtest, note, ERROR_CHART)


def write_fit_report(
    folder: Path,
    region: str,
    tables: FitTables,
    parameters: pd.DataFrame,
    diagnostics: dict,
    out_of_sample: pd.DataFrame | None,
    charts: dict[str, tuple],
    skipped: pd.DataFrame,
    runtime_s: float,
    informed: pd.DataFrame | None = None,
    conditioning: pd.DataFrame | None = None,
) -> Path:
    """Write ``report.md``, ``fit_rows.csv``, ``fit_series.csv`` and charts into ``folder``.

    ``charts`` maps indicator → (times, map_run, ensemble, predictive) arrays; ``informed``
    is :func:`suzhou_sim.calibration.fit.informed_parameters` (prior vs posterior spread).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for ind, (times, map_run, ens, pred) in charts.items():
        _chart(folder / f"fit_{ind}.png", ind, times, map_run, ens, pred,
               tables.rows[tables.rows["indicator"] == ind])
    atomic_write_text(folder / "fit_rows.csv", tables.rows.to_csv(index=False))
    atomic_write_text(folder / "fit_series.csv", tables.series.to_csv(index=False))

    s = tables.series.set_index("indicator")
    lines = [
        f"# Calibration report: {region}",
        "",
        "Generated by `suzhou-sim calibrate`; every number below comes from the runs of that",
        f"command (wall time {runtime_s:.0f} s).",
        "",
        "## Goals",
        "",
        "| series | MAPE exact+reported (%) | goal | met |",
        "|---|---|---|---|",
    ]
    for ind in GOAL_SERIES:
        if ind in s.index:
            v = s.loc[ind, "mape_exact_reported_pct"]
            met = "–" if np.isnan(v) else ("yes" if v <= MAPE_GOAL else "**no**")
            lines.append(f"| {ind} | {_fmt(v)} | ≤ {MAPE_GOAL:g} | {met} |")
        else:
            lines.append(f"| {ind} | – | ≤ {MAPE_GOAL:g} | no data for this region |")
    lines += [
        "",
        f"- Every `lower`/`upper` bound respected by the fitted run: "
        f"**{'yes' if tables.bounds_respected else 'no'}**",
        f"- Share of two-sided calibration points inside the 80% predictive band: "
        f"**{tables.coverage:.0%}** (goal ≥ {COVERAGE_GOAL:.0%})",
        "",
        "## One-sided bounds",
        "",
        "| series | year | bound | value | fitted | respected | by | conflict between sources |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, r in tables.rows[tables.rows["bound"].isin(["lower", "upper"])].iterrows():
        gap = (r["fitted"] - r["value"]) / r["value"] * 100
        lines.append(
            f"| {r['indicator']} | {r['year']} | {r['bound']} | {r['value']:g} | "
            f"{r['fitted']:.1f} | {'yes' if r['bound_respected'] else '**no**'} | {gap:+.2f}% | "
            f"{r['conflict'] or '–'} |"
        )
    lines += [
        "",
        "A bound is a censored observation: the published statistic lies beyond it, and the "
        "model reaches the statistic up to the same measurement and structural error as a "
        "point value, so the fitted run may sit a few percent on the wrong side of a bound "
        "(the column 'by') without any conflict in the data. "
        "A bound that contradicts a two-sided figure for the same indicator and year (the "
        "sources use different definitions; see the quotes in data/observed_history.csv) "
        "cannot be honoured together with that figure by any run: the fit compromises, and "
        "the data are left as published.",
        "",
        "## Fit per series",
        "",
        "| series | points | MAPE % | R² | U^M | U^S | U^C | bounds ok | in 80% band |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for ind, r in s.iterrows():
        lines.append(
            f"| {ind} | {r['points']} | {_fmt(r['mape_pct'])} | {_fmt(r['r2'])} | "
            f"{_fmt(r['theil_um'])} | {_fmt(r['theil_us'])} | {_fmt(r['theil_uc'])} | "
            f"{'yes' if r['bounds_respected'] else 'no'} | {_fmt(r['band_coverage'] * 100, 0)}% |"
        )
    lines += [
        "",
        "R² and Theil statistics need at least three two-sided points; – means too few.",
        "",
        "## Points left out",
        "",
    ]
    if skipped.empty:
        lines.append("None.")
    else:
        for why, grp in skipped.groupby("why"):
            names = ", ".join(sorted(set(grp["indicator"])))
            lines.append(f"- {why}: {names}")
    lines += conditioning_section(conditioning)
    lines += write_forecast_error(folder, region)
    if out_of_sample is not None and not out_of_sample.empty:
        first, last = int(out_of_sample["year"].min()), int(out_of_sample["year"].max())
        lines += ["", f"## Out-of-sample check (fit on data up to {first - 1}, predict "
                      f"{first}-{last})", ""]
    else:
        lines += ["", "## Out-of-sample check", ""]
    if out_of_sample is None or out_of_sample.empty:
        lines.append("Not enough data two years before the last data year in this region for "
                     "an out-of-sample fit.")
    else:
        lines += [
            "| series | year | observed | bound | out-of-sample | APE % | in-sample | APE % |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for _, r in out_of_sample.iterrows():
            lines.append(
                f"| {r['indicator']} | {r['year']} | {r['value']:g} | {r['bound']} | "
                f"{r['predicted']:.1f} | {_fmt(r['ape_oos_pct'])} | {r['fitted']:.1f} | "
                f"{_fmt(r['ape_in_pct'])} |"
            )
        lines += [
            "",
            f"MAPE over two-sided points: out-of-sample "
            f"{_fmt(out_of_sample['ape_oos_pct'].mean())}%, in-sample "
            f"{_fmt(out_of_sample['ape_in_pct'].mean())}%.",
        ]
    lines += [
        "",
        "## Parameters (MAP and 80% posterior interval)",
        "",
    ]
    # ``suzhou_rel_width``: the width in the fit of the region's parent (its first parent).
    compare = "suzhou_rel_width" in parameters
    parent = load_region(region).parent
    parent_name = load_region(parent).label_en if compare and parent else ""
    if compare:
        ratio = (parameters["rel_width"] / parameters["suzhou_rel_width"]).median()
        lines += [
            f"The regional data are sparse: the median parameter's 80% interval is "
            f"{ratio:.1f} times as wide (relative to its median) as in the {parent_name} fit, "
            "and every projection for this region carries that uncertainty.",
            "",
        ]
    head = "| parameter | prior centre | MAP | p10 | median | p90 | width (p90-p10)/median |"
    lines += [head + (f" {parent_name} width |" if compare else ""),
              "|---|---|---|---|---|---|---|" + ("---|" if compare else "")]
    for _, r in parameters.iterrows():
        row = (
            f"| {r['parameter']} | {r['prior_centre']:.4g} | {r['map']:.4g} | {r['p10']:.4g} | "
            f"{r['median']:.4g} | {r['p90']:.4g} | {r['rel_width']:.2f} |"
        )
        lines.append(row + (f" {r['suzhou_rel_width']:.2f} |" if compare else ""))
    if informed is not None:
        lines += informed_section(informed)
    lines += ["", "## Posterior sampling and convergence", ""]
    for key in ("sampler", "walkers", "steps", "burn_in", "thin", "acceptance_fraction",
                "autocorr_time_max", "chain_over_tau", "effective_samples", "rhat_max"):
        if key in diagnostics:
            val = diagnostics[key]
            lines.append(f"- {key}: {val:.3g}" if isinstance(val, float) else f"- {key}: {val}")
    checks = convergence_checks(diagnostics)
    lines += ["", "| convergence check | value | criterion | met |", "|---|---|---|---|"]
    for name, value, criterion, met in checks:
        lines.append(f"| {name} | {value:.3g} | {criterion} | {'yes' if met else '**no**'} |")
    lines += [
        "",
        "For an ensemble sampler the effective sample size is walkers x kept steps / tau; "
        "tau itself is only estimated reliably from chains of many tau, so a chain/tau "
        "below about 50 makes the reported tau a lower bound.",
        "",
        "## Charts",
        "",
    ]
    lines += [f"![{ind}](fit_{ind}.png)" for ind in charts]
    path = folder / "report.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def calibrate_and_report(region: str = DEFAULT_REGION, **options):
    """Calibrate ``region``, store its posterior and write the fit report with it.

    The same as :func:`suzhou_sim.calibration.fit.calibrate_region` with this module's
    :func:`write_fit_report` as the report writer (what ``suzhou-sim calibrate`` runs).

    Parameters
    ----------
    region : str
        A region with a profile in ``model/regions/``.
    **options
        Passed on to :func:`~suzhou_sim.calibration.fit.calibrate_region` (``seed``,
        ``n_starts``, ``n_steps``, ``n_keep``, ``out_dir``, ``observations``, ...).

    Returns
    -------
    CalibrationOutcome
    """
    from ..calibration.fit import calibrate_region

    return calibrate_region(region, write_report=write_fit_report, **options)
