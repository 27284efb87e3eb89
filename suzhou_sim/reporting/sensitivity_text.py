"""Wording of sensitivity studies: one plain paragraph per target, and the ``summary.md`` report.

Both languages live here. The indices themselves come from
:mod:`suzhou_sim.studies.sensitivity`; this module only reads them and writes sentences.
"""

from __future__ import annotations

import pandas as pd

from ..catalogues.scenarios import load_assumptions
from ..catalogues.targets import load_targets
from ..errors import InputError
from ..studies.sensitivity import NEGLIGIBLE_MU_STAR, NEGLIGIBLE_ST
from ..wording import table
from ..wording.problems import Names

__all__ = ["summarise", "sensitivity_summary_markdown"]


_KIND = {lang: {k: pair[0 if lang == "zh" else 1] for k, pair in table("factor_kind").items()}
         for lang in ("en", "zh")}


def _num(x: float) -> str:
    """Readable number: thousands separators for large values, 3 significant digits else."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def _factor_label(name: str, lang: str) -> str:
    if lang == "zh":
        by_vensim = {a.vensim: a for a in load_assumptions().values()}
        if name in by_vensim:
            return by_vensim[name].label_zh
    return name


def _target_phrase(target_id: str, lang: str) -> str:
    t = load_targets().get(target_id)
    if t is None:
        return target_id
    cmp = {"en": {">=": "≥", "~": "about"}, "zh": {">=": "≥", "~": "约"}}[lang][t.comparator]
    if lang == "zh":
        return f"{target_id}({t.label_zh},{t.year}年{cmp}{_num(t.threshold)} {t.unit})"
    return f"{target_id} ({t.label_en} {cmp} {_num(t.threshold)} {t.unit} in {t.year})"


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _summary_rows(indices: pd.DataFrame, target_id: str) -> pd.DataFrame:
    """The rows to summarise for one target: the margin (whether it is reached) if present."""
    rows = indices[indices["target_id"] == target_id]
    output = "margin" if (rows["output"] == "margin").any() else rows["output"].iloc[0]
    return rows[rows["output"] == output]


def _question(rows: pd.DataFrame, what: str, lang: str) -> tuple[str, str]:
    """How the paragraph asks its question: (English subject, Chinese subject) for an effect
    of a lever step, or whether the target is reached."""
    if not rows.empty and rows["output"].iloc[0] == "effect":
        return (f"How much the lever step changes {what}" if lang == "en"
                else f"杠杆步长对{what}的效果大小")
    return (f"Whether {what} is reached" if lang == "en" else f"{what}能否实现")


def _sobol_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    zh = lang == "zh"
    what = _target_phrase(target_id, lang)
    subject = _question(rows, what, lang)
    rows = rows.dropna(subset=["ST"]).sort_values("ST", ascending=False)
    if rows.empty:
        return (f"{what}的敏感性无法估计:其裕度在各因素范围内不变或不是有限数。" if zh else
                f"The sensitivity of {what} cannot be estimated: its margin is constant over "
                "the factor ranges or not finite.")
    total = len(rows)
    major = rows[rows["ST"] >= NEGLIGIBLE_ST]
    kind = _KIND[lang]
    parts: list[str] = []
    if float(rows["ST"].abs().max()) < 1e-9:
        return (f"{what}的裕度在各因素范围内几乎不变(所有ST约为0):没有因素改变它能否实现。"
                if zh else
                f"The margin of {what} hardly varies over the factor ranges (every ST is about "
                "0): no factor changes whether it is reached.")
    if major.empty:
        top = rows.iloc[0]
        parts.append(
            f"{subject}不取决于单个因素:最大的总效应指数是{_factor_label(top.factor, lang)}"
            f"(ST {top.ST:.2f})。" if zh else
            f"{subject} does not hinge on any single factor: the largest "
            f"total-order index is {top.factor}'s (ST {top.ST:.2f})."
        )
    else:
        named = major.head(3)
        items = [
            f"{_factor_label(r.factor, lang)}({kind[r.kind]},ST {r.ST:.2f})" if zh and i == 0
            else f"{_factor_label(r.factor, lang)}({r.ST:.2f})" if zh
            else f"{r.factor} ({kind[r.kind]}, ST {r.ST:.2f})" if i == 0
            else f"{r.factor} ({kind[r.kind]}, {r.ST:.2f})"
            for i, r in enumerate(named.itertuples())
        ]
        parts.append(f"{subject}主要取决于{_join(items, lang)}。" if zh else
                     f"{subject} depends mostly on {_join(items, lang)}.")
        kinds_present = set(rows["kind"])
        for k in ("assumption", "calibrated"):
            if k not in kinds_present or len(kinds_present) == 1:
                continue
            these = major[major["kind"] == k]
            unnamed = these[~these["factor"].isin(named["factor"])]
            if these.empty:
                parts.append(
                    ("没有假设的ST达到0.05:结论取决于由历史数据校准的参数,而非对未来的假设。"
                     if k == "assumption" else
                     "没有校准参数的ST达到0.05:结论取决于对未来的假设。") if zh else
                    ("No assumption reaches ST 0.05: the answer rests on the parameters "
                     "calibrated to the observed history, not on what is assumed about the "
                     "future." if k == "assumption" else
                     "No calibrated parameter reaches ST 0.05: the answer rests on the "
                     "assumptions about the future.")
                )
            elif not unnamed.empty:
                r = unnamed.iloc[0]
                label = _factor_label(r.factor, lang)
                parts.append(
                    f"{'假设' if k == 'assumption' else '校准参数'}中其次是{label}"
                    f"(ST {r.ST:.2f})。" if zh else
                    f"Among the {'assumptions' if k == 'assumption' else 'calibrated parameters'}"
                    f", {r.factor} (ST {r.ST:.2f}) also matters."
                )
    s1_sum = float(rows["S1"].clip(lower=0).sum())
    if s1_sum < 0.7 and not major.empty:
        parts.append(f"一阶效应只解释约{s1_sum:.0%}的方差,其余来自因素之间的交互作用。" if zh else
                     f"First-order effects explain only about {s1_sum:.0%} of the variance; "
                     "the rest comes from interactions between factors.")
    minor = total - len(major)
    if minor:
        parts.append(f"其余{minor}个因素(共{total}个)的ST低于{NEGLIGIBLE_ST:g},几乎没有影响。"
                     if zh else
                     f"The other {minor} of {total} factors have ST below {NEGLIGIBLE_ST:g} "
                     "and hardly matter.")
    widest = float(major["ST_conf"].max()) if not major.empty else 0.0
    if widest > 0.1:
        parts.append(f"置信区间较宽(最大±{widest:.2f}),增加样本数可得到更稳定的估计。" if zh else
                     f"Confidence intervals are wide (up to ±{widest:.2f}); more samples "
                     "would firm up these figures.")
    return ("" if zh else " ").join(parts)


def _morris_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    zh = lang == "zh"
    what = _target_phrase(target_id, lang)
    subject = _question(rows, what, lang)
    rows = rows.dropna(subset=["mu_star"]).sort_values("mu_star", ascending=False)
    t = load_targets().get(target_id)
    unit = f" {t.unit}" if t is not None else ""
    if rows.empty or rows["mu_star"].iloc[0] <= 0:
        return (f"{what}在各因素范围内不变:没有因素影响它。" if zh else
                f"{what} does not change over the factor ranges: no factor affects it.")
    top_mu = float(rows["mu_star"].iloc[0])
    major = rows[rows["mu_star"] >= NEGLIGIBLE_MU_STAR * top_mu]
    kind = _KIND[lang]
    items = [
        f"{_factor_label(r.factor, lang)}({kind[r.kind]},μ* {_num(r.mu_star)}{unit})" if i == 0
        else f"{_factor_label(r.factor, lang)}({_num(r.mu_star)})" if zh
        else f"{r.factor} ({kind[r.kind]}, μ* {_num(r.mu_star)}{unit})" if i == 0
        else f"{r.factor} ({kind[r.kind]}, {_num(r.mu_star)})"
        for i, r in enumerate(major.head(3).itertuples())
    ]
    parts = [f"{subject}主要取决于{_join(items, lang)}(μ*为因素取遍其范围时的平均绝对效应)。"
             if zh else
             f"{subject} depends mostly on {_join(items, lang)} (μ*: mean "
             "absolute effect of moving the factor across its range)."]
    bent = major[major["sigma"] > major["mu_star"]]["factor"].head(3).tolist()
    if bent:
        labels = [_factor_label(b, lang) for b in bent]
        parts.append(f"{_join(labels, lang)}的σ大于μ*:其效应是非线性的或取决于其他因素。" if zh
                     else f"For {_join(labels, lang)}, σ exceeds μ*: the effect is nonlinear "
                     "or depends on other factors.")
    minor = len(rows) - len(major)
    if minor:
        parts.append(f"其余{minor}个因素(共{len(rows)}个)的μ*低于最大值的5%,几乎没有影响。" if zh
                     else f"The other {minor} of {len(rows)} factors have μ* below 5% of the "
                     "largest and hardly matter.")
    return ("" if zh else " ").join(parts)


def summarise(indices: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """One plain-language paragraph per target naming the factors that decide it.

    Parameters
    ----------
    indices : pandas.DataFrame
        Output of :func:`sobol` / :func:`morris` (or the generic core). The margin is
        summarised when present (it says whether the target is reached), else the value.
    lang : {"en", "zh"}

    Returns
    -------
    dict[str, str]
        Target id -> paragraph, in the order of ``indices``.
    """
    if lang not in _KIND:
        raise InputError(code="err.unknown_language", value=lang, allowed=Names(("en", "zh")))
    out = {}
    for target_id in dict.fromkeys(indices["target_id"]):
        rows = _summary_rows(indices, target_id)
        text = _sobol_text if rows["method"].iloc[0] == "sobol" else _morris_text
        out[target_id] = text(rows, target_id, lang)
    return out


def sensitivity_summary_markdown(
    indices: pd.DataFrame,
    meta: dict[str, str],
    charts: dict[str, str],
    notes: list[str] | None = None,
) -> str:
    """The ``summary.md`` report: settings, then one paragraph per target in both languages.

    Parameters
    ----------
    indices : pandas.DataFrame
        Output of :func:`suzhou_sim.studies.sensitivity.sobol` or ``morris``.
    meta : dict[str, str]
        Settings shown as a table (scenario, method, samples, runs, ...).
    charts : dict[str, str]
        Target id -> chart file, and ``"heatmap"``.
    notes : list of str, optional
        Warnings of the analysis (outputs that do not vary, too few samples).
    """
    lines = [f"# Sensitivity of the targets · 目标敏感性分析: {meta.get('scenario', '')}", ""]
    lines += ["| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in meta.items()]
    lines += [
        "",
        "Factors: the calibrated parameters, each varied over the 5-95% range of its "
        "posterior (the values the observed history allows), and the scenario's uncertain "
        "assumptions over their low-high range; all uniform and independent (posterior "
        "correlations are ignored). Outputs: each in-scope target's margin in its target "
        "year (value minus the level from which it counts as reached), or, for the "
        "sensitivity of a policy effect (`--effect-of`), the paired difference of the "
        "target's value with and without the lever step on the same factor values. "
        f"Sobol ST below {NEGLIGIBLE_ST:g} means the factor hardly matters; the factor "
        "ranges are listed in `factors.csv`, all indices in `indices.csv`.",
        "",
        "因素:校准参数在其后验分布5%-95%范围内变化(历史数据允许的取值),情景中不确定的假设在其"
        "低值至高值范围内变化;均为相互独立的均匀分布(忽略后验相关性)。输出:各目标在目标年份的"
        "裕度(取值减去达标所需水平);政策效果敏感性(`--effect-of`)则为同一组因素取值下有无杠杆步长的"
        f"目标取值配对差。ST低于{NEGLIGIBLE_ST:g}表示该因素几乎没有影响。",
        "",
        f"![factor x target]({charts['heatmap']})",
        "",
    ]
    if notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## English", ""]
    for target_id, text in summarise(indices, "en").items():
        lines += [f"### {target_id}", "", text, "", f"![{target_id}]({charts[target_id]})", ""]
    lines += ["## 中文", ""]
    for target_id, text in summarise(indices, "zh").items():
        lines += [f"### {target_id}", "", text, ""]
    return "\n".join(lines)
