"""Wording and charts of the effects study: tornado charts, ``report.md``, bilingual labels.

Per target a tornado chart of the paired effect of every step (median bar, 80% band as a
whisker); a Markdown report in English and Chinese that states the steps, the effect on
each target, the cost per additional unit of money steps, and the model's costs beside the
evidence ranges of ``data/evidence/cost_benchmarks.yaml`` (saying plainly when they
disagree, and why), the steps and targets no lever can move with their reason, the range of
the probability change of targets driven by an assumption ("概率变化 +a 至 +b 个百分点,取决于
<driver>") and, with joint levers, whether their effects add up (single effects, sum, joint
effect, interaction). All wording of the study (the app's too) is read from the texts
``effects.*`` of ``wording/texts/reports_effects.yaml`` (:func:`text`, :data:`TEXT`).

This module formats and draws; it computes no effect (``studies.effects``) and chooses no
output folder (``cli.effects``).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..catalogues.evidence import load_cost_benchmarks  # noqa: E402
from ..catalogues.indicators import load_indicators  # noqa: E402
from ..catalogues.scenarios import load_levers  # noqa: E402
from ..catalogues.targets import load_targets  # noqa: E402
from ..catalogues.timeline import PERIOD_YEARS  # noqa: E402
from ..fileio.atomic import atomic_write_bytes  # noqa: E402
from ..wording import say  # noqa: E402
from ..wording import table as wording_table  # noqa: E402
from .labels import PERIOD_SHORT, fmt_number, in_language, unit_label  # noqa: E402
from .plots import cjk_font  # noqa: E402
from .sensitivity_plots import png_bytes  # noqa: E402

__all__ = [
    "TEXT",
    "text",
    "step_label",
    "tornado_chart",
    "chart_file",
    "write_tornado_charts",
    "effects_markdown",
    "interaction_lines",
    "display_table",
    "period_name",
    "target_ids",
    "attribution_text",
    "probability_text",
    "money_rule",
    "unmoved_text",
    "interaction_display",
    "skipped_lines",
    "verdict_text",
    "evidence_line",
    "mechanism_text",
]

_EN, _ZH = "en", "zh"

#: Every phrase of the study in both languages, ``TEXT[key][lang]``: the texts
#: ``effects.<key>`` of ``wording/texts/reports_effects.yaml`` (the app reads them too).
TEXT: dict[str, dict[str, str]] = {key: {_ZH: zh, _EN: en}
                                   for key, (zh, en) in wording_table("effects").items()}


#: Plan periods by name in each language (years from ``catalogues.timeline``).
PERIOD_NAMES = {lang: {p: say("effects.plan_name", lang, name=in_language(names, lang))
                       for p, names in PERIOD_SHORT.items()} for lang in (_ZH, _EN)}


def period_name(period: str, lang: str = _ZH) -> str:
    """A plan period with its years, e.g. ``十四五 2024–2025``."""
    first, last = PERIOD_YEARS[period]
    return f"{PERIOD_NAMES[_EN if lang == _EN else _ZH][period]} {first}–{last}"


def text(key: str, lang: str = _ZH, **values) -> str:
    """The phrase ``effects.<key>`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    return say(f"effects.{key}", lang, **values)


def _both(key: str) -> str:
    """The phrase ``key`` in English, then in Chinese (the bilingual report's headings)."""
    return f"{text(key, _EN)} · {text(key, _ZH)}"


def step_label(row, lang: str = _ZH, relative: float = 0.1) -> str:
    """The step of one effects row in words (its rule, and whether it was taken downwards)."""
    base = row.step_rule.removesuffix("_down")
    basis = getattr(row, "step_basis", float("nan"))
    pct = (abs(row.step) / basis if base == "fund_share" and basis and basis == basis
           else relative)
    out = text(f"rule_{base}", lang, pct=pct, money=abs(row.step), basis=basis)
    if row.step_rule.endswith("_down"):
        out += "; " + text("rule_down", lang)
    return out


def _lever_name(lever: str, kind: str, lang: str) -> str:
    levers = load_levers()
    name = levers[lever].label(lang) if lever in levers else lever
    if kind == "channel":
        return f"{text('channel', lang)}: {name}"
    return name


def _bar_label(row, lang: str) -> str:
    sep = " · "
    # Chinese names the plan ("十五五 2026–2030"); English keeps the command line's "15th"
    period = (period_name(row.period, lang) if lang == _ZH and row.period in PERIOD_YEARS
              else row.period)
    return f"{_lever_name(row.lever, row.kind, lang)}{sep}{period}"


def target_ids(table: pd.DataFrame) -> list[str]:
    """Targets of an effects table in order (rows measuring only a benchmark are left out)."""
    ids = table["target_id"].fillna("").astype(str)
    return [t for t in dict.fromkeys(ids) if t]


def chart_file(target_id: str) -> str:
    """File name of a target's tornado chart."""
    return f"effects_{target_id}.png"


def tornado_chart(table: pd.DataFrame, target_id: str, lang: str = _EN) -> Figure:
    """Tornado of every step's paired effect on one target: median bar, 80% band whisker.

    Rows are sorted by the size of the median effect; money channels and levers are told
    apart by colour. Labels are in ``lang`` (English by default, as the command line's
    report); in English the Chinese target label is added to the title, and Chinese is used
    only when a CJK font is installed (else the labels fall back to English).
    """
    font = cjk_font()
    lang = lang if font else _EN
    rows = table[table["target_id"] == target_id].copy()
    rows["size"] = rows["delta_p50"].abs()
    rows = rows.sort_values("size")
    fig = Figure(figsize=(8, 1.2 + 0.28 * max(len(rows), 1)))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    colours = np.where(rows["kind"] == "channel", "#e6550d", "#3182bd")
    ax.barh(y, rows["delta_p50"], color=colours, alpha=0.8)
    ax.errorbar(rows["delta_p50"], y,
                xerr=[rows["delta_p50"] - rows["delta_p10"], rows["delta_p90"] - rows["delta_p50"]],
                fmt="none", ecolor="black", capsize=2, linewidth=0.8)
    ax.axvline(0, color="grey", linewidth=0.8)
    family = [font, "DejaVu Sans"] if font else "DejaVu Sans"
    ax.legend(handles=[Patch(color="#3182bd", label=text("tornado_lever", lang)),
                       Patch(color="#e6550d", label=text("tornado_channel", lang))],
              fontsize=7, loc="lower right", frameon=False, prop={"family": family, "size": 7})
    labels = [_bar_label(r, lang) for r in rows.itertuples()]
    ax.set_yticks(y, labels, fontsize=7, fontfamily=family)
    target = load_targets().get(target_id)
    unit = rows["indicator_unit"].iloc[0] if len(rows) else ""
    if lang == _ZH:
        unit = unit_label(unit, _ZH) or unit
    ax.set_xlabel(text("tornado_axis", lang, year=target.year if target else "", unit=unit),
                  fontsize=8, fontfamily=family)
    if lang == _ZH:
        title = f"{target.label(_ZH)}({target_id})" if target else target_id
    else:
        title = f"{target_id}: {target.label(_EN) if target else ''}"
        if font and target:
            title += f"\n{target.label(_ZH)}"
    ax.set_title(title, fontsize=9, fontfamily=family)
    ax.tick_params(axis="x", labelsize=7)
    # fixed margins: tight_layout measures every label and costs more than the drawing
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.42, right=0.97, bottom=0.55 / height, top=1 - 0.55 / height)
    return fig


def write_tornado_charts(table: pd.DataFrame, out_dir: Path) -> dict[str, str]:
    """Write one tornado chart per target into ``out_dir`` (atomically); target -> file."""
    charts = {}
    for target_id in target_ids(table):
        name = chart_file(target_id)
        atomic_write_bytes(Path(out_dir) / name, png_bytes(tornado_chart(table, target_id)))
        charts[target_id] = name
    return charts


def _band(p50: float, p10: float, p90: float) -> str:
    return f"{fmt_number(p50)} ({fmt_number(p10)} – {fmt_number(p90)})"


def display_table(table: pd.DataFrame, lang: str = _ZH, relative: float = 0.1) -> pd.DataFrame:
    """The effects table with readable columns in ``lang`` (the app and the report show it).

    One row per step and target: lever (or channel), period, step in words, target, effect
    with its 80% band, change in probability, and the cost per additional unit for money.
    """
    targets = load_targets()
    out = pd.DataFrame({
        text("lever", lang): [_lever_name(r.lever, r.kind, lang) for r in table.itertuples()],
        text("period", lang): [period_name(p, lang) for p in table["period"]],
        text("step", lang): [step_label(r, lang, relative) for r in table.itertuples()],
        text("target", lang): [f"{r.target_id} {targets[r.target_id].label(lang)}"
                               if r.target_id in targets else r.target_id
                               for r in table.itertuples()],
        text("effect", lang): [_band(r.delta_p50, r.delta_p10, r.delta_p90)
                               for r in table.itertuples()],
        text("probability", lang): [probability_text(r, lang) for r in table.itertuples()],
        text("cost", lang): [
            "" if not r.cost_status else
            (_band(r.cost_p50, r.cost_p10, r.cost_p90) + (
                f" ({text('cost_' + r.cost_status, lang)})" if r.cost_status != "defined"
                else ""))
            for r in table.itertuples()],
    })
    return out


def money_rule(money_step: float, share: float, lang: str | None = None,
               command_line: bool = True) -> str:
    """The money-step rule of a study: in ``lang``, or in both languages (the settings table)
    when ``lang`` is None. ``command_line=False`` (the app) leaves out the option that sets
    an explicit step, which a planner in the app cannot give."""
    langs = (_EN, _ZH) if lang is None else (lang,)
    if money_step == money_step:  # an explicit step
        parts = [text("money_rule_fixed", g, money=money_step) for g in langs]
    else:
        key = "money_rule_share" if command_line else "money_rule_share_app"
        parts = [text(key, g, pct=share) for g in langs]
    return " · ".join(parts)


def unmoved_text(skipped: pd.DataFrame, target_id: str, lang: str = _ZH) -> str:
    """The steps that cannot move ``target_id`` through the model's structure, in words
    (blank when every step can)."""
    rows = skipped[(skipped["target_id"].fillna("") == target_id)
                   & (skipped["reason"] == "no_path")]
    if rows.empty:
        return ""
    sep = say("list_sep", lang) if lang == _ZH else "; "
    steps = sep.join(f"{_lever_name(r.lever, r.kind, lang)} · {period_name(r.period, lang)}"
                     for r in rows.itertuples())
    return f"{text('view_unmoved', lang)}: {steps}"


def probability_text(row, lang: str = _ZH) -> str:
    """The change in probability of one effects row: one change, or for a target driven by
    an assumption the range over its driver settings ("+a 至 +b 个百分点,取决于 <driver>");
    blank for a benchmark row without a target."""
    from .answer_text import driver_name

    if getattr(row, "probability_kind", "single") == "range":
        names = [part.split(":")[0].strip() for part in str(row.drivers).split(";")]
        sep = say("list_sep", lang)
        return text("range_change", lang, low=100 * row.probability_change_low,
                    high=100 * row.probability_change_high,
                    drivers=sep.join(driver_name(c, lang) for c in names if c))
    if row.probability_change != row.probability_change:  # NaN: no target to reach
        return ""
    return f"{row.probability_change:+.1%}"


def verdict_text(row, lang: str = _ZH) -> str:
    """The verdict of one :func:`~suzhou_sim.studies.effects.benchmark_comparison` row in words."""
    ratio = (row.cost_p50 / row.evidence_high if row.verdict == "above" else
             row.evidence_low / row.cost_p50 if row.verdict == "below" else 1.0)
    return text(f"verdict_{row.verdict}", lang, ratio=ratio)


def evidence_line(row, lang: str = _ZH) -> str:
    """Model cost beside the evidence range for one comparison row, with the verdict."""
    model = _band(row.cost_p50, row.cost_p10, row.cost_p90)
    evidence = _band(row.evidence_central, row.evidence_low, row.evidence_high)
    line = text("evidence_line", lang, model=model, evidence=evidence)
    return f"{line} {verdict_text(row, lang)}"


def mechanism_text(row, mechanism: str, lang: str = _ZH) -> str:
    """Why a benchmark's cost falls outside: the model's mechanism and the measured effects.

    ``row`` is a :func:`~suzhou_sim.studies.effects.benchmark_comparison` row; the effects
    are the study's medians of the step on the benchmark's indicator and, when it names one
    that was measured, on its ``via`` indicator (what the money buys first).
    """
    parts = [text("why_mechanism", lang, mechanism=mechanism)]
    if row.via and not math.isnan(row.via_delta_p50):
        parts.append(text("measured_via", lang, via=row.via, via_delta=row.via_delta_p50,
                          via_unit=row.via_unit.split("/")[0], indicator=row.indicator,
                          delta=row.delta_p50))
    elif not math.isnan(row.delta_p50):
        parts.append(text("measured", lang, indicator=row.indicator, delta=row.delta_p50))
    return " ".join(parts)


def _benchmark_lines(comparison: pd.DataFrame, lang: str) -> list[str]:
    benchmarks = load_cost_benchmarks()
    lines = []
    for row in comparison.itertuples():
        b = benchmarks[row.benchmark]
        model = _band(row.cost_p50, row.cost_p10, row.cost_p90)
        evidence = _band(b.central, b.low, b.high)
        step = text(f"bench_step_{b.step}", lang, channel=b.channel)
        # the judgement of the evidence is English data; Chinese points to it
        why = f" — {b.judgement}" if lang == _EN else text("bench_reasons_in_english", lang)
        lines += [f"### {b.label(lang)}", "",
                  "- " + text("bench_model", lang, period=b.period, step=step, year=b.year,
                              indicator=b.indicator, model=model),
                  "- " + text("bench_evidence", lang, evidence=evidence) + why]
        if row.money_share_name:
            lines.append("- " + text("money_share", lang, share=row.money_share,
                                     name=b.money_share))
        elif b.money_share:
            lines.append("- " + text("whole_channel", lang, name=b.money_share))
        has_param = not math.isnan(row.parameter)
        if has_param:
            lines.append("- " + text("model_parameter", lang, name=b.model_parameter,
                                     band=_band(row.parameter, row.parameter_low,
                                                row.parameter_high)))
        lines.append(f"- **{verdict_text(row, lang)}**")
        if row.verdict in ("above", "below", "undefined"):
            if b.mechanism(lang):
                lines.append(f"- {mechanism_text(row, b.mechanism(lang), lang)}")
            else:
                why = "why_dynamics" if has_param else "why_outside"
                lines.append(f"- {text(why, lang)}")
        lines.append(f"- {text('sources', lang)}:")
        lines += [f"  - {r['citation']} ({r['url']}): {r['quantity']}" for r in b.rows]
        lines.append("")
    return lines


def _period_of(year: int) -> str:
    return next(p for p, (first, last) in PERIOD_YEARS.items() if first <= year <= last)


def _channel_summary(table: pd.DataFrame) -> list[str]:
    """Where extra money goes furthest: each channel's median effect per target, side by side."""
    channels = table[(table["kind"] == "channel") & table["target_id"].isin(target_ids(table))]
    channels = channels[channels["period"] == channels["year"].map(_period_of)]
    if channels.empty:
        return []
    pivot = channels.pivot_table(index="target_id", columns="lever", values="delta_p50",
                                 sort=False)
    levers = load_levers()
    header = [text("target", _EN), text("period", _EN),
              *(levers[k].label(_EN) for k in pivot.columns)]
    rows = []
    for target_id, values in pivot.iterrows():
        first = channels[channels["target_id"] == target_id].iloc[0]
        best = values.abs().idxmax() if values.abs().max() > 0 else None
        rows.append([f"{target_id} ({first.indicator_unit})", first.period]
                    + [f"**{fmt_number(v)}**" if k == best else fmt_number(v)
                       for k, v in values.items()])
    frame = pd.DataFrame(rows, columns=header)
    return [f"## {_both('channel_summary_title')}", "", _both("channel_summary_how"), "",
            frame.to_markdown(index=False), ""]


def _prior_lines(table: pd.DataFrame, targets) -> list[str]:
    """How the probability change of prior-driven targets (a drawn input) is read."""
    from .answer_text import driver_name

    ranged = table[(table.get("probability_kind", "") == "range")
                   & ~table["target_id"].map(lambda t: bool(t in targets and targets[t].drivers))]
    if ranged.empty:
        return []
    first = ranged.drop_duplicates("target_id")
    names = {t: [part.split(":")[0].strip() for part in str(d).split(";")]
             for t, d in zip(first["target_id"], first["drivers"], strict=True)}
    en = "; ".join(f"{t}: " + ", ".join(driver_name(c) for c in cs) for t, cs in names.items())
    zh = "; ".join(f"{t}:" + say("list_sep", _ZH).join(driver_name(c, _ZH) for c in cs)
                   for t, cs in names.items())
    return [text("prior_driven", _EN, names=en), "", text("prior_driven", _ZH, names=zh), ""]


def _driven_lines(table: pd.DataFrame) -> list[str]:
    """How the probability change of targets driven by an assumption is read."""
    from .answer_text import driver_name

    targets = load_targets()
    lines = _prior_lines(table, targets)
    ids = [t for t in dict.fromkeys(table["target_id"]) if t in targets and targets[t].drivers]
    if not ids:
        return lines
    names = "; ".join(f"{t}: " + ", ".join(driver_name(d.constant) for d in targets[t].drivers)
                      for t in ids)
    names_zh = "; ".join(f"{t}:" + say("list_sep", _ZH).join(driver_name(d.constant, _ZH)
                                             for d in targets[t].drivers) for t in ids)
    return [text("driven", _EN, names=names), "", text("driven", _ZH, names=names_zh),
            ""] + lines


def effects_markdown(
    table: pd.DataFrame,
    skipped: pd.DataFrame,
    comparison: pd.DataFrame,
    meta: dict[str, str],
    charts: dict[str, str],
    relative: float = 0.1,
    interaction: pd.DataFrame | None = None,
) -> str:
    """The study's ``report.md``: settings, evidence comparison, effects per target, both languages.

    Parameters
    ----------
    table, skipped : pandas.DataFrame
        :class:`~suzhou_sim.studies.effects.EffectsResult` ``table`` and ``skipped``.
    comparison : pandas.DataFrame
        :func:`~suzhou_sim.studies.effects.benchmark_comparison` of the table.
    meta : dict[str, str]
        Settings shown as a table (scenario, draws, seed, runs, ...).
    charts : dict[str, str]
        Target id -> tornado chart file.
    relative : float
        The relative step used (to word the steps).
    interaction : pandas.DataFrame, optional
        :attr:`~suzhou_sim.studies.effects.EffectsResult.interaction` (``--joint``).
    """
    registry = load_indicators()
    lines = [f"# {_both('title')}: {meta.get('scenario', '')}", ""]
    lines += ["| setting | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in meta.items()]
    lines += ["", text("method", _EN), "", text("method", _ZH), ""]
    lines += _driven_lines(table)
    lines += [f"## {_both('evidence')}", ""]
    lines += _benchmark_lines(comparison, _EN) + _benchmark_lines(comparison, _ZH)
    if not skipped.empty:
        lines += [f"## {_both('skipped_title')}", ""]
        lines += skipped_lines(skipped)
        lines.append("")
    downs = table.loc[table["step_rule"].str.endswith("_down"), ["lever", "period"]]
    if not downs.empty:
        names = ", ".join(f"`{r.lever}` {r.period}" for r in downs.drop_duplicates().itertuples())
        lines += [f"{_both('stepped_down')}: {names}", ""]
    lines += _channel_summary(table)
    if interaction is not None and not interaction.empty:
        lines += interaction_lines(interaction)
    lines += [f"## {_both('per_target_title')}", ""]
    for target_id in target_ids(table):
        rows = table[table["target_id"] == target_id]
        first = rows.iloc[0]
        ind = registry.get(first.indicator)
        label = f"{ind.label(_EN)} · {ind.label(_ZH)}" if ind else first.indicator
        lines += [f"### {target_id}: {label} ({first.year}, {first.indicator_unit})", "",
                  f"![{target_id}]({charts.get(target_id, chart_file(target_id))})", ""]
        shown = display_table(rows, _EN, relative).drop(columns=[text("target", _EN)])
        lines += [shown.to_markdown(index=False), ""]
    return "\n".join(lines)


def _skip_target(tid: str) -> str:
    return f"`{tid}`"


def skipped_lines(skipped: pd.DataFrame) -> list[str]:
    """The report's bullets for skipped steps and unmoved targets, in both languages.

    Whole steps one line each; the targets a step cannot move grouped by step; targets
    carried by a trend in one line.
    """
    lines = []
    frame = skipped.fillna("")
    whole = frame[frame["target_id"] == ""]
    lines += [f"- {r.kind} `{r.lever}` {r.period}: {text('skip_' + r.reason, _EN)} / "
              f"{text('skip_' + r.reason, _ZH)}" for r in whole.itertuples()]
    trend = frame[frame["reason"] == "trend_only"]
    if not trend.empty:
        ids = ", ".join(_skip_target(t) for t in trend["target_id"])
        lines.append(f"- {ids}: {text('skip_trend_only', _EN)} / {text('skip_trend_only', _ZH)}")
    paths = frame[frame["reason"] == "no_path"]
    for (kind, lever, period), rows in paths.groupby(["kind", "lever", "period"], sort=False):
        ids = ", ".join(_skip_target(t) for t in rows["target_id"])
        lines.append(f"- {kind} `{lever}` {period}: {text('skip_no_path', _EN)} / "
                     f"{text('skip_no_path', _ZH)}: {ids}")
    return lines


def interaction_display(frame: pd.DataFrame, lang: str = _ZH) -> pd.DataFrame:
    """One joint step's interaction table in ``lang``: per target, each lever alone, their
    sum, the joint effect, the interaction with its 80% band, and the probabilities.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of :attr:`~suzhou_sim.studies.effects.EffectsResult.interaction` of one
        ``(period, levers)``.
    """
    levers = load_levers()
    targets = load_targets()
    out = []
    for tid, rows in frame.groupby("target_id", sort=False):
        parts = rows.set_index("part")
        members = [p for p in parts.index if p not in ("sum", "joint", "interaction")]
        first = rows.iloc[0]
        label = targets[tid].label(lang) if tid in targets else tid
        unit = unit_label(first.indicator_unit, lang) or first.indicator_unit
        row = {text("target", lang): f"{tid} {label} ({first.year}, {unit})"}
        for k in members:
            row[levers[k].label(lang) if k in levers else k] = fmt_number(
                parts.loc[k, "delta_mean"])
        row[text("part_sum", lang)] = fmt_number(parts.loc["sum", "delta_mean"])
        row[text("part_joint", lang)] = fmt_number(parts.loc["joint", "delta_mean"])
        inter = parts.loc["interaction"]
        row[text("part_interaction", lang)] = _band(inter.delta_mean, inter.delta_p10,
                                                    inter.delta_p90)
        probs = [parts.loc[k, "probability_change"] for k in members]
        probs += [parts.loc[k, "probability_change"] for k in ("sum", "joint", "interaction")]
        row[text("part_probability", lang)] = " / ".join(f"{100 * p:+.1f}" for p in probs)
        out.append(row)
    return pd.DataFrame(out)


def interaction_lines(interaction: pd.DataFrame) -> list[str]:
    """The report's section comparing joint effects with the sum of single effects."""
    lines = [f"## {_both('interaction_title')}", ""]
    levers = load_levers()
    for (period, keys), frame in interaction.groupby(["period", "levers"], sort=False):
        names_en = " + ".join(levers[k].label(_EN) if k in levers else k
                              for k in keys.split("+"))
        names_zh = say("list_sep", _ZH).join(levers[k].label(_ZH) if k in levers else k
                            for k in keys.split("+"))
        lines += [f"### {names_en} · {period_name(period, _EN)}", "",
                  text("interaction_how", _EN, levers=names_en, period=period_name(period, _EN)),
                  "", text("interaction_how", _ZH, levers=names_zh,
                           period=period_name(period, _ZH)), "",
                  interaction_display(frame, _EN).to_markdown(index=False), "",
                  interaction_display(frame, _ZH).to_markdown(index=False), ""]
    return lines


def attribution_text(frame: pd.DataFrame, target_id: str, lang: str = _ZH,
                     threshold: float = 0.005) -> str:
    """Which levers caused a target's change in probability (points), e.g. ``专项资金 +4.0; ...``.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`~suzhou_sim.studies.effects.attribute_changes`.
    target_id : str
    lang : str
    threshold : float
        Shares smaller than this (absolute) are left out.
    """
    if target_id not in frame.index:
        return ""
    row = frame.loc[target_id].drop("total")
    levers = load_levers()
    parts = []
    for key, value in row.sort_values(key=np.abs, ascending=False).items():
        if abs(value) < threshold:
            continue
        name = text("interaction", lang) if key == "interaction" else (
            levers[key].label(lang) if key in levers else key)
        parts.append(f"{name} {value * 100:+.1f}")
    return "; ".join(parts)
