"""The wording of the headline (结论摘要) in Chinese and English: one sentence per target year.

Lives here: the assembly of the headline of :mod:`suzhou_sim.reporting.headline` (the app's
scoreboard, the Word report and the Excel summary all use these sentences), the sentence on
the data vintage, and the label of a conditional probability, from the phrases of
``wording/texts/phrases_headline.yaml``.

Must not: compute anything from a run (the numbers come in a
:class:`~suzhou_sim.reporting.headline.Headline`), import the app or Streamlit.
"""

from __future__ import annotations

import math

from ..catalogues.indicators import load_indicators
from ..catalogues.observations import DataVintage
from ..wording import say, texts
from .headline import AT_RISK, LIKELY, MOVED, Headline, HeadlineTarget, YearHeadline
from .labels import fmt_probability, fmt_quantity, in_language

__all__ = ["HEADLINE_TITLE", "headline_sentences", "vintage_sentence", "conditional_label"]

#: Heading of the headline: (Chinese, English).
HEADLINE_TITLE = (say("headline_title", "zh"), say("headline_title", "en"))


def _t(key: str, lang: str, **values: object) -> str:
    # English agreement with a count: the phrase ``<key>_one`` for one (Chinese has none)
    if values.get("n") == 1 and f"headline.{key}_one" in texts():
        key = f"{key}_one"
    return say(f"headline.{key}", lang, **values)


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
