"""Markdown report and terminal scoreboard of a scenario run, and the wording of target
statuses in both languages (also used by the app and the charts).

The report holds the scenario's description and rationale, the count of targets by status,
the scoreboard of in-scope targets with their status and the probability as the status
reads it ("at least p" / "at most p" with the reason, a range over a driving assumption or
over the named input of a prior-driven target, none when set by a lever), the levels
reachable with 50/80/90%, the probability curves of assumption-driven targets, the prior
sensitivity of every target with a probability, every out-of-scope target with its reason
(no target disappears silently), the definition notes, the levers, the assumptions used
(labelled as assumptions, not policy choices), the rules behind the numbers and links to the
fan charts. Its texts are in the wording room (``markdown.*`` of
``wording/texts/reports_misc.yaml``, the statuses in ``reports.yaml``). This module formats
text only; it does not run the model, draw charts or write files.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ..catalogues.indicators import load_indicators
from ..catalogues.observations import data_vintage
from ..catalogues.scenarios import lever_baseline, load_assumptions, load_levers
from ..catalogues.targets import (
    ABOUT_BAND,
    MIN_BAND_RUNS,
    PRIOR_BAND,
    PRIOR_NOISE_SE,
    PRIOR_SPREAD,
    is_prior_sensitive,
    load_targets,
)
from ..catalogues.timeline import PERIODS
from ..errors import InputError
from ..wording import keys, say, table
from .driver_labels import drivers_text
from .labels import fmt_number, period_years

if TYPE_CHECKING:
    from ..studies.scenario_runs import ScenarioResult

__all__ = ["render_report", "scoreboard_text", "comparison_text", "RULES", "STATUS_TEXT",
           "status_label", "status_definition", "probability_text", "judged_text", "status_counts",
           "scoreboard_sections", "vintage_text", "SECTIONS",
           "status_summary", "curves_table", "curve_lines", "BOUND_TEXT", "reach_section",
           "prior_section"]

#: The target statuses in the order reports list them: that of wording/texts/reports.yaml.
_STATUSES = tuple(k.removeprefix("status_") for k in keys()
                  if k.startswith("status_") and not k.startswith("status_def_"))
#: The qualities of a published figure that a judged row names (``markdown.quality.<q>``).
_QUALITIES = tuple(table("markdown.quality"))
_RULE_VALUES = {"spread": PRIOR_SPREAD, "noise": PRIOR_NOISE_SE, "band": PRIOR_BAND}

#: status: (English label, Chinese label, English definition, Chinese definition), from the
#: wording room (keys ``status_<status>`` and ``status_def_<status>``).
STATUS_TEXT = {
    k: (say(f"status_{k}", "en"), say(f"status_{k}", "zh"),
        say(f"status_def_{k}", "en", **_RULE_VALUES), say(f"status_def_{k}", "zh", **_RULE_VALUES))
    for k in _STATUSES
}

RULES = (
    "- Probability = share of the ensemble's runs (calibrated posterior x assumption draws) "
    "with value >= threshold in the target year (P(value >= threshold)), for `>=` and `~` "
    f"({say('markdown.about', 'en')}, {say('markdown.about', 'zh')}) targets alike: no "
    "tolerance. Scenarios run with the same seed share their "
    "draws (common random numbers), so differences between them come from policy.\n"
    f"- `~` targets also show P(within ±{ABOUT_BAND:.0%}), the share of runs within "
    f"±{ABOUT_BAND:.0%} of the threshold, in its own column. \"Every year\" targets must "
    "hold in each year of their span.\n"
    "- Status: " + "; ".join(f"`{k}` = {v[2]}" for k, v in STATUS_TEXT.items()) + ".\n"
    "- First year reached: median, over the runs that ever reach the target, of the first "
    "calendar year (from 2019, or from the base year of cumulative targets, to 2035) in which "
    "the value meets the threshold; blank when fewer than half of the runs ever reach it.\n"
    "- Values are year-end levels, counts within the calendar year, or sums since the base "
    "year, as the target states (measure column)."
)


def status_label(status: str, lang: str = "en") -> str:
    """Short label of a target status in ``lang`` (``en`` or ``zh``)."""
    en, zh, _, _ = STATUS_TEXT[status]
    return zh if lang == "zh" else en


def status_definition(status: str, lang: str = "en") -> str:
    """One-line definition of a target status in ``lang``."""
    _, _, en, zh = STATUS_TEXT[status]
    return zh if lang == "zh" else en


def _p(x: float) -> str:
    return f"{x:.2f}"


#: Bound wording: (Chinese, English) of "at least p" / "at most p" with the reason, from the
#: wording room (keys ``markdown.bound.<key>``; the ``_short`` forms go beside a chart's
#: target marker, the reason stays in the tables).
BOUND_TEXT: dict[str, tuple[str, str]] = table("markdown.bound")


def _say(key: str, lang: str, **values: object) -> str:
    return say(f"markdown.bound.{key}", lang, **values)


def _both(key: str, **values: object) -> str:
    """The report's bilingual form of text ``key``: ``English / 中文``."""
    return f"{say(key, 'en', **values)} / {say(key, 'zh', **values)}"


def probability_text(row, lang: str = "en", fmt=_p, short: bool = False) -> str:
    """What the scoreboard shows as the probability of one row, by its status.

    "at least p" for lower bounds with the reason (at 0: the share of the threshold the
    measured part reaches in the median run), "at most p" for upper bounds (with the
    bracket's other side when known), ``p(low)–p(high)`` over the driving assumption for
    assumption-driven targets and over the named input for prior-driven ones (and for any
    row whose ``prior_sensitive`` is True: "at least low–high over X" for a bound), the
    status label for targets set by a lever, nothing outside scope; ``fmt`` formats one
    probability (two decimals by default; the app passes percentages). ``short`` gives the
    forms without the reason and the input's name ("at least p", "low–high"), for a chart's
    marker.
    """
    tail = "_short" if short else ""
    status = row.status
    if status in ("met", "missed"):
        return judged_text(row, lang)
    if status in ("undetermined", "awaiting_data"):
        # a nowcast: what the probability measures is the forecast status's
        status = getattr(row, "forecast_status", None) or "assessable"
    if status == "outside_scope":
        return ""
    if status == "set_by_lever":
        return status_label(status, lang)
    if status in ("assumption_driven", "prior_driven"):
        if pd.isna(row.p_curve_min):
            return status_label(status, lang)
        lo, hi = fmt(row.p_curve_min), fmt(row.p_curve_max)
        if status == "assumption_driven":
            return _say("range_assumption", lang, low=lo, high=hi)
        return _say("range_prior" + tail, lang, low=lo, high=hi,
                    drivers=drivers_text(row.drivers, lang) or status_label(status, lang))
    if is_prior_sensitive(row):
        # a drawn input moves it beyond the prior-driven rule: the range, never one number
        key = {"lower_bound": "lower_range", "upper_bound": "upper_range"}.get(status,
                                                                            "range_prior")
        return _say(key + tail, lang, low=fmt(row.p_curve_min), high=fmt(row.p_curve_max),
                    drivers=drivers_text(row.drivers, lang))
    text = fmt(row.probability)
    if status == "lower_bound":
        share = (row.median / row.threshold if row.threshold and not pd.isna(row.median)
                 else math.nan)
        if row.probability == 0 and not math.isnan(share) and not short:
            text = _say("lower_zero", lang, p=text, share=f"{share:.0%}")
        else:
            text = _say("lower" + tail, lang, p=text)
    elif status == "upper_bound":
        text = _say("upper" + tail, lang, p=text)
        # "at least 0" says nothing; the short form leaves the bracket to the tables
        if not pd.isna(row.p_bracket) and row.p_bracket > 0 and not short:
            text += _say("bracket", lang, p=fmt(row.p_bracket))
    if not pd.isna(row.p_about):
        text += f" · ±{ABOUT_BAND:.0%}: {fmt(row.p_about)}"
    return text


def judged_text(row, lang: str = "en") -> str:
    """The published figure that decided a judged row: "2024: ≥ 17,400 (reported)"."""
    if pd.isna(getattr(row, "judged_value", None)):
        return status_label(row.status, lang)
    sign = {"lower": "≥ ", "upper": "≤ "}.get(row.judged_bound, "")
    # a quality the wording room does not name is shown as its code
    q = (say(f"markdown.quality.{row.judged_quality}", lang)
         if row.judged_quality in _QUALITIES else row.judged_quality)
    return f"{int(row.judged_year)}: {sign}{row.judged_value:,.4g} ({q})"


def status_counts(targets: pd.DataFrame) -> dict[str, int]:
    """Number of targets per status, in the order of :data:`STATUS_TEXT` (zeros left out)."""
    counts = targets["status"].value_counts()
    return {k: int(counts[k]) for k in STATUS_TEXT if k in counts}


def status_summary(targets: pd.DataFrame, lang: str = "en") -> str:
    """One line counting the targets by status (``12 assessable · 5 lower bound · ...``)."""
    return " · ".join(f"{n} {status_label(k, lang)}" for k, n in status_counts(targets).items())


def _num(x: float | None, digits: int = 3) -> str:
    return fmt_number(x, digits, missing="")


def _first(x) -> str:
    return "" if x is None or pd.isna(x) else str(int(x))


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _why_outside(row) -> str:
    """The row's reason, and why an observed series does not carry the target (ledger)."""
    t = load_targets().get(row.target_id)
    extra = t.series_reason if t is not None else None
    return str(row.reason) + (f" Observed series: {extra}" if extra else "")


def _scoreboard_rows(targets: pd.DataFrame, baseline: pd.DataFrame | None) -> list[list[str]]:
    base = None if baseline is None else {r.target_id: r for r in baseline.itertuples()}
    rows = []
    for r in targets[targets["in_scope"]].itertuples():
        row = [
            f"{r.target_id}", f"{r.label_en} / {r.label_zh}", str(r.year),
            f"{r.comparator} {_num(r.threshold)} {r.unit}",
            f"{status_label(r.status)} / {status_label(r.status, 'zh')}",
            f"**{probability_text(r)}**",
            f"{_num(r.median)} [{_num(r.p10)}–{_num(r.p90)}]", _first(r.first_year),
        ]
        if base is not None:
            row.append(probability_text(base[r.target_id]) if r.target_id in base else "")
        row.append("note" if isinstance(r.note, str) and r.note else "")
        rows.append(row)
    return rows


def _preliminary_note(result: ScenarioResult) -> str:
    """" (preliminary: gdp, …)" for the figures of the last data year that are preliminary."""
    try:
        prelim = data_vintage(result.scenario.region).preliminary
    except InputError:
        return ""
    if not prelim:
        return ""
    return f" · {_both('markdown.preliminary')}: {', '.join(prelim)}"


def reach_section(targets: pd.DataFrame) -> list[str]:
    """Report lines: the levels reachable with 50%, 80% and 90% probability per target
    (what a planner setting the next targets reads; the full curves are in
    ``exceedance.csv``)."""
    rows = targets[targets["reach_50"].notna() & ~targets["status"].isin(("met", "missed"))]
    if rows.empty:
        return []
    out = [f"### {_both('markdown.reach_title')}", "", _both("markdown.reach_intro"), "",
           "| Target | Year | Target value | 50% | 80% | 90% |", "|---|---|---|---|---|---|"]
    for r in rows.itertuples():
        out.append(f"| {r.target_id} {r.label_en} / {r.label_zh} | {r.year} | "
                   f"{r.comparator}{_num(r.threshold)} | {_num(r.reach_50)} | "
                   f"{_num(r.reach_80)} | {_num(r.reach_90)} |")
    return out + [""]


def prior_section(result: ScenarioResult) -> list[str]:
    """Report lines: per target with a probability, the drawn inputs that move it most, with
    the probability in their lowest, middle and highest band of the runs (the inputs named
    in ``drivers``: those passing the prior-driven rule, else the one moving it most)."""
    sens = getattr(result, "sensitivity", None)
    if sens is None or sens.empty:
        return []
    board = result.targets.set_index("target_id")
    rows = []
    for r in sens.itertuples(index=False):
        named = board.loc[r.target_id, "drivers"] if r.target_id in board.index else None
        if not isinstance(named, str) or r.driver not in named.split("; "):
            continue
        status = board.loc[r.target_id, "status"]
        kind = _both("markdown.kind_assumption" if r.kind == "assumption"
                     else "markdown.kind_parameter")
        rows.append([r.target_id, f"{status_label(status)} / {status_label(status, 'zh')}",
                     f"{drivers_text(r.driver, 'en')} / {drivers_text(r.driver, 'zh')}", kind,
                     _p(r.p_low), _p(r.p_mid), _p(r.p_high), str(int(r.runs)),
                     f"{abs(r.p_high - r.p_low):.2f}",
                     (f"{max(PRIOR_SPREAD, PRIOR_NOISE_SE * r.se):.2f}"
                      if r.runs >= MIN_BAND_RUNS else
                      f"n/a ({_both('markdown.few_runs', n=MIN_BAND_RUNS)})")])
    if not rows:
        return []
    band = f"{PRIOR_BAND:.0%}"
    return [
        f"### {_both('markdown.prior_title')}", "",
        _both("markdown.prior_intro", band=band, spread=PRIOR_SPREAD, noise=PRIOR_NOISE_SE), "",
        _md_table(["Target", _both("markdown.col_status"), _both("markdown.col_input"),
                   _both("markdown.col_kind"),
                   f"P (lowest {band})", "P (middle)", f"P (highest {band})",
                   "runs per band", _both("markdown.col_spread"),
                   _both("markdown.col_spread_needed")], rows), ""]


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
    header = ["Target", "Indicator", "Year", "Threshold", _both("markdown.col_status"),
              "P(value ≥ threshold)",
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
        f"**{vintage_text(t)} / {vintage_text(t, 'zh')}**{_preliminary_note(result)}",
        "",
        s.description.strip(),
        "",
        "**Rationale.** " + s.rationale.strip(),
        "",
        "## Scoreboard",
        "",
        f"{_both('markdown.by_status')}: {status_summary(t)} / {status_summary(t, 'zh')}",
        "",
    ]
    base = None if baseline is None else baseline.targets
    for statuses, en, zh in SECTIONS:
        part = t[t["status"].isin(statuses)]
        if not part.empty:
            out += [f"### {en[0].upper() + en[1:]} / {zh}", "",
                    _md_table(header, _scoreboard_rows(part, base)), ""]
    outside = t[t["status"] == "outside_scope"]
    if not outside.empty:
        out += [f"### {_both('markdown.outside_title')}", "",
                _md_table(header, _scoreboard_rows(outside, base)), ""]
    out += reach_section(t)
    if not result.curves.empty:
        out += [f"### {_both('markdown.curves_title')}", "", curves_table(result.curves), ""]
    out += prior_section(result)
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
                    f"{r.comparator} {_num(r.threshold)} {r.unit}", _why_outside(r)]
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
    periods = [f"{period_years(p)} ({p})" for p in PERIODS]
    out += [_md_table(["Lever", "Unit", *periods],
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
    out += ["## How to read the numbers", "", RULES, "",
            f"### {_both('markdown.status_title')}", ""]
    out += [f"- `{k}` {v[0]} / {v[1]}: {v[2]}; {v[3]}" for k, v in STATUS_TEXT.items()]
    out.append("")
    if charts:
        out += ["## Charts", ""]
        registry = load_indicators()
        for name, file in charts.items():
            ind = registry[name]
            out += [f"### {ind.label_en} / {ind.label_zh}", "", f"![{name}]({file})", ""]
    return "\n".join(out)


#: The statuses of each part of the scoreboard, by the part's key ``markdown.section.<part>``.
_SECTION_STATUSES = {
    "judged": ("met", "missed", "undetermined"),
    "awaiting": ("awaiting_data",),
    "forecasts": ("already_met", "assumption_driven", "prior_driven", "lower_bound",
                  "upper_bound", "assessable", "set_by_lever"),
    "trend": ("trend_only",),
}
#: The scoreboard's parts: (statuses, English title, Chinese title).
SECTIONS = tuple((statuses, say(f"markdown.section.{part}", "en"),
                  say(f"markdown.section.{part}", "zh"))
                 for part, statuses in _SECTION_STATUSES.items())


def scoreboard_sections(targets: pd.DataFrame, lang: str = "en"):
    """The scoreboard's rows in its parts, judged targets apart from forecasts: a list of
    (title, rows) for the non-empty parts (out-of-scope targets are listed separately)."""
    out = []
    for statuses, en, zh in SECTIONS:
        part = targets[targets["status"].isin(statuses)]
        if not part.empty:
            out.append((zh if lang == "zh" else en, part))
    return out


def vintage_text(targets: pd.DataFrame, lang: str = "en") -> str:
    """"Data through 2024" for the regions of a scoreboard (the last year with published
    figures, from ``data_through``)."""
    years = sorted({int(y) for y in targets["data_through"].dropna()})
    if not years:
        return ""
    shown = "/".join(str(y) for y in years)
    return say("markdown.vintage", lang, years=shown)


def scoreboard_text(result: ScenarioResult, lang: str = "en", width: int = 110) -> str:
    """Plain-text scoreboard for the terminal (in-scope targets, then out-of-scope reasons)."""
    t = result.targets
    s = result.scenario
    label_col = "label_zh" if lang == "zh" else "label_en"
    lines = [f"{s.name} ({s.region}, {result.draws} draws, seed {result.seed}): {s.title_en}",
             vintage_text(t, lang),
             f"by status: {status_summary(t, lang)}"]
    head = (f"{'target':<22}{'indicator':<34}{'year':>5} {'threshold':>10} {'status':<18}"
            f"{'P(value>=threshold)':<30}{'median [p10, p90]':>26} {'first':>6}")
    for title, part in scoreboard_sections(t, lang):
        lines += [f"{title}:", head]
        for r in part.itertuples():
            label = str(getattr(r, label_col))[:32]
            band = ("" if pd.isna(r.median)
                    else f"{_num(r.median)} [{_num(r.p10)}, {_num(r.p90)}]")
            thr = f"{r.comparator}{_num(r.threshold)}"
            lines.append(f"{r.target_id:<22}{label:<34}{r.year:>5} {thr:>10} "
                         f"{status_label(r.status, lang):<18}{probability_text(r, lang):<30}"
                         f"{band:>26} {_first(r.first_year):>6}")
    outside = t[(~t["in_scope"]) & (t["status"] == "outside_scope")]
    if not outside.empty:
        lines.append(f"outside model scope ({len(outside)}):")
        for r in outside.itertuples():
            lines.append(f"  {r.target_id:<22}{str(r.reason)}"[:width])
    return "\n".join(lines)


def curve_lines(curves: pd.DataFrame, target_id: str, lang: str = "en", fmt=_p,
                unit=str) -> list[tuple[str, str]]:
    """(driver label with unit, ``value: P · value: P ...``) per driver of one target;
    ``fmt`` formats a probability and ``unit`` a unit code (the app passes its own)."""
    rows = curves[curves["target_id"] == target_id]
    # per driver, in order of first appearance: label, unit and (value, P) pairs (plain
    # Python: the app builds these on every slider step)
    drivers: dict[str, tuple[str, str, list[tuple[float, float]]]] = {}
    for driver, label, code, v, p in zip(
            rows["driver"], rows["label_zh" if lang == "zh" else "label_en"], rows["unit"],
            rows["value"], rows["probability"], strict=True):
        drivers.setdefault(driver, (label, code, []))[2].append((v, p))
    out = []
    for label, code, points in drivers.values():
        cells = [f"{v:g}: {fmt(p)}" for v, p in sorted(points, key=lambda vp: vp[0])]
        shown = unit(code)
        out.append((f"{label} ({shown})" if shown else label, " · ".join(cells)))
    return out


def curves_table(curves: pd.DataFrame, lang: str = "en") -> str:
    """Markdown table of assumption curves: one row per target and driver, the driver's
    values from low to high with P(value >= threshold) at each."""
    rows = [[tid, label, cells, str(int(curves.loc[curves["target_id"] == tid, "runs"].iloc[0]))]
            for tid in dict.fromkeys(curves["target_id"])
            for label, cells in curve_lines(curves, tid, lang)]
    return _md_table(["Target", "Driving assumption", "value: P(value ≥ threshold)",
                      "runs per value"], rows)


def comparison_text(table: pd.DataFrame) -> str:
    """Plain-text view of :func:`suzhou_sim.studies.scenario_runs.compare_scenarios`."""
    cols = [c for c in table.columns if c.startswith(("p_", "d_"))]
    view = table[table["in_scope"]][["target_id", "year", *cols]].copy()
    for c in cols:
        fmt = "{:+.2f}" if c.startswith("d_") else "{:.2f}"
        view[c] = view[c].map(lambda v, f=fmt: "" if pd.isna(v) else f.format(v))
    text = view.to_string(index=False)
    n_out = int((~table["in_scope"]).sum())
    # targets driven by an assumption (with_answers): the range and the change at each setting
    words = [c for c in table.columns if c.startswith(("answer_", "change_"))]
    ranged = table[table["in_scope"]]
    ranged = ranged[ranged[words].ne("").any(axis=1)] if words else ranged.iloc[:0]
    if not ranged.empty:
        text += f"\n\n{_both('markdown.ranged_intro')}:"
        for r in ranged.itertuples(index=False):
            parts = [f"{c.split('_', 1)[0]} {c.split('_', 1)[1]}: {getattr(r, c)}"
                     for c in words if getattr(r, c)]
            text += f"\n{r.target_id}: " + "; ".join(parts)
    return text + f"\n({n_out} targets outside model scope not shown)"
