"""Backtest output: ``report.md``, the forecast fans, the result folder and skill labels.

Turns a :class:`suzhou_sim.studies.backtest.BacktestResult` into the written report (English,
like the calibration report) and one chart per indicator (the fans from each origin against
what was published), and holds the bilingual column labels of the skill table that the app's
model page and the notebook show; writes the result folder (never over files it did not
write). Its bilingual texts are ``backtest.*`` of ``wording/texts/reports_misc.yaml``. It
computes no forecast and runs nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import yaml  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..catalogues.indicators import load_indicators  # noqa: E402
from ..errors import InputError  # noqa: E402
from ..fileio.atomic import atomic_write_text  # noqa: E402
from ..fileio.outputs import check_output_dir, prepare_output_dir  # noqa: E402
from ..paths import calibration_dir  # noqa: E402
from ..studies.predictive import A_FLOOR  # noqa: E402
from ..studies.skill import BENCHMARKS, coverage, mape_pct  # noqa: E402
from ..wording import say, table  # noqa: E402
from .documents import DOCUMENTS  # noqa: E402
from .labels import in_language  # noqa: E402

if TYPE_CHECKING:
    from ..studies.backtest import BacktestResult

__all__ = [
    "GOAL_HORIZONS",
    "COVERAGE_GOAL",
    "COVERAGE50_GOAL",
    "coverage_goal_line",
    "SKILL_COLUMNS",
    "BENCHMARK_LABELS",
    "backtest_goals",
    "goal_shortfalls",
    "shortfall_lines",
    "skill_display",
    "render_backtest_report",
    "write_backtest_charts",
    "backtest_chart_file",
    "check_output_folder",
    "write_backtest",
    "MANIFEST",
    "SKILL_TEXT",
    "skill_text",
    "backtest_dir",
    "regenerate_command",
    "load_skill_table",
    "load_backtest_meta",
]

#: Horizons of the issue's goal (median error no worse than the naive last value).
GOAL_HORIZONS = (1, 2)
#: Share of out-of-sample points the 80% bands should cover.
COVERAGE_GOAL = (0.70, 0.90)
#: Goal for the share of published values inside the 50% bands (#22), horizons 1-2.
COVERAGE50_GOAL = (0.40, 0.60)
#: Band (percent) -> its quantile columns in the backtest table and its coverage goal.
_BANDS = {80: (("p10", "p90"), ("pred_p10", "pred_p90"), COVERAGE_GOAL),
          50: (("p25", "p75"), ("pred_p25", "pred_p75"), COVERAGE50_GOAL)}
#: Skill-table columns shown to people, in this order: column -> (中文, English), from the
#: wording room (keys ``backtest.column.<column>``).
SKILL_COLUMNS: dict[str, tuple[str, str]] = table("backtest.column")
#: Names of the benchmarks in ``best_naive``: method -> (中文, English) (``backtest.benchmark.``).
BENCHMARK_LABELS: dict[str, tuple[str, str]] = table("backtest.benchmark")
#: Manifest of a backtest folder: settings and every file the command wrote.
MANIFEST = "backtest.yaml"
#: A document number of the sources table, the example of "the year in its number".
PLAN_EXAMPLE = DOCUMENTS[0].number
#: What the marker of a backtest folder names.
WRITER = "suzhou-sim backtest"
_ORIGIN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")


#: Wording of the skill section on the app's model page and in the notebook: key -> (中文,
#: English), from the wording room (keys ``backtest.skill.<key>``; ``sign`` is the one sign
#: convention of every error shown: forecast against observed).
SKILL_TEXT: dict[str, tuple[str, str]] = table("backtest.skill")


def skill_text(key: str, lang: str = "zh", **values: object) -> str:
    """Text ``key`` of :data:`SKILL_TEXT` in ``lang`` with ``values`` filled in."""
    return say(f"backtest.skill.{key}", lang, **values)


def backtest_dir(region: str) -> Path:
    """Folder of the stored backtest of ``region``."""
    return calibration_dir(region) / "backtest"


def regenerate_command(region: str) -> str:
    """The command that regenerates the stored backtest and error model of ``region``."""
    return (f"python -m suzhou_sim backtest --region {region} "
            f"--out model/calibration/{region}/backtest --save-error-model")


def load_skill_table(region: str, folder: Path | None = None) -> pd.DataFrame | None:
    """``skill.csv`` of the stored backtest of ``region`` (None when there is none)."""
    path = (Path(folder) if folder is not None else backtest_dir(region)) / "skill.csv"
    return pd.read_csv(path) if path.exists() else None


def load_backtest_meta(region: str, folder: Path | None = None) -> dict:
    """Settings of the stored backtest (``backtest.yaml``; empty when there is none)."""
    path = (Path(folder) if folder is not None else backtest_dir(region)) / MANIFEST
    if not path.exists():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError(code="err.backtest_manifest", file=path, reason=str(exc)) from None
    return meta if isinstance(meta, dict) else {}


def backtest_chart_file(indicator: str) -> str:
    """File name of an indicator's backtest chart."""
    return f"backtest_{indicator}.png"


def skill_display(skill: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The skill table with labelled columns and indicator names in ``lang``.

    Parameters
    ----------
    skill : pandas.DataFrame
        ``skill.csv`` of a backtest.
    lang : {"zh", "en"}
    """
    registry = load_indicators()
    out = skill[[c for c in SKILL_COLUMNS if c in skill.columns]].copy()
    all_label = say("backtest.all_indicators", lang)
    out["indicator"] = [all_label if i == "ALL" else registry[i].label(lang)
                        for i in out["indicator"]]
    if "best_naive" in out:
        out["best_naive"] = [in_language(BENCHMARK_LABELS[m], lang) if m in BENCHMARK_LABELS
                             else "–" for m in out["best_naive"].fillna("")]
    return out.rename(columns={c: in_language(v, lang) for c, v in SKILL_COLUMNS.items()})


def backtest_goals(table: pd.DataFrame, key_series: tuple[str, ...]) -> pd.DataFrame:
    """The issue's goals per key series at horizons 1-2.

    Each benchmark of :data:`~suzhou_sim.studies.skill.BENCHMARKS` in ``table`` (last value,
    drift, trend and, where a target was issued by the origin, the plan trend) is compared
    with the model on the points where that benchmark exists; the best is the one the model
    beats by the least (or loses to by the most) in MAPE points: a benchmark a forecaster
    could not have picked in advance, so beating it is a strict test.

    Returns
    -------
    pandas.DataFrame
        ``indicator, n, n_naive, mape_pct`` (model, on the points with a last value),
        ``mape_naive_last_pct``, ``best_naive``, ``n_best`` (points of the best benchmark),
        ``mape_model_on_best_pct`` and ``mape_best_naive_pct`` (model and best benchmark on
        those points), ``median_ok`` (model MAPE <= the best benchmark's; None without any
        benchmark) and ``cover80``.
    """
    near = table[table["horizon"].isin(GOAL_HORIZONS)]
    methods = [m for m in BENCHMARKS if m in table.columns]
    rows = []
    for ind in key_series:
        own = near[near["indicator"] == ind]
        have = own[own["naive_last"].notna()]
        compared = {}
        for m in methods:
            pts = own[own[m].notna()]
            if len(pts):
                compared[m] = (len(pts), mape_pct(pts["observed"], pts["p50"]),
                               mape_pct(pts["observed"], pts[m]))
        best = (max(compared, key=lambda m: compared[m][1] - compared[m][2])
                if compared else None)
        n_best, model_best, naive_best = compared[best] if best else (0, np.nan, np.nan)
        rows.append({"indicator": ind, "n": len(own), "n_naive": len(have),
                     "mape_pct": mape_pct(have["observed"], have["p50"]),
                     "mape_naive_last_pct": mape_pct(have["observed"], have["naive_last"]),
                     "best_naive": best, "n_best": n_best,
                     "mape_model_on_best_pct": model_best, "mape_best_naive_pct": naive_best,
                     "median_ok": bool(model_best <= naive_best) if best else None,
                     "cover80": coverage(own)})
    return pd.DataFrame(rows)


#: What each benchmark is, for the sentences on where the model is worse.
_BENCHMARK_WORDS = {
    "naive_last": "the last published value",
    "naive_drift": "compound growth over the last years",
    "naive_trend": "the log-linear trend",
    "naive_plan": "the plan trend (the path from the last published value to a policy target "
                  "issued by the origin)",
}


def goal_shortfalls(table: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """Where the model's median is worse than the best benchmark, on that benchmark's points.

    Parameters
    ----------
    table : pandas.DataFrame
        The backtest's scored points (``backtest.csv``).
    goals : pandas.DataFrame
        :func:`backtest_goals` of the same table.

    Returns
    -------
    pandas.DataFrame
        One row per key series with ``median_ok`` False: ``indicator, benchmark, n,
        origins, years`` (as "2022–2023"), ``mape_model_pct, mape_benchmark_pct``,
        ``bias_model_pct`` and ``bias_benchmark_pct`` (mean (forecast − observed) /
        observed, in percent, on those points) and ``same_sign`` (the model erred the same
        way on every point).
    """
    near = table[table["horizon"].isin(GOAL_HORIZONS)]
    rows = []
    for g in goals[goals["median_ok"].eq(False)].itertuples():
        pts = near[(near["indicator"] == g.indicator) & near[g.best_naive].notna()]
        rel = (pts["p50"] - pts["observed"]) / pts["observed"]
        bench = (pts[g.best_naive] - pts["observed"]) / pts["observed"]

        def span(values) -> str:
            lo, hi = int(min(values)), int(max(values))
            return f"{lo}" if lo == hi else f"{lo}–{hi}"

        rows.append({"indicator": g.indicator, "benchmark": g.best_naive, "n": len(pts),
                     "origins": span(pts["origin"]), "years": span(pts["year"]),
                     "mape_model_pct": g.mape_model_on_best_pct,
                     "mape_benchmark_pct": g.mape_best_naive_pct,
                     "bias_model_pct": 100 * float(rel.mean()),
                     "bias_benchmark_pct": 100 * float(bench.mean()),
                     "same_sign": bool((np.sign(rel) == np.sign(rel.iloc[0])).all())})
    return pd.DataFrame(rows, columns=[
        "indicator", "benchmark", "n", "origins", "years", "mape_model_pct",
        "mape_benchmark_pct", "bias_model_pct", "bias_benchmark_pct", "same_sign"])


def shortfall_lines(shortfalls: pd.DataFrame) -> list[str]:
    """The report's "where and why the model is worse" paragraph, from :func:`goal_shortfalls`."""
    if shortfalls.empty:
        return ["The model's median is no worse than the best benchmark on any key series."]
    lines = ["Where the model's median is worse than the best benchmark, and what the points "
             "show:", ""]
    for r in shortfalls.itertuples():
        way = "too low" if r.bias_model_pct < 0 else "too high"
        every = "on every point" if r.same_sign else "on average"
        few = (f" {r.n} point{'s' if r.n > 1 else ''} cannot tell a structural shortfall from "
               "the noise of one year's figure." if r.n <= 3 else "")
        steer = (" The published figures followed the policy's path more closely than the "
                 "model's structure, which has no term for administrative steering towards a "
                 "published target." if r.benchmark == "naive_plan"
                 and abs(r.bias_benchmark_pct) < abs(r.bias_model_pct) else "")
        lines.append(
            f"- `{r.indicator}`: worse than {_BENCHMARK_WORDS.get(r.benchmark, r.benchmark)} "
            f"on its {r.n} point(s) (origins {r.origins}, years {r.years}): "
            f"{r.mape_model_pct:.1f}% against {r.mape_benchmark_pct:.1f}% mean absolute "
            f"percentage error. The model forecast {way} {every} "
            f"(mean {r.bias_model_pct:+.1f}%; the benchmark {r.bias_benchmark_pct:+.1f}%)."
            f"{steer}{few}")
    return lines


def coverage_goal_line(near: pd.DataFrame, band: int) -> str:
    """One goal sentence: the ``band``% (80 or 50) coverage of the ensemble and of the
    predictive band with the structural error, each against its goal.

    ``near`` is the backtest table at the goal horizons; a table of an older backtest
    without the predictive quantiles says the predictive band is not available.
    """
    (lo_q, hi_q), (lo_p, hi_p), (lo, hi) = _BANDS[band]
    cover = coverage(near, lo_q, hi_q)
    pred = coverage(near, lo_p, hi_p) if {lo_p, hi_p} <= set(near.columns) else float("nan")

    def verdict(x: float) -> str:
        return "met" if lo <= x <= hi else "**not met**"

    n = len(near)
    line = (f"{band}% band coverage of the model ensemble: {cover:.0%} of {n} points "
            f"(goal {lo:.0%}–{hi:.0%}: {verdict(cover)}); with the structural error "
            "(leave-one-origin-out): " + (
                f"{pred:.0%} ({verdict(pred)})." if np.isfinite(pred)
                else "not available (needs two or more origins)."))
    if n:  # how far an exact band's coverage of n points strays by chance alone
        from scipy.stats import binom  # scipy.stats is slow to import: only for a report

        a, b = binom.interval(0.95, n, band / 100)
        line += (f" Bands that cover exactly {band}% would hold {a / n:.0%}–{b / n:.0%} "
                 f"of {n} points in 95% of backtests.")
    return line


def law_lines(result: BacktestResult) -> list[str]:
    """Report lines: the structural error's law, its df and the out-of-sample comparison
    of the laws that chose it."""
    em, comparison = result.error_model, result.law_comparison
    law = (f"Student-t with {em.df:g} degrees of freedom (e = z / √(χ²_df / df))"
           if em.law == "student_t" else "normal (e = z ~ N(0, 1))")
    pooled = em.pooling == "pooled"
    lines = [f"Law of the structural error: **{law}**; its scale: **"
             + ("one for every indicator (pooled)" if pooled else
                "per indicator group and indicator (grouped)") + "**."]
    if comparison is None or comparison.empty:
        return lines + ["", "With a single origin there is nothing to leave out: the law is "
                        "normal, not compared."]
    shown = comparison.rename(columns={
        "log_score": "LOO log score (sum)", "mean_log_score": "per point",
        "cover50": "PIT in central 50%", "cover80": "PIT in central 80%",
        "pit_sd": "PIT sd (uniform 0.289)"}).astype({"df": object})
    shown["df"] = ["–" if pd.isna(d) else f"{d:g}" for d in comparison["df"]]
    lines += [
        "",
        "Both were chosen by an out-of-sample criterion, not by the coverage goal: for each "
        "origin the error model of each law (a Student-t's df by maximum likelihood over "
        "the grid, all groups sharing it) and each pooling (`grouped`: a scale per "
        "indicator group and indicator with enough errors; `pooled`: one scale) is fitted "
        "on the other origins' errors and scores the origin's own errors by their log "
        "predictive density (the ensemble's own normal log spread s plus τ(h)·e, e of the "
        "law) and their probability integral transform (PIT). The variant with the highest "
        "summed log score is used (on a tie the simpler: normal, grouped); `df` is that of "
        "the fit on all origins. The PIT shares use the normal approximation of the "
        "ensemble from its 10–90% band, so they differ a little from the coverage of the "
        "stored predictive bands, which use the ensemble's own runs.",
        "",
        _md(shown),
    ]
    return lines


def _coverage_context(near: pd.DataFrame) -> str:
    """How much a coverage share can say: sampling range, and points with a history."""
    from scipy.stats import binom

    n = len(near)
    if n == 0:
        return "No out-of-sample point at horizons 1–2."
    lo, hi = binom.interval(0.95, n, 0.8)
    with_history = near[near["naive_last"].notna()]
    text = (f"With {n} points, bands that cover exactly 80% would contain between {lo:.0f} and "
            f"{hi:.0f} of them in 95% of backtests ({lo / n:.0%}–{hi / n:.0%}), so a share "
            "near the goal's edges is within sampling error. ")
    if len(with_history) < n:
        text += (f"{len(with_history)} of the {n} points belong to a series with a published "
                 "value up to the origin (coverage there: "
                 + (f"{coverage(with_history):.0%}" if len(with_history) else "–")
                 + "); the others are forecasts of a series the fit had not yet seen, which "
                 "rest on the priors alone.")
    return text


def _forecast_sign(log_observed_over_forecast: float | None) -> float | None:
    """A log error of the error model (log observed / forecast) as log(forecast / observed)."""
    if log_observed_over_forecast is None:
        return None
    return -float(log_observed_over_forecast)


def _md(frame: pd.DataFrame, digits: int = 3) -> str:
    return frame.to_markdown(index=False, floatfmt=f".{digits}g")


def render_backtest_report(result: BacktestResult, key_series: tuple[str, ...],
                           command: str) -> str:
    """The text of ``report.md`` for ``result``."""
    t, s, em = result.table, result.skill, result.error_model
    near = t[t["horizon"].isin(GOAL_HORIZONS)]
    goals = backtest_goals(t, key_series)
    fits = pd.DataFrame(result.fits)
    sig_rows = []
    year0 = em.last_observed_year
    horizons = (1, 2, 2030 - year0, 2035 - year0)
    heads = [f"tau({h}) = {year0 + h}" for h in horizons]

    def tau_cells(a: float) -> dict:
        a = max(float(a), A_FLOOR)
        return {"a": a, **{k: a * np.sqrt(h) for k, h in zip(heads, horizons, strict=True)}}

    for name, g in em.groups.items():
        src = name if g.get("fitted") else "pooled"
        sig_rows.append({"group / indicator": name, "errors": g["n"],
                         "own fit": bool(g.get("fitted")), **tau_cells(em.groups[src]["a"]),
                         # the error model stores log(observed / forecast); shown with the
                         # report's one sign convention (forecast against observed)
                         "median log error": _forecast_sign(
                             em.groups[src].get("median_log_error"))})
    for name, g in em.indicators.items():
        sig_rows.append({"group / indicator": name, "errors": g["n"], "own fit": True,
                         **tau_cells(g["a"]),
                         "median log error": _forecast_sign(g.get("median_log_error"))})
    lines = [
        f"# Backtest: {result.region}",
        "",
        f"Generated by `{command}` (origins {', '.join(map(str, result.origins))}; "
        f"{result.draws} draws per forecast; seed {result.seed}; wall time "
        f"{result.seconds:.0f} s). Every number below comes from the runs of that command.",
        "",
        "## Method",
        "",
        "For each origin the region is calibrated on the observations up to that year only and "
        "its baseline scenario is forecast through the same evaluator as every scenario run "
        "(posterior rows × assumption draws × levers; the levers act from 2024, so the "
        "backtest years see the historic policy). Each published point value after the origin "
        "(exact or approximate rows; one per indicator and year, exact and reported figures "
        "preferred) is scored.",
        "",
        "What differs from `calibrate`: the fit is the maximum a posteriori from "
        f"{result.n_starts} least-squares start(s) (the prior centre first) instead of 8, and "
        + (f"the posterior chain of `calibrate`'s sampler is {result.steps} steps per walker "
           "instead of the full length (so the posterior is the same kind of sample users get, "
           "a shorter one). "
           if result.steps else
           "the posterior is its Laplace approximation (normal in the transformed parameters "
           "with the inverse Gauss–Newton Hessian, truncated to the bounds) instead of the "
           "emcee chain. ")
        + "Kunshan's priors come from a Suzhou fit at the same origin, so no later Suzhou figure "
        "enters a Kunshan forecast.",
        "",
        "Naive forecasts from the same history: `naive_last` the last published value, "
        "`naive_drift` compound growth at the average yearly growth rate of the last "
        "up-to-five years, `naive_trend` a log-linear trend over the same years, and "
        "`naive_plan` the plan trend where a policy target exists: compound growth from the "
        "last published value to the target's value in its year, for targets in the model's "
        "scope whose document was issued by the origin (the year in its number, e.g. "
        f"{PLAN_EXAMPLE}; level, annual and ratio targets, not cumulative ones or 'every "
        "year' floors). The goal is judged against the best of them on each series, the one "
        "the model beats by the least on the points where it exists; `skill_best` in the "
        "skill table is the skill against the benchmark with the lowest skill. "
        "CRPS is the continuous ranked probability score of the ensemble (of the point "
        "for a naive forecast: its absolute error); skill = 1 − CRPS_model / CRPS_naive on "
        "relative CRPS (CRPS / observed), over the points where the naive forecast exists.",
        "",
        "## Goals (horizons 1–2)",
        "",
        *(coverage_goal_line(near, band) for band in (80, 50)),
        "",
        _coverage_context(near),
        "",
        "Median forecast error no worse than the best naive forecast (last value, drift, "
        "trend or plan trend, whichever the model beats by the least on the points where it "
        "exists), per key series "
        "(`median_ok` blank: no published value before the origin to make the naive forecast "
        "from, or none after it):",
        "",
        _md(goals),
        "",
        *shortfall_lines(goal_shortfalls(t, goals)),
        "",
        "## Skill by indicator and horizon",
        "",
        f"{skill_text('sign', 'en')} `bias_pct` is the mean of (median forecast − observed) "
        "/ observed.",
        "",
        "`cover80_pred` is the 80% predictive band including the structural error, estimated "
        "from the other origins' errors (leave one origin out), so its coverage is out of "
        "sample.",
        "",
        _md(s.drop(columns=["crps"])),
        "",
        "## Structural error of the published statistic",
        "",
        "What scenario runs show (`series.csv`, fan charts, the app's bands, every target "
        "probability) is the predictive distribution of the published statistic: the model "
        "ensemble times exp(σ·e), one standardised error e per run and indicator held "
        "through the years (of the law below: a standard normal z, or z / √(χ²_df / df) "
        "for a Student-t law, the χ² from its own seeded stream), σ = τ(h) = a·√max(h, 1) "
        "at horizon h (years after the last observed "
        f"year, {em.last_observed_year}), growing as a random walk's error does. The "
        "structural error adds to the ensemble's parameter and assumption spread, and is the "
        "same for every scenario, so a lever that raises every run raises every predictive "
        "draw. This replaces the fixed 4% error of the calibration's predictive check.",
        "",
        *law_lines(result),
        "",
        f"How it was estimated: {em.method}",
        "",
        f"{skill_text('sign', 'en')} The median log error is log(median forecast / observed). "
        "It is reported, not corrected: the error model widens the bands "
        "and keeps the model's median (the bias enters a, which is measured around the "
        "median). The backtest's own `pred_p10`/`pred_p90` apply the same rule with τ "
        "fitted on the other origins' errors.",
        "",
        _md(pd.DataFrame(sig_rows)),
        "",
        "## Fits per origin",
        "",
        _md(fits),
        "",
        "## Charts",
        "",
        "Forecast fans (10–90% shaded, 25–75% darker, median line) from each origin against "
        "the published values (black dots; hollow: approximate).",
        "",
    ]
    for ind in sorted(t["indicator"].unique()):
        lines.append(f"![{ind}]({backtest_chart_file(ind)})")
    lines.append("")
    return "\n".join(lines)


def write_backtest_charts(result: BacktestResult, observed: pd.DataFrame,
                          folder: Path) -> list[str]:
    """One PNG per scored indicator in ``folder``; returns the file names written."""
    registry = load_indicators()
    names = []
    for ind in sorted(result.table["indicator"].unique()):
        fig = Figure(figsize=(6.4, 3.8))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        fans = result.fans[result.fans["indicator"] == ind]
        for k, origin in enumerate(result.origins):
            own = fans[(fans["origin"] == origin) & (fans["year"] >= origin)]
            if own.empty:
                continue
            colour = _ORIGIN_COLOURS[k % len(_ORIGIN_COLOURS)]
            ax.fill_between(own["year"], own["p10"], own["p90"], color=colour, alpha=0.15)
            ax.fill_between(own["year"], own["p25"], own["p75"], color=colour, alpha=0.25)
            ax.plot(own["year"], own["p50"], color=colour, label=f"origin {origin}")
        pts = observed[(observed["indicator"] == ind) & observed["bound"].isin(["exact",
                                                                                 "approx"])]
        for bound, face in (("exact", "black"), ("approx", "none")):
            sel = pts[pts["bound"] == bound]
            ax.scatter(sel["year"], sel["value"], facecolors=face, edgecolors="black", zorder=3,
                       s=22, label="published" if bound == "exact" else "published (approx.)")
        ax.set_title(f"{registry[ind].label_en} ({result.region})", fontsize=10)
        ax.set_ylabel(registry[ind].unit)
        ax.legend(fontsize=7, loc="upper left")
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.tight_layout()
        name = backtest_chart_file(ind)
        fig.savefig(folder / name, dpi=110)
        names.append(name)
    return names


def check_output_folder(folder: Path) -> None:
    """Refuse an output folder the backtest may not write, before any fitting.

    The one rule of :mod:`suzhou_sim.fileio.outputs`: an earlier backtest's folder is
    replaced, another command's or a folder the tool did not write is refused.

    Raises
    ------
    InputError
        Naming the folder and why.
    """
    check_output_dir(Path(folder), writer=WRITER)


def write_backtest(result: BacktestResult, folder: Path, observed: pd.DataFrame,
                   key_series: tuple[str, ...], command: str) -> Path:
    """Write a backtest into ``folder`` atomically (a temporary folder, then renamed).

    Files: ``backtest.csv``, ``skill.csv``, ``fans.csv``, ``forecast_error.yaml`` (the
    structural-error model fitted on all origins), ``report.md``, one chart per indicator
    and ``backtest.yaml`` (settings, fits and the list of files written).
    """
    from ..studies.predictive import ERROR_FILE, save_error_model

    with prepare_output_dir(Path(folder), writer=WRITER) as tmp:
        files = []
        for name, frame in (("backtest.csv", result.table), ("skill.csv", result.skill),
                            ("fans.csv", result.fans)):
            atomic_write_text(tmp / name, frame.to_csv(index=False, float_format="%.6g"))
            files.append(name)
        save_error_model(result.error_model, tmp / ERROR_FILE)
        files.append(ERROR_FILE)
        files += write_backtest_charts(result, observed, tmp)
        atomic_write_text(tmp / "report.md", render_backtest_report(result, key_series, command))
        files.append("report.md")
        meta = {"region": result.region, "origins": result.origins, "draws": result.draws,
                "seed": result.seed, "starts": result.n_starts, "command": command,
                "seconds": round(result.seconds, 1), "fits": result.fits, "files": files}
        atomic_write_text(tmp / MANIFEST, yaml.safe_dump(meta, allow_unicode=True,
                                                         sort_keys=False))
    return Path(folder)
