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
from ..wording import say, table

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
    "bound_label",
    "FIELDS_ZH",
    "LOOP_PATHS_ZH",
    "loop_path",
]

LANGS: tuple[str, ...] = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}  # zh-ok: each language by its own name

# Strings added here (key -> (Chinese, English)) are used before the data files of the wording
# room (suzhou_sim/wording/texts/app.yaml, where the app's texts live); keep it for texts a
# change adds in passing and move them to the data file afterwards.
_STRINGS: dict[str, tuple[str, str]] = {}

# Feedback-loop paths in Chinese; English shows the path of model/README.md (the .mdl names).
# Both are in wording/texts/phrases_scenario.yaml (loop_path.<code>).
LOOP_PATHS_ZH = {k: zh for k, (zh, _) in table("loop_path").items()}

# Top-level fields of a scenario file in Chinese (field.<name>).
FIELDS_ZH = {k: zh for k, (zh, _) in table("field").items()}
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
