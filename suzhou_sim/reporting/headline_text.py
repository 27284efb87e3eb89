"""The wording of the headline (结论摘要) in Chinese and English: one sentence per target year.

Lives here: every phrase of the headline of :mod:`suzhou_sim.reporting.headline` (the app's
scoreboard, the Word report and the Excel summary all use these sentences), the sentence on
the data vintage, and the label of a conditional probability.

Must not: compute anything from a run (the numbers come in a
:class:`~suzhou_sim.reporting.headline.Headline`), import the app or Streamlit.
"""

from __future__ import annotations

import math

from ..catalogues.indicators import load_indicators
from ..catalogues.observations import DataVintage
from ..wording import say
from .headline import AT_RISK, LIKELY, MOVED, Headline, HeadlineTarget, YearHeadline
from .labels import fmt_probability, fmt_quantity, in_language

__all__ = ["HEADLINE_TITLE", "headline_sentences", "vintage_sentence", "conditional_label"]

#: Heading of the headline: (Chinese, English).
HEADLINE_TITLE = (say("headline_title", "zh"), say("headline_title", "en"))

_P: dict[str, tuple[str, str]] = {
    "year": ("{year} 年:", "{year}: "),
    "none": ("模型范围内没有目标", "no target within the model's scope"),
    "likely": ("模型范围内 {n} 项目标中 {likely} 项很可能达成(概率 ≥ {edge})",
               "{likely} of {n} {targets} within the model's scope are likely (probability ≥ "
               "{edge})"),
    "likely_none": ("模型范围内 {n} 项目标", "{n} {targets} within the model's scope"),
    "at_risk": ("{n} 项低于 {edge}:{items}", "{n} below {edge}: {items}"),
    "at_risk_more": (" 等", " and more"),
    "at_risk_item": ("{label} {p}", "{label} {p}"),
    "at_risk_lower": ("{label} 至少 {p}", "{label} at least {p}"),
    "at_risk_upper": ("{label} 至多 {p}", "{label} at most {p}"),
    "at_risk_lower_zero": ("{label} 至少 {p}(模型所计部分在中位情形下为目标值的 {share})",
                           "{label} at least {p} (the part the model counts reaches {share} of "
                           "the threshold in the median run)"),
    "ranges": ("{n} 项取决于外部假设:{items}", "{n} {depend} on an assumption: {items}"),
    "ranges_prior": ("{n} 项取决于外部假设或数据约束较弱的参数:{items}",
                     "{n} {depend} on an assumption or a parameter the data inform weakly: "
                     "{items}"),
    "range_item": ("{label} {low}–{high}(取决于{drivers})",
                   "{label} {low}–{high} (set by {drivers})"),
    "range_item_lower": ("{label} 至少 {low}–{high}(取决于{drivers})",
                         "{label} at least {low}–{high} (set by {drivers})"),
    "range_item_upper": ("{label} 至多 {low}–{high}(取决于{drivers})",
                         "{label} at most {low}–{high} (set by {drivers})"),
    "conditional_item": ("{label} {p}({cond})", "{label} {p} ({cond})"),
    "conditional": ("条件概率:{driver} = {value}", "conditional on {driver} = {value}"),
    "cannot": ("政策杠杆改变不了的:{items}", "beyond the levers: {items}"),
    "cannot_met": ("{n} 项已达成", "{n} already met"),
    "cannot_lever": ("{n} 项由杠杆取值直接决定", "{n} set directly by a lever"),
    "cannot_range": ("上述假设区间", "the assumption ranges above"),
    "moves": ("与基准相比 {up} 项上升、{down} 项下降(≥ {moved} 个百分点)",
              "against the baseline {up} rose and {down} fell (by {moved} pp or more)"),
    "outside": ("另有 {n} 项在模型范围外", "{n} more lie outside the model's scope"),
    "judged_met": ("{n} 项按已公布数据已实现", "{n} met by the published figures"),
    "judged_missed": ("{n} 项按已公布数据未实现", "{n} missed by the published figures"),
    "judged_undetermined": ("{n} 项按已公布数据尚难判定",
                            "{n} undetermined by the published figures"),
    "judged_awaiting_data": ("目标年份已过、{n} 项数据尚待公布(以下概率为预测)",
                             "the year has passed and {n} await the published figures "
                             "(the probabilities below are forecasts)"),
    "judged_trend_only": ("{n} 项只按历史趋势外推", "{n} read off the historical trend only"),
    "join": (";", "; "),
    "list": ("、", ", "),
    "and": ("和", " and "),
    "end": ("。", "."),
    "vintage": ("数据截至 {year} 年", "Data through {year}"),
    "vintage_prelim": ("(其中{items}为初步数)", " ({items} preliminary)"),
}


def _t(key: str, lang: str, **values: object) -> str:
    n = values.get("n")
    # English agreement with a count (Chinese has none)
    values.setdefault("targets", "target" if n == 1 else "targets")
    values.setdefault("depend", "depends" if n == 1 else "depend")
    return in_language(_P[key], lang).format(**values)


def conditional_label(driver: str, value: float, unit: str, lang: str) -> str:
    """``条件概率:2023年未来产业产值 = 1,000 亿元/年`` (what a conditional probability
    was read at)."""
    return _t("conditional", lang, driver=driver, value=fmt_quantity(value, unit, lang))


def _range_item(t: HeadlineTarget, lang: str) -> str:
    if t.fixed is not None:
        zh, en, value, unit = t.fixed
        return _t("conditional_item", lang, label=t.label(lang), p=fmt_probability(t.probability),
                  cond=conditional_label(in_language((zh, en), lang), value, unit, lang))
    drivers = _t("list", lang).join(in_language(d, lang) for d in t.drivers)
    key = f"range_item_{t.bound}" if t.bound else "range_item"
    return _t(key, lang, label=t.label(lang), low=fmt_probability(t.low),
              high=fmt_probability(t.high), drivers=drivers)


def _at_risk_item(t: HeadlineTarget, lang: str) -> str:
    """``目标 30%``; a bound "至少/至多 p"; a lower bound at 0 with what the measured part
    reaches."""
    key = "at_risk_item" if not t.bound else f"at_risk_{t.bound}"
    if t.bound == "lower" and not math.isnan(t.share):
        key = "at_risk_lower_zero"
    return _t(key, lang, label=t.label(lang), p=fmt_probability(t.probability),
              share=f"{t.share:.0%}" if not math.isnan(t.share) else "")


def _year_sentence(y: YearHeadline, lang: str) -> str:
    parts: list[str] = [_t(f"judged_{k}", lang, n=n) for k, n in y.judged]
    if y.in_scope == 0:
        parts.append(_t("none", lang))
    elif y.with_probability:
        parts.append(_t("likely", lang, n=y.in_scope, likely=y.likely,
                        edge=fmt_probability(LIKELY)))
    else:
        parts.append(_t("likely_none", lang, n=y.in_scope))
    if y.at_risk:
        items = _t("list", lang).join(_at_risk_item(t, lang) for t in y.at_risk)
        if y.n_at_risk > len(y.at_risk):
            items += _t("at_risk_more", lang)
        parts.append(_t("at_risk", lang, n=y.n_at_risk, edge=fmt_probability(AT_RISK),
                        items=items))
    if y.ranges:
        items = _t("list", lang).join(_range_item(t, lang) for t in y.ranges)
        if y.n_ranges > len(y.ranges):
            items += _t("at_risk_more", lang)
        key = "ranges_prior" if any(t.prior for t in y.ranges) else "ranges"
        parts.append(_t(key, lang, n=y.n_ranges, items=items))
    cannot = []
    if y.already_met:
        cannot.append(_t("cannot_met", lang, n=y.already_met))
    if y.set_by_lever:
        cannot.append(_t("cannot_lever", lang, n=y.set_by_lever))
    if any(t.fixed is None for t in y.ranges):
        cannot.append(_t("cannot_range", lang))
    if cannot:
        parts.append(_t("cannot", lang, items=_t("list", lang).join(cannot)))
    if y.up is not None and (y.up or y.down):
        parts.append(_t("moves", lang, up=y.up, down=y.down, moved=f"{MOVED * 100:g}"))
    if y.outside:
        parts.append(_t("outside", lang, n=y.outside))
    return _t("year", lang, year=y.year) + _t("join", lang).join(parts) + _t("end", lang)


def vintage_sentence(vintage: DataVintage, lang: str) -> str:
    """``数据截至 2023 年(其中研发投入强度为初步数)。``"""
    text = _t("vintage", lang, year=vintage.year)
    if vintage.preliminary:
        registry = load_indicators()
        names = [registry[i].label(lang) if i in registry else i for i in vintage.preliminary]
        text += _t("vintage_prelim", lang, items=_t("list", lang).join(names))
    return text + _t("end", lang)


def headline_sentences(h: Headline, lang: str) -> list[str]:
    """The headline as sentences in ``lang``: one per target year, then the data vintage."""
    out = [_year_sentence(y, lang) for y in h.years]
    if h.vintage is not None:
        out.append(vintage_sentence(h.vintage, lang))
    return out
