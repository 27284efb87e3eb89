"""Bilingual wording of warnings: a stale calibration, a fund split of all zeros, library warnings.

Wording only (the sentences are in ``wording/texts/phrases_warnings.yaml``):
:func:`suzhou_sim.calibration.provenance.calibration_status` and
:func:`suzhou_sim.catalogues.scenarios.zero_split_periods` compute the facts; the CLI prints
these sentences on one line of stderr and the app shows them. Must not: compute anything.
"""

from __future__ import annotations

from ..calibration.provenance import Staleness
from ..wording import say, table
from .labels import period_label

__all__ = ["staleness_message", "zero_split_message", "library_warning_message"]

_INPUT_NAMES = table("calibration_input")


def staleness_message(status: Staleness, lang: str = "en") -> str:
    """One sentence saying why ``status``'s calibration is stale and what to do.

    Parameters
    ----------
    status : Staleness
        A stale status (see :func:`~suzhou_sim.calibration.provenance.calibration_status`).
    lang : {"en", "zh"}
    """
    zh = lang == "zh"
    command = f"suzhou-sim calibrate --region {status.region}"
    if not status.recorded:
        return say("stale_unrecorded", lang, region=status.region, folder=status.folder,
                   command=command)
    names = [_INPUT_NAMES.get(k, (k, k))[0 if zh else 1] for k in status.changed]
    return say("stale_changed", lang, region=status.region, command=command,
               inputs=say("list_sep", lang).join(names))


def zero_split_message(periods: list[str], lang: str = "en") -> str:
    """One sentence for plan periods whose special-fund split weights are all 0."""
    if lang == "zh":
        names = say("list_sep", lang).join(
            say("quoted", lang, text=period_label(p, lang, short=True)) for p in periods)
    else:
        names = say("list_sep", lang).join(periods)
    return say("zero_split_one" if len(periods) == 1 else "zero_split", lang, periods=names)


# Known library warnings: substring of the library's text -> key of its sentence in
# wording/texts/phrases_warnings.yaml. Anything else is named with its library and its first line.
_LIBRARY_WARNINGS = {
    "shorter than": "short_chain",
    "overflow": "overflow",
    "invalid value": "invalid_value",
    "divide by zero": "divide_by_zero",
    "convergence": "convergence",
}


def library_warning_message(library: str, text: str, lang: str = "en") -> str:
    """One sentence for a warning a library (emcee, SALib, SciPy, NumPy, ...) raised.

    Known warnings are said in ``lang``; any other names the library and quotes the first
    line of its text, so nothing reaches the user raw or on several lines.
    """
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    lowered = first.lower()
    for part, key in _LIBRARY_WARNINGS.items():
        if part in lowered:
            return say("library_warning", lang, library=library,
                       text=say(f"library_warning.{key}", lang))
    return say("library_warning_raw", lang, library=library, first=first)
