"""Bilingual (中文 / English) interface strings of the Streamlit app (and its number formatting).

Lives here: :func:`tr`, the app's look-up of the interface texts it writes itself (labels of
its own widgets, headings, captions, help). The texts live in the wording room
(``suzhou_sim/wording/texts/app.yaml``, read by :func:`suzhou_sim.wording.say`); ``_STRINGS``
below holds only texts added in passing, used before the data file. Problems of bad input are
rendered from their codes (:mod:`suzhou_sim.wording.problems`), never translated from English.
The display names of the model's units and plan periods and the
formatting of numbers, probabilities and differences are shared with the reports and live in
:mod:`suzhou_sim.reporting.labels`; they are re-exported here for the app's modules. Labels of
levers, assumptions, targets, indicators and regions are not here: they come from the
catalogues, the ledger and the registry.
Must not: import Streamlit, run the model or read project files.
"""

from __future__ import annotations

from ..reporting.labels import (
    fmt_points,
    fmt_probability,
    fmt_quantity,
    fmt_value,
    in_language,
    period_label,
    unit_label,
)
from ..reporting.markdown import STATUS_TEXT
from ..wording import say
from ..wording.problems import render_lines

__all__ = [
    "LANGS",
    "LANG_NAMES",
    "tr",
    "unit_label",
    "fmt_value",
    "fmt_quantity",
    "fmt_probability",
    "fmt_points",
    "period_label",
    "comparator_label",
    "multiselect_text",
    "url_problem",
    "bound_label",
    "FIELDS_ZH",
    "LOOP_PATHS_ZH",
    "loop_path",
]

LANGS: tuple[str, ...] = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

# Strings added here (key -> (Chinese, English)) are used before the data files of the wording
# room (suzhou_sim/wording/texts/app.yaml, where the app's texts live); keep it for texts a
# change adds in passing and move them to the data file afterwards.
_STRINGS: dict[str, tuple[str, str]] = {}

# Feedback-loop paths in Chinese; English shows the path of model/README.md (the .mdl names).
LOOP_PATHS_ZH = {
    "R1": (
        "高新技术企业 → 企业带动就业 → 人才引进 → 高层次人才 → 人才对创业的带动 → 科技型企业新设 → "
        "科技型中小企业储备 → 首次认定 → 高新技术企业"),
    "R2": (
        "新设创投基金规模 → 未实缴承诺 → 实缴出资(= 创投投资)→ 创投在投组合 → 创投退出 → "
        "退出收益 → 循环募资 → 新设创投基金规模;创投效应联动企业新设、独角兽培育和上市"),
    "B1": (
        "首次认定消耗科技型中小企业储备,从而降低此后的认定数"),
    "B2": (
        "科技型中小企业储备 / 载体容量 → 载体利用率 → 载体容量效应(查表)→ 科技型企业新设;"
        "人才奖励受合格申请人数量限制(预算约束与申请人约束取较小值)"),
    "B3": (
        "高企认定 →(三年)→ 证书到期 → 退出高新技术企业存量,仅“续期比例”部分回流"),
    "B4": (
        "科技型中小企业储备 + 高新技术企业 = 培育中的企业 → "
        "可培育余量(可培育企业基数中尚未占用的比例) → 可培育余量效应 → "
        "科技型企业新设:基数用尽时企业新设放缓"),
}

# Top-level fields of a scenario file in Chinese.
FIELDS_ZH = {
    "name": "情景代号(name)", "title_en": "英文标题(title_en)", "title_zh": "中文标题(title_zh)",
    "description": "说明(description)", "rationale": "依据(rationale)", "region": "地区(region)",
    "draws": "抽样次数(draws)", "seed": "随机种子(seed)", "levers": "政策杠杆(levers)",
    "assumptions": "外部假设(assumptions)", "default": "默认值", "low": "下限", "high": "上限",
}
# The statuses' definitions hold the rules' numbers: filled in once by the reports.
_STATUS_DEFS = {f"status_def_{k}": (zh, en) for k, (_, _, en, zh) in STATUS_TEXT.items()}

_BOUNDS = {"lower": "bound_lower", "upper": "bound_upper", "exact": "bound_exact",
           "approx": "bound_exact"}


def tr(key: str, lang: str, **values: object) -> str:
    """Interface text ``key`` in ``lang`` (``zh`` or ``en``), with ``values`` filled in.

    Parameters
    ----------
    key : str
        A key of the string table.
    lang : {"zh", "en"}
        Language; anything but ``en`` gives Chinese (the default language).
    **values
        Values for the ``str.format`` placeholders of the text.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        For an unknown key (a programming error, not bad input;
        :class:`~suzhou_sim.wording.WordingKeyError`).
    """
    if key == "headline":  # the reports' heading, under its name of the wording room
        key = "headline_title"
    pair = _STRINGS.get(key) or _STATUS_DEFS.get(key)
    if pair is None:
        return say(key, lang, **values)
    text = in_language(pair, lang)
    return text.format(**values) if values else text


def loop_path(code: str, path: str, lang: str) -> str:
    """Path of feedback loop ``code``: Chinese words, or the README's ``path`` in English."""
    return LOOP_PATHS_ZH.get(code, path) if lang == "zh" else path


def url_problem(problem: object, lang: str) -> str:
    """One problem of the URL's parameters (``key=value: reason``) in ``lang``, from its code
    (a :class:`~suzhou_sim.wording.problems.Problem`; plain text is shown as written)."""
    return "; ".join(render_lines(problem, lang))


def multiselect_text(lang: str) -> dict:
    """Keyword arguments of a multiselect in ``lang``: its placeholder, and no "Select all"
    entry in Chinese (a fixed English text of Streamlit's)."""
    return {"placeholder": tr("choose", lang), "select_all": lang == "en"}


def comparator_label(comparator: str, lang: str) -> str:
    """``≥`` for ``>=``; ``约`` / ``about`` for ``~``."""
    return "≥" if comparator == ">=" else tr("about_prefix", lang)


def bound_label(bound: str, lang: str) -> str:
    """Name of an observation bound (lower, upper, exact/approx)."""
    return tr(_BOUNDS.get(bound, "bound_exact"), lang)
