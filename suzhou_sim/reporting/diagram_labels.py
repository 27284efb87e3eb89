"""Bilingual text of the stock-and-flow diagram: variable, sector and frame labels.

Lives here: the Chinese and English label of every variable the diagram draws (stocks, their
flows, the variables on the feedback loops), of the README's sectors and of the diagram's own
frames. English labels are the model's variable names (so the diagram matches the ``.mdl``
and the loops table of ``model/README.md``); the Chinese ones follow the app's wording
(``app/text.py``'s loop paths, the indicator registry). An accounting counter
``Cumulative X`` is labelled "累计" + the label of ``X``.

:func:`structure_diagram.structure_dot <suzhou_sim.reporting.structure_diagram.structure_dot>`
asks :func:`node_label`, :func:`sector_label` and :func:`frame_label`; a variable missing
from the table keeps its model name in either language (the app's test of the diagram lists
any such name). Must not: read the model or draw anything.
"""

from __future__ import annotations

from .labels import in_language

__all__ = ["VARIABLE_LABELS", "SECTOR_LABELS", "node_label", "sector_label", "frame_label"]

#: Model variable -> (Chinese, English).
VARIABLE_LABELS: dict[str, tuple[str, str]] = {
    # macro (assumptions)
    "GDP": ("地区生产总值", "GDP"),
    "GDP growth": ("地区生产总值增速", "GDP growth"),
    "Industrial output": ("工业总产值", "Industrial output"),
    "Industrial output growth": ("工业总产值增速", "Industrial output growth"),
    # enterprise pipeline
    "Tech SME pool": ("科技型中小企业储备", "Tech SME pool"),
    "New tech SMEs": ("新入库科技型中小企业", "New tech SMEs"),
    "Renewal failures": ("复审未通过", "Renewal failures"),
    "First time recognitions": ("首次认定", "First time recognitions"),
    "SME exits": ("科技型中小企业退出", "SME exits"),
    "High tech enterprises": ("高新技术企业", "High tech enterprises"),
    "HTE recognitions": ("高企认定", "HTE recognitions"),
    "Certificate expiries": ("证书到期", "Certificate expiries"),
    "HTE exits": ("高企退出", "HTE exits"),
    "HTE revocations": ("高企资格撤销", "HTE revocations"),
    "Renewal share": ("续期比例", "Renewal share"),
    "Gazelle firms": ("瞪羚企业", "Gazelle firms"),
    "Gazelles selected": ("瞪羚企业入选", "Gazelles selected"),
    "Gazelle graduations": ("瞪羚企业毕业", "Gazelle graduations"),
    "Unicorn cultivation firms": ("独角兽培育企业", "Unicorn cultivation firms"),
    "New unicorn cultivation": ("新增独角兽培育企业", "New unicorn cultivation"),
    "Listed companies": ("上市公司", "Listed companies"),
    "New listings": ("新上市企业", "New listings"),
    "Delistings": ("退市", "Delistings"),
    "Tech firm formation": ("科技型企业新设", "Tech firm formation"),
    "HTE job effect": ("企业带动就业", "HTE job effect"),
    "Talent effect on formation": ("人才对创业的带动", "Talent effect on formation"),
    "Firms in pipeline": ("培育中的企业", "Firms in pipeline"),
    "Eligible firm base": ("可培育企业基数", "Eligible firm base"),
    "Eligible headroom": ("可培育余量", "Eligible headroom"),
    "Eligible headroom effect": ("可培育余量效应", "Eligible headroom effect"),
    # talent
    "High level talent": ("高层次人才", "High level talent"),
    "Talent attraction": ("人才引进", "Talent attraction"),
    "Talent attrition": ("人才流失", "Talent attrition"),
    "Foreign share of talent inflow": ("引进人才中外籍占比", "Foreign share of talent inflow"),
    "Foreign high end talent": ("外籍高端人才", "Foreign high end talent"),
    "Leading talents": ("领军人才", "Leading talents"),
    "Leading talent awards": ("领军人才立项", "Leading talent awards"),
    "Major innovation teams": ("重大创新团队", "Major innovation teams"),
    "Major team awards": ("重大创新团队立项", "Major team awards"),
    "Top talent teams": ("顶尖人才团队", "Top talent teams"),
    "Top team awards": ("顶尖人才团队立项", "Top team awards"),
    "Strategic scientists": ("战略科学家", "Strategic scientists"),
    "Strategic scientists per top team": ("每个顶尖团队的战略科学家",
                                          "Strategic scientists per top team"),
    # R&D
    "Real RD": ("实际研发投入", "Real RD"),
    "Knowledge stock": ("知识存量", "Knowledge stock"),
    "Knowledge depreciation": ("知识折旧", "Knowledge depreciation"),
    "Knowledge stock 2023": ("2023年知识存量", "Knowledge stock 2023"),
    "Tech market maturity": ("技术市场成熟度", "Tech market maturity"),
    "Maturity growth": ("成熟度提升", "Maturity growth"),
    # fund capital
    "New VC fund scale": ("新设创投基金规模", "New VC fund scale"),
    "Uncalled commitments": ("未实缴承诺", "Uncalled commitments"),
    "Capital calls": ("实缴出资", "Capital calls"),
    "VC investment": ("创投投资", "VC investment"),
    "VC portfolio": ("创投在投组合", "VC portfolio"),
    "VC portfolio 2023": ("2023年创投在投组合", "VC portfolio 2023"),
    "VC exits": ("创投退出", "VC exits"),
    "VC write offs": ("创投核销", "VC write offs"),
    "Exit proceeds": ("退出收益", "Exit proceeds"),
    "Recycled fundraising": ("循环募资", "Recycled fundraising"),
    "VC effect": ("创投效应", "VC effect"),
    # carriers
    "Carrier area": ("载体面积", "Carrier area"),
    "Carrier construction": ("载体建设", "Carrier construction"),
    "Carrier retirement": ("载体退役", "Carrier retirement"),
    "Carrier capacity": ("载体容量", "Carrier capacity"),
    "Tech SMEs registered": ("科技型中小企业入库数", "Tech SMEs registered"),
    "Carrier utilisation": ("载体利用率", "Carrier utilisation"),
    "Carrier space availability": ("载体空间可得率", "Carrier space availability"),
    "Carrier capacity effect": ("载体容量效应", "Carrier capacity effect"),
    # industry outcomes
    "Future industry output": ("未来产业产值", "Future industry output"),
    "Future industry growth": ("未来产业增长", "Future industry growth"),
    "Future effect": ("未来产业带动效应", "Future effect"),
    "Future industry phase": ("未来产业起步阶段", "Future industry phase"),
    # state conditioning (the runs start from the published state)
    "GDP state correction flow": ("GDP状态校正", "GDP state correction flow"),
    "Industrial output state correction flow": ("工业产值状态校正",
                                                "Industrial output state correction flow"),
    "HTE state correction flow": ("高企存量状态校正", "HTE state correction flow"),
    "SME pool state correction flow": ("科技型中小企业状态校正",
                                       "SME pool state correction flow"),
    "Listed state correction flow": ("上市公司状态校正", "Listed state correction flow"),
    # counted only by accounting counters ("Cumulative ...")
    "Unspent talent budget": ("未用人才预算", "Unspent talent budget"),
    "Guidance fund shortfall": ("引导基金出资缺口", "Guidance fund shortfall"),
    "Tech listings": ("科技企业上市", "Tech listings"),
    "Attraction projects": ("招引项目", "Attraction projects"),
    "Special fund": ("专项资金", "Special fund"),
    "RD expenditure": ("研发经费", "RD expenditure"),
}

#: Sector of ``model/README.md``'s "Sectors and stocks" table -> (Chinese, English).
SECTOR_LABELS: dict[str, tuple[str, str]] = {
    "Macro (assumptions)": ("宏观(外部假设)", "Macro (assumptions)"),
    "Enterprise pipeline": ("企业梯队", "Enterprise pipeline"),
    "Talent": ("人才", "Talent"),
    "R&D": ("研发与知识", "R&D"),
    "Fund capital": ("基金资本", "Fund capital"),
    "Carriers": ("创新载体", "Carriers"),
    "Industry outcomes": ("产业成果", "Industry outcomes"),
    "Accounting": ("累计计数器", "Accounting"),
}

#: The diagram's own frames and notes -> (Chinese, English).
_FRAMES: dict[str, tuple[str, str]] = {
    "accounting": ("累计计数器(仅用于统计,不影响其他变量)",
                   "Accounting counters (they record flows and feed nothing)"),
}

_CUMULATIVE = "Cumulative "


def node_label(name: str, lang: str) -> str:
    """Label of model variable ``name`` in ``lang`` (``zh``: Chinese, else English).

    ``Cumulative X`` takes "累计" + the label of ``X`` (matched without regard to case); a
    name the table lacks is returned as it is.
    """
    if name in VARIABLE_LABELS:
        return in_language(VARIABLE_LABELS[name], lang)
    if name.startswith(_CUMULATIVE):
        rest = name.removeprefix(_CUMULATIVE)
        match = next((v for k, v in VARIABLE_LABELS.items() if k.lower() == rest.lower()), None)
        if match is not None:
            return f"累计{match[0]}" if lang == "zh" else name
    return name


def sector_label(sector: str, lang: str) -> str:
    """Label of a README sector in ``lang`` (the README's name when the table lacks it)."""
    return in_language(SECTOR_LABELS[sector], lang) if sector in SECTOR_LABELS else sector


def frame_label(key: str, lang: str) -> str:
    """Text of the diagram's own frame ``key`` (``accounting``) in ``lang``."""
    return in_language(_FRAMES[key], lang)
