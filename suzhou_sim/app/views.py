"""What the app shows, built from analysis results: scoreboard, charts, tables, summaries.

Lives here: the recompute step of the app (the current scenario, the region's baseline and,
when the assumptions were changed, the modified baseline, all on the same draws), the
validation messages in the interface's language, the shares of the special fund the split
weights imply, the per-year scoreboard summary, and pure functions that turn
:class:`~suzhou_sim.studies.scenario_runs.ScenarioResult` objects, comparison
tables and the stored calibration into display objects (an HTML scoreboard, Altair charts,
formatted tables, CSV text) in Chinese or English.

Must not: import Streamlit, compute any model number itself (probabilities, quantiles and
first years come from ``studies/`` and ``catalogues/targets.py``; this module only selects,
subtracts and divides for display and formats), or read session state.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from ..calibration.posterior import Posterior
from ..catalogues.indicators import load_indicators
from ..catalogues.observations import DataVintage, data_vintage, load_observations
from ..catalogues.regions import load_region, region_names
from ..catalogues.scenarios import Scenario, lever_constants, load_assumptions, load_levers
from ..catalogues.targets import Target, load_targets, targets_for_region
from ..catalogues.timeline import PERIOD_YEARS
from ..errors import InputError
from ..paths import OBSERVED_FILE, calibration_dir
from ..reporting.diagram_labels import sector_label
from ..reporting.headline import (
    conditional_probability,
    driver_values,
    headline,
    headline_indicator,
    is_range,
)
from ..reporting.headline_text import conditional_label, headline_sentences
from ..reporting.markdown import STATUS_TEXT, curve_lines, probability_text, status_counts
from ..reporting.office import compared_probabilities
from ..reporting.plots import (
    chart_targets,  # the rule for which targets sit on a series' chart
    drawn_series,
)
from ..reporting.structure_diagram import ACCOUNTING
from ..studies.goal_seek import GoalSeekResult
from ..studies.scenario_runs import ScenarioResult
from ..wording import say
from ..wording.problems import render_lines
from .state import Change, assumptions_differ, with_assumptions_of
from .text import (
    FIELDS_ZH,
    comparator_label,
    fmt_points,
    fmt_probability,
    fmt_quantity,
    fmt_value,
    period_label,
    tr,
    unit_label,
)

__all__ = [
    "Runner",
    "Outcome",
    "BANDS",
    "recompute",
    "complete_outcome",
    "probability_band",
    "scenario_title",
    "describe_changes",
    "scoreboard_frame",
    "scoreboard_html",
    "scoreboard_inside_html",
    "scoreboard_outside_html",
    "scoreboard_summary",
    "outcome_headline",
    "headline_chart_indicator",
    "region_vintage",
    "SCOREBOARD_CSS",
    "UPLOADER_CSS_ZH",
    "targets_csv",
    "series_csv",
    "chart_indicators",
    "trajectory_chart",
    "compare_frame",
    "compare_chart",
    "compare_indicators",
    "goal_seek_text",
    "fit_summary",
    "fit_goals",
    "region_label",
    "problem_lines",
    "url_problem",
    "fund_shares",
    "year_summary",
    "table_html",
    "ALL_PARTS",
    "diagram_parts",
    "diagram_part_label",
]

#: Runs a scenario with (draws, seed); the app passes its cached runner.
Runner = Callable[[Scenario, int, int], ScenarioResult]

#: Probability bands: (name, lower edge, colour).
BANDS = (("green", 0.8, "#1a7f37"), ("amber", 0.5, "#d4a106"), ("orange", 0.2, "#e8710a"),
         ("red", 0.0, "#c62828"))
_STAR = ("M0,-1L0.2245,-0.309L0.951,-0.309L0.363,0.118L0.588,0.809L0,0.382L-0.588,0.809"
         "L-0.363,0.118L-0.951,-0.309L-0.2245,-0.309Z")
_SCENARIO, _BASELINE, _MODIFIED = "#08519c", "#636363", "#8c2d04"
_BAND_FILL, _TARGET, _HISTORY = "#9ecae1", "#d62728", "#222222"


# --- recompute ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """Everything the result views need after one recompute.

    Attributes
    ----------
    result : ScenarioResult
        The current settings.
    baseline : ScenarioResult
        The region's baseline scenario on the same draws (common random numbers).
    modified : ScenarioResult or None
        Baseline levers under the current assumptions; only when the assumptions differ
        from the picked scenario's.
    is_baseline : bool
        True when the current settings are the baseline scenario itself.
    """

    result: ScenarioResult
    baseline: ScenarioResult
    modified: ScenarioResult | None
    is_baseline: bool


def recompute(current: Scenario, picked: Scenario, baseline: Scenario, draws: int, seed: int,
              run: Runner) -> Outcome:
    """Run what a change of settings needs (the app's recompute step).

    Parameters
    ----------
    current : Scenario
        The settings as the widgets describe them.
    picked : Scenario
        The scenario the widgets were loaded from (decides whether the assumptions changed).
    baseline : Scenario
        The region's baseline scenario.
    draws, seed : int
        Ensemble size and seed shared by every run.
    run : Runner
        ``run(scenario, draws, seed) -> ScenarioResult``; the app's is cached, so only the
        changed scenario is simulated again.
    """
    result = run(current, draws, seed)
    same = _same_settings(current, baseline)
    base = result if same else run(baseline, draws, seed)
    modified = None
    if assumptions_differ(current, picked):
        modified = run(with_assumptions_of(baseline, current), draws, seed)
    return Outcome(result, base, modified, same)


def complete_outcome(outcome: Outcome,
                     complete: Callable[[ScenarioResult], ScenarioResult]) -> Outcome:
    """``outcome`` with every run passed through ``complete`` (the app's: the assumption
    curves added to a result of ``run_scenario(..., curves=False)``)."""
    result = complete(outcome.result)
    return Outcome(result, result if outcome.baseline is outcome.result
                   else complete(outcome.baseline),
                   None if outcome.modified is None else complete(outcome.modified),
                   outcome.is_baseline)


def _same_settings(a: Scenario, b: Scenario) -> bool:
    return (a.region == b.region and lever_constants(a) == lever_constants(b)
            and not assumptions_differ(a, b))


# --- small helpers --------------------------------------------------------------------------


def probability_band(p: float) -> str:
    """Band name of a probability: ``green`` ≥0.8, ``amber`` ≥0.5, ``orange`` ≥0.2, else ``red``."""
    return next(name for name, edge, _ in BANDS if p >= edge)


def _band_colour(p: float) -> str:
    return next(colour for name, _, colour in BANDS if name == probability_band(p))


def scenario_title(scenario: Scenario, lang: str) -> str:
    """Title of a scenario in ``lang``."""
    return scenario.title_zh if lang == "zh" else scenario.title_en


def describe_changes(items: list[Change], lang: str) -> str:
    """One line listing the changed levers (old -> new) and assumptions (default (low-high))."""
    levers, assumptions = load_levers(), load_assumptions()
    parts = []
    for c in items:
        if c.kind == "lever":
            lever = levers[c.key]
            parts.append(f"{lever.label(lang)} ({period_label(c.period, lang, short=True)}) "
                         f"{fmt_value(c.old)} → {fmt_value(c.new)}")
        else:
            a = assumptions[c.key]
            old, new = (f"{fmt_value(d)} ({fmt_value(lo)}–{fmt_value(hi)})"
                        for d, lo, hi in (c.old, c.new))
            parts.append(f"{a.label(lang)} {old} → {new}")
    return "; ".join(parts)


# --- scoreboard -----------------------------------------------------------------------------


def _probabilities(result: ScenarioResult | None) -> dict[str, float]:
    if result is None:
        return {}
    return dict(zip(result.targets["target_id"], result.targets["probability"], strict=True))


def scoreboard_frame(outcome: Outcome, lang: str,
                     fixed: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The scoreboard as a table of display values (one row per target of the region).

    ``fixed`` maps driving assumptions (their constants) the planner fixed to a value: a
    target whose probability is a range over them then shows its conditional probability
    (read off the assumption curves) with what it is conditional on.

    Returns
    -------
    pandas.DataFrame
        Columns target_id, label, year, clause, source, threshold (text), status (code),
        status_label, probability (number, NaN when the status gives none),
        probability_text (as the status reads it: ``至少 88%(…)``, ``0%–97% 随假设``...), band (of
        the probability, blank without one), curve (assumption-driven targets: the
        probability at each value of the driving assumptions), median (text), range (p10-p90 text),
        first_year (text), delta and delta_policy (numbers, NaN when not applicable), note,
        in_scope, reason (note and reason from the ledger, in ``lang``), curve_pending,
        conditional (the conditional probability with a fixed driver, else NaN), reach_80
        (the level reachable with 80% probability, a number) and reach (it as text with the
        unit, "80% 概率可达到的水平:…"; blank for a judged target). A range status
        (assumption- or prior-driven) has no colour band: it is not one number.
        While the result's curves are not computed yet (``curves_done`` False) the curve
        of targets with driving assumptions (and the probability of assumption-driven ones)
        reads "computing" instead, and curve_pending is True on their rows.
    """
    ledger = load_targets()
    base = _probabilities(outcome.baseline)
    modified = _probabilities(outcome.modified)
    curves = outcome.result.curves
    driven = set(curves["target_id"])  # the other targets have no curve: skip the filtering
    pending = not outcome.result.curves_done
    drivers = driver_values(curves) if fixed else {}
    rows = []
    for r in outcome.result.targets.itertuples(index=False):
        t: Target = ledger[r.target_id]
        p = r.probability
        in_scope = bool(r.in_scope)
        has_p = not pd.isna(p)
        first = r.first_year
        waits = pending and in_scope and bool(t.drivers)  # its curve is still computing
        ranged = is_range(r)
        cond = (conditional_probability(curves, r.target_id, fixed)
                if fixed and r.target_id in driven and ranged else None)
        p_text = (tr("computing", lang) if waits and pd.isna(p)
                  else probability_text(r, lang, fmt_probability, short=True))
        # The reason of a bound or the input of a range goes under the badge, where it wraps:
        # in the badge it would widen the column past a phone's screen.
        reason = ("" if waits and pd.isna(p)
                  else probability_text(r, lang, fmt_probability))
        reason = "" if reason == p_text else reason
        curve = tr("curves_pending", lang) if waits else "; ".join(
            f"{label} {cells}" for label, cells in curve_lines(
                curves, r.target_id, lang, fmt_probability,
                lambda u: unit_label(u, lang))) if r.target_id in driven else ""
        if cond is not None:
            zh, en, unit, _ = drivers[cond[0]]
            p_text = (f"{fmt_probability(cond[2])} · "
                      f"{conditional_label(zh if lang == 'zh' else en, cond[1], unit, lang)}")
        rows.append({
            "target_id": r.target_id,
            "label": t.label(lang),
            "year": int(r.year),
            "clause": t.clause_zh,
            "source": t.source_doc,
            "threshold": f"{comparator_label(t.comparator, lang)} "
                         f"{fmt_quantity(t.threshold, t.unit, lang)}",
            "status": r.status,
            "status_label": tr(f"status_{r.status}", lang),
            "probability": p,
            "probability_text": p_text,
            "curve": "; ".join(part for part in (reason, curve) if part),
            # a range status shows no colour of one probability
            "band": (probability_band(p) if has_p and not ranged
                     else probability_band(cond[2]) if cond is not None else ""),
            "median": fmt_quantity(r.median, t.unit, lang) if in_scope else "",
            "range": f"{fmt_value(r.p10, t.unit)}–{fmt_value(r.p90, t.unit)}" if in_scope else "",
            "reach_80": r.reach_80,
            "reach": _reach_text(r, t, lang),
            "first_year": (str(int(first)) if in_scope and not pd.isna(first)
                           else (tr("sb_never", lang) if in_scope else "")),
            "delta": p - base[r.target_id] if has_p and not outcome.is_baseline else None,
            "delta_policy": p - modified[r.target_id] if has_p and modified else None,
            "note": t.note_text(lang) or "",
            "in_scope": in_scope,
            "reason": t.reason_text(lang) or "",
            "curve_pending": waits,
            "conditional": cond[2] if cond is not None else None,
        })
    frame = pd.DataFrame(rows)
    for col in ("delta", "delta_policy", "conditional"):
        frame[col] = frame[col].astype(float)
    return frame


def _reach_text(row, target: Target, lang: str) -> str:
    """"80% 概率可达到的水平:X" under the median (blank once judged by the published
    figure, or without a level); "at least" for a lower-bound target."""
    status = row.status
    if status in ("undetermined", "awaiting_data"):
        status = row.forecast_status
    if pd.isna(row.reach_80) or row.status in ("met", "missed"):
        return ""
    key = "sb_reach80_lower" if status == "lower_bound" else "sb_reach80"
    return tr(key, lang, level=fmt_quantity(row.reach_80, target.unit, lang))


SCOREBOARD_CSS = """
<style>
table.sb {border-collapse: collapse; width: 100%; font-size: 0.86rem; line-height: 1.35;}
table.sb th {text-align: left; font-weight: 600; border-bottom: 2px solid #bbb;
  padding: 6px 8px; white-space: nowrap;}
table.sb td {border-bottom: 1px solid #e6e6e6; padding: 6px 8px; vertical-align: top;}
table.sb tr.group td {background: #f4f6f8; font-weight: 600; padding: 4px 8px;}
table.sb .id {color: #888; font-size: 0.75rem; margin-left: 4px;}
table.sb .clause {color: #555; font-size: 0.78rem; margin-top: 2px;}
table.sb .note {color: #555; font-size: 0.76rem; max-width: 26rem;}
table.sb .num {text-align: right; white-space: nowrap;}
table.sb .range {color: #777; font-size: 0.75rem;}
table.sb .reach {white-space: normal; max-width: 11rem; margin-left: auto;}
table.sb .badge {display: inline-block; min-width: 3.2em; text-align: center; color: #fff;
  border-radius: 4px; padding: 2px 6px; font-weight: 700;}
table.sb .up {color: #1a7f37;} table.sb .down {color: #c62828;}
table.sb .status {white-space: nowrap; font-size: 0.8rem;}
table.sb .plain {font-size: 0.8rem;}
table.sb .curve {color: #777; font-size: 0.72rem; white-space: normal; max-width: 15rem;
  text-align: left; margin-top: 2px;}
table.sb .out {display: inline-block; border: 1px solid #999; color: #666; border-radius: 4px;
  padding: 0 5px; font-size: 0.74rem;}
table.sb .status {font-size: 0.76rem; white-space: nowrap;}
table.sb .narrow {display: none;}
div.sb-scroll {overflow-x: auto; max-width: 100%;}
/* narrow screens (a phone, 390 px): target (with its value and status under it),
   probability and median stay; the rest folds; wide tables scroll instead of clipping */
@media (max-width: 640px) {
  table.sb .wide {display: none;}
  table.sb .narrow {display: block; color: #555; font-size: 0.74rem; margin-top: 2px;}
  table.sb {font-size: 0.8rem;} table.sb td, table.sb th {padding: 4px 4px;}
  table.sb .clause {display: none;}
  table.sb th {white-space: normal;}
}
</style>
"""


#: The file uploader's own texts in Chinese (Streamlit writes them in English): its drop-zone
#: instructions hidden (the caption under it says the same in the interface's language) and
#: its button relabelled.
UPLOADER_CSS_ZH = "\n".join([
    "", "<style>",
    '[data-testid="stFileUploaderDropzoneInstructions"] {display: none;}',
    '[data-testid="stFileUploaderDropzone"] button {font-size: 0;}',
    '[data-testid="stFileUploaderDropzone"] button::after '
    f'{{content: "{say("misc.upload_button", "zh")}"; font-size: 0.875rem;}}',
    "</style>", ""])


def _esc(text: object) -> str:
    return html.escape(str(text))


def table_html(frame: pd.DataFrame, table_id: str) -> str:
    """``frame`` as a plain HTML table in the scoreboard's style (``id`` ``table_id``; numbers
    right-aligned, every cell escaped).

    The app shows its small tables (per-year summary, attribution) this way instead of
    ``st.dataframe``: the browser then draws no data grid, whose code is most of a first page
    load and whose canvas is redrawn on every slider step.
    """
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    # in a scrolling box: on a phone a wide table scrolls sideways instead of being clipped
    out = [f'<div class="sb-scroll"><table class="sb" id="{_esc(table_id)}"><thead><tr>']
    out += [f'<th class="{"num" if num else ""}">{_esc(c)}</th>'
            for c, num in zip(frame.columns, numeric, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in frame.itertuples(index=False):
        out.append("<tr>")
        out += [f'<td class="num">{_esc(_plain_number(v))}</td>' if num else f"<td>{_esc(v)}</td>"
                for v, num in zip(row, numeric, strict=True)]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _plain_number(value: object) -> str:
    """A table number without a spurious ".0" (counts arrive as floats after ``fillna``)."""
    return f"{value:g}" if isinstance(value, float) and float(value).is_integer() else str(value)


def _delta_cell(delta: float, lang: str) -> str:
    if pd.isna(delta):
        return '<td class="num wide">–</td>'
    cls = "up" if delta > 0.0005 else ("down" if delta < -0.0005 else "")
    return f'<td class="num wide {cls}">{_esc(fmt_points(delta, lang))}</td>'


def scoreboard_html(frame: pd.DataFrame, lang: str) -> str:
    """The scoreboard as two HTML tables: targets in model scope by year, then the others
    (:func:`scoreboard_inside_html` and :func:`scoreboard_outside_html`)."""
    return scoreboard_inside_html(frame, lang) + scoreboard_outside_html(frame, lang)


def scoreboard_inside_html(frame: pd.DataFrame, lang: str) -> str:
    """The targets in model scope as an HTML table, grouped by target year.

    Each row carries ``data-target``, ``data-status`` and ``data-p`` attributes (the
    probability, empty when the status gives none) so that tests and the browser check can
    read the numbers back; a row whose curve is still computing also
    ``data-curve="pending"``, one with a fixed driver ``data-conditional`` (its conditional
    probability).
    """
    policy = frame["delta_policy"].notna().any()
    inside = frame[frame["in_scope"]]
    is_baseline = inside["delta"].isna().all()
    colour = {name: c for name, _, c in BANDS}
    # (heading, class): "wide" columns fold away on narrow screens
    head = [("sb_target", ""), ("sb_threshold", "wide"), ("sb_status", "wide"),
            ("sb_probability", ""), ("sb_median", ""), ("sb_first_year", "wide"),
            ("sb_delta", "wide")]
    head += [("sb_delta_policy", "wide")] if policy else []
    head += [("sb_note", "wide")]
    out = ['<table class="sb" id="scoreboard"><thead><tr>']
    for h, cls in head:
        extra = (f'<div class="range">{_esc(tr("sb_is_baseline", lang))}</div>'
                 if h == "sb_delta" and is_baseline else "")
        out.append(f'<th class="{cls}">{_esc(tr(h, lang))}{extra}</th>')
    out.append("</tr></thead><tbody>")
    # plain records grouped by year (in table order within a year): pandas' groupby and
    # itertuples cost more than the HTML itself on every slider step
    by_year: dict[int, list[SimpleNamespace]] = {}
    for rec in inside.to_dict("records"):
        by_year.setdefault(int(rec["year"]), []).append(SimpleNamespace(**rec))
    for year in sorted(by_year):
        out.append(f'<tr class="group"><td colspan="{len(head)}">'
                   f'{_esc(tr("sb_year_group", lang, year=year))}</td></tr>')
        for r in by_year[year]:
            p_attr = "" if pd.isna(r.probability) else f"{r.probability:.4f}"
            pending = ' data-curve="pending"' if r.curve_pending else ""
            if r.reach:
                pending += f' data-reach80="{r.reach_80:.6g}"'
            if not pd.isna(r.conditional):
                pending += f' data-conditional="{r.conditional:.4f}"'
            badge = (f'<span class="badge" style="background:{colour[r.band]}">'
                     f"{_esc(r.probability_text)}</span>" if r.band
                     else f'<span class="plain">{_esc(r.probability_text)}</span>')
            out.append(
                f'<tr data-target="{_esc(r.target_id)}" data-p="{p_attr}" '
                f'data-status="{_esc(r.status)}"{pending}>'
                f'<td><b>{_esc(r.label)}</b><span class="id">{_esc(r.target_id)}</span>'
                f'<div class="clause">“{_esc(r.clause)}” — {_esc(r.source)}</div>'
                # on a phone the target value and the status go under the target's name
                f'<div class="narrow">{_esc(r.threshold)} · {_esc(r.status_label)}</div></td>'
                f'<td class="num wide">{_esc(r.threshold)}</td>'
                f'<td class="wide"><span class="status">{_esc(r.status_label)}</span></td>'
                f'<td class="num">{badge}<div class="curve">{_esc(r.curve)}</div></td>'
                f'<td class="num">{_esc(r.median)}<div class="range">{_esc(r.range)}</div>'
                f'<div class="range reach">{_esc(r.reach)}</div></td>'
                f'<td class="num wide">{_esc(r.first_year)}</td>'
                + _delta_cell(r.delta, lang)
                + (_delta_cell(r.delta_policy, lang) if policy else "")
                + f'<td class="note wide">{_esc(r.note)}</td></tr>'
            )
    out.append("</tbody></table>")
    return "".join(out)


def scoreboard_outside_html(frame: pd.DataFrame, lang: str) -> str:
    """The targets outside the model's scope as an HTML table with their reasons (empty
    when there are none)."""
    out: list[str] = []
    outside = frame[~frame["in_scope"]]
    if not outside.empty:
        out.append(f"<h4>{_esc(tr('sb_out_of_scope', lang))}</h4>")
        out.append('<table class="sb" id="out-of-scope"><thead><tr>')
        for h in ("sb_target", "sb_year", "sb_threshold", "sb_reason"):
            out.append(f"<th>{_esc(tr(h, lang))}</th>")
        out.append("</tr></thead><tbody>")
        for r in outside.itertuples(index=False):
            out.append(
                f'<tr data-target="{_esc(r.target_id)}"><td><span class="out">'
                f'{_esc(tr("sb_out_mark", lang))}</span> <b>{_esc(r.label)}</b>'
                f'<span class="id">{_esc(r.target_id)}</span>'
                f'<div class="clause">“{_esc(r.clause)}” — {_esc(r.source)}</div></td>'
                f'<td class="num">{r.year}</td><td class="num">{_esc(r.threshold)}</td>'
                f'<td class="note">{_esc(r.reason)}</td></tr>'
            )
        out.append("</tbody></table>")
    return "".join(out)


def scoreboard_summary(frame: pd.DataFrame, lang: str) -> str:
    """The scoreboard's summary: targets counted by status, then by probability colour.

    ``frame`` is :func:`scoreboard_frame`'s table; the colours count only the targets with
    one probability (assessable, already met, and bounds at the bound shown).
    """
    counts = status_counts(frame)
    by_status = tr("sb_status_summary", lang, counts=(" · " if lang == "en" else ",").join(
        f"{tr(f'status_{k}', lang)} {n}" for k, n in counts.items()))
    bands = frame.loc[frame["band"] != "", "band"].value_counts()
    by_colour = tr("sb_summary", lang, n=int(bands.sum()),
                   **{b: int(bands.get(b, 0)) for b in ("green", "amber", "orange", "red")})
    definitions = ("; " if lang == "en" else ";").join(
        f"{tr(f'status_{k}', lang)}: {tr(f'status_def_{k}', lang)}" for k in STATUS_TEXT)
    return f"{by_status} {by_colour}\n\n" + tr("sb_status_help", lang, definitions=definitions)


def region_vintage(region: str) -> DataVintage | None:
    """The data vintage of ``region`` (None when it has no published figure), read once per
    version of the observations file."""
    return _vintage(region, OBSERVED_FILE.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _vintage(region: str, mtime: int) -> DataVintage | None:
    # kept with the rows it is read from: the headline asks for it on every lever step
    try:
        return data_vintage(region, _observations(region, mtime))
    except InputError:
        return None


def outcome_headline(outcome: Outcome, lang: str,
                     fixed: Mapping[str, float] | None = None) -> list[str]:
    """The headline (结论摘要) of ``outcome`` in ``lang``: a sentence per target year (the
    moves against the baseline unless the run is the baseline), then the data vintage."""
    res = outcome.result
    region = res.scenario.region
    base = None if outcome.is_baseline else outcome.baseline.targets
    return headline_sentences(headline(res.targets, res.curves, base, region_vintage(region),
                                       fixed, region), lang)


def headline_chart_indicator(result: ScenarioResult) -> str | None:
    """The indicator of the headline chart of ``result`` (see
    :func:`suzhou_sim.reporting.headline.headline_indicator`)."""
    return headline_indicator(result.targets, chart_indicators(result))


def targets_csv(outcome: Outcome) -> str:
    """The current targets table with clause, source, baseline probability and difference."""
    ledger = load_targets()
    table = outcome.result.targets.copy()
    table.insert(4, "clause_zh", [ledger[t].clause_zh for t in table["target_id"]])
    table.insert(5, "source_doc", [ledger[t].source_doc for t in table["target_id"]])
    table["probability_baseline"] = outcome.baseline.targets["probability"].to_numpy()
    table["difference_vs_baseline"] = table["probability"] - table["probability_baseline"]
    if outcome.modified is not None:
        table["probability_modified_baseline"] = outcome.modified.targets["probability"].to_numpy()
    return table.to_csv(index=False)


def series_csv(outcome: Outcome) -> str:
    """Series (p10/p50/p90/mean by indicator and year) of every run shown, in one table."""
    runs = [("scenario", outcome.result), ("baseline", outcome.baseline),
            ("modified_baseline", outcome.modified)]
    frames = [r.series.assign(run=name, scenario=r.scenario.name)
              for name, r in runs if r is not None]
    table = pd.concat(frames, ignore_index=True)
    return table[["run", "scenario", *outcome.result.series.columns]].to_csv(index=False)


# --- charts ---------------------------------------------------------------------------------


def chart_indicators(result: ScenarioResult) -> list[str]:
    """Indicators that can be charted, those with a target drawn on their chart first."""
    targets = targets_for_region(result.scenario.region)
    names = list(result.specs)
    with_target = [n for n in names if chart_targets(targets, n, result.specs[n])]
    return sorted(names, key=lambda n: (n not in with_target, names.index(n)))


@lru_cache(maxsize=4)
def _observations(region: str, _mtime: int) -> pd.DataFrame:
    return load_observations(OBSERVED_FILE, region=region, include_unverified=True)


def _history(region: str, indicator: str) -> pd.DataFrame:
    obs = _observations(region, OBSERVED_FILE.stat().st_mtime_ns)
    return obs.loc[obs["indicator"] == indicator, ["year", "value", "bound", "quality"]]


def _chart_title(indicator: str, result: ScenarioResult, lang: str) -> str:
    spec = result.specs[indicator]
    label = load_indicators()[indicator].label(lang)
    if spec.measure == "cumulative":
        return f"{label}({tr('chart_cumulative', lang, base=spec.base_year)})" if lang == "zh" \
            else f"{label} ({tr('chart_cumulative', lang, base=spec.base_year)})"
    return label


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts (NaN would not survive JSON)."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _q(field: str, **extra: object) -> dict:
    return {"field": field, "type": "quantitative", **extra}


def _tip(field: str, title: str = "", kind: str = "quantitative") -> dict:
    # ",.4~r": four significant digits in plain notation (13,580 rather than 1.358e+4)
    fmt = {"format": "d"} if field == "year" else (
        {"format": ",.4~r"} if kind == "quantitative" else {})
    return {"field": field, "type": kind, "title": title or field, **fmt}


_PLOT_HEIGHT, _LEGEND_ROW = 380, 30  # pixels: chart without legends, one row of legend

#: Shapes of the history points by bound, and the interface key of each legend label.
_HISTORY_SHAPES = {"lower": ("triangle-up", "chart_hist_lower"),
                   "upper": ("triangle-down", "chart_hist_upper"),
                   "exact": ("circle", "chart_hist_exact")}


def _history_layer(hist: pd.DataFrame, x: dict, y_title: str, legend: dict, lang: str) -> dict:
    """Vega-Lite layer of the observed history: one shape per bound with a legend entry
    each (▲ lower bound, ▼ upper bound, ● exact or approximate), hollow when unverified."""
    kinds = {b: tr(key, lang) for b, (_, key) in _HISTORY_SHAPES.items()}
    shown = hist.assign(
        kind=[kinds.get(b, kinds["exact"]) for b in hist["bound"]],
        verified=hist["quality"] != "unverified",
        quality=[tr("unverified", lang) if q == "unverified" else q for q in hist["quality"]],
    )
    return {
        "data": {"values": _records(shown)},
        "mark": {"type": "point", "size": 70, "filled": True, "opacity": 1,
                 "color": _HISTORY, "strokeWidth": 1.2},
        "encoding": {
            "x": x, "y": _q("value", title=y_title),
            "shape": {"field": "kind", "type": "nominal",
                      "legend": {**legend, "title": tr("chart_history", lang), "columns": 2,
                                 "titleOrient": "left"},
                      "scale": {"domain": list(kinds.values()),
                                "range": [shape for shape, _ in _HISTORY_SHAPES.values()]}},
            # tested as "unverified" so that the legend's symbols (whose datum has no such
            # field) are drawn filled, like the verified points
            "fill": {"condition": {"test": "datum.verified === false", "value": "white"},
                     "value": _HISTORY},
            "stroke": {"value": _HISTORY},
            "tooltip": [_tip("kind", tr("chart_history", lang), "nominal"), _tip("year"),
                        _tip("value", tr("value", lang)),
                        _tip("quality", tr("chart_quality", lang), "nominal")]}}


def trajectory_chart(outcome: Outcome, indicator: str, lang: str) -> dict:
    """Fan chart of one indicator as a Vega-Lite specification (for ``st.vega_lite_chart``).

    Layers: the current scenario's 10-90% band and median, the baseline median (dashed),
    the modified baseline median (dotted, when present), history points (▲ lower, ▼ upper,
    ● exact/approx bound; hollow when unverified) and the targets measured on the same
    scale (★ with the probability next to it; a ±5% bar for "about" targets, a line over
    the years of "every year" targets). Every kind of mark has a legend entry in ``lang``
    below the plot, and the history points and stars carry tooltips. A plain dict rather
    than an Altair chart: building Altair objects costs more than the model run.
    """
    result = outcome.result
    region = result.scenario.region
    spec = result.specs[indicator]
    unit = load_indicators()[indicator].unit
    hist = _history(region, indicator) if spec.measure != "cumulative" else pd.DataFrame()
    def rows(res: ScenarioResult | None) -> pd.DataFrame:
        if res is None or indicator not in res.specs:
            return pd.DataFrame(columns=["year", "p10", "p50", "p90"])
        s = res.series
        # no flat "history" drawn where the quantity has no data before its base year
        return drawn_series(s.loc[s["indicator"] == indicator,
                                  ["year", "p10", "p50", "p90"]].dropna())

    current = rows(result)  # read once: filtering the series table is most of a chart
    first = current["year"].min()
    if not hist.empty:
        first = min(first, hist["year"].min())
    # the axis starts where the data do: the first history point or the first simulated year
    start = spec.base_year - 1 if spec.measure == "cumulative" else int(first) - 0.5
    x = _q("year", title=tr("chart_year", lang), scale={"domain": [start, 2035.5]},
           axis={"format": "d", "tickMinStep": 1})
    y_title = unit_label(unit, lang) or tr("value", lang)
    value = tr("value", lang)

    names = [tr("chart_scenario", lang), tr("chart_baseline", lang)]
    lines = [current.assign(run=names[0]), rows(outcome.baseline).assign(run=names[1])]
    dashes, colours = [[1, 0], [6, 4]], [_SCENARIO, _BASELINE]
    if outcome.modified is not None:
        names.append(tr("chart_modified", lang))
        lines.append(rows(outcome.modified).assign(run=names[2]))
        dashes.append([2, 2])
        colours.append(_MODIFIED)
    # horizontal legends below the plot, one row each (the chart's config stacks them), so
    # none runs past the edge of a narrow chart
    legend = {"orient": "bottom", "title": None, "labelLimit": 360, "direction": "horizontal"}
    line_legend = {**legend, "columns": 2, "symbolType": "stroke", "symbolStrokeWidth": 2.5,
                   "symbolSize": 500}
    legend_rows = 2 + (outcome.modified is not None)  # the lines (two a row) and the band
    band_label = tr("chart_band", lang)
    layers: list[dict] = [
        {"data": {"values": _records(current.assign(band=band_label))},
         "mark": {"type": "area", "opacity": 0.45},
         "encoding": {
             "x": x, "y": _q("p10", title=y_title), "y2": {"field": "p90"},
             "fill": {"field": "band", "type": "nominal", "legend": legend,
                      "scale": {"domain": [band_label], "range": [_BAND_FILL]}},
             "tooltip": [_tip("year"), _tip("p10", "P10"), _tip("p90", "P90")]}},
        {"data": {"values": _records(pd.concat(lines, ignore_index=True)[["year", "p50", "run"]])},
         # small points on the lines carry the tooltips (a line alone shows none)
         "mark": {"type": "line", "strokeWidth": 2, "point": {"size": 16, "filled": True}},
         "encoding": {
             "x": x, "y": _q("p50", title=y_title),
             "color": {"field": "run", "type": "nominal", "legend": line_legend,
                       "scale": {"domain": names, "range": colours}},
             "strokeDash": {"field": "run", "type": "nominal", "legend": line_legend,
                            "scale": {"domain": names, "range": dashes}},
             "tooltip": [_tip("run", " ", "nominal"), _tip("year"), _tip("p50", value)]}},
    ]
    if spec.measure != "cumulative":  # observations are levels/annual counts, not sums
        if not hist.empty:
            layers.append(_history_layer(hist, x, y_title, legend, lang))
            legend_rows += 2  # two entries a row
    # as the scoreboard reads each probability ("≥ 88%", "12%–88% 随假设"...)
    probs = {r.target_id: probability_text(r, lang, fmt_probability)
             for r in result.targets.itertuples(index=False)}
    marks = chart_targets(targets_for_region(region), indicator, spec)
    if marks:
        legend_rows += 1
        star_label = tr("chart_target_legend", lang)
        targets = {"values": [{
            "year": t.year, "threshold": t.threshold, "low": t.threshold * 0.95,
            "high": t.threshold * 1.05, "from": t.from_year or t.year,
            "about": t.comparator == "~", "target": f"{t.label(lang)} ({t.target_id})",
            "probability": probs.get(t.target_id) or "–", "marker": star_label,
        } for t in marks]}
        rule = {"type": "rule", "color": _TARGET, "strokeWidth": 1.5}
        at_target = {"x": x, "y": _q("threshold", title=y_title)}
        layers += [
            {"data": targets, "transform": [{"filter": "datum.about"}], "mark": rule,
             "encoding": {"x": x, "y": _q("low", title=y_title), "y2": {"field": "high"}}},
            {"data": targets, "transform": [{"filter": "datum.from < datum.year"}],
             "mark": rule, "encoding": {"x": _q("from"), "x2": {"field": "year"},
                                        "y": _q("threshold", title=y_title)}},
            {"data": targets,
             "mark": {"type": "point", "size": 220, "filled": True, "color": _TARGET,
                      "opacity": 1},
             "encoding": {
                 **at_target,
                 # a legend entry of its own: ★ = target (the number beside it: probability)
                 "shape": {"field": "marker", "type": "nominal",
                           "legend": {**legend, "symbolSize": 160},
                           "scale": {"domain": [star_label], "range": [_STAR]}},
                 "tooltip": [
                     _tip("target", tr("chart_target", lang), "nominal"),
                     _tip("year"),
                     _tip("threshold", tr("sb_threshold", lang)),
                     _tip("probability", tr("probability", lang), "nominal")]}},
            {"data": targets,
             "mark": {"type": "text", "align": "left", "dx": 9, "dy": -9, "color": _TARGET,
                      "fontSize": 11},
             "encoding": {**at_target, "text": {"field": "probability", "type": "nominal"}}},
        ]
    # the height holds title, plot, axis and legends: the plot keeps its room as rows add
    height = _PLOT_HEIGHT + _LEGEND_ROW * legend_rows
    return {"title": _chart_title(indicator, result, lang), "height": height, "layer": layers,
            "resolve": {"scale": {"fill": "independent", "shape": "independent"}},
            "config": {"legend": {"layout": {"bottom": {
                "direction": "vertical", "anchor": "start", "margin": 6}}}}}


def named_data(spec: dict) -> dict:
    """``spec`` (a chart of :func:`trajectory_chart`) with each layer's inline data moved to
    a named dataset (``datasets``; a data object shared by layers becomes one dataset).

    The same chart drawn. With only the numbers changed, the text of the specification
    stays the same from one lever step to the next, and the browser then swaps the data of
    the chart it has drawn instead of building it anew (the costliest part of drawing a
    step on two cores). ``spec`` itself is unchanged.
    """
    names: dict[int, str] = {}
    datasets: dict[str, list] = {}
    layers = []
    for layer in spec.get("layer", []):
        data = layer.get("data")
        if isinstance(data, dict) and set(data) == {"values"}:
            name = names.setdefault(id(data), f"data-{len(names)}")
            datasets[name] = data["values"]
            layer = {**layer, "data": {"name": name}}
        layers.append(layer)
    return {**spec, "layer": layers, "datasets": datasets} if datasets else spec


# --- comparison and goal seeking ------------------------------------------------------------

#: Line colours of the compared scenarios, in their order (the first: the reference).
_COMPARE_COLOURS = ("#08519c", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                    "#e377c2", "#17becf")


def compare_chart(runs: dict[str, ScenarioResult], indicator: str, lang: str) -> dict:
    """The medians of one indicator under each compared scenario on one chart (Vega-Lite),
    the first scenario's 10-90% band behind them and the targets on the same scale as ★.

    ``runs`` maps display titles to the scenarios' runs, the reference first.
    """
    first = next(iter(runs.values()))
    spec = first.specs[indicator]
    unit = load_indicators()[indicator].unit
    y_title = unit_label(unit, lang) or tr("value", lang)
    lines = []
    for title, res in runs.items():
        s = res.series
        rows = drawn_series(s.loc[s["indicator"] == indicator, ["year", "p10", "p50", "p90"]]
                            .dropna())
        lines.append(rows.assign(run=title))
    band = lines[0]
    x = _q("year", title=tr("chart_year", lang),
           scale={"domain": [float(band["year"].min()) - 0.5, 2035.5]},
           axis={"format": "d", "tickMinStep": 1})
    names = list(runs)
    layers: list[dict] = [
        {"data": {"values": _records(band)}, "mark": {"type": "area", "opacity": 0.25,
                                                     "color": _BAND_FILL},
         "encoding": {"x": x, "y": _q("p10", title=y_title), "y2": {"field": "p90"}}},
        {"data": {"values": _records(pd.concat(lines, ignore_index=True)[
            ["year", "p50", "run"]])},
         "mark": {"type": "line", "strokeWidth": 2, "point": {"size": 14, "filled": True}},
         "encoding": {
             "x": x, "y": _q("p50", title=y_title),
             "color": {"field": "run", "type": "nominal",
                       "legend": {"orient": "bottom", "title": None, "labelLimit": 360,
                                  "columns": 1},
                       "scale": {"domain": names,
                                 "range": list(_COMPARE_COLOURS[:len(names)])}},
             "tooltip": [_tip("run", " ", "nominal"), _tip("year"),
                         _tip("p50", tr("value", lang))]}},
    ]
    marks = chart_targets(targets_for_region(first.scenario.region), indicator, spec)
    if marks:
        layers.append({
            "data": {"values": [{"year": t.year, "threshold": t.threshold,
                                 "target": f"{t.label(lang)} ({t.target_id})"} for t in marks]},
            "mark": {"type": "point", "shape": _STAR, "size": 200, "filled": True,
                     "color": _TARGET, "opacity": 1},
            "encoding": {"x": x, "y": _q("threshold", title=y_title),
                         "tooltip": [_tip("target", tr("chart_target", lang), "nominal"),
                                     _tip("year"), _tip("threshold", tr("sb_threshold", lang))]}})
    return {"title": _chart_title(indicator, first, lang),
            "height": _PLOT_HEIGHT + _LEGEND_ROW * len(names), "layer": layers}


def compare_indicators(runs: dict[str, ScenarioResult], years: list[int],
                       lang: str) -> pd.DataFrame:
    """The medians of the indicators that carry a target, in the target ``years``, per
    compared scenario side by side, and each one's difference from the first (text)."""
    first_title, first = next(iter(runs.items()))
    targets = targets_for_region(first.scenario.region)
    registry = load_indicators()
    rows = []
    for name in chart_indicators(first):
        if not chart_targets(targets, name, first.specs[name]):
            continue
        unit = registry[name].unit
        for year in years:
            medians = {}
            for title, res in runs.items():
                s = res.series
                hit = s.loc[(s["indicator"] == name) & (s["year"] == year), "p50"]
                medians[title] = float(hit.iloc[0]) if len(hit) else None
            if medians[first_title] is None:
                continue
            row = {tr("cmp_indicator", lang): registry[name].label(lang),
                   tr("sb_year", lang): year}
            for title, m in medians.items():
                row[title] = fmt_quantity(m, unit, lang)
                if title != first_title and m is not None:
                    diff = m - medians[first_title]
                    row[f"Δ {title}"] = ("+" if diff > 0 else "") + fmt_quantity(diff, unit,
                                                                                 lang)
            rows.append(row)
    return pd.DataFrame(rows)


def compare_frame(table: pd.DataFrame, titles: dict[str, str], lang: str) -> pd.DataFrame:
    """Display table of :func:`~suzhou_sim.studies.scenario_runs.compare_scenarios` (in scope).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of ``compare_scenarios`` (``p_<name>``, ``d_<name>`` columns).
    titles : dict[str, str]
        Scenario name (as in the column suffixes) -> display title.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        Target label, year, threshold, status, then per scenario its probability (0-1) and, after
        the first, the difference from the first (0-1); numbers left for the caller to
        format and colour.
    """
    inside = table[table["in_scope"]].reset_index(drop=True)
    out = pd.DataFrame({
        tr("sb_target", lang): [
            f"{lab} ({tid})" for lab, tid in
            zip(inside["label_zh" if lang == "zh" else "label_en"], inside["target_id"],
                strict=True)],
        tr("sb_year", lang): inside["year"].astype(int),
        tr("sb_threshold", lang): [
            f"{comparator_label(c, lang)} {fmt_quantity(v, u, lang)}"
            for c, v, u in zip(inside["comparator"], inside["threshold"], inside["unit"],
                               strict=True)],
        # how to read the numbers: "at least" for lower bounds, none when set by a lever...
        tr("sb_status", lang): [tr(f"status_{k}", lang) for k in inside["status"]],
    })
    for name, title in titles.items():
        if f"p_{name}" in inside:  # a number, or the range over the driving assumption
            out[title] = compared_probabilities(inside, name, lang)
        if f"d_{name}" in inside:
            out[f"Δ {title}"] = inside[f"d_{name}"]
    return out


def goal_seek_text(res: GoalSeekResult, lang: str) -> str:
    """The goal-seeking answer as a sentence in ``lang`` (the fields of ``res`` filled in).

    The app's one wording of the answer in both languages (the command line's English
    sentences are :func:`suzhou_sim.reporting.goal_seek_text.goal_seek_message`).
    """
    lever = load_levers()[res.lever_key]
    target = load_targets()[res.target_id]
    values = {
        "lever": lever.label(lang), "period": period_label(res.period, lang),
        "target": f"{target.label(lang)} ({res.target_id})",
        "goal": fmt_probability(res.goal),
        "value": fmt_quantity(res.value, lever.unit, lang),
        "achieved": fmt_probability(res.achieved),
        "current": fmt_quantity(res.baseline_value, lever.unit, lang),
        "p_current": fmt_probability(res.baseline_probability),
        "upper": fmt_quantity(res.upper, lever.unit, lang),
        "lower": fmt_quantity(res.lower, lever.unit, lang),
        "p_max": fmt_probability(res.probability_at_max),
        "p_min": fmt_probability(res.probability_at_min),
    }
    parts = [tr(f"gs_{res.status}", lang, **values)]
    if not res.confirmed:
        parts.append(tr("gs_unconfirmed", lang, achieved=values["achieved"]))
    start = PERIOD_YEARS[res.period][0]
    if start > target.year:
        parts.append(tr("gs_late", lang, start=start, year=target.year,
                        period=period_label(res.period, lang, short=True)))
    return ("" if lang == "zh" else " ").join(parts)


# --- calibration summary --------------------------------------------------------------------


def fit_summary(posterior: Posterior, lang: str) -> tuple[str, pd.DataFrame]:
    """A sentence on the fit and the MAPE per series, from the posterior's stored metadata."""
    summary = posterior.meta.get("summary", {}) or {}
    diag = posterior.meta.get("diagnostics", {}) or {}
    coverage = summary.get("band_coverage")
    bounds = summary.get("bounds_respected")
    text = tr(
        "about_fit_summary", lang,
        rows=summary.get("observation_rows", "–"),
        coverage=fmt_probability(coverage) if coverage is not None else "–",
        bounds=tr("yes", lang) if bounds else tr("no", lang) if bounds is not None else "–",
        draws=f"{len(posterior.draws):,}",
        rhat=f"{diag['rhat_max']:.3f}" if "rhat_max" in diag else "–",
        ess=f"{diag['effective_samples']:,.0f}" if "effective_samples" in diag else "–",
    )
    registry = load_indicators()
    mape = summary.get("mape_pct", {}) or {}
    table = pd.DataFrame({
        tr("series", lang): [registry[k].label(lang) if k in registry else k for k in mape],
        tr("about_mape_col", lang): [round(float(v), 2) for v in mape.values()],
    })
    return text, table


def fit_goals(region: str, lang: str) -> tuple[Path, pd.DataFrame | None]:
    """The fit report of ``region`` and its goals table in ``lang``, if the calibration wrote
    one: per goal series of :data:`~suzhou_sim.reporting.fit_report.GOAL_SERIES` (named by
    its indicator label) the MAPE on exact and reported points (``fit_series.csv``), the goal
    and whether it is met, as the report's "Goals" table says."""
    from ..reporting.fit_report import GOAL_SERIES, MAPE_GOAL

    folder = calibration_dir(region)
    path, series = folder / "report.md", folder / "fit_series.csv"
    if not series.is_file():
        return path, None
    mape = pd.read_csv(series).set_index("indicator")["mape_exact_reported_pct"]
    registry = load_indicators()
    rows = []
    for ind in GOAL_SERIES:
        value = float(mape[ind]) if ind in mape.index else float("nan")
        met = ("–" if ind in mape.index else tr("fit_goal_no_data", lang)) if value != value \
            else tr("yes" if value <= MAPE_GOAL else "no", lang)
        rows.append({tr("series", lang): registry[ind].label(lang) if ind in registry else ind,
                     tr("fit_goal_mape", lang): "–" if value != value else f"{value:.2f}",
                     tr("fit_goal", lang): tr("fit_goal_value", lang, goal=f"{MAPE_GOAL:g}"),
                     tr("fit_goal_met", lang): met})
    return path, pd.DataFrame(rows)


@lru_cache(maxsize=16)
def region_label(region: str, lang: str) -> str:
    """Display name of a region (cached: the profile file is read once)."""
    return load_region(region).label(lang)


# --- validation problems in the interface's language ----------------------------------------

_FIELD = re.compile(r"^([A-Za-z_][\w]*(?:\.[\w]+)*): (.*)$", re.S)


def _field_label(path: str, lang: str) -> str:
    parts = path.split(".")
    levers, assumptions = load_levers(), load_assumptions()
    if parts[0] == "levers" and len(parts) > 1:
        lever = levers.get(parts[1])
        name = f"“{lever.label(lang)}”" if lever else parts[1]
        where = f"({period_label(parts[2], lang)})" if len(parts) > 2 and parts[2] in \
            PERIOD_YEARS else ""
        return say("misc.field_lever", lang, name=name, where=where) if lang == "zh" else path
    if parts[0] == "assumptions" and len(parts) > 1:
        a = assumptions.get(parts[1])
        name = f"“{a.label(lang)}”" if a else parts[1]
        which = FIELDS_ZH.get(parts[2], parts[2]) if len(parts) > 2 else ""
        return say("misc.field_assumption", lang, name=name, which=which) if lang == "zh" \
            else path
    return FIELDS_ZH.get(path, path) if lang == "zh" else path


def problem_lines(message: object, lang: str) -> list[str]:
    """Lines of a validation message (an error, its message or a problem) in ``lang``.

    Each line is rendered from its problem's code (no translation of English): Chinese names
    the field by its label (lever, period, assumption, scenario field) and the levers,
    assumptions and periods it suggests by theirs; English keeps the validator's lines.
    """
    if lang == "en":
        return render_lines(message, lang)
    labels = {k: f"{v.label(lang)}({k})" for k, v in
              {**load_levers(), **load_assumptions()}.items()}
    labels.update({p: f"{period_label(p, lang)}({p})" for p in PERIOD_YEARS})
    labels.update({r: region_label(r, lang) for r in region_names()})
    return render_lines(message, lang, labels, _field_label)


def url_problem(problem: object, lang: str) -> str:
    """One problem of the URL's parameters (``key=value: reason``) in ``lang``, from its code
    (a :class:`~suzhou_sim.wording.problems.Problem`; plain text is shown as written), with
    the names of regions, levers and periods labelled as in :func:`problem_lines`."""
    return "; ".join(problem_lines(problem, lang))


# --- split of the special fund --------------------------------------------------------------


def fund_shares(weights: dict[str, float], fund: float) -> dict[str, tuple[float, float]]:
    """Share of the special fund and amount a year each split weight implies.

    The model divides the fund by the relative weights (``ZIDZ(weight, total)``): all
    weights 0 give shares of 0, so the fund goes nowhere.

    Returns
    -------
    dict
        lever key -> (share 0-1, amount in the fund's unit).
    """
    total = sum(weights.values())
    return {k: ((w / total, fund * w / total) if total > 0 else (0.0, 0.0))
            for k, w in weights.items()}


# --- scoreboard by target year --------------------------------------------------------------

def year_summary(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per target year: the number of targets in scope and how many fall in each band.

    ``frame`` is :func:`scoreboard_frame`'s output; one more column per ledger status counts
    the targets of each status.
    """
    inside = frame[frame["in_scope"]]
    years: dict[int, list[tuple[str, str]]] = {}
    for year, band, status in zip(inside["year"], inside["band"], inside["status"],
                                  strict=True):
        years.setdefault(int(year), []).append((band, status))
    rows = []
    for year in sorted(years):
        group = years[year]
        bands = Counter(b for b, _ in group)
        row = {tr("sb_year", lang): year, tr("sb_count", lang): len(group)}
        for name, edge, _ in BANDS:
            row[_band_title(name, edge, lang)] = bands.get(name, 0)
        # statuses by count, most frequent first (as value_counts orders them)
        for status, n in sorted(Counter(s for _, s in group).items(), key=lambda kv: -kv[1]):
            row[tr(f"status_{status}", lang)] = n
        rows.append(row)
    return pd.DataFrame(rows).fillna(0)


def _band_title(name: str, edge: float, lang: str) -> str:
    upper = {"green": None, "amber": 0.8, "orange": 0.5, "red": 0.2}[name]
    if upper is None:
        return f"≥{edge:.0%}"
    return f"<{upper:.0%}" if edge == 0 else f"{edge:.0%}–{upper:.0%}"


# --- the structure diagram's parts ----------------------------------------------------------

ALL_PARTS = "all"  # the whole diagram (every sector; labels small at a page's width)
#: The part shown first: the enterprise pipeline and the certificate chain, the model's core.
FIRST_PART = "Enterprise pipeline"


def diagram_parts(sectors: dict[str, list[str]]) -> list[str]:
    """Parts of the structure diagram to choose from: the first sector shown (the
    enterprise pipeline when there is one), the other sectors of ``model/README.md``, the
    accounting counters, then the whole diagram."""
    names = list(sectors)
    names.sort(key=lambda n: n != FIRST_PART)
    return [*names, ACCOUNTING, ALL_PARTS]


def diagram_part_label(part: str, lang: str) -> str:
    """Name of a diagram part in ``lang``."""
    return tr("about_part_all", lang) if part == ALL_PARTS else sector_label(part, lang)
