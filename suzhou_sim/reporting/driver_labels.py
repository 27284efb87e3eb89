"""Bilingual labels of the inputs that can drive a target's probability.

Lives here: the Chinese and English name of every calibrated parameter of
``model/calibration/parameters.yaml`` (the English one is the model's constant name), and
:func:`driver_label`, which names any driver of a range status (``prior_driven``: a drawn
assumption or a weakly informed parameter; ``assumption_driven``: the ledger's assumption)
from the assumption catalogue or this table. Must not: compute anything.
"""

from __future__ import annotations

from functools import lru_cache

from ..catalogues.scenarios import load_assumptions
from .labels import in_language

__all__ = ["PARAMETER_LABELS", "driver_label", "drivers_text"]

#: Calibrated parameter -> (Chinese, English).
PARAMETER_LABELS: dict[str, tuple[str, str]] = {
    "Initial GDP": ("初始地区生产总值", "Initial GDP"),
    "Historic GDP growth": ("历史GDP增速", "Historic GDP growth"),
    "Initial industrial output": ("初始工业总产值", "Initial industrial output"),
    "Historic industrial growth": ("历史工业增速", "Historic industrial growth"),
    "Initial SME pool": ("初始科技型中小企业储备", "Initial SME pool"),
    "Base formation rate": ("科技型中小企业基础形成率", "Base formation rate"),
    "SME loss rate": ("科技型中小企业流失率", "SME loss rate"),
    "Base application rate": ("高企基础申报率", "Base application rate"),
    "Initial HTE": ("初始高新技术企业数", "Initial HTE"),
    "Renewal share": ("高企续期比例", "Renewal share"),
    "Pre 2019 HTE growth": ("2019年前高企增速", "Pre 2019 HTE growth"),
    "HTE registering share": ("高企入库比例", "HTE registering share"),
    "Talent elasticity of formation": ("企业形成对人才的弹性", "Talent elasticity of formation"),
    "Initial gazelles": ("初始瞪羚企业数", "Initial gazelles"),
    "Gazelle selection fraction": ("瞪羚企业遴选比例", "Gazelle selection fraction"),
    "Initial unicorn cultivation": ("初始独角兽培育企业数", "Initial unicorn cultivation"),
    "Unicorn promotion rate": ("独角兽培育晋升率", "Unicorn promotion rate"),
    "Initial listed companies": ("初始上市公司数", "Initial listed companies"),
    "Tech listing propensity": ("科技企业上市倾向", "Tech listing propensity"),
    "Other listing rate": ("其他企业上市速率", "Other listing rate"),
    "Initial high level talent": ("初始高层次人才数", "Initial high level talent"),
    "Base talent attraction": ("人才基础引进率", "Base talent attraction"),
    "Job elasticity of talent": ("人才引进对就业的弹性", "Job elasticity of talent"),
    "Initial leading talents": ("初始领军人才数", "Initial leading talents"),
    "Leading talent budget share": ("领军人才资金占比", "Leading talent budget share"),
    "Initial major teams": ("初始重大创新团队数", "Initial major teams"),
    "Team budget share": ("创新团队资金占比", "Team budget share"),
    "RD per HTE": ("每家高企研发投入", "RD per HTE"),
    "Other business RD ratio": ("其他企业研发投入比率", "Other business RD ratio"),
    "Government RD ratio": ("政府研发投入比率", "Government RD ratio"),
    "Initial tech market maturity": ("初始技术市场成熟度", "Initial tech market maturity"),
    "Maturity speed": ("技术市场成熟速度", "Maturity speed"),
    "Max transfer rate": ("最大技术转移率", "Max transfer rate"),
    "Base high tech share": ("高新技术产业产值基础占比", "Base high tech share"),
    "Share elasticity of HTE density": ("高新产值占比对高企密度的弹性",
                                        "Share elasticity of HTE density"),
    "Share elasticity of knowledge": ("高新产值占比对知识存量的弹性",
                                      "Share elasticity of knowledge"),
    "Market fundraising ratio": ("市场化募资比率", "Market fundraising ratio"),
    "Eligible firms per GDP": ("每单位GDP的加计扣除适用企业", "Eligible firms per GDP"),
    "Marginal firm RD elasticity": ("边际企业研发弹性", "Marginal firm RD elasticity"),
}


@lru_cache(maxsize=1)
def _assumption_labels() -> dict[str, tuple[str, str]]:
    return {a.vensim: (a.label_zh, a.label_en) for a in load_assumptions().values()}


def driver_label(constant: str, lang: str = "zh") -> str:
    """The name of a driving input in ``lang``: the assumption catalogue's label, the
    calibrated parameter's, else the constant itself."""
    pair = _assumption_labels().get(constant) or PARAMETER_LABELS.get(constant)
    return in_language(pair, lang) if pair else constant


def drivers_text(drivers: object, lang: str = "zh") -> str:
    """The ``drivers`` cell of a scoreboard row (constants joined by ``; ``) as labels in
    ``lang`` joined by ``、``/``, ``; empty for a blank cell."""
    if not isinstance(drivers, str) or not drivers:
        return ""
    sep = ", " if lang == "en" else "、"
    return sep.join(driver_label(c.strip(), lang) for c in drivers.split(";"))
