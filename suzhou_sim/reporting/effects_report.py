"""Wording and charts of the effects study: tornado charts, ``report.md``, bilingual labels.

Per target a tornado chart of the paired effect of every step (median bar, 80% band as a
whisker); a Markdown report in English and Chinese that states the steps, the effect on
each target, the cost per additional unit of money steps, and the model's costs beside the
evidence ranges of ``data/evidence/cost_benchmarks.yaml`` (saying plainly when they
disagree, and why), the steps and targets no lever can move with their reason, the range of
the probability change of targets driven by an assumption ("概率变化 +a 至 +b 个百分点,取决于
<driver>") and, with joint levers, whether their effects add up (single effects, sum, joint
effect, interaction). All wording of the study (the app's too) lives in :data:`TEXT`.

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
from .labels import PERIOD_SHORT, fmt_number, unit_label  # noqa: E402
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

#: Every phrase of the study in both languages: ``TEXT[key][lang]``.
TEXT: dict[str, dict[str, str]] = {
    "title": {_EN: "What each lever buys", _ZH: "各项政策杠杆的边际效果"},
    "lever": {_EN: "lever", _ZH: "杠杆"},
    "channel": {_EN: "channel", _ZH: "资金渠道"},
    "period": {_EN: "plan", _ZH: "规划期"},
    "step": {_EN: "step", _ZH: "步长"},
    "target": {_EN: "target", _ZH: "目标"},
    "effect": {_EN: "effect (median, 80% band)", _ZH: "效果(中位数,80%区间)"},
    "probability": {_EN: "change in probability", _ZH: "达标概率变化"},
    "cost": {_EN: "cost per additional unit (万元, median, 80% band)",
             _ZH: "每新增单位成本(万元,中位数,80%区间)"},
    "kind_lever": {_EN: "lever raised", _ZH: "提高杠杆"},
    "tornado_lever": {_EN: "lever raised alone", _ZH: "单独提高该杠杆"},
    "tornado_channel": {_EN: "+money into one channel alone", _ZH: "仅向一个资金渠道追加资金"},
    "tornado_axis": {_EN: "paired change in {year} ({unit}); bar = median, whisker = 10-90%",
                     _ZH: "{year} 年的配对变化({unit});柱 = 中位数,须线 = 10%–90%"},
    "kind_channel": {_EN: "+money into this channel alone", _ZH: "仅向该渠道追加资金"},
    "rule_relative": {_EN: "+{pct:.0%} of its value", _ZH: "提高其取值的{pct:.0%}"},
    "rule_money": {_EN: "+{money:g} 亿元 a year", _ZH: "每年增加{money:g}亿元"},
    "rule_fund_share": {
        _EN: "+{money:g} 亿元 a year ({pct:.0%} of the region's special fund of {basis:g} 亿元)",
        _ZH: "每年增加{money:g}亿元(本地区专项资金{basis:g}亿元的{pct:.0%})"},
    "money_rule_share": {
        _EN: "{pct:.0%} of the region's own special fund in each period (the same relative "
             "size as the other levers' step; an explicit step: --money-step)",
        _ZH: "各规划期本地区专项资金的{pct:.0%}(与其他杠杆的相对步长一致;指定绝对步长用 "
             "--money-step)"},
    "money_rule_share_app": {
        _EN: "{pct:.0%} of the region's own special fund in each period (the same relative "
             "size as the other levers' step)",
        _ZH: "各规划期本地区专项资金的{pct:.0%}(与其他杠杆的相对步长一致)"},
    "money_rule_fixed": {_EN: "{money:g} 亿元 a year (given with --money-step)",
                         _ZH: "每年{money:g}亿元(由 --money-step 指定)"},
    "rule_catalogue": {_EN: "+one slider step (the value is 0)",
                       _ZH: "增加一个滑块步长(当前取值为0)"},
    "rule_down": {_EN: "stepped DOWN: raising would leave the allowed range",
                  _ZH: "向下取步长:提高将超出允许范围"},
    "cost_unbounded_above": {_EN: "upper end open: in over 10% of draws the step adds nothing",
                             _ZH: "上限无界:超过10%的抽样中该步长没有带来增量"},
    "cost_undefined": {_EN: "undefined: the step adds no unit in the median draw",
                       _ZH: "无定义:中位抽样中该步长没有带来增量"},
    "skip_no_target_after_period": {_EN: "no target year falls in or after this period",
                                    _ZH: "该规划期及以后没有目标年份"},
    "skip_no_fund": {_EN: "all split weights are zero in this period, so no channel spends",
                     _ZH: "该规划期全部分配权重为零,没有渠道支出"},
    "skip_channel_out_of_range": {
        _EN: "the raised special fund would exceed its allowed maximum",
        _ZH: "追加后的专项资金将超出允许的最大值"},
    "skip_no_model_effect": {
        _EN: "the step changes no model output the study measures, in any draw: the lever "
             "cannot act on any target through the model's structure",
        _ZH: "该步长在任何抽样中都不改变本研究测算的模型输出:该杠杆无法通过模型结构影响任何目标"},
    "skip_no_path": {
        _EN: "the step cannot move these targets through the model's structure (their values "
             "are the same in every draw)",
        _ZH: "该步长无法通过模型结构影响以下目标(各抽样中取值不变)"},
    "skip_trend_only": {
        _EN: "carried from the observed series by a trend outside the model: no lever acts "
             "on it",
        _ZH: "由观测序列的趋势外推得到,不在模型之内:任何杠杆都不影响它"},
    "range_change": {
        _EN: "{low:+.1f} to {high:+.1f} points, depending on {drivers}",
        _ZH: "概率变化 {low:+.1f} 至 {high:+.1f} 个百分点,取决于{drivers}"},
    "interaction_title": {_EN: "Do the levers add up?", _ZH: "杠杆效果是否可加?"},
    "interaction_how": {
        _EN: "The levers {levers} are raised together by their single steps in the {period} "
             "plan, on the same draws. 'sum' adds the single-lever effects; 'interaction' = "
             "joint - sum (positive: the levers reinforce each other, negative: they "
             "substitute), with the 80% band of the paired per-draw interaction. Effects are "
             "means (they add up; medians do not); probabilities in points.",
        _ZH: "在{period}规划期内按各自步长同时提高杠杆{levers}(相同抽样)。“合计”为单项效果之和;"
             "“交互”= 共同效果 - 合计(为正表示相互增强,为负表示相互替代),并给出逐抽样配对交互的"
             "80%区间。效果为均值(均值可加,中位数不可加);概率以百分点计。"},
    "part_sum": {_EN: "sum of single effects", _ZH: "单项效果合计"},
    "part_joint": {_EN: "joint effect", _ZH: "共同效果"},
    "part_interaction": {_EN: "interaction (80% band)", _ZH: "交互(80%区间)"},
    "part_probability": {_EN: "probability (points): singles / sum / joint / interaction",
                         _ZH: "概率(百分点):单项 / 合计 / 共同 / 交互"},
    "verdict_inside": {
        _EN: "The model's median cost lies inside the evidence range.",
        _ZH: "模型成本中位数位于证据范围之内。"},
    "verdict_above": {
        _EN: "OUTSIDE the evidence: the model buys an additional unit {ratio:.1f} times dearer "
             "than the evidence's upper end.",
        _ZH: "超出证据范围:模型中每新增一个单位的成本是证据上限的{ratio:.1f}倍。"},
    "verdict_below": {
        _EN: "OUTSIDE the evidence: the model buys an additional unit for {ratio:.1f} times "
             "less than the evidence's lower end.",
        _ZH: "超出证据范围:模型中每新增一个单位的成本仅为证据下限的1/{ratio:.1f}。"},
    "verdict_undefined": {
        _EN: "OUTSIDE the evidence: the channel adds no unit in the model, so its cost is "
             "undefined.",
        _ZH: "超出证据范围:模型中该渠道没有带来增量,成本无定义。"},
    "verdict_not_computed": {
        _EN: "Not computed: the study did not measure this indicator in that year with this "
             "channel's step (no target of the region on it, or the step was skipped).",
        _ZH: "未计算:本次研究未在该年份以该渠道步长测算此指标(本地区无相应目标,或该步长被跳过)。"},
    "why_outside": {
        _EN: "Why: the model's response of firms to reward money is not estimated from data. "
             "The historic special fund is a constant 200 亿 a year, so the calibration "
             "cannot identify any spending effect; the response rests on the assumed channel "
             "weights and saturation of the .mdl. Read this cost as the consequence of those "
             "assumptions, not as a finding, until the effect sizes rest on the evidence "
             "(issue #11, items 1-3).",
        _ZH: "原因:模型中企业对奖励资金的响应并非由数据估计。历史专项资金为每年200亿元的常数,"
             "校准无法识别任何支出效应;该响应取决于模型中假设的渠道权重与饱和参数。在效应"
             "参数以证据为依据之前(议题#11第1-3项),应把该成本视为这些假设的结果,而非结论。"},
    "money_share": {
        _EN: "Counted money: the share {share:.0%} of the channel's extra money that the "
             "evidence prices (model constant `{name}`); the rest of the channel pays other "
             "rewards.",
        _ZH: "计入资金:渠道新增资金中证据所定价的部分,占{share:.0%}(模型常数`{name}`);"
             "其余用于其他奖励。"},
    "whole_channel": {
        _EN: "Counted money: the whole channel's extra money, because the model has no "
             "`{name}`; the channel also pays other rewards (gazelles, chain firms), so this "
             "overstates what the evidence prices.",
        _ZH: "计入资金:渠道全部新增资金,因为模型中没有`{name}`;该渠道还支付其他奖励(瞪羚、"
             "链主企业),因此高估了证据所定价的成本。"},
    "model_parameter": {
        _EN: "The model's own direct cost (`{name}`, an evidence-based assumption drawn in "
             "every run): {band} 万元.",
        _ZH: "模型自身设定的直接成本(`{name}`,每次抽样均随机抽取的循证假设):{band} 万元。"},
    "why_dynamics": {
        _EN: "Why: the model's direct cost rests on the evidence, but what the money buys in "
             "the stock by the target year also passes through the model's dynamics (time to "
             "approval, the approval rate, the pool of eligible firms that extra recognitions "
             "drain, firms leaving the stock), which the evidence's descriptive ratios do "
             "not net out. Read the gap as the size of those dynamics, to be checked against "
             "the model's documentation (model/README.md).",
        _ZH: "原因:模型的直接成本以证据为依据,但资金在目标年份带来的存量增量还要经过模型动态"
             "(审批时滞、通过率、新增认定所消耗的后备企业池、企业退出存量),证据中的描述性比率"
             "并未扣除这些因素。差距反映了这些动态的大小,请对照模型文档(model/README.md)核查。"},
    "bench_step_channel": {_EN: "+money into `{channel}` alone",
                           _ZH: "仅向`{channel}`渠道追加资金"},
    "bench_step_fund": {_EN: "+money to the special fund `{channel}`, split by the scenario's "
                             "weights",
                        _ZH: "向专项资金`{channel}`追加资金,按情景的分配权重分配"},
    "why_mechanism": {_EN: "Why (the model's mechanism): {mechanism}",
                      _ZH: "原因(模型机制):{mechanism}"},
    "measured_via": {
        _EN: "In this study the step moved `{via}` by {via_delta:,.1f} ({via_unit}) and "
             "`{indicator}` by {delta:,.1f} (medians of the paired differences).",
        _ZH: "本次研究中,该步长使`{via}`变化{via_delta:,.1f}({via_unit}),使`{indicator}`"
             "变化{delta:,.1f}(配对差值的中位数)。"},
    "measured": {
        _EN: "In this study the step moved `{indicator}` by {delta:,.1f} (median of the "
             "paired differences).",
        _ZH: "本次研究中,该步长使`{indicator}`变化{delta:,.1f}(配对差值的中位数)。"},
    "attribution_how": {
        _EN: "Which levers caused each change: every edited lever is switched to its new "
             "values alone, on the same draws, and its change in probability is shown; "
             "'together' is what the edits do jointly beyond the sum of their single effects.",
        _ZH: "变化来源:每个被修改的杠杆单独切换到新取值(相同抽样),显示其带来的概率变化;"
             "“共同作用”为各项修改同时生效时超出单项效果之和的部分。"},
    "interaction": {_EN: "together", _ZH: "共同作用"},
    "view_intro": {
        _ZH: "当前设置下,每个杠杆在一个规划期内单独提高一个步长(其他不变,相同抽样)时各目标的变化;"
             "资金类杠杆及“资金渠道”另给出每新增单位的成本。每步 {draws} 次抽样,种子 {seed}。",
        _EN: "For the current settings: the change in each target when one lever alone is "
             "raised by a step in one plan period (everything else unchanged, same draws); "
             "money levers and channels also show the cost per additional unit. {draws} draws "
             "per step, seed {seed}."},
    "pick_target": {_ZH: "目标", _EN: "Target"},
    "evidence": {_ZH: "模型成本与证据对比", _EN: "Model costs beside the evidence"},
    "evidence_line": {_ZH: "模型 {model} 万元;证据 {evidence} 万元。",
                      _EN: "model {model} 万元; evidence {evidence} 万元."},
    "attribution": {_ZH: "概率变化的来源(相对基准情景)",
                    _EN: "What caused each change (against the baseline)"},
    "attr_change": {_ZH: "概率变化(百分点)", _EN: "Change in probability (points)"},
    "attr_causes": {_ZH: "由以下杠杆引起", _EN: "Caused by"},
    "attr_none": {_ZH: "与基准情景相比,各目标达标概率没有变化。",
                  _EN: "No target's probability differs from the baseline."},
    "computing": {_ZH: "计算中…", _EN: "Computing…"},
    "view_unmoved": {_ZH: "以下步长无法通过模型结构影响该目标(不列为效果)",
                     _EN: "These steps cannot move the target through the model's structure "
                          "(not listed as effects)"},
}


#: Plan periods by name in each language (years from ``catalogues.timeline``).
PERIOD_NAMES = {_ZH: {p: zh for p, (zh, _) in PERIOD_SHORT.items()},
                _EN: {p: f"{en} plan" for p, (_, en) in PERIOD_SHORT.items()}}


def period_name(period: str, lang: str = _ZH) -> str:
    """A plan period with its years, e.g. ``十四五 2024–2025``."""
    first, last = PERIOD_YEARS[period]
    return f"{PERIOD_NAMES[_EN if lang == _EN else _ZH][period]} {first}–{last}"


def text(key: str, lang: str = _ZH, **values) -> str:
    """The phrase ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    phrase = TEXT[key][_EN if lang == _EN else _ZH]
    return phrase.format(**values) if values else phrase


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
    sep = "、" if lang == _ZH else "; "
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
        sep = "、" if lang == _ZH else ", "
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
        if lang == _EN:
            lines += [f"### {b.label(_EN)}", "",
                      f"- model ({b.period} plan, {step}, effect on "
                      f"`{b.indicator}` in {b.year}): **{model} 万元** per additional unit",
                      f"- evidence: **{evidence} 万元** — {b.judgement}"]
        else:
            lines += [f"### {b.label(_ZH)}", "",
                      f"- 模型({b.period}规划期,{step},{b.year}年"
                      f"`{b.indicator}`的变化):每新增一个单位 **{model} 万元**",
                      f"- 证据:**{evidence} 万元**(依据见英文部分及下列文献)"]
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
        lines.append("- " + ("sources" if lang == _EN else "来源") + ":")
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
    header = ["target", "plan", *(levers[k].label(_EN) for k in pivot.columns)]
    rows = []
    for target_id, values in pivot.iterrows():
        first = channels[channels["target_id"] == target_id].iloc[0]
        best = values.abs().idxmax() if values.abs().max() > 0 else None
        rows.append([f"{target_id} ({first.indicator_unit})", first.period]
                    + [f"**{fmt_number(v)}**" if k == best else fmt_number(v)
                       for k, v in values.items()])
    frame = pd.DataFrame(rows, columns=header)
    return [
        "## Where extra money goes furthest · 追加资金投向哪里效果最大", "",
        "Median paired effect of the money step a year put into one channel alone, in the plan "
        "period of each target's year (largest in bold). · 在目标年份所在规划期,每年仅向单一渠道"
        "追加资金时的效果中位数(最大者加粗)。", "",
        frame.to_markdown(index=False), "",
    ]


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
    zh = "; ".join(f"{t}:" + "、".join(driver_name(c, _ZH) for c in cs)
                   for t, cs in names.items())
    return [
        f"Prior-driven targets ({en}): the scoreboard gives their probability as a range over "
        "a drawn input; the change in probability is given within the lowest, middle and "
        "highest fifth of the runs ranked by that input (the same runs before and after the "
        "step: `probability_change_low`/`_central`/`_high` in `effects.csv`, per band in "
        "`drivers`); `probability_change` is that of the ensemble's share.",
        "",
        f"取决于先验的目标({zh}):记分板给出随某一抽样输入变化的概率范围;概率变化按该输入取值"
        "将模拟分为最低、中间、最高五分之一分别给出(步长前后为同一批模拟;`effects.csv` 中的 "
        "`probability_change_low`/`_central`/`_high`,各组见 `drivers`);`probability_change` "
        "为全部抽样的集合比例变化。",
        "",
    ]


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
    names_zh = "; ".join(f"{t}:" + "、".join(driver_name(d.constant, _ZH)
                                             for d in targets[t].drivers) for t in ids)
    return [
        f"Targets driven by an assumption ({names}): their effect is the paired change of the "
        "quantity itself; the change in probability is given at the driver's low, central "
        "and high setting, as the scoreboard gives their probability as a range over it "
        "(the least to the largest change: `probability_change_low`/`_central`/`_high` in "
        "`effects.csv`, every driver in `drivers`); `probability_change` is that of the "
        "ensemble's share with the driver drawn over its whole range. Fix the driver with "
        "`--assume NAME=VALUE` for the change conditional on one value.",
        "",
        f"由假设决定的目标({names_zh}):效果为该指标本身的配对变化;概率变化按驱动假设取低、中、"
        "高值分别给出(记分板对这些目标给出随假设变化的概率范围;`effects.csv` 中的 "
        "`probability_change_low`/`_central`/`_high`,各假设见 `drivers`);"
        "`probability_change` 为假设在其整个范围内抽样时的集合比例变化。可用 `--assume 名称=取值` "
        "固定假设,得到条件概率的变化。",
        "",
    ] + lines


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
    lines = [f"# {text('title', _EN)} · {text('title', _ZH)}: {meta.get('scenario', '')}", ""]
    lines += ["| setting | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in meta.items()]
    lines += [
        "",
        "Method: every lever is raised alone by its step in one plan period and the ensemble "
        "is rerun on the same draws (same calibrated parameter sets, same assumption "
        "quantiles: common random numbers). The effect is the per-draw difference of each "
        "in-scope target's quantity in its target year; the table shows its median and 80% "
        "band (10th-90th percentile) and the paired change in the probability of reaching "
        "the target. Each step's runs are evaluated on their own (quantities computed across "
        "runs, such as a trend's quantiles, never mix steps), with the scoreboard's "
        "structural forecast error drawn identically for each draw in every step, so the "
        "base probability is the scoreboard's and a lever that changes nothing has no "
        "effect. Money steps are a share of the region's own special fund (see the "
        "settings). A *channel* step adds the money step to one spending channel of the "
        "special fund alone (the fund rises and that channel's weight rises so that the "
        "other channels keep their money). Cost per additional unit = the extra money spent "
        "from the start of the period to the target year (万元) divided by the effect; it is "
        "left blank when the effect is not positive. Raising a split weight moves money from "
        "the other channels, so its effect is a reallocation, not extra money. Full numbers: "
        "`effects.csv`.",
        "",
        "方法:每个杠杆在一个规划期内单独提高一个步长,在相同抽样(相同的校准参数组和假设分位数,"
        "即共同随机数)上重新运行集合模拟。效果为各目标在目标年份取值的逐抽样差值,表中给出中位数、"
        "80%区间(第10-90百分位)及达标概率的配对变化。每个步长的抽样单独评估(跨抽样计算的量,"
        "如趋势分位数,不会混合不同步长),且每个抽样在各步长中使用相同的记分板结构预测误差,"
        "因此基准概率与记分板一致,不改变任何结果的杠杆效果为零。资金步长为本地区专项资金的一定比例"
        "(见设置表)。“资金渠道”步长只向专项资金的一个渠道追加资金"
        "(提高专项资金并相应提高该渠道权重,其他渠道资金不变)。每新增单位成本 = 规划期开始至目标年份"
        "的新增支出(万元)除以效果;效果不为正时不计算。提高某一分配权重会从其他渠道挪出资金,"
        "因此其效果是再分配而非新增资金。完整数据见 `effects.csv`。",
        "",
    ]
    lines += _driven_lines(table)
    lines += [
        "## Model costs beside the evidence · 模型成本与证据对比",
        "",
    ]
    lines += _benchmark_lines(comparison, _EN) + _benchmark_lines(comparison, _ZH)
    if not skipped.empty:
        lines += ["## Steps not taken, targets no step moves · 未计算的步长与无法影响的目标", ""]
        lines += skipped_lines(skipped)
        lines.append("")
    downs = table.loc[table["step_rule"].str.endswith("_down"), ["lever", "period"]]
    if not downs.empty:
        names = ", ".join(f"`{r.lever}` {r.period}" for r in downs.drop_duplicates().itertuples())
        lines += [f"Stepped down (raising would leave the allowed range) · 向下取步长: {names}",
                  ""]
    lines += _channel_summary(table)
    if interaction is not None and not interaction.empty:
        lines += interaction_lines(interaction)
    lines += ["## Effects per target · 各目标的效果", ""]
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
    lines = [f"## {text('interaction_title', _EN)} · {text('interaction_title', _ZH)}", ""]
    levers = load_levers()
    for (period, keys), frame in interaction.groupby(["period", "levers"], sort=False):
        names_en = " + ".join(levers[k].label(_EN) if k in levers else k
                              for k in keys.split("+"))
        names_zh = "、".join(levers[k].label(_ZH) if k in levers else k
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
