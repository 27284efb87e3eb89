"""Wording of sensitivity studies: one plain paragraph per target, and the ``summary.md`` report.

The sentences, in both languages, are the texts ``sensitivity.*`` of
``wording/texts/reports_effects.yaml``. The indices themselves come from
:mod:`suzhou_sim.studies.sensitivity`; this module only reads them and writes sentences.
"""

from __future__ import annotations

import pandas as pd

from ..catalogues.scenarios import load_assumptions
from ..catalogues.targets import load_targets
from ..errors import InputError
from ..studies.sensitivity import NEGLIGIBLE_MU_STAR, NEGLIGIBLE_ST
from ..wording import say, table
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


def _t(key: str, lang: str, **values: object) -> str:
    return say(f"sensitivity.{key}", lang, **values)


def _target_phrase(target_id: str, lang: str) -> str:
    t = load_targets().get(target_id)
    if t is None:
        return target_id
    cmp = {">=": "≥", "~": _t("about", lang)}[t.comparator]
    return _t("target", lang, id=target_id, label=t.label(lang), year=t.year, cmp=cmp,
              threshold=_num(t.threshold), unit=t.unit)


def _join(items: list[str], lang: str) -> str:
    """``a、b和c`` / ``a, b and c``."""
    if len(items) == 1:
        return items[0]
    return _t("list", lang).join(items[:-1]) + _t("and", lang) + items[-1]


def _sentences(parts: list[str], lang: str) -> str:
    # Chinese sentences follow each other without a space
    return ("" if lang == "zh" else " ").join(parts)


def _item(key: str, i: int, lang: str, **values: object) -> str:
    """One factor of a list: the first with its kind and index name; in Chinese the others
    with the value only, in English with their kind too."""
    key = f"{key}_first" if i == 0 else key if lang == "zh" else f"{key}_kind"
    return _t(key, lang, **values)


def _summary_rows(indices: pd.DataFrame, target_id: str) -> pd.DataFrame:
    """The rows to summarise for one target: the margin (whether it is reached) if present."""
    rows = indices[indices["target_id"] == target_id]
    output = "margin" if (rows["output"] == "margin").any() else rows["output"].iloc[0]
    return rows[rows["output"] == output]


def _question(rows: pd.DataFrame, what: str, lang: str) -> str:
    """The subject of the paragraph: the size of the effect of a lever step, or whether the
    target is reached."""
    key = ("question_effect" if not rows.empty and rows["output"].iloc[0] == "effect"
           else "question_reached")
    return _t(key, lang, what=what)


def _sobol_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    what = _target_phrase(target_id, lang)
    subject = _question(rows, what, lang)
    rows = rows.dropna(subset=["ST"]).sort_values("ST", ascending=False)
    if rows.empty:
        return _t("sobol_none", lang, what=what)
    total = len(rows)
    major = rows[rows["ST"] >= NEGLIGIBLE_ST]
    kind = _KIND[lang]
    parts: list[str] = []
    if float(rows["ST"].abs().max()) < 1e-9:
        return _t("sobol_flat", lang, what=what)
    if major.empty:
        top = rows.iloc[0]
        parts.append(_t("sobol_no_single", lang, subject=subject,
                        factor=_factor_label(top.factor, lang), st=top.ST))
    else:
        named = major.head(3)
        items = [_item("sobol_item", i, lang, factor=_factor_label(r.factor, lang),
                       kind=kind[r.kind], st=r.ST)
                 for i, r in enumerate(named.itertuples())]
        parts.append(_t("sobol_depends", lang, subject=subject, items=_join(items, lang)))
        kinds_present = set(rows["kind"])
        for k in ("assumption", "calibrated"):
            if k not in kinds_present or len(kinds_present) == 1:
                continue
            these = major[major["kind"] == k]
            unnamed = these[~these["factor"].isin(named["factor"])]
            if these.empty:
                parts.append(_t(f"none_{k}", lang))
            elif not unnamed.empty:
                r = unnamed.iloc[0]
                parts.append(_t(f"next_{k}", lang, factor=_factor_label(r.factor, lang),
                                st=r.ST))
    s1_sum = float(rows["S1"].clip(lower=0).sum())
    if s1_sum < 0.7 and not major.empty:
        parts.append(_t("interactions", lang, share=s1_sum))
    minor = total - len(major)
    if minor:
        parts.append(_t("sobol_minor", lang, minor=minor, total=total, edge=NEGLIGIBLE_ST))
    widest = float(major["ST_conf"].max()) if not major.empty else 0.0
    if widest > 0.1:
        parts.append(_t("wide", lang, widest=widest))
    return _sentences(parts, lang)


def _morris_text(rows: pd.DataFrame, target_id: str, lang: str) -> str:
    what = _target_phrase(target_id, lang)
    subject = _question(rows, what, lang)
    rows = rows.dropna(subset=["mu_star"]).sort_values("mu_star", ascending=False)
    t = load_targets().get(target_id)
    unit = f" {t.unit}" if t is not None else ""
    if rows.empty or rows["mu_star"].iloc[0] <= 0:
        return _t("morris_none", lang, what=what)
    top_mu = float(rows["mu_star"].iloc[0])
    major = rows[rows["mu_star"] >= NEGLIGIBLE_MU_STAR * top_mu]
    kind = _KIND[lang]
    items = [_item("morris_item", i, lang, factor=_factor_label(r.factor, lang),
                   kind=kind[r.kind], mu=_num(r.mu_star), unit=unit)
             for i, r in enumerate(major.head(3).itertuples())]
    parts = [_t("morris_depends", lang, subject=subject, items=_join(items, lang))]
    bent = major[major["sigma"] > major["mu_star"]]["factor"].head(3).tolist()
    if bent:
        parts.append(_t("morris_bent", lang,
                        factors=_join([_factor_label(b, lang) for b in bent], lang)))
    minor = len(rows) - len(major)
    if minor:
        parts.append(_t("morris_minor", lang, minor=minor, total=len(rows)))
    return _sentences(parts, lang)


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
    title = f"{_t('title', 'en')} · {_t('title', 'zh')}"
    lines = [f"# {title}: {meta.get('scenario', '')}", ""]
    lines += ["| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in meta.items()]
    lines += ["", _t("factors", "en", edge=NEGLIGIBLE_ST), "",
              _t("factors", "zh", edge=NEGLIGIBLE_ST), "",
              f"![factor x target]({charts['heatmap']})", ""]
    if notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    for lang in ("en", "zh"):
        lines += [f"## {_t('language', lang)}", ""]
        for target_id, text in summarise(indices, lang).items():
            lines += [f"### {target_id}", "", text, ""]
            if lang == "en":  # the charts once, under the first language
                lines += [f"![{target_id}]({charts[target_id]})", ""]
    return "\n".join(lines)
