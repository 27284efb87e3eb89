"""Markdown report and terminal scoreboard of a scenario run.

The report holds the scenario's description and rationale, the scoreboard of in-scope
targets, every out-of-scope target with its reason (no target disappears silently), the
definition notes, the levers, the assumptions used (labelled as assumptions, not policy
choices), the rules behind the numbers and links to the fan charts. This module formats
text only; it does not run the model, draw charts or write files.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..catalogues.indicators import load_indicators
from ..catalogues.scenarios import PERIODS, lever_baseline, load_assumptions, load_levers
from ..catalogues.targets import ABOUT_FRACTION

if TYPE_CHECKING:
    from ..studies.scenario_runs import ScenarioResult

__all__ = ["render_report", "scoreboard_text", "comparison_text", "RULES"]

RULES = (
    f"- Probability = share of the ensemble's runs (calibrated posterior x assumption draws) "
    f"that reach the target. Scenarios run with the same seed share their draws (common "
    f"random numbers), so differences between them come from policy.\n"
    f"- `>=` targets are reached when the value in the target year is at least the threshold; "
    f"`~` (about, 左右) targets from {ABOUT_FRACTION:.0%} of the threshold on (the lower edge "
    f"of a ±5% band; exceeding them counts as reaching them). \"Every year\" targets must hold "
    f"in each year of their span.\n"
    f"- First year reached: median, over the runs that ever reach the target, of the first "
    f"calendar year (from 2019, or from the base year of cumulative targets, to 2035) in which "
    f"the value meets the condition; blank when fewer than half of the runs ever reach it.\n"
    f"- Values are year-end levels, counts within the calendar year, or sums since the base "
    f"year, as the target states (measure column)."
)


def _num(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _first(x) -> str:
    return "" if x is None or pd.isna(x) else str(int(x))


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _scoreboard_rows(targets: pd.DataFrame, baseline: pd.DataFrame | None) -> list[list[str]]:
    base = None if baseline is None else dict(
        zip(baseline["target_id"], baseline["probability"], strict=True))
    rows = []
    for r in targets[targets["in_scope"]].itertuples():
        row = [
            f"{r.target_id}", f"{r.label_en} / {r.label_zh}", str(r.year),
            f"{r.comparator} {_num(r.threshold)} {r.unit}", f"**{r.probability:.2f}**",
            f"{_num(r.median)} [{_num(r.p10)}–{_num(r.p90)}]", _first(r.first_year),
        ]
        if base is not None:
            row.append(f"{base.get(r.target_id, float('nan')):.2f}")
        row.append("note" if isinstance(r.note, str) and r.note else "")
        rows.append(row)
    return rows


def render_report(
    result: ScenarioResult, charts: dict[str, str], baseline: ScenarioResult | None = None
) -> str:
    """The Markdown report of a :class:`suzhou_sim.studies.scenario_runs.ScenarioResult`.

    Parameters
    ----------
    result : ScenarioResult
    charts : dict[str, str]
        indicator -> chart file name relative to the report.
    baseline : ScenarioResult, optional
        Baseline run on the same draws: its probabilities are shown alongside.

    Returns
    -------
    str
    """
    s = result.scenario
    t = result.targets
    header = ["Target", "Indicator", "Year", "Threshold", "P(reached)",
              "Median [p10–p90] in target year", "First year"]
    if baseline is not None:
        header.append(f"P baseline ({baseline.scenario.name})")
    header.append("")
    out = [
        f"# {s.title_en} / {s.title_zh}",
        "",
        f"Scenario `{s.name}` · region **{s.region}** · {result.draws} draws · seed "
        f"{result.seed} · calibrated parameters: {result.posterior_source}",
        "",
        s.description.strip(),
        "",
        "**Rationale.** " + s.rationale.strip(),
        "",
        "## Scoreboard",
        "",
        _md_table(header, _scoreboard_rows(t, None if baseline is None else baseline.targets)),
        "",
    ]
    notes = t[t["note"].notna() & (t["note"] != "")]
    if not notes.empty:
        out += ["### Definition notes", ""]
        out += [f"- **{r.target_id}** ({r.label_en}): {r.note}" for r in notes.itertuples()]
        out.append("")
    outside = t[~t["in_scope"]]
    out += [
        f"## Targets outside the model's scope ({len(outside)})",
        "",
        _md_table(["Target", "Indicator", "Year", "Threshold", "Why not modelled"],
                  [[r.target_id, f"{r.label_en} / {r.label_zh}", str(r.year),
                    f"{r.comparator} {_num(r.threshold)} {r.unit}", str(r.reason)]
                   for r in outside.itertuples()]),
        "",
        "## Policy levers",
        "",
    ]
    lever_rows = []
    for key, lever in load_levers().items():
        values = result.levers[key]
        cells = []
        for p in PERIODS:
            base = lever_baseline(key, p, s.region)
            mark = "" if math.isclose(values[p], base) else f" (baseline {base:g})"
            cells.append(f"{values[p]:g}{mark}")
        lever_rows.append([f"{lever.label_en} / {lever.label_zh}", lever.unit, *cells])
    out += [_md_table(["Lever", "Unit", "2024–25 (14th)", "2026–30 (15th)", "2031–35 (16th)"],
                      lever_rows), ""]
    out += [
        "## Assumptions used (not policy choices)",
        "",
        "Each assumption is drawn per run from a triangular distribution with its mode at the "
        "default, between low and high. They act from 2024 on.",
        "",
    ]
    a_rows = []
    for key, a in load_assumptions().items():
        d, lo, hi = result.assumptions[key]
        changed = " (scenario)" if key in s.assumptions else ""
        a_rows.append([f"{a.label_en} / {a.label_zh}{changed}", a.unit, f"{d:g}", f"{lo:g}",
                       f"{hi:g}", a.source])
    out += [_md_table(["Assumption", "Unit", "Default", "Low", "High", "Source"], a_rows), ""]
    out += ["## How to read the numbers", "", RULES, ""]
    if charts:
        out += ["## Charts", ""]
        registry = load_indicators()
        for name, file in charts.items():
            ind = registry[name]
            out += [f"### {ind.label_en} / {ind.label_zh}", "", f"![{name}]({file})", ""]
    return "\n".join(out)


def scoreboard_text(result: ScenarioResult, lang: str = "en", width: int = 110) -> str:
    """Plain-text scoreboard for the terminal (in-scope targets, then out-of-scope reasons)."""
    t = result.targets
    s = result.scenario
    label_col = "label_zh" if lang == "zh" else "label_en"
    lines = [f"{s.name} ({s.region}, {result.draws} draws, seed {result.seed}): {s.title_en}",
             f"{'target':<22}{'indicator':<42}{'year':>5} {'threshold':>12} {'P':>5} "
             f"{'median [p10, p90]':>30} {'first':>6}"]
    for r in t[t["in_scope"]].itertuples():
        label = str(getattr(r, label_col))[:40]
        band = f"{_num(r.median)} [{_num(r.p10)}, {_num(r.p90)}]"
        thr = f"{r.comparator}{_num(r.threshold)}"
        lines.append(f"{r.target_id:<22}{label:<42}{r.year:>5} {thr:>12} "
                     f"{r.probability:>5.2f} {band:>30} {_first(r.first_year):>6}")
    outside = t[~t["in_scope"]]
    if not outside.empty:
        lines.append(f"outside model scope ({len(outside)}):")
        for r in outside.itertuples():
            lines.append(f"  {r.target_id:<22}{str(r.reason)}"[:width])
    return "\n".join(lines)


def comparison_text(table: pd.DataFrame) -> str:
    """Plain-text view of :func:`suzhou_sim.studies.scenario_runs.compare_scenarios`."""
    cols = [c for c in table.columns if c.startswith(("p_", "d_"))]
    view = table[table["in_scope"]][["target_id", "year", *cols]].copy()
    for c in cols:
        fmt = "{:+.2f}" if c.startswith("d_") else "{:.2f}"
        view[c] = view[c].map(lambda v, f=fmt: "" if pd.isna(v) else f.format(v))
    n_out = int((~table["in_scope"]).sum())
    return view.to_string(index=False) + f"\n({n_out} targets outside model scope not shown)"
